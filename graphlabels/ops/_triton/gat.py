"""Fused GAT aggregation in Triton: scores, softmax and weighted sum in one pass.

Forward: one program per (target row, head) runs an online softmax over the row's
edges (as in flash attention) and keeps only the row's log-sum-exp. Backward
recomputes the attention weights from it: one kernel over the cached transpose
gives the feature and source-logit gradients, with no atomics. The target-logit
gradient is a sum over each row of the per-edge score gradients: the all-heads
variant writes those (``E x H`` floats) from the transpose pass and sums them
row by row (see :data:`STORE_DZ`), the per-head variant recomputes them in a
second gather pass over the rows. Nothing of size ``E x H x F`` is ever stored.
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl
from torch import Tensor

from graphlabels.ops._triton._launch import Kernel, next_pow2
from graphlabels.ops._triton._tiles import edge_block, row_range
from graphlabels.ops.csr import CSR

__all__ = ["gat_aggregate"]


# -- pieces shared by the kernels (inlined by the compiler) ---------------------------
@triton.jit
def _leaky_relu(z, slope):
    return tl.where(z > 0, z, z * slope)


@triton.jit
def _leaky_relu_grad(z, ds, slope):
    """The gradient ``dL/dz`` from ``dL/ds`` with ``s = leaky_relu(z)``."""
    return tl.where(z > 0, ds, ds * slope)


@triton.jit
def _head_program(rowptr_ptr, C, BLOCK_C: tl.constexpr):
    """Row (int64), head, channel lanes and entry range of a per-head program."""
    row = tl.program_id(0).to(tl.int64)
    h = tl.program_id(1)
    offs_c = tl.arange(0, BLOCK_C)
    mask_c = offs_c < C
    start, end = row_range(rowptr_ptr, row)
    return row, h, offs_c, mask_c, start, end


@triton.jit
def _head_tile(ptr, nodes, h, H, C, offs_c, mask_e, mask_c):
    """``ptr[nodes, h, :]`` as a float32 ``BLOCK_E x BLOCK_C`` tile."""
    return tl.load(
        ptr + (nodes * H + h)[:, None] * C + offs_c[None, :],
        mask=mask_e[:, None] & mask_c[None, :],
        other=0.0,
    ).to(tl.float32)


@triton.jit
def _heads_lanes(H, C, BLOCK_H: tl.constexpr, BLOCK_C: tl.constexpr):
    """Head and channel lanes of the all-heads kernels."""
    offs_h = tl.arange(0, BLOCK_H)
    offs_c = tl.arange(0, BLOCK_C)
    mask_h = offs_h < H
    mask_hc = mask_h[:, None] & (offs_c < C)[None, :]
    hc = offs_h[:, None] * C + offs_c[None, :]
    return offs_h, mask_h, mask_hc, hc


@triton.jit
def _heads_tile(ptr, nodes, hc, H, C, mask_e, mask_hc):
    """``ptr[nodes, :, :]`` as a float32 ``BLOCK_E x BLOCK_H x BLOCK_C`` tile."""
    return tl.load(
        ptr + nodes[:, None, None] * (H * C) + hc[None, :, :],
        mask=mask_e[:, None, None] & mask_hc[None, :, :],
        other=0.0,
    ).to(tl.float32)


@triton.jit
def _heads_logits(asrc_ptr, cols, offs_h, H, m_eh, a_d, slope):
    """``z = a_src[cols, :] + a_d`` and ``leaky_relu(z)`` for a block of entries."""
    z = tl.load(asrc_ptr + cols[:, None] * H + offs_h[None, :], mask=m_eh, other=0.0)
    z = z.to(tl.float32) + a_d[None, :]
    return z, _leaky_relu(z, slope)


# -- one program per (row, head) -------------------------------------------------------
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
    row, h, offs_c, mask_c, start, end = _head_program(rowptr_ptr, C, BLOCK_C)
    a_d = tl.load(adst_ptr + row * H + h).to(tl.float32)
    m = tl.max(tl.full([BLOCK_E], float("-inf"), tl.float32), axis=0)
    s_sum = tl.sum(tl.zeros([BLOCK_E], tl.float32), axis=0)
    acc = tl.zeros([BLOCK_C], dtype=tl.float32)
    for e0 in range(start, end, BLOCK_E):
        _, mask_e, cols = edge_block(col_ptr, e0, end, BLOCK_E)
        z = tl.load(asrc_ptr + cols * H + h, mask=mask_e, other=0.0).to(tl.float32)
        s = _leaky_relu(z + a_d, slope)
        s = tl.where(mask_e, s, float("-inf"))
        m_new = tl.maximum(m, tl.max(s, axis=0))
        p = tl.exp(s - m_new)
        scale = tl.exp(m - m_new)
        s_sum = s_sum * scale + tl.sum(p, axis=0)
        xt = _head_tile(x_ptr, cols, h, H, C, offs_c, mask_e, mask_c)
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
    row, h, offs_c, mask_c, start, end = _head_program(rowptr_ptr, C, BLOCK_C)
    a_d = tl.load(adst_ptr + row * H + h).to(tl.float32)
    lse = tl.load(lse_ptr + row * H + h)
    dot = tl.load(dot_ptr + row * H + h)
    g = tl.load(dout_ptr + (row * H + h) * C + offs_c, mask=mask_c, other=0.0)
    g = g.to(tl.float32)
    acc = tl.zeros([BLOCK_E], dtype=tl.float32)
    for e0 in range(start, end, BLOCK_E):
        _, mask_e, cols = edge_block(col_ptr, e0, end, BLOCK_E)
        z = tl.load(asrc_ptr + cols * H + h, mask=mask_e, other=0.0).to(tl.float32)
        z = z + a_d
        s = _leaky_relu(z, slope)
        alpha = tl.where(mask_e, tl.exp(s - lse), 0.0)
        xt = _head_tile(x_ptr, cols, h, H, C, offs_c, mask_e, mask_c)
        dalpha = tl.sum(xt * g[None, :], axis=1)
        ds = alpha * (dalpha - dot)
        acc += _leaky_relu_grad(z, ds, slope)
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
    j, h, offs_c, mask_c, start, end = _head_program(trowptr_ptr, C, BLOCK_C)
    a_s = tl.load(asrc_ptr + j * H + h).to(tl.float32)
    xj = tl.load(x_ptr + (j * H + h) * C + offs_c, mask=mask_c, other=0.0)
    xj = xj.to(tl.float32)
    acc_x = tl.zeros([BLOCK_C], dtype=tl.float32)
    acc_a = tl.zeros([BLOCK_E], dtype=tl.float32)
    for e0 in range(start, end, BLOCK_E):
        _, mask_e, rows = edge_block(tcol_ptr, e0, end, BLOCK_E)
        idx = rows * H + h
        z = tl.load(adst_ptr + idx, mask=mask_e, other=0.0).to(tl.float32) + a_s
        lse = tl.load(lse_ptr + idx, mask=mask_e, other=0.0)
        dot = tl.load(dot_ptr + idx, mask=mask_e, other=0.0)
        s = _leaky_relu(z, slope)
        alpha = tl.where(mask_e, tl.exp(s - lse), 0.0)
        gt = _head_tile(dout_ptr, rows, h, H, C, offs_c, mask_e, mask_c)
        dalpha = tl.sum(gt * xj[None, :], axis=1)
        ds = alpha * (dalpha - dot)
        acc_a += _leaky_relu_grad(z, ds, slope)
        acc_x += tl.sum(alpha[:, None] * gt, axis=0)
    tl.store(
        dx_ptr + (j * H + h) * C + offs_c,
        acc_x.to(dx_ptr.dtype.element_ty),
        mask=mask_c,
    )
    tl.store(dasrc_ptr + j * H + h, tl.sum(acc_a, axis=0))


# -- one program per row, all heads ----------------------------------------------------
@triton.jit
def _gat_fwd_heads_kernel(
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
    BLOCK_H: tl.constexpr,
    BLOCK_C: tl.constexpr,
):
    """All heads of one row per program: whole feature rows are gathered once."""
    row = tl.program_id(0).to(tl.int64)
    offs_h, mask_h, mask_hc, hc = _heads_lanes(H, C, BLOCK_H, BLOCK_C)
    start, end = row_range(rowptr_ptr, row)
    a_d = tl.load(adst_ptr + row * H + offs_h, mask=mask_h, other=0.0).to(tl.float32)
    m = tl.full([BLOCK_H], float("-inf"), tl.float32)
    s_sum = tl.zeros([BLOCK_H], tl.float32)
    acc = tl.zeros([BLOCK_H, BLOCK_C], dtype=tl.float32)
    for e0 in range(start, end, BLOCK_E):
        _, mask_e, cols = edge_block(col_ptr, e0, end, BLOCK_E)
        m_eh = mask_e[:, None] & mask_h[None, :]
        _, s = _heads_logits(asrc_ptr, cols, offs_h, H, m_eh, a_d, slope)
        s = tl.where(m_eh, s, float("-inf"))
        m_new = tl.maximum(m, tl.max(s, axis=0))
        m_safe = tl.where(m_new == float("-inf"), 0.0, m_new)
        p = tl.exp(s - m_safe[None, :])
        scale = tl.exp(m - m_safe)
        s_sum = s_sum * scale + tl.sum(p, axis=0)
        xt = _heads_tile(x_ptr, cols, hc, H, C, mask_e, mask_hc)
        acc = acc * scale[:, None] + tl.sum(p[:, :, None] * xt, axis=0)
        m = m_new
    nonempty = s_sum > 0
    denom = tl.where(nonempty, s_sum, 1.0)
    out = acc / denom[:, None]
    lse = tl.where(nonempty, m + tl.log(denom), 0.0)
    tl.store(
        out_ptr + row * (H * C) + hc, out.to(out_ptr.dtype.element_ty), mask=mask_hc
    )
    tl.store(lse_ptr + row * H + offs_h, lse, mask=mask_h)


@triton.jit
def _gat_bwd_dst_heads_kernel(
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
    BLOCK_H: tl.constexpr,
    BLOCK_C: tl.constexpr,
):
    """All heads of one row: d a_dst[i, :] = sum over the row of dL/dz."""
    row = tl.program_id(0).to(tl.int64)
    offs_h, mask_h, mask_hc, hc = _heads_lanes(H, C, BLOCK_H, BLOCK_C)
    start, end = row_range(rowptr_ptr, row)
    a_d = tl.load(adst_ptr + row * H + offs_h, mask=mask_h, other=0.0).to(tl.float32)
    lse = tl.load(lse_ptr + row * H + offs_h, mask=mask_h, other=0.0)
    dot = tl.load(dot_ptr + row * H + offs_h, mask=mask_h, other=0.0)
    g = tl.load(dout_ptr + row * (H * C) + hc, mask=mask_hc, other=0.0)
    g = g.to(tl.float32)
    acc = tl.zeros([BLOCK_H], dtype=tl.float32)
    for e0 in range(start, end, BLOCK_E):
        _, mask_e, cols = edge_block(col_ptr, e0, end, BLOCK_E)
        m_eh = mask_e[:, None] & mask_h[None, :]
        z, s = _heads_logits(asrc_ptr, cols, offs_h, H, m_eh, a_d, slope)
        alpha = tl.where(m_eh, tl.exp(s - lse[None, :]), 0.0)
        xt = _heads_tile(x_ptr, cols, hc, H, C, mask_e, mask_hc)
        dalpha = tl.sum(xt * g[None, :, :], axis=2)
        ds = alpha * (dalpha - dot[None, :])
        acc += tl.sum(_leaky_relu_grad(z, ds, slope), axis=0)
    tl.store(dadst_ptr + row * H + offs_h, acc, mask=mask_h)


@triton.jit
def _gat_bwd_src_heads_kernel(
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
    tperm_ptr,
    dz_ptr,
    H,
    C,
    slope,
    BLOCK_E: tl.constexpr,
    BLOCK_H: tl.constexpr,
    BLOCK_C: tl.constexpr,
    STORE_DZ: tl.constexpr,
    DZ_SCATTER: tl.constexpr,
):
    """All heads of one source node j, over the transpose (no atomics).

    With ``STORE_DZ`` it also writes each edge's score gradient ``dL/dz``, so that
    the target logits' gradient becomes a row sum instead of a second gather
    pass: at the edge's transpose position ``p`` (coalesced), or with
    ``DZ_SCATTER`` at its CSR position ``tperm[p]``.
    """
    j = tl.program_id(0).to(tl.int64)
    offs_h, mask_h, mask_hc, hc = _heads_lanes(H, C, BLOCK_H, BLOCK_C)
    start, end = row_range(trowptr_ptr, j)
    a_s = tl.load(asrc_ptr + j * H + offs_h, mask=mask_h, other=0.0).to(tl.float32)
    xj = tl.load(x_ptr + j * (H * C) + hc, mask=mask_hc, other=0.0).to(tl.float32)
    acc_x = tl.zeros([BLOCK_H, BLOCK_C], dtype=tl.float32)
    acc_a = tl.zeros([BLOCK_H], dtype=tl.float32)
    for e0 in range(start, end, BLOCK_E):
        offs_e, mask_e, rows = edge_block(tcol_ptr, e0, end, BLOCK_E)
        m_eh = mask_e[:, None] & mask_h[None, :]
        idx = rows[:, None] * H + offs_h[None, :]
        z = tl.load(adst_ptr + idx, mask=m_eh, other=0.0).to(tl.float32) + a_s[None, :]
        lse = tl.load(lse_ptr + idx, mask=m_eh, other=0.0)
        dot = tl.load(dot_ptr + idx, mask=m_eh, other=0.0)
        s = _leaky_relu(z, slope)
        alpha = tl.where(m_eh, tl.exp(s - lse), 0.0)
        gt = _heads_tile(dout_ptr, rows, hc, H, C, mask_e, mask_hc)
        dalpha = tl.sum(gt * xj[None, :, :], axis=2)
        ds = alpha * (dalpha - dot)
        dz = _leaky_relu_grad(z, ds, slope)
        acc_a += tl.sum(dz, axis=0)
        acc_x += tl.sum(alpha[:, :, None] * gt, axis=0)
        if STORE_DZ:
            if DZ_SCATTER:
                eid = tl.load(tperm_ptr + offs_e, mask=mask_e, other=0).to(tl.int64)
            else:
                eid = offs_e
            tl.store(dz_ptr + eid[:, None] * H + offs_h[None, :], dz, mask=m_eh)
    tl.store(dx_ptr + j * (H * C) + hc, acc_x.to(dx_ptr.dtype.element_ty), mask=mask_hc)
    tl.store(dasrc_ptr + j * H + offs_h, acc_a, mask=mask_h)


@triton.jit
def _row_sum_kernel(
    rowptr_ptr,
    pos_ptr,
    src_ptr,
    out_ptr,
    H,
    BLOCK_E: tl.constexpr,
    BLOCK_H: tl.constexpr,
    GATHER: tl.constexpr,
):
    """``out[i, :] = sum of src[e, :]`` over the entries ``e`` of CSR row ``i``.

    With ``GATHER`` the entries are read at ``src[pos[e], :]`` instead.
    """
    row = tl.program_id(0).to(tl.int64)
    offs_h = tl.arange(0, BLOCK_H)
    mask_h = offs_h < H
    start, end = row_range(rowptr_ptr, row)
    acc = tl.zeros([BLOCK_E, BLOCK_H], dtype=tl.float32)
    for e0 in range(start, end, BLOCK_E):
        offs_e = e0 + tl.arange(0, BLOCK_E)
        mask_e = offs_e < end
        if GATHER:
            at = tl.load(pos_ptr + offs_e, mask=mask_e, other=0).to(tl.int64)
        else:
            at = offs_e
        m = mask_e[:, None] & mask_h[None, :]
        acc += tl.load(src_ptr + at[:, None] * H + offs_h[None, :], mask=m, other=0.0)
    tl.store(out_ptr + row * H + offs_h, tl.sum(acc, axis=0), mask=mask_h)


_ROW_SUM = Kernel(
    _row_sum_kernel,
    [
        triton.Config({"BLOCK_E": e}, num_warps=w)
        for e, w in [(32, 1), (64, 2), (16, 1)]
    ],
    key=["H"],
)

#: Backward of the all-heads variant: ``True`` takes the target logits' gradient
#: from per-edge score gradients written by the transpose pass (one gather pass
#: of the features instead of two); ``False`` runs the separate row pass.
STORE_DZ = True
#: Where those gradients go: ``"transpose"`` (coalesced stores, gathered back by
#: the row sum through each entry's transpose position) or ``"csr"`` (scattered
#: stores at each entry's CSR position, summed contiguously).
DZ_ORDER = "transpose"


def _cfgs(width: int) -> list:
    """Launch candidates; the first is the interpreter's.

    For 8 heads x 16 an H100 sweep (``sweep_gpu.py``) found 8 entries per step
    best, with 2 warps (forward), 4 (backward over rows) and 8 (backward over
    the transpose).
    """
    if width >= 128:
        pairs = [(8, 4), (8, 2), (8, 8), (16, 4), (16, 8)]
    else:
        pairs = [(32, 4), (16, 2), (8, 2), (64, 4), (128, 4)]
    return [triton.Config({"BLOCK_E": e}, num_warps=w) for e, w in pairs]


_KERNELS: dict[tuple, tuple[Kernel, Kernel, Kernel]] = {}

#: The all-heads kernels keep a ``BLOCK_E x BLOCK_H x BLOCK_C`` tile in registers;
#: above this many ``BLOCK_H * BLOCK_C`` lanes the per-head kernels are used.
MAX_HEADS_WIDTH = 256


def _kernels(heads: bool, block_h: int, block_c: int) -> tuple[Kernel, ...]:
    key = (heads, block_h, block_c)
    if key not in _KERNELS:
        if heads:
            cfg = _cfgs(block_h * block_c)
            fns = (
                _gat_fwd_heads_kernel,
                _gat_bwd_dst_heads_kernel,
                _gat_bwd_src_heads_kernel,
            )
        else:
            cfg = _cfgs(block_c)
            fns = (_gat_fwd_kernel, _gat_bwd_dst_kernel, _gat_bwd_src_kernel)
        _KERNELS[key] = tuple(Kernel(f, cfg, key=["H", "C"]) for f in fns)
    return _KERNELS[key]


class _FusedGAT(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, a_src, a_dst, A, slope, variant):  # type: ignore[override]
        x = x.contiguous()
        a_src = a_src.contiguous()
        a_dst = a_dst.contiguous()
        H, C = x.size(1), x.size(2)
        block_c = max(16, next_pow2(C))
        block_h = next_pow2(H)
        heads = variant == "heads" or (
            variant == "auto" and block_h * block_c <= MAX_HEADS_WIDTH
        )
        meta = {"BLOCK_C": block_c}
        if heads:
            meta["BLOCK_H"] = block_h
            grid = (A.num_rows,)
        else:
            grid = (A.num_rows, H)
        fwd, _, _ = _kernels(heads, block_h, block_c)
        out = torch.empty(A.num_rows, H, C, dtype=x.dtype, device=x.device)
        lse = torch.empty(A.num_rows, H, dtype=torch.float32, device=x.device)
        rowptr, col = A.indices32()
        if A.num_rows and H:
            fwd(
                lambda m: grid,
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
                **meta,
            )
        ctx.save_for_backward(x, a_src, a_dst, out, lse)
        ctx.A, ctx.slope, ctx.key, ctx.meta = A, float(slope), (heads, block_h), meta
        return out

    @staticmethod
    def backward(ctx, dout):  # type: ignore[override]
        x, a_src, a_dst, out, lse = ctx.saved_tensors
        A, slope, meta = ctx.A, ctx.slope, ctx.meta
        heads, block_h = ctx.key
        _, dst_k, src_k = _kernels(heads, block_h, meta["BLOCK_C"])
        H, C = x.size(1), x.size(2)
        dout = dout.contiguous()
        dot = (dout.float() * out.float()).sum(-1).contiguous()
        # the kernels store every row of their outputs; zeros only when none run
        new = torch.empty if A.nnz and H else torch.zeros
        d_adst = new(A.num_rows, H, dtype=torch.float32, device=x.device)
        dx = new(x.shape, dtype=x.dtype, device=x.device)
        d_asrc = new(A.num_cols, H, dtype=torch.float32, device=x.device)
        if A.nnz and H:
            rowptr, col = A.indices32()
            store_dz = heads and STORE_DZ
            scatter = DZ_ORDER == "csr"
            tperm = dz = rowptr  # placeholders for the pointers a variant ignores
            if store_dz:
                dz = torch.empty(A.nnz, H, dtype=torch.float32, device=x.device)
                if scatter:
                    tperm = A.transpose_perm32()
            else:
                dst_k(
                    lambda m: (A.num_rows,) if heads else (A.num_rows, H),
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
                    **meta,
                )
            trowptr, tcol = A.t().indices32()
            src_k(
                lambda m: (A.num_cols,) if heads else (A.num_cols, H),
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
                *((tperm, dz) if heads else ()),
                H,
                C,
                slope,
                **meta,
                **({"STORE_DZ": store_dz, "DZ_SCATTER": scatter} if heads else {}),
            )
            if store_dz:
                pos = rowptr if scatter else A.transpose_position32()
                _ROW_SUM(
                    lambda m: (A.num_rows,),
                    rowptr,
                    pos,
                    dz,
                    d_adst,
                    H,
                    BLOCK_H=block_h,
                    GATHER=not scatter,
                )
        grads = (dx, d_asrc.to(a_src.dtype), d_adst.to(a_dst.dtype))
        return (*grads, None, None, None)


def gat_aggregate(
    A: CSR,
    x: Tensor,
    alpha_src: Tensor,
    alpha_dst: Tensor,
    negative_slope: float,
    variant: str = "auto",
) -> Tensor:
    """Fused GAT aggregation (no dropout); see :func:`graphlabels.ops.gat_aggregate`.

    ``variant``: ``"heads"`` (one program per row for all heads: whole feature
    rows are gathered once), ``"per_head"`` (one program per row and head), or
    ``"auto"`` (all heads when ``H * C`` fits :data:`MAX_HEADS_WIDTH` lanes).
    """
    if x.size(2) > 1024:
        raise ValueError(
            f"fused GAT supports up to 1024 channels per head, got {x.size(2)}"
        )
    if variant not in ("auto", "heads", "per_head"):
        raise ValueError(f"unknown variant {variant!r}: auto, heads or per_head")
    return _FusedGAT.apply(x, alpha_src, alpha_dst, A, negative_slope, variant)
