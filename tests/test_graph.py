import networkx as nx
import pytest
import scipy.sparse as sp
import torch

from graphlabels.graph import (
    Graph,
    coalesce,
    degree,
    is_undirected,
    pagerank,
    remove_self_loops,
    subgraph,
    to_undirected,
)


def path_graph() -> Graph:
    # 0 - 1 - 2 - 3, undirected, with features and labels
    ei = torch.tensor([[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]])
    return Graph(
        ei,
        x=torch.arange(8.0).view(4, 2),
        y=torch.tensor([0, 1, 0, 1]),
        train_mask=torch.tensor([True, False, False, False]),
        val_mask=torch.tensor([False, True, False, False]),
        test_mask=torch.tensor([False, False, True, True]),
    )


def test_basic_properties():
    g = path_graph()
    assert (g.num_nodes, g.num_edges, g.num_features, g.num_classes) == (4, 6, 2, 2)
    assert g.num_splits == 1 and g.is_undirected()
    assert g.degree().tolist() == [1.0, 2.0, 2.0, 1.0]
    assert "num_nodes=4" in repr(g)


def test_num_nodes_from_features_keeps_isolated_nodes():
    g = Graph(torch.tensor([[0], [1]]), x=torch.zeros(5, 3))
    assert g.num_nodes == 5


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            {"edge_index": torch.tensor([[0, 5], [1, 0]]), "num_nodes": 3},
            "edge_index has values >= num_nodes (max 5, num_nodes 3)",
        ),
        ({"edge_index": torch.tensor([0, 1])}, "edge_index must have shape [2, E]"),
        ({"edge_index": torch.tensor([[0.0], [1.0]])}, "edge_index must hold integers"),
        ({"edge_index": torch.tensor([[0], [-1]])}, "edge_index has negative values"),
        ({"x": torch.zeros(2, 2)}, "x has 2 rows but the graph has 3 nodes"),
        ({"x": torch.tensor([[0.0], [float("nan")], [1.0]])}, "x contains NaN or inf"),
        ({"y": torch.tensor([0.0, 1.0, 1.0])}, "y must hold integer class ids"),
        ({"y": torch.tensor([0, 1])}, "y has shape [2] but the graph has 3 nodes"),
        ({"edge_weight": torch.ones(5)}, "edge_weight has shape [5] but there are 2"),
        ({"train_mask": torch.ones(4, dtype=torch.bool)}, "train_mask has shape [4]"),
        (
            {"train_mask": torch.tensor([0, 1]), "test_mask": torch.tensor([1])},
            "train_mask and test_mask overlap (nodes [1])",
        ),
        ({"texts": ["a"]}, "texts has 1 entries but the graph has 3 nodes"),
        ({"train_mask": torch.tensor([7])}, "train_mask holds node index 7 outside"),
    ],
)
def test_bad_input_names_the_fix(kwargs, message):
    base = {"edge_index": torch.tensor([[0, 1], [1, 2]]), "num_nodes": 3}
    base.update(kwargs)
    if "edge_index" in kwargs and "num_nodes" not in kwargs:
        base.pop("num_nodes")
    with pytest.raises((ValueError, TypeError)) as err:
        Graph(**base)
    assert message in str(err.value)


def test_index_masks_become_bool_and_splits():
    ei = torch.tensor([[0, 1], [1, 2]])
    tr = torch.tensor([[True, False], [False, True], [False, False]])
    te = torch.tensor([[False, False], [False, False], [True, True]])
    g = Graph(ei, 3, train_mask=tr, test_mask=te)
    assert g.num_splits == 2
    s1 = g.split(1)
    assert s1.train_mask.tolist() == [False, True, False]
    with pytest.raises(IndexError, match="split 2 out of range"):
        g.split(2)
    idx = Graph(ei, 3, train_mask=torch.tensor([2, 0]))
    assert idx.train_mask.tolist() == [True, False, True]


def test_replace_drops_cache_only_on_structure_change():
    g = path_graph()
    g._cache["csr"] = "sentinel"
    assert g.replace(y=torch.tensor([1, 1, 0, 0]))._cache.get("csr") == "sentinel"
    assert "csr" not in g.replace(edge_index=g.edge_index[:, :2])._cache
    with pytest.raises(TypeError, match="no field"):
        g.replace(colour=1)


def test_coalesce_merges_duplicates_and_sorts():
    ei = torch.tensor([[2, 0, 0, 1], [0, 1, 1, 0]])
    w = torch.tensor([1.0, 2.0, 3.0, 4.0])
    out, ow = coalesce(ei, w, 3)
    assert out.tolist() == [[1, 2, 0], [0, 0, 1]]
    assert ow.tolist() == [4.0, 1.0, 5.0]
    _, first = coalesce(ei, w, 3, reduce="first")
    assert first.tolist() == [4.0, 1.0, 2.0]
    _, mx = coalesce(ei, w, 3, reduce="max")
    assert mx.tolist() == [4.0, 1.0, 3.0]


def test_to_undirected_and_is_undirected():
    ei = torch.tensor([[0, 1], [1, 2]])
    assert not is_undirected(ei)
    und, _ = to_undirected(ei)
    assert und.size(1) == 4 and is_undirected(und)


def test_self_loops_and_degree():
    ei = torch.tensor([[0, 1, 1], [1, 1, 0]])
    no, w = remove_self_loops(ei, torch.tensor([1.0, 2.0, 3.0]))
    assert no.tolist() == [[0, 1], [1, 0]] and w.tolist() == [1.0, 3.0]
    assert degree(torch.tensor([0, 0, 2]), 4).tolist() == [2.0, 0.0, 1.0, 0.0]


def test_pagerank_matches_networkx():
    g = torch.Generator().manual_seed(0)
    ei = torch.randint(80, (2, 200), generator=g)
    ref_graph = nx.Graph()
    ref_graph.add_nodes_from(range(80))
    ref_graph.add_edges_from((int(a), int(b)) for a, b in ei.t() if a != b)
    ref = nx.pagerank(ref_graph, alpha=0.85, tol=1e-12)
    ours = pagerank(ei, 80)
    assert torch.allclose(
        ours, torch.tensor([ref[i] for i in range(80)], dtype=torch.float64), atol=1e-8
    )
    assert abs(float(ours.sum()) - 1.0) < 1e-9
    with pytest.raises(ValueError, match="pass num_nodes"):
        pagerank(ei, 50)


def test_subgraph_relabels_and_masks():
    g = path_graph()
    ei, _, mask = subgraph(torch.tensor([1, 2, 3]), g.edge_index, relabel_nodes=True)
    assert ei.tolist() == [[0, 1, 1, 2], [1, 0, 2, 1]]
    assert mask.tolist() == [False, False, True, True, True, True]
    with pytest.raises(ValueError, match="subset mask has 2 entries"):
        subgraph(torch.tensor([True, False]), g.edge_index, num_nodes=4)


def test_scipy_round_trip():
    g = path_graph().replace(edge_weight=torch.tensor([1.0, 1.0, 2.0, 2.0, 3.0, 3.0]))
    a = g.to_scipy()
    assert isinstance(a, sp.csr_array) and a[2, 3] == 3.0
    back = Graph.from_scipy(a)
    assert back.num_nodes == 4 and back.num_edges == 6
    assert torch.equal(
        coalesce(back.edge_index, back.edge_weight)[1],
        coalesce(g.edge_index, g.edge_weight)[1],
    )


def test_networkx_round_trip():
    g = path_graph()
    nxg = g.to_networkx()
    assert isinstance(nxg, nx.DiGraph) and nxg.number_of_edges() == 6
    back = Graph.from_networkx(nxg)
    assert torch.equal(coalesce(back.edge_index)[0], coalesce(g.edge_index)[0])
    assert torch.equal(back.x, g.x) and torch.equal(back.y, g.y)
    und = Graph.from_networkx(nx.path_graph(3))
    assert und.num_edges == 4
    with pytest.raises(ValueError, match="networkx nodes must be 0..N-1"):
        Graph.from_networkx(nx.relabel_nodes(nx.path_graph(2), {0: "a", 1: "b"}))


def test_pyg_round_trip():
    g = path_graph()
    data = g.to_pyg()
    assert data.num_nodes == 4 and torch.equal(data.edge_index, g.edge_index)
    back = Graph.from_pyg(data)
    assert torch.equal(back.train_mask, g.train_mask) and torch.equal(back.x, g.x)


def test_dgl_round_trip():
    g = path_graph().replace(edge_weight=torch.arange(6.0))
    dg = g.to_dgl()
    assert dg.num_nodes() == 4 and dg.num_edges() == 6
    back = Graph.from_dgl(dg)
    assert torch.equal(back.edge_index, g.edge_index)
    assert torch.equal(back.edge_weight, g.edge_weight)
    assert torch.equal(back.y, g.y) and torch.equal(back.val_mask, g.val_mask)


def test_sparse_x_is_cached_and_follows_replace():
    g = path_graph()
    assert g.sparse_x() is None  # 7 of 8 entries are non-zero: kept dense
    bow = torch.zeros(4, 20)
    bow[:, 3] = 1.0
    h = g.replace(x=bow)
    xs = h.sparse_x()
    assert xs.layout == torch.sparse_csr and torch.equal(xs.to_dense(), bow)
    assert h.sparse_x() is xs
    assert g.sparse_x() is None


def _bag_of_words(n=30, f=200, seed=0, dtype=torch.float32):
    gen = torch.Generator().manual_seed(seed)
    x = (torch.rand(n, f, generator=gen) < 0.04).to(dtype) * torch.rand(
        n, f, generator=gen, dtype=dtype
    )
    x[3] = 0.0  # a row without entries
    return Graph(torch.tensor([[0, 1], [1, 0]]), n, x=x)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("soft", [False, True])
def test_concat_sparse_x(dtype, soft):
    g = _bag_of_words(dtype=dtype)
    assert g.sparse_x() is not None
    extra = torch.zeros(30, 4)
    if soft:  # label reuse: distributions with some exact zeros
        extra = torch.rand(30, 4, generator=torch.Generator().manual_seed(1))
        extra[extra < 0.3] = 0.0
    else:  # one-hot rows for a third of the nodes
        extra[torch.arange(0, 30, 3), torch.arange(0, 30, 3) % 4] = 1.0
    ref = torch.cat([g.x.float(), extra], 1)
    got = g.concat_sparse_x(extra)
    assert got.layout == torch.sparse_csr and got.dtype == torch.float32
    assert torch.equal(got.to_dense(), ref)
    # every entry of extra is stored, after x's entries, columns in order
    assert got.values().numel() == g.sparse_x().values().numel() + extra.numel()
    torch.sparse_csr_tensor(
        got.crow_indices(),
        got.col_indices(),
        got.values(),
        got.shape,
        check_invariants=True,
    )
    # a second call with the same width shares the pattern, not the values
    again = g.concat_sparse_x(torch.ones(30, 4))
    assert again.crow_indices().data_ptr() == got.crow_indices().data_ptr()
    assert again.col_indices().data_ptr() == got.col_indices().data_ptr()
    assert torch.equal(again.to_dense()[:, 200:], torch.ones(30, 4))
    assert torch.equal(got.to_dense(), ref)
    assert g.sparse_x().shape == (30, 200)  # g's own sparse form unchanged
    # a new x drops the patterns built from the old one
    assert "x_concat" not in g.replace(x=g.x * 2)._cache
    # thirty more columns push the stored entries past 10%: no sparse form
    assert g.concat_sparse_x(torch.zeros(30, 30)) is None


def test_concat_sparse_x_dense_x_and_bad_input():
    g = path_graph()
    assert g.concat_sparse_x(torch.ones(4, 2)) is None  # x is dense
    with pytest.raises(
        ValueError, match=r"extra must have shape \[4, k\], got \[3, 2\]"
    ):
        g.concat_sparse_x(torch.ones(3, 2))
    with pytest.raises(ValueError, match="extra contains NaN or inf"):
        g.concat_sparse_x(torch.tensor([[0.0], [float("nan")], [0.0], [0.0]]))
    with pytest.raises(ValueError, match="needs node features: the graph has no x"):
        g.replace(x=None).concat_sparse_x(torch.ones(4, 2))


def test_to_undirected_method():
    g = Graph(
        torch.tensor([[0, 1, 2], [1, 0, 0]]),
        3,
        edge_weight=torch.tensor([1.0, 2.0, 5.0]),
    )
    u = g.to_undirected()
    assert u.is_undirected() and u.num_edges == 4
    pairs = zip(u.edge_index.t().tolist(), u.edge_weight.tolist(), strict=True)
    w = {tuple(e): x for e, x in pairs}
    # (0, 1) and (1, 0) were both present: each gets both weights, summed
    assert w == {(0, 1): 3.0, (1, 0): 3.0, (0, 2): 5.0, (2, 0): 5.0}
    assert u.to_undirected() is u
    assert Graph(torch.tensor([[0], [1]]), 2).to_undirected().num_edges == 2
