"""Partitioned LP, C&S, SGC features and LNU scores equal the single-process ones.

Two jobs (2 and 4 gloo processes on loopback) each run every function on Cora,
Coauthor CS and a synthetic graph with isolated nodes, each graph partitioned
by a different method; the tests below check parts of their results against
the single-process functions in float64.
"""

import pytest
import torch
from prop_workers import CS_CONFIGS, LP_CONFIGS, bad_input_case, propagation_case

from graphlabels import distributed as D
from graphlabels import ops
from graphlabels.nonuniformity import non_uniformity
from graphlabels.nonuniformity.edge_drop import low_score_nodes
from graphlabels.propagation import correct_and_smooth, label_propagation

TOL = 1e-6
# graph -> partition method, per job size
METHODS = {
    2: {"cora": "metis", "cs": "rcm", "synthetic": "contiguous"},
    4: {"cora": "contiguous", "cs": "metis", "synthetic": "given"},
}


def _synthetic():
    """60 nodes, the last 8 isolated; rank 2 of 4 owns no node ("given")."""
    gen = torch.Generator().manual_seed(3)
    src = torch.randint(0, 52, (200,), generator=gen)
    dst = torch.randint(0, 52, (200,), generator=gen)
    ei = torch.stack([torch.cat([src, dst]), torch.cat([dst, src])])
    y = torch.randint(0, 3, (60,), generator=gen)
    part = torch.randint(0, 3, (60,), generator=gen)
    return ei, y, part + (part == 2).long()


def _prepare(edge_index, y, seed, x=None):
    gen = torch.Generator().manual_seed(seed)
    n = y.numel()
    c = int(y.max()) + 1
    train = torch.rand(n, generator=gen) < 0.2
    logits = 2 * torch.nn.functional.one_hot(y, c).double()
    logits += torch.randn(n, c, generator=gen, dtype=torch.float64)
    g = {
        "edge_index": edge_index,
        "y": y,
        "train": train,
        "logits": logits,
        "y_soft": logits.softmax(-1),
    }
    if x is not None:
        g["x"] = x.double()
    return g


@pytest.fixture(scope="module")
def graphs(data_root):
    from graphlabels.data import load

    cora = load("cora", root=data_root)
    cs = load("coauthor-cs", root=data_root)
    ei, y, part = _synthetic()
    out = {
        "cora": _prepare(cora.edge_index, cora.y, 0, cora.x[:, :128]),
        "cs": _prepare(cs.edge_index, cs.y, 1),
        "synthetic": _prepare(ei, y, 2, torch.randn(60, 5)),
    }
    out["synthetic"]["part"] = part
    return out


def _book(g, method, world):
    if method == "given":
        return D.partition_from_assignment(g["part"], world)
    return D.partition(g["edge_index"], world, method, num_nodes=g["y"].numel())


@pytest.fixture(scope="module", params=[2, 4])
def job(request, graphs):
    world = request.param
    books = {k: _book(graphs[k], m, world) for k, m in METHODS[world].items()}
    out = D.spawn(propagation_case, world, (graphs, books), timeout=180)
    return world, books, out[0]


@pytest.fixture(autouse=True)
def _cpu_backend():
    with ops.use_backend("cpu"):
        yield


def _close(a, b):
    assert a.dtype == b.dtype == torch.float64
    assert (a - b).abs().max().item() < TOL


def test_the_partitions_are_the_intended_ones(job, graphs):
    world, books, _ = job
    for name, book in books.items():
        assert book.method == METHODS[world][name]
        assert book.num_parts == world
        assert sum(book.sizes) == graphs[name]["y"].numel()
    if world == 4:
        assert books["synthetic"].sizes[2] == 0  # an empty rank took part


def test_label_propagation_matches(job, graphs):
    _, _, res = job
    for name, g in graphs.items():
        one_hot = torch.nn.functional.one_hot(g["y"]).double()
        for cfg, got in zip(LP_CONFIGS, res[name]["lp"], strict=True):
            ref = label_propagation(one_hot, g["edge_index"], g["train"], **cfg)
            _close(got, ref)
        ids = torch.where(g["train"], g["y"], -1)
        torch.set_default_dtype(torch.float64)
        try:
            ref = label_propagation(ids, g["edge_index"])
        finally:
            torch.set_default_dtype(torch.float32)
        _close(res[name]["lp_ids"], ref)


def test_correct_and_smooth_matches(job, graphs):
    _, _, res = job
    for name, g in graphs.items():
        for cfg, got in zip(CS_CONFIGS, res[name]["cs"], strict=True):
            ref = correct_and_smooth(
                g["y_soft"], g["y"], g["train"], g["edge_index"], **cfg
            )
            _close(got, ref)


def test_sgc_features_match(job, graphs):
    _, _, res = job
    for name in ("cora", "synthetic"):
        g = graphs[name]
        n = g["y"].numel()
        A = ops.CSR.from_edge_index(g["edge_index"], n)
        A = A.with_value(torch.ones(A.nnz, dtype=torch.float64))
        Ah = ops.gcn_norm(A)
        ref = ops.spmm(Ah, ops.spmm(Ah, g["x"]))
        _close(res[name]["sgc"], ref)
        ref32 = g["x"].float()
        Ah32 = ops.gcn_norm(ops.CSR.from_edge_index(g["edge_index"], n))
        for _ in range(3):
            ref32 = ops.spmm(Ah32, ref32)
        assert res[name]["sgc32"].dtype == torch.float32
        torch.testing.assert_close(res[name]["sgc32"], ref32, rtol=1e-5, atol=1e-6)


def test_non_uniformity_and_low_score_selection_match(job, graphs):
    _, _, res = job
    for name, g in graphs.items():
        score = non_uniformity(g["logits"])
        _close(res[name]["score"], score)
        tied = (score * 4).round() / 4
        for eta, mask in res[name]["low"].items():
            expected = torch.zeros_like(mask)
            expected[low_score_nodes(tied, eta)] = True
            assert torch.equal(mask, expected), (name, eta)


def test_halo_traffic_was_counted(job):
    _, _, res = job
    for name in ("cora", "cs"):
        assert res[name]["bytes"] > 0


def test_bad_inputs_fail_on_every_rank():
    ei, y, part = _synthetic()
    book = D.partition_from_assignment(part, 4)
    out = D.spawn(bad_input_case, 4, (ei, book), timeout=120)
    for errors in out:
        assert "selects no labelled node on any rank" in errors["no_label"]
        assert "y has no labelled node (all entries are -1)" in errors["all_minus_one"]
        assert "pass this rank's rows" in errors["rows"]
        assert "score contains NaN or inf" in errors["score_nan"]
