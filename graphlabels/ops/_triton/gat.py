"""Fused GAT aggregation in Triton: scores, softmax and weighted sum in one pass.

Forward: one program per (target row, head) runs an online softmax over the row's
edges (as in flash attention) and keeps only the row's log-sum-exp. Backward
recomputes the attention weights from it: one kernel over the rows gives the
target-logit gradient, one over the cached transpose gives the feature and
source-logit gradients, with no atomics. Nothing of size ``E x H x F`` is ever
stored; the only per-edge state is recomputed on the fly.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl
from torch import Tensor

from graphlabels.ops._triton._launch import Kernel
from graphlabels.ops.csr import CSR

__all__ = ["gat_aggregate"]


@triton.jit
def _gat_fwd_kernel(
    rowptr_ptr,
    col_ptr,
    x_ptr,
    asrc_ptr,
    adst_ptr,
    out_ptr,
    lse_ptr,
    H,
    C,
    slope,
    BLOCK_E: tl.constexpr,
    BLOCK_C: tl.constexpr,
):
    row = tl.program_id(0).to(tl.int64)
    h = tl.program_id(1)
    offs_c = tl.arange(0, BLOCK_C)
    mask_c = offs_c < C
    start = tl.load(rowptr_ptr + row).to(tl.int64)
    end = tl.load(rowptr_ptr + row + 1).to(tl.int64)
    a_d = tl.load(adst_ptr + row * H + h).to(tl.float32)
    m = tl.max(tl.full([BLOCK_E], float("-inf"), tl.float32), axis=0)
    s_sum = tl.sum(tl.zeros([BLOCK_E], tl.float32), axis=0)
    acc = tl.zeros([BLOCK_C], dtype=tl.float32)
    for e0 in range(start, end, BLOCK_E):
        offs_e = e0 + tl.arange(0, BLOCK_E)
        mask_e = offs_e < end
        cols = tl.load(col_ptr + offs_e, mask=mask_e, other=0).to(tl.int64)
        z = tl.load(asrc_ptr + cols * H + h, mask=mask_e, other=0.0).to(tl.float32)
        z = z + a_d
        s = tl.where(z > 0, z, z * slope)
        s = tl.where(mask_e, s, float("-inf"))
        m_new = tl.maximum(m, tl.max(s, axis=0))
        p = tl.exp(s - m_new)
        scale = tl.exp(m - m_new)
        s_sum = s_sum * scale + tl.sum(p, axis=0)
        xt = tl.load(
            x_ptr + (cols * H + h)[:, None] * C + offs_c[None, :],
            mask=mask_e[:, None] & mask_c[None, :],
            other=0.0,
        ).to(tl.float32)
        acc = acc * scale + tl.sum(p[:, None] * xt, axis=0)
        m = m_new
    nonempty = s_sum > 0
    denom = tl.where(nonempty, s_sum, 1.0)
    out = acc / denom
    lse = tl.where(nonempty, m + tl.log(denom), 0.0)
    tl.store(
        out_ptr + (row * H + h) * C + offs_c,
        out.to(out_ptr.dtype.element_ty),
        mask=mask_c,
    )
    tl.store(lse_ptr + row * H + h, lse)


@triton.jit
def _gat_bwd_dst_kernel(
    rowptr_ptr,
    col_ptr,
    x_ptr,
    asrc_ptr,
    adst_ptr,
    lse_ptr,
    dout_ptr,
    dot_ptr,
    dadst_ptr,
    H,
    C,
    slope,
    BLOCK_E: tl.constexpr,
    BLOCK_C: tl.constexpr,
):
    """D a_dst[i] = sum over row i of dL/dz_e."""
    row = tl.program_id(0).to(tl.int64)
    h = tl.program_id(1)
    offs_c = tl.arange(0, BLOCK_C)
    mask_c = offs_c < C
    start = tl.load(rowptr_ptr + row).to(tl.int64)
    end = tl.load(rowptr_ptr + row + 1).to(tl.int64)
    a_d = tl.load(adst_ptr + row * H + h).to(tl.float32)
    lse = tl.load(lse_ptr + row * H + h)
    dot = tl.load(dot_ptr + row * H + h)
    g = tl.load(dout_ptr + (row * H + h) * C + offs_c, mask=mask_c, other=0.0)
    g = g.to(tl.float32)
    acc = tl.zeros([BLOCK_E], dtype=tl.float32)
    for e0 in range(start, end, BLOCK_E):
        offs_e = e0 + tl.arange(0, BLOCK_E)
        mask_e = offs_e < end
        cols = tl.load(col_ptr + offs_e, mask=mask_e, other=0).to(tl.int64)
        z = tl.load(asrc_ptr + cols * H + h, mask=mask_e, other=0.0).to(tl.float32)
        z = z + a_d
        s = tl.where(z > 0, z, z * slope)
        alpha = tl.where(mask_e, tl.exp(s - lse), 0.0)
        xt = tl.load(
            x_ptr + (cols * H + h)[:, None] * C + offs_c[None, :],
            mask=mask_e[:, None] & mask_c[None, :],
            other=0.0,
        ).to(tl.float32)
        dalpha = tl.sum(xt * g[None, :], axis=1)
        ds = alpha * (dalpha - dot)
        acc += tl.where(z > 0, ds, ds * slope)
    tl.store(dadst_ptr + row * H + h, tl.sum(acc, axis=0))


@triton.jit
def _gat_bwd_src_kernel(
    trowptr_ptr,
    tcol_ptr,
    x_ptr,
    asrc_ptr,
    adst_ptr,
    lse_ptr,
    dout_ptr,
    dot_ptr,
    dx_ptr,
    dasrc_ptr,
    H,
    C,
    slope,
    BLOCK_E: tl.constexpr,
    BLOCK_C: tl.constexpr,
):
    """Over the transpose: dx[j] = sum_e alpha_e dout[i_e]; d a_src[j] = sum dz_e."""
    j = tl.program_id(0).to(tl.int64)
    h = tl.program_id(1)
    offs_c = tl.arange(0, BLOCK_C)
    mask_c = offs_c < C
    start = tl.load(trowptr_ptr + j).to(tl.int64)
    end = tl.load(trowptr_ptr + j + 1).to(tl.int64)
    a_s = tl.load(asrc_ptr + j * H + h).to(tl.float32)
    xj = tl.load(x_ptr + (j * H + h) * C + offs_c, mask=mask_c, other=0.0)
    xj = xj.to(tl.float32)
    acc_x = tl.zeros([BLOCK_C], dtype=tl.float32)
    acc_a = tl.zeros([BLOCK_E], dtype=tl.float32)
    for e0 in range(start, end, BLOCK_E):
        offs_e = e0 + tl.arange(0, BLOCK_E)
        mask_e = offs_e < end
        rows = tl.load(tcol_ptr + offs_e, mask=mask_e, other=0).to(tl.int64)
        idx = rows * H + h
        z = tl.load(adst_ptr + idx, mask=mask_e, other=0.0).to(tl.float32) + a_s
        lse = tl.load(lse_ptr + idx, mask=mask_e, other=0.0)
        dot = tl.load(dot_ptr + idx, mask=mask_e, other=0.0)
        s = tl.where(z > 0, z, z * slope)
        alpha = tl.where(mask_e, tl.exp(s - lse), 0.0)
        gt = tl.load(
            dout_ptr + idx[:, None] * C + offs_c[None, :],
            mask=mask_e[:, None] & mask_c[None, :],
            other=0.0,
        ).to(tl.float32)
        dalpha = tl.sum(gt * xj[None, :], axis=1)
        ds = alpha * (dalpha - dot)
        acc_a += tl.where(z > 0, ds, ds * slope)
        acc_x += tl.sum(alpha[:, None] * gt, axis=0)
    tl.store(
        dx_ptr + (j * H + h) * C + offs_c,
        acc_x.to(dx_ptr.dtype.element_ty),
        mask=mask_c,
    )
    tl.store(dasrc_ptr + j * H + h, tl.sum(acc_a, axis=0))


def _cfgs(block_c: int) -> list:
    if block_c >= 128:
        pairs = [(16, 4), (32, 4), (32, 8), (64, 8)]
    else:
        pairs = [(32, 4), (16, 2), (64, 4), (128, 4)]
    return [triton.Config({"BLOCK_E": e}, num_warps=w) for e, w in pairs]


_FWD = {}
_DST = {}
_SRC = {}


def _kernels(block_c: int) -> tuple[Kernel, Kernel, Kernel]:
    if block_c not in _FWD:
        cfg = _cfgs(block_c)
        _FWD[block_c] = Kernel(_gat_fwd_kernel, cfg, key=["H", "C"])
        _DST[block_c] = Kernel(_gat_bwd_dst_kernel, cfg, key=["H", "C"])
        _SRC[block_c] = Kernel(_gat_bwd_src_kernel, cfg, key=["H", "C"])
    return _FWD[block_c], _DST[block_c], _SRC[block_c]


class _FusedGAT(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, a_src, a_dst, A, slope):  # type: ignore[override]
        x = x.contiguous()
        a_src = a_src.contiguous()
        a_dst = a_dst.contiguous()
        H, C = x.size(1), x.size(2)
        block_c = max(16, int(triton.next_power_of_2(C)))
        fwd, _, _ = _kernels(block_c)
        out = torch.empty(A.num_rows, H, C, dtype=x.dtype, device=x.device)
        lse = torch.empty(A.num_rows, H, dtype=torch.float32, device=x.device)
        rowptr, col = A.indices32()
        if A.num_rows and H:
            fwd(
                lambda m: (A.num_rows, H),
                rowptr,
                col,
                x,
                a_src,
                a_dst,
                out,
                lse,
                H,
                C,
                float(slope),
                BLOCK_C=block_c,
            )
        ctx.save_for_backward(x, a_src, a_dst, out, lse)
        ctx.A, ctx.slope, ctx.block_c = A, float(slope), block_c
        return out

    @staticmethod
    def backward(ctx, dout):  # type: ignore[override]
        x, a_src, a_dst, out, lse = ctx.saved_tensors
        A, slope, block_c = ctx.A, ctx.slope, ctx.block_c
        _, dst_k, src_k = _kernels(block_c)
        H, C = x.size(1), x.size(2)
        dout = dout.contiguous()
        dot = (dout.float() * out.float()).sum(-1).contiguous()
        d_adst = torch.zeros(A.num_rows, H, dtype=torch.float32, device=x.device)
        dx = torch.zeros_like(x)
        d_asrc = torch.zeros(A.num_cols, H, dtype=torch.float32, device=x.device)
        if A.nnz and H:
            rowptr, col = A.indices32()
            dst_k(
                lambda m: (A.num_rows, H),
                rowptr,
                col,
                x,
                a_src,
                a_dst,
                lse,
                dout,
                dot,
                d_adst,
                H,
                C,
                slope,
                BLOCK_C=block_c,
            )
            At = A.t()
            trowptr, tcol = At.indices32()
            src_k(
                lambda m: (A.num_cols, H),
                trowptr,
                tcol,
                x,
                a_src,
                a_dst,
                lse,
                dout,
                dot,
                dx,
                d_asrc,
                H,
                C,
                slope,
                BLOCK_C=block_c,
            )
        return dx, d_asrc.to(a_src.dtype), d_adst.to(a_dst.dtype), None, None


def gat_aggregate(
    A: CSR, x: Tensor, alpha_src: Tensor, alpha_dst: Tensor, negative_slope: float
) -> Tensor:
    """Fused GAT aggregation (no dropout); see :func:`graphlabels.ops.gat_aggregate`."""
    if x.size(2) > 1024:
        raise ValueError(
            f"fused GAT supports up to 1024 channels per head, got {x.size(2)}"
        )
    return _FusedGAT.apply(x, alpha_src, alpha_dst, A, negative_slope)
