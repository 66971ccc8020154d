import pytest
import torch

from graphlabels.ops import CSR, add_self_loops, gcn_norm


def dense_of(A):
    return A.to_dense(torch.float64)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("loops", [True, False])
@pytest.mark.parametrize("fill", [1.0, 2.0])
def test_gcn_norm_matches_pyg(case, weighted, loops, fill):
    pyg = pytest.importorskip("torch_geometric.nn.conv.gcn_conv")
    _, ei, n = case
    w = torch.rand(ei.size(1), dtype=torch.float64) if weighted else None
    A = CSR.from_edge_index(ei, n, w)
    An = gcn_norm(A, loops, fill)
    e2, w2 = pyg.gcn_norm(ei, w, n, improved=fill == 2.0, add_self_loops=loops)
    ref = torch.zeros(n, n, dtype=torch.float64)
    ref.index_put_((e2[1], e2[0]), w2.double(), accumulate=True)
    torch.testing.assert_close(dense_of(An), ref)
    assert gcn_norm(A, loops, fill) is An  # cached
    # columns stay sorted within rows
    for i in range(An.num_rows):
        c = An.col[An.rowptr[i] : An.rowptr[i + 1]]
        assert torch.equal(c, c.sort().values)


def test_add_self_loops_replaces_existing_loops():
    ei = torch.tensor([[0, 1, 1, 1, 2], [1, 1, 1, 0, 2]])
    w = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0])
    B = add_self_loops(CSR.from_edge_index(ei, 4, w), fill_value=9.0)
    d = B.to_dense()
    assert d.diagonal().tolist() == [9.0, 3.0, 5.0, 9.0]  # last loop's weight wins
    assert d[1, 0] == 1.0 and d[0, 1] == 4.0
    assert B.nnz == 6
    assert sorted(B.perm.tolist()) == [0, 3, 5, 6, 7, 8]  # added loops get nnz + i
    unweighted = add_self_loops(CSR.from_edge_index(ei, 4))
    assert unweighted.value is None and unweighted.nnz == 6


def test_gcn_norm_is_differentiable_in_weights_and_not_cached():
    ei = torch.tensor([[0, 1, 2], [1, 2, 0]])
    w = torch.rand(3, dtype=torch.float64, requires_grad=True)
    A = CSR.from_edge_index(ei, 3, w)
    An = gcn_norm(A)
    An.value.sum().backward()
    assert w.grad is not None and torch.isfinite(w.grad).all()
    assert not A.cache


def test_gcn_norm_rejects_non_square():
    A = CSR.from_edge_index(torch.tensor([[0], [1]]), (2, 3))
    with pytest.raises(ValueError, match="square"):
        gcn_norm(A)
    with pytest.raises(ValueError, match="square"):
        add_self_loops(A)
