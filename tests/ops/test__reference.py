import torch

from graphlabels.ops import CSR, _reference


def test_reference_spmm_by_hand():
    # row 0 <- {1 (w=2), 2 (w=3)}, row 1 empty, row 2 <- {2 (w=1)}
    A = CSR.from_edge_index(torch.tensor([[1, 2, 2], [0, 0, 2]]), 3)
    w = torch.tensor([2.0, 3.0, 1.0])
    X = torch.tensor([[1.0], [10.0], [-4.0]])
    assert _reference.spmm(A, X, "sum", w).flatten().tolist() == [8.0, 0.0, -4.0]
    assert _reference.spmm(A, X, "mean", w).flatten().tolist() == [4.0, 0.0, -4.0]
    assert _reference.spmm(A, X, "max", w).flatten().tolist() == [20.0, 0.0, -4.0]


def test_reference_softmax_sddmm_and_gat_by_hand():
    A = CSR.from_edge_index(torch.tensor([[0, 1], [1, 1]]), 2)
    p = _reference.segment_softmax(A, torch.tensor([0.0, 0.0]))
    assert p.tolist() == [0.5, 0.5]
    Q = torch.tensor([[1.0, 1.0], [2.0, 3.0]])
    assert _reference.sddmm(A, Q, Q).tolist() == [5.0, 13.0]
    x = torch.tensor([[[1.0]], [[3.0]]])
    zeros = torch.zeros(2, 1)
    out = _reference.gat_aggregate(A, x, zeros, zeros)
    assert out.flatten().tolist() == [0.0, 2.0]
