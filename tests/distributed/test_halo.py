"""The halo exchange and the distributed SpMM step against dense references."""

import pytest
import torch
from prop_workers import halo_case

from graphlabels import distributed as D
from graphlabels import ops
from graphlabels.distributed.halo import local_rows
from graphlabels.propagation._common import normalized

# 9 nodes, weighted, with a self loop (0), a doubled loop (8), an isolated node
# (7) and a node without in-edges (6 only sends).
EDGES = torch.tensor(
    [
        [0, 1, 2, 3, 4, 5, 6, 1, 2, 8, 8, 0, 6, 3],
        [1, 0, 3, 2, 5, 4, 1, 6, 6, 2, 8, 0, 0, 8],
    ]
)
N = 9


def weighted_csr():
    gen = torch.Generator().manual_seed(0)
    w = torch.rand(EDGES.size(1), generator=gen, dtype=torch.float64) + 0.1
    return ops.CSR.from_edge_index(EDGES, N, w)


# world -> rank of every node (the 4-rank case leaves rank 3 empty)
ASSIGNMENTS = {
    2: [0, 1, 0, 1, 1, 0, 0, 1, 1],
    4: [0, 2, 0, 1, 1, 2, 0, 2, 1],
}


@pytest.fixture(scope="module", params=[2, 4])
def job(request):
    world = request.param
    book = D.partition_from_assignment(torch.tensor(ASSIGNMENTS[world]), world)
    gen = torch.Generator().manual_seed(1)
    xs = [
        torch.randn(N, 3, generator=gen),
        torch.randn(N, 1, generator=gen, dtype=torch.float64),
        torch.randn(N, 17, generator=gen, dtype=torch.float64),
    ]
    A = weighted_csr()
    out = D.spawn(halo_case, world, (A, book, xs), timeout=120)
    return book, A, xs, out


@pytest.fixture(autouse=True)
def _cpu_backend():
    with ops.use_backend("cpu"):
        yield


def test_products_equal_the_dense_product(job):
    _, A, xs, out = job
    dense = A.to_dense(torch.float64)
    for x, got in zip(xs, out[0]["prods"], strict=True):
        assert got.dtype == x.dtype and got.shape == x.shape
        ref = (dense @ x.double()).to(x.dtype)
        torch.testing.assert_close(got, ref)


def test_halo_is_the_set_of_remote_in_neighbours(job):
    book, A, _, out = job
    for r, o in enumerate(out):
        own = set(book.owned[r].tolist())
        src, dst = EDGES
        need = {int(s) for s, d in zip(src, dst, strict=True) if int(d) in own}
        assert set(o["halo"].tolist()) == need - own
        # grouped by owner
        owners = book.part[o["halo"]]
        assert torch.equal(owners, torch.sort(owners).values)
        assert o["recv"] == torch.bincount(owners, minlength=book.num_parts).tolist()
    sizes = D.halo_sizes(EDGES, book).tolist()
    assert sizes == [o["halo"].numel() for o in out]
    assert sizes == D.halo_sizes(A, book).tolist()


def test_bytes_sent_per_step(job):
    book, _, xs, out = job
    sends = [o["send"] for o in out]
    for o in out:
        assert len(o["bytes"]) == len(xs)
    for r, o in enumerate(out):
        rows = sum(sends[r])
        expected = [rows * x[0].numel() * x.element_size() for x in xs]
        assert o["bytes"] == expected
    assert out[0]["bytes_per_step"] == out[0]["bytes"]
    # what rank r sends to s is what s receives from r
    recv0 = out[0]["recv"]
    assert [sends[s][0] for s in range(book.num_parts)] == recv0


def test_normalised_values_equal_single_process(job):
    _, A, _, out = job
    for norm in ("sym", "row", "col"):
        ref = A.with_value(normalized(A, norm, torch.float64)).to_dense(torch.float64)
        torch.testing.assert_close(out[0]["dense"][norm], ref, rtol=0, atol=1e-15)
    ref = ops.gcn_norm(A, fill_value=2.0).to_dense(torch.float64)
    torch.testing.assert_close(out[0]["dense"]["gcn2"], ref, rtol=0, atol=1e-15)


def test_one_process_needs_no_exchange():
    A = weighted_csr()
    book = D.partition(A, 1)
    dg = D.DistGraph.from_csr(A, book, rank=0)
    assert dg.num_halo == 0 and dg.plan.num_send == 0
    x = torch.randn(N, 4, dtype=torch.float64)
    torch.testing.assert_close(dg.spmm(x), A.to_dense(torch.float64) @ x)
    assert dg.plan.stats.bytes_sent == 0 and dg.plan.stats.steps == 1
    assert torch.equal(D.gather_to_main(dg, x), x)


def test_local_rows_reads_the_given_rows_in_order():
    A = weighted_csr()
    ids = torch.tensor([8, 0, 7, 2])
    rowptr, col, value = local_rows(A, ids)
    dense = A.to_dense(torch.float64)
    sub = ops.CSR(rowptr, col, value, N).to_dense(torch.float64)
    torch.testing.assert_close(sub, dense[ids])


def test_building_rejects_a_mismatched_job_or_rows():
    A = weighted_csr()
    book = D.partition(A, 2)
    with pytest.raises(ValueError, match="the partition has 2 parts but the job has 1"):
        D.DistGraph.from_csr(A, book, rank=0)
    book1 = D.partition(A, 1)
    with pytest.raises(ValueError, match="rowptr has 3 entries but rank 0 owns 9"):
        D.DistGraph.from_rows(
            torch.tensor([0, 1, 2]), torch.tensor([0, 1]), None, book1
        )
    with pytest.raises(ValueError, match="the partition has 5 nodes: partition this"):
        D.DistGraph.from_csr(A, D.partition(None, 1, num_nodes=5))
    with pytest.raises(ValueError, match=r"col has ids outside \[0, 9\)"):
        D.DistGraph.from_rows(
            torch.tensor([0] + [1] * 9), torch.tensor([12]), None, book1
        )


def test_rows_come_from_a_memory_mapped_csr(tmp_path):
    from graphlabels.data.ondisk import open_ondisk, write_ondisk

    A = weighted_csr()
    path = write_ondisk(
        {"edge_index": EDGES, "num_nodes": N, "edge_weight": A.value[A.perm.argsort()]},
        tmp_path / "g",
    )
    disk = open_ondisk(path).csr()
    assert disk.col.dtype == torch.int32  # the stored index type, not widened
    ids = torch.tensor([8, 0, 7, 2])
    rowptr, col, value = local_rows(disk, ids)
    sub = ops.CSR(rowptr, col, value, N).to_dense(torch.float64)
    torch.testing.assert_close(sub, A.to_dense(torch.float64)[ids])
    dg = D.DistGraph.from_csr(disk, D.partition(None, 1, num_nodes=N), rank=0)
    x = torch.randn(N, 2, dtype=torch.float64)
    torch.testing.assert_close(dg.spmm(x), A.to_dense(torch.float64) @ x)
