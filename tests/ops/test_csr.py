import pytest
import torch

from graphlabels.ops import CSR, as_csr


def test_from_edge_index_rows_hold_in_neighbours():
    ei = torch.tensor([[0, 1, 2, 2, 3], [1, 0, 1, 1, 3]])
    A = CSR.from_edge_index(ei, 5)
    assert A.rowptr.tolist() == [0, 1, 4, 4, 5, 5]
    assert A.col.tolist() == [1, 0, 2, 2, 3]
    assert A.row().tolist() == [0, 1, 1, 1, 3]
    # perm maps CSR positions back to edge ids
    assert torch.equal(ei[:, A.perm], torch.stack([A.col, A.row()]))
    assert A.nnz == 5 and A.shape == (5, 5)
    assert A.degree().tolist() == [1, 3, 0, 1, 0]


def test_edge_weight_follows_perm():
    ei = torch.tensor([[2, 0, 1], [0, 1, 0]])
    w = torch.tensor([1.0, 2.0, 3.0])
    A = CSR.from_edge_index(ei, 3, w)
    assert torch.equal(A.value, w[A.perm])
    dense = torch.zeros(3, 3)
    dense[0, 2], dense[1, 0], dense[0, 1] = 1.0, 2.0, 3.0
    assert torch.equal(A.to_dense(), dense)


def test_bipartite_sizes():
    ei = torch.tensor([[0, 4], [1, 0]])
    A = CSR.from_edge_index(ei, (2, 5))
    assert A.shape == (2, 5)
    assert A.t().shape == (5, 2)


def test_transpose_roundtrip_and_perm():
    ei = torch.randint(0, 30, (2, 300))
    w = torch.rand(300)
    A = CSR.from_edge_index(ei, 30, w)
    At = A.t()
    assert torch.equal(At.to_dense(), A.to_dense().t())
    assert torch.equal(At.value, A.value[A.transpose_perm()])
    assert torch.equal(At.perm, A.perm[A.transpose_perm()])
    Att = At.t()
    assert torch.equal(Att.to_dense(), A.to_dense())
    assert torch.equal(Att.value, A.value)
    assert A.t() is At  # cached
    p32 = A.transpose_perm32()
    assert p32.dtype == torch.int32 and torch.equal(p32.long(), A.transpose_perm())
    assert A.transpose_perm32() is p32  # cached
    pos = A.transpose_position32()
    assert pos.dtype == torch.int32
    assert torch.equal(A.transpose_perm()[pos.long()], torch.arange(A.nnz))


def test_with_value_shares_structure_not_cache():
    A = CSR.from_edge_index(torch.tensor([[0, 1], [1, 0]]), 2)
    A.row()
    A.cache["x"] = 1
    B = A.with_value(torch.tensor([2.0, 3.0]))
    assert B._struct is A._struct
    assert "x" not in B.cache
    assert A.value is None


def test_indices32_and_to_torch():
    A = CSR.from_edge_index(torch.tensor([[0, 1, 2], [1, 2, 0]]), 3)
    rp, col = A.indices32()
    assert rp.dtype == torch.int32 and col.dtype == torch.int32
    assert torch.equal(A.to_torch().to_dense(), A.to_dense())


def test_to_edge_index_and_from_dense():
    d = torch.tensor([[0.0, 2.0], [3.0, 0.0]])
    A = CSR.from_dense(d)
    assert torch.equal(A.to_dense(), d)
    assert A.to_edge_index().tolist() == [[1, 0], [0, 1]]


@pytest.mark.parametrize(
    "args, match",
    [
        ((torch.tensor([0, 1]),), r"shape \[2, E\]"),
        ((torch.tensor([[0.0], [1.0]]),), "int64 or int32"),
        ((torch.tensor([[0, 5], [1, 0]]), 3), r"values >= num_nodes \(max 5"),
        ((torch.tensor([[0, -1], [1, 0]]), 3), "negative"),
        ((torch.tensor([[0, 1], [1, 0]]), 3, torch.ones(3)), "edge_weight has 3"),
    ],
)
def test_from_edge_index_errors(args, match):
    with pytest.raises((ValueError, TypeError), match=match):
        CSR.from_edge_index(*args)


def test_constructor_validates():
    with pytest.raises(ValueError, match="end at nnz=2"):
        CSR(torch.tensor([0, 1]), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="outside"):
        CSR(torch.tensor([0, 1]), torch.tensor([3]))
    with pytest.raises(ValueError, match="non-decreasing"):
        CSR(torch.tensor([0, 2, 1, 2]), torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="one value per edge"):
        CSR(torch.tensor([0, 1]), torch.tensor([0]), torch.ones(2))


def test_as_csr_caches_edge_index_and_checks_size():
    ei = torch.tensor([[0, 1], [1, 0]])
    A = as_csr(ei, 2)
    assert as_csr(ei, 2) is A
    ei[0, 0] = 1  # in-place change invalidates the cache
    assert as_csr(ei, 2) is not A
    with pytest.raises(ValueError, match="X has 3 rows but A has 2 columns"):
        as_csr(A, 3)
    with pytest.raises(TypeError, match="CSR or an edge_index"):
        as_csr([[0, 1], [1, 0]], 2)
    with pytest.raises(TypeError, match="torch sparse tensors"):
        as_csr(A.to_torch(), 2)


def test_as_csr_with_edge_weight():
    ei = torch.tensor([[0, 1, 1], [1, 0, 2]])
    w = torch.tensor([1.0, 2.0, 3.0])
    A = as_csr(ei, 3, w)
    assert torch.equal(A.to_dense(), CSR.from_edge_index(ei, 3, w).to_dense())
    assert as_csr(ei, 3, w) is not A  # weighted conversions are not cached
    with pytest.raises(ValueError, match="one weight per column of edge_index"):
        as_csr(ei, 3, torch.ones(2))
    with pytest.raises(ValueError, match="together with a CSR"):
        as_csr(A, 3, w)


def test_to_device_noop_and_repr():
    A = CSR.from_edge_index(torch.tensor([[0], [1]]), 2)
    assert A.to("cpu") is A
    assert "nnz=1" in repr(A)


def test_transpose_structure_is_shared_by_with_value_copies():
    A = CSR.from_edge_index(torch.randint(0, 20, (2, 100)), 20)
    assert A.with_value(None).t() is A.t()
    w = torch.rand(A.nnz)
    B = A.with_value(w)
    assert B.t().col is A.t().col
    torch.testing.assert_close(B.t().to_dense(), B.to_dense().t())
