import pytest
import torch

from graphlabels.ops import _reference, sddmm, use_backend
from graphlabels.ops._triton.sddmm import sddmm as triton_sddmm

from .conftest import tiny_graph


@pytest.mark.parametrize("shape", [(3,), (2, 5), (1, 40)])
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_sddmm_kernel(device, shape, dtype):
    A = tiny_graph(device)
    Q = torch.randn(A.num_rows, *shape, device=device).to(dtype)
    K = torch.randn(A.num_cols, *shape, device=device).to(dtype)
    out = triton_sddmm(A, Q, K)
    ref = _reference.sddmm(A, Q.float(), K.float())
    tol = 1e-5 if dtype == torch.float32 else 5e-2
    assert out.dtype == dtype and out.shape == ref.shape
    torch.testing.assert_close(out.float(), ref, atol=tol * 10, rtol=tol)


def test_public_sddmm_grads_on_triton(device):
    A = tiny_graph(device)
    Q = torch.randn(A.num_rows, 2, 3, device=device, requires_grad=True)
    K = torch.randn(A.num_cols, 2, 3, device=device, requires_grad=True)
    with use_backend("triton"):
        out = sddmm(A, Q, K)
    ref = _reference.sddmm(A, Q, K)
    torch.testing.assert_close(out, ref)
    g = torch.randn_like(out)
    for a, b in zip(
        torch.autograd.grad(out, (Q, K), g),
        torch.autograd.grad(ref, (Q, K), g),
        strict=True,
    ):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)
