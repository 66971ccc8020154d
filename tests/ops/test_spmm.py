import pytest
import torch

from graphlabels.ops import CSR, spmm, use_backend
from graphlabels.ops._backend import numba_available

from .conftest import CPU_BACKENDS


def dense_spmm(A: CSR, X, reduce, w):
    """Reference on dense tensors: one [nnz] message list per row."""
    row, col = A.row(), A.col
    wd = torch.ones(A.nnz, dtype=X.dtype) if w is None else w
    if reduce in ("sum", "mean"):
        D = torch.zeros(A.num_rows, A.num_cols, dtype=X.dtype)
        D = D.index_put((row, col), wd.to(X.dtype), accumulate=True)
        out = D @ X
        if reduce == "mean":
            out = out / A.degree().clamp(min=1).to(X.dtype)[:, None]
        return out
    rows = (A.degree() > 0).nonzero().flatten().tolist()
    outs = []
    for i in rows:
        s, e = int(A.rowptr[i]), int(A.rowptr[i + 1])
        msg = X[col[s:e]] * wd[s:e, None].to(X.dtype)
        outs.append(msg.max(0).values)
    out = (X.sum() * 0).expand(A.num_rows, X.size(1))  # keeps the graph when empty
    if rows:
        out = out.index_put((torch.tensor(rows),), torch.stack(outs))
    return out


TOL = {torch.float32: 1e-5, torch.float64: 1e-10, torch.bfloat16: 2e-2}


@pytest.mark.parametrize("backend", CPU_BACKENDS)
@pytest.mark.parametrize("reduce", ["sum", "mean", "max"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
@pytest.mark.parametrize("F", [1, 16, 33])
@pytest.mark.parametrize("weighted", [False, True])
def test_spmm_matches_dense(case, backend, reduce, dtype, F, weighted):
    check_against_dense(case, backend, reduce, dtype, F, weighted)


@pytest.mark.parametrize("reduce", ["sum", "mean", "max"])
@pytest.mark.parametrize("backend", CPU_BACKENDS)
def test_spmm_row_with_10000_neighbours(hub, backend, reduce):
    check_against_dense(hub, backend, reduce, torch.float32, 33, True)


def check_against_dense(case, backend, reduce, dtype, F, weighted):
    A, _, n = case
    X = torch.randn(n, F, dtype=torch.float64).to(dtype).requires_grad_()
    w = torch.rand(A.nnz, dtype=dtype).requires_grad_() if weighted else None
    with use_backend(backend):
        out = spmm(A, X, reduce, w)
    ref = dense_spmm(A, X.double(), reduce, None if w is None else w.double())
    assert out.dtype == dtype and out.shape == (A.num_rows, F)
    tol = TOL[dtype] * max(1.0, float(ref.detach().abs().max()) if ref.numel() else 1)
    torch.testing.assert_close(out.double(), ref, atol=tol, rtol=TOL[dtype])
    G = torch.randn_like(ref)
    inputs = (X,) if w is None else (X, w)
    got = torch.autograd.grad(out, inputs, G.to(dtype), allow_unused=True)
    want = torch.autograd.grad(ref, inputs, G, allow_unused=True)
    for x, g1, g2 in zip(inputs, got, want, strict=True):
        g1 = torch.zeros_like(x) if g1 is None else g1
        g2 = torch.zeros_like(x) if g2 is None else g2
        scale = max(1.0, float(g2.abs().max()) if g2.numel() else 1.0)
        torch.testing.assert_close(
            g1.double(), g2.double(), atol=TOL[dtype] * scale, rtol=TOL[dtype]
        )


@pytest.mark.parametrize("reduce", ["sum", "mean", "max"])
def test_gradcheck_fp64(reduce):
    ei = torch.tensor([[0, 1, 2, 2, 3, 1], [1, 0, 1, 1, 3, 2]])
    A = CSR.from_edge_index(ei, 5)
    X = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
    w = torch.rand(A.nnz, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda x, w: spmm(A, x, reduce, w), (X, w))


def test_uses_csr_value_and_edge_weight_overrides():
    ei = torch.tensor([[0, 1], [1, 0]])
    A = CSR.from_edge_index(ei, 2, torch.tensor([2.0, 3.0]))
    X = torch.tensor([[1.0], [10.0]])
    assert spmm(A, X).flatten().tolist() == [30.0, 2.0]
    w = torch.ones(2)
    assert spmm(A, X, edge_weight=w).flatten().tolist() == [10.0, 1.0]


@pytest.mark.parametrize("backend", CPU_BACKENDS)
def test_multihead_per_head_weights(backend):
    ei = torch.randint(0, 8, (2, 20))
    A = CSR.from_edge_index(ei, 8)
    X = torch.randn(8, 3, 2, dtype=torch.float64, requires_grad=True)
    w = torch.rand(A.nnz, 3, dtype=torch.float64, requires_grad=True)
    with use_backend(backend):
        out = spmm(A, X, "sum", w)
    ref = torch.stack([dense_spmm(A, X[:, h], "sum", w[:, h]) for h in range(3)], 1)
    torch.testing.assert_close(out, ref)
    with use_backend(backend):
        assert torch.autograd.gradcheck(lambda x, w: spmm(A, x, "sum", w), (X, w))
        shared = spmm(A, X, "mean")
    assert shared.shape == (8, 3, 2)


def test_max_tie_gradient_goes_to_first_entry():
    # duplicate edge with equal weight: both backends give the tie to the first
    A = CSR.from_edge_index(torch.tensor([[1, 1], [0, 0]]), 2)
    X = torch.tensor([[0.0], [1.0]])
    backends = ["cpu", "reference"] + (["cpu-compiled"] if numba_available() else [])
    for backend in backends:
        w = torch.ones(2, requires_grad=True)
        with use_backend(backend):
            spmm(A, X, "max", w).sum().backward()
        assert w.grad.tolist() == [1.0, 0.0], backend


def test_bad_inputs_have_clear_errors():
    A = CSR.from_edge_index(torch.tensor([[0, 6], [1, 0]]), 7)
    with pytest.raises(ValueError, match="X has 5 rows but A has 7 columns"):
        spmm(A, torch.randn(5, 3))
    with pytest.raises(ValueError, match="unknown reduce 'min'"):
        spmm(A, torch.randn(7, 3), "min")
    with pytest.raises(ValueError, match=r"edge_weight has shape \[3\] but A has 2"):
        spmm(A, torch.randn(7, 3), edge_weight=torch.ones(3))
    with pytest.raises(TypeError, match="floating point"):
        spmm(A, torch.ones(7, 3, dtype=torch.long))
    with pytest.raises(TypeError, match="must be a graphlabels.ops.CSR"):
        spmm(torch.zeros(2, 2), torch.randn(7, 3))
    with pytest.raises(ValueError, match=r"\[N, F\] or \[N, H, F\]"):
        spmm(A, torch.randn(7))


@pytest.mark.parametrize("reduce", ["sum", "mean", "max"])
def test_inference_path_matches_autograd_path(reduce):
    A = CSR.from_edge_index(torch.randint(0, 30, (2, 150)), 32)
    X = torch.randn(32, 16)
    with torch.no_grad():
        fast = spmm(A, X, reduce)
    slow = spmm(A, X.requires_grad_(), reduce)
    assert slow.requires_grad and not fast.requires_grad
    torch.testing.assert_close(fast, slow.detach())


@pytest.mark.parametrize("backend", CPU_BACKENDS)
@pytest.mark.parametrize("reduce", ["sum", "mean"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
@pytest.mark.parametrize("F", [1, 16, 33, 40, 64])
def test_out_buffer_receives_the_product(case, backend, reduce, dtype, F):
    A, _, n = case
    X = torch.randn(n, F, dtype=torch.float64).to(dtype)
    w = torch.rand(A.nnz, dtype=dtype)
    out = torch.full((A.num_rows, F), float("nan"), dtype=dtype)  # never read
    with use_backend(backend), torch.no_grad():
        got = spmm(A, X, reduce, w, out=out)
    assert got is out
    ref = dense_spmm(A, X.double(), reduce, w.double())
    tol = TOL[dtype] * max(1.0, float(ref.abs().max()) if ref.numel() else 1)
    torch.testing.assert_close(out.double(), ref, atol=tol, rtol=TOL[dtype])


def test_out_buffer_bad_uses_have_clear_errors():
    A = CSR.from_edge_index(torch.tensor([[0, 6], [1, 0]]), 7)
    X = torch.randn(7, 3)
    with pytest.raises(ValueError, match="inference only"):
        spmm(A, X.clone().requires_grad_(), out=torch.empty(7, 3))
    with torch.no_grad():
        with pytest.raises(ValueError, match="reduce 'sum' or 'mean'.*'max'"):
            spmm(A, X, "max", out=torch.empty(7, 3))
        with pytest.raises(ValueError, match=r"out must be a \[7, 3\] torch.float32"):
            spmm(A, X, out=torch.empty(7, 4))
        with pytest.raises(ValueError, match="out must be a .* got .* torch.float64"):
            spmm(A, X, out=torch.empty(7, 3, dtype=torch.float64))
        with pytest.raises(ValueError, match="contiguous"):
            spmm(A, X, out=torch.empty(3, 7).t())
        with pytest.raises(ValueError, match="shares memory with X"):
            spmm(A, X, out=X)


@pytest.mark.gpu
@pytest.mark.parametrize("backend", ["cpu", "triton", "auto"])
@pytest.mark.parametrize("reduce", ["sum", "mean"])
@pytest.mark.parametrize("F", [16, 47, 128])
def test_out_buffer_on_cuda(backend, reduce, F):
    from graphlabels.data.synthetic import power_law_graph

    n = 5_000
    A = CSR.from_edge_index(power_law_graph(n, 60_000, seed=3), n).to("cuda")
    X = torch.randn(n, F, device="cuda")
    w = torch.rand(A.nnz, device="cuda")
    out = torch.full((n, F), float("nan"), device="cuda")
    with use_backend(backend), torch.no_grad():
        got = spmm(A, X, reduce, w, out=out)
        again = spmm(A, X, reduce, w)
    assert got is out
    ref = dense_spmm(A.to("cpu"), X.cpu().double(), reduce, w.cpu().double())
    torch.testing.assert_close(out.cpu().double(), ref, atol=1e-4, rtol=1e-5)
    torch.testing.assert_close(out, again, atol=1e-5, rtol=1e-5)
