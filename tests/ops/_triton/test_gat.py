import pytest
import torch

from graphlabels.ops import _reference, add_self_loops, gat_aggregate, use_backend
from graphlabels.ops._triton import gat as tgat

from .conftest import tiny_graph


@pytest.mark.parametrize("variant", ["heads", "per_head"])
@pytest.mark.parametrize("H, C", [(1, 4), (3, 5), (2, 17)])
def test_fused_gat_forward_backward(device, H, C, variant):
    A = tiny_graph(device, hub=40)  # rows 10, 11 empty; hub spans several blocks
    x = torch.randn(A.num_cols, H, C, device=device, requires_grad=True)
    a_s = torch.randn(A.num_cols, H, device=device, requires_grad=True)
    a_d = torch.randn(A.num_rows, H, device=device, requires_grad=True)
    out = tgat.gat_aggregate(A, x, a_s, a_d, 0.2, variant)
    ref = _reference.gat_aggregate(A, x, a_s, a_d, 0.2)
    torch.testing.assert_close(out, ref, atol=1e-5, rtol=1e-5)
    g = torch.randn_like(out)
    got = torch.autograd.grad(out, (x, a_s, a_d), g)
    want = torch.autograd.grad(ref, (x, a_s, a_d), g)
    for a, b in zip(got, want, strict=True):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize(
    "store_dz, order", [(True, "transpose"), (True, "csr"), (False, "transpose")]
)
def test_heads_backward_all_target_gradient_paths(device, store_dz, order, monkeypatch):
    """Per-edge dL/dz written by the transpose pass (in either order), or a row pass."""
    monkeypatch.setattr(tgat, "STORE_DZ", store_dz)
    monkeypatch.setattr(tgat, "DZ_ORDER", order)
    A = add_self_loops(tiny_graph(device, hub=40))
    x = torch.randn(A.num_cols, 4, 8, device=device, requires_grad=True)
    a_s = torch.randn(A.num_cols, 4, device=device, requires_grad=True)
    a_d = torch.randn(A.num_rows, 4, device=device, requires_grad=True)
    out = tgat.gat_aggregate(A, x, a_s, a_d, 0.2, "heads")
    ref = _reference.gat_aggregate(A, x, a_s, a_d, 0.2)
    g = torch.randn_like(out)
    got = torch.autograd.grad(out, (x, a_s, a_d), g)
    want = torch.autograd.grad(ref, (x, a_s, a_d), g)
    for a, b in zip(got, want, strict=True):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)


def test_public_gat_aggregate_uses_fused_kernel(device, monkeypatch):
    A = add_self_loops(tiny_graph(device))
    x = torch.randn(A.num_cols, 2, 3, device=device)
    a = torch.randn(A.num_cols, 2, device=device)
    calls = []
    real = tgat._FusedGAT.apply
    monkeypatch.setattr(
        tgat._FusedGAT, "apply", lambda *args: calls.append(1) or real(*args)
    )
    with use_backend("triton"):
        out = gat_aggregate(A, x, a, a)
        dropped = gat_aggregate(A, x, a, a, dropout=0.5, training=True)
    assert calls == [1]  # dropout in training takes the unfused path
    torch.testing.assert_close(out, _reference.gat_aggregate(A, x, a, a))
    assert dropped.shape == out.shape


def test_too_many_channels_and_bad_variant(device):
    A = tiny_graph(device)
    x = torch.randn(A.num_cols, 1, 4, device=device)
    a = torch.randn(A.num_cols, 1, device=device)
    with pytest.raises(ValueError, match="unknown variant"):
        tgat.gat_aggregate(A, x, a, a, 0.2, "fast")
    with pytest.raises(ValueError, match="up to 1024 channels"):
        tgat.gat_aggregate(
            A,
            torch.randn(A.num_cols, 1, 1025, device=device),
            torch.randn(A.num_cols, 1, device=device),
            torch.randn(A.num_rows, 1, device=device),
            0.2,
        )


@pytest.mark.gpu
def test_fused_gat_memory_on_gpu():
    from graphlabels.data.synthetic import power_law_graph
    from graphlabels.ops import CSR

    n, m, H, C = 100_000, 2_000_000, 8, 16
    A = add_self_loops(CSR.from_edge_index(power_law_graph(n, m).cuda(), n))
    x = torch.randn(n, H, C, device="cuda", requires_grad=True)
    a = torch.randn(n, H, device="cuda", requires_grad=True)
    torch.cuda.reset_peak_memory_stats()
    base = torch.cuda.memory_allocated()
    out = tgat.gat_aggregate(A, x, a, a, 0.2)
    out.sum().backward()
    extra = torch.cuda.max_memory_allocated() - base
    assert extra < A.nnz * H * C * 4 / 2  # well below one E x H x C fp32 tensor
