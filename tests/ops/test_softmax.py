import pytest
import torch

from graphlabels.ops import CSR, segment_softmax, use_backend

from .conftest import CPU_BACKENDS


@pytest.mark.parametrize("backend", CPU_BACKENDS)
@pytest.mark.parametrize("heads", [None, 3])
def test_segment_softmax_matches_dense(case, backend, heads):
    A, _, n = case
    shape = (A.nnz,) if heads is None else (A.nnz, heads)
    s = (torch.randn(shape, dtype=torch.float64) * 5).requires_grad_()
    with use_backend(backend):
        out = segment_softmax(A, s)
    row = A.row()
    ref = torch.empty_like(s)
    parts = []
    for i in range(A.num_rows):
        a, b = int(A.rowptr[i]), int(A.rowptr[i + 1])
        if b > a:
            parts.append(torch.softmax(s[a:b], dim=0))
    ref = torch.cat(parts) if parts else s * 0
    torch.testing.assert_close(out, ref)
    if A.nnz:
        sums = torch.zeros(A.num_rows, *shape[1:], dtype=s.dtype).index_add(
            0, row, out.detach()
        )
        nonempty = A.degree() > 0
        torch.testing.assert_close(sums[nonempty], torch.ones_like(sums[nonempty]))
        g = torch.randn_like(s)
        (g1,) = torch.autograd.grad(out, s, g)
        (g2,) = torch.autograd.grad(ref, s, g)
        torch.testing.assert_close(g1, g2)


def test_large_scores_are_stable():
    A = CSR.from_edge_index(torch.tensor([[0, 1], [2, 2]]), 3)
    out = segment_softmax(A, torch.tensor([1000.0, 999.0]))
    assert torch.isfinite(out).all()
    torch.testing.assert_close(out.sum(), torch.tensor(1.0))


def test_gradcheck():
    A = CSR.from_edge_index(torch.tensor([[0, 1, 2, 0], [1, 1, 1, 2]]), 3)
    s = torch.randn(4, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda s: segment_softmax(A, s), (s,))


def test_errors():
    A = CSR.from_edge_index(torch.tensor([[0, 1], [1, 1]]), 2)
    with pytest.raises(ValueError, match=r"scores has shape \[3\] but A has 2"):
        segment_softmax(A, torch.randn(3))
    with pytest.raises(TypeError, match="floating-point"):
        segment_softmax(A, torch.ones(2, dtype=torch.long))
