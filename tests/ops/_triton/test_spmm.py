import pytest
import torch

from graphlabels.ops import _reference, spmm, use_backend
from graphlabels.ops._triton import spmm as tspmm

from .conftest import tiny_graph


@pytest.mark.parametrize("kernel", ["row", "nnz"])
@pytest.mark.parametrize("F", [1, 5, 33])
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
@pytest.mark.parametrize("weighted", [False, True])
def test_spmm_sum_kernels(device, kernel, F, dtype, weighted):
    # the hub row (300 entries) crosses the nnz kernel's 256-entry chunks
    A = tiny_graph(device, hub=300)
    X = torch.randn(A.num_cols, F, device=device).to(dtype)
    w = torch.rand(A.nnz, device=device).to(dtype) if weighted else None
    out = tspmm.spmm_sum(A, X, w, kernel=kernel)
    ref = _reference.spmm(A, X.float(), "sum", None if w is None else w.float())
    assert out.dtype == dtype
    tol = 1e-4 if dtype == torch.float32 else 3e-2
    torch.testing.assert_close(out.float(), ref, atol=tol * 30, rtol=tol)


def test_spmm_max_kernel_matches_cpu(device):
    from graphlabels.ops import _cpu

    A = tiny_graph(device, hub=70)
    X = torch.randn(A.num_cols, 6, device=device)
    w = torch.rand(A.nnz, device=device)
    out, arg = tspmm.spmm_max(A, X, w)
    ref, ref_arg = _cpu.spmm_max(A.to("cpu"), X.cpu(), w.cpu())
    torch.testing.assert_close(out.cpu(), ref)
    assert torch.equal(arg.cpu(), ref_arg)


def test_choose_kernel_by_skew(device):
    assert tspmm.choose_kernel(tiny_graph(device)) == "row"
    assert tspmm.choose_kernel(tiny_graph(device, n=12, hub=2000)) == "nnz"
    with pytest.raises(ValueError, match="unknown kernel"):
        tspmm.spmm_sum(tiny_graph(device), torch.randn(12, 2, device=device), None, "x")


@pytest.mark.parametrize("reduce", ["sum", "mean", "max"])
def test_public_spmm_on_triton_backend_with_grads(device, reduce):
    A = tiny_graph(device)
    X = torch.randn(A.num_cols, 4, device=device, requires_grad=True)
    w = torch.rand(A.nnz, device=device, requires_grad=True)
    with use_backend("triton"):
        out = spmm(A, X, reduce, w)
    ref = _reference.spmm(A, X, reduce, w)
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)
    g = torch.randn_like(out)
    got = torch.autograd.grad(out, (X, w), g)
    want = torch.autograd.grad(ref, (X, w), g)
    for a, b in zip(got, want, strict=True):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)


def test_empty_matrix(device):
    from graphlabels.ops import CSR

    A = CSR.from_edge_index(torch.empty(2, 0, dtype=torch.long, device=device), 3)
    X = torch.randn(3, 2, device=device)
    assert tspmm.spmm_sum(A, X).abs().sum() == 0
    out, arg = tspmm.spmm_max(A, X)
    assert out.abs().sum() == 0 and bool((arg == 0).all())


@pytest.mark.gpu
@pytest.mark.parametrize("F", [32, 47, 128])
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_power_law_graph_on_gpu_matches_cusparse(F, dtype):
    from graphlabels.data.synthetic import power_law_graph
    from graphlabels.ops import CSR

    ei = power_law_graph(20_000, 400_000, exponent=0.8, seed=1).cuda()
    A = CSR.from_edge_index(ei, 20_000)
    X = torch.randn(20_000, F, device="cuda").to(dtype)
    ref = torch.sparse.mm(A.to_torch(torch.ones(A.nnz, device="cuda")), X.float())
    for kernel in ("row", "nnz"):
        out = tspmm.spmm_sum(A, X, None, kernel=kernel)
        tol = 1e-4 if dtype == torch.float32 else 2e-2
        torch.testing.assert_close(out.float(), ref, atol=tol * 50, rtol=tol)
