import pytest
import torch

from graphlabels.ops import CSR, spmm
from graphlabels.ops.reorder import (
    degree_order,
    inverse_permutation,
    permute,
    rcm_order,
    reorder,
)


def bandwidth(A):
    return int((A.row() - A.col).abs().max()) if A.nnz else 0


@pytest.mark.parametrize("method", ["rcm", "degree", "none"])
def test_reorder_preserves_spmm(method):
    ei = torch.randint(0, 60, (2, 300))
    A = CSR.from_edge_index(ei, 64, torch.rand(300))
    B, perm = reorder(A, method)
    assert sorted(perm.tolist()) == list(range(64))
    x = torch.randn(64, 5)
    torch.testing.assert_close(spmm(B, x[perm]), spmm(A, x)[perm])


def test_rcm_recovers_a_band():
    # a path graph with shuffled labels has bandwidth 1 after RCM
    n = 200
    path = torch.stack([torch.arange(n - 1), torch.arange(1, n)])
    shuffle = torch.randperm(n)
    ei = shuffle[torch.cat([path, path.flip(0)], 1)]
    A = CSR.from_edge_index(ei, n)
    assert bandwidth(A) > 10
    assert bandwidth(permute(A, rcm_order(A))) == 1


def test_degree_order_puts_hubs_first():
    ei = torch.tensor([[1, 2, 3, 0], [0, 0, 0, 3]])
    A = CSR.from_edge_index(ei, 5)
    assert degree_order(A).tolist()[:2] == [0, 3]
    assert degree_order(A, descending=False).tolist()[0] == 4


def test_inverse_and_errors():
    p = torch.tensor([2, 0, 1])
    assert inverse_permutation(p)[p].tolist() == [0, 1, 2]
    A = CSR.from_edge_index(torch.tensor([[0], [1]]), 3)
    with pytest.raises(ValueError, match="perm has 2 entries"):
        permute(A, torch.tensor([1, 0]))
    with pytest.raises(ValueError, match="unknown reorder method"):
        reorder(A, "metis")
    with pytest.raises(ValueError, match="square"):
        rcm_order(CSR.from_edge_index(torch.tensor([[0], [1]]), (2, 3)))
