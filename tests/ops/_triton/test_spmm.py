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


def test_choose_kernel_keeps_rows_when_the_hub_is_a_small_share(device):
    # a 2,000-entry row among ~1M entries (< 1/256 of the work): one program
    # per row is faster than splitting by nonzeros
    from graphlabels.ops import CSR

    g = torch.Generator().manual_seed(0)
    ei = torch.randint(0, 50_000, (2, 1_000_000), generator=g)
    hub = torch.stack([torch.randint(0, 50_000, (2000,), generator=g),
                       torch.zeros(2000, dtype=torch.long)])  # fmt: skip
    A = CSR.from_edge_index(torch.cat([ei, hub], 1), 50_000)
    assert int(A.degree().max()) >= 2000
    assert tspmm.choose_kernel(A) == "row"


@pytest.mark.parametrize("idx64", [False, True])
def test_row_kernel_int32_and_int64_offsets_agree(device, idx64):
    A = tiny_graph(device, hub=70)
    X = torch.randn(A.num_cols, 33, device=device)
    out = torch.empty(A.num_rows, 33, device=device)
    rowptr, col = A.indices32()

    def grid(m):
        return (A.num_rows, -(-33 // m["BLOCK_F"]))

    tspmm._ROW(grid, rowptr, col, X, X, out, 33, HAS_W=False, IDX64=idx64)
    torch.testing.assert_close(out, _reference.spmm(A, X), atol=1e-4, rtol=1e-4)


def test_needs_int64_at_two_to_the_31():
    from types import SimpleNamespace

    A = SimpleNamespace(nnz=10, num_rows=2**21)
    assert not tspmm.needs_int64(A, torch.empty(2**21, 2**9, device="meta"))
    assert tspmm.needs_int64(A, torch.empty(2**21, 2**10, device="meta"))
    assert tspmm.needs_int64(SimpleNamespace(nnz=2**31, num_rows=4), torch.empty(4, 1))


def test_prune_drops_feature_blocks_wider_than_needed():
    cfgs = tspmm._configs()
    kept = tspmm._prune(cfgs, {"F": 32})
    assert kept and all(c.kwargs["BLOCK_F"] == 32 for c in kept)
    assert {c.kwargs["BLOCK_F"] for c in tspmm._prune(cfgs, {"F": 47})} == {32, 64}
    assert len(tspmm._prune(cfgs, {"F": 128})) == len(cfgs)
    assert len(tspmm._prune(cfgs, {})) == len(cfgs)  # no width known: keep all


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


@pytest.mark.parametrize("kernel", ["row", "nnz"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_spmm_sum_writes_into_out(device, kernel, dtype):
    A = tiny_graph(device, hub=300)
    X = torch.randn(A.num_cols, 5, device=device).to(dtype)
    out = torch.full((A.num_rows, 5), float("nan"), device=device, dtype=dtype)
    got = tspmm.spmm_sum(A, X, None, kernel=kernel, out=out)
    assert got is out
    ref = _reference.spmm(A, X.float(), "sum", None)
    tol = 1e-4 if dtype == torch.float32 else 3e-2
    torch.testing.assert_close(out.float(), ref, atol=tol * 30, rtol=tol)
