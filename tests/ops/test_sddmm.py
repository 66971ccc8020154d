import pytest
import torch

from graphlabels.ops import CSR, sddmm, use_backend

from .conftest import CPU_BACKENDS


@pytest.mark.parametrize("backend", CPU_BACKENDS)
@pytest.mark.parametrize("shape", [(5,), (3, 4), (1, 1)])
def test_sddmm_values_and_grads(case, backend, shape):
    A, _, n = case
    Q = torch.randn(n, *shape, dtype=torch.float64, requires_grad=True)
    K = torch.randn(n, *shape, dtype=torch.float64, requires_grad=True)
    with use_backend(backend):
        out = sddmm(A, Q, K)
    row, col = A.row(), A.col
    ref = (Q[row] * K[col]).sum(-1)
    torch.testing.assert_close(out, ref)
    if A.nnz:
        g = torch.randn_like(ref)
        got = torch.autograd.grad(out, (Q, K), g)
        want = torch.autograd.grad(ref, (Q, K), g)
        for a, b in zip(got, want, strict=True):
            torch.testing.assert_close(a, b)


def test_sddmm_gradcheck_and_bipartite():
    A = CSR.from_edge_index(torch.tensor([[0, 4, 2, 2], [1, 0, 1, 1]]), (2, 5))
    Q = torch.randn(2, 2, 3, dtype=torch.float64, requires_grad=True)
    K = torch.randn(5, 2, 3, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda q, k: sddmm(A, q, k), (Q, K))


def test_sddmm_errors():
    A = CSR.from_edge_index(torch.tensor([[0, 2], [1, 0]]), 3)
    with pytest.raises(ValueError, match="X has 4 rows but A has 3 rows"):
        sddmm(A, torch.randn(4, 2), torch.randn(3, 2))
    with pytest.raises(ValueError, match="must agree"):
        sddmm(A, torch.randn(3, 2), torch.randn(3, 3))
