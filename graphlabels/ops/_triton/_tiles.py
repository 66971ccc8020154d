"""Pieces the Triton kernels share; ``@triton.jit`` helpers are inlined by Triton."""

from __future__ import annotations

import triton
import triton.language as tl

__all__ = ["edge_block", "row_range", "weighted_tile"]


@triton.jit
def row_range(rowptr_ptr, row):
    """``[start, end)`` of CSR row ``row``, as int64."""
    start = tl.load(rowptr_ptr + row).to(tl.int64)
    end = tl.load(rowptr_ptr + row + 1).to(tl.int64)
    return start, end


@triton.jit
def edge_block(col_ptr, e0, end, BLOCK_E: tl.constexpr):
    """Positions, mask and int64 column ids of the entries ``e0 .. e0+BLOCK_E``."""
    offs_e = e0 + tl.arange(0, BLOCK_E)
    mask_e = offs_e < end
    cols = tl.load(col_ptr + offs_e, mask=mask_e, other=0).to(tl.int64)
    return offs_e, mask_e, cols


@triton.jit
def weighted_tile(
    x_ptr, w_ptr, cols, offs_e, mask_e, offs_f, mask_f, F, HAS_W: tl.constexpr
):
    """``w[e] * x[cols[e], offs_f]`` for a block of entries, in fp32."""
    tile = tl.load(
        x_ptr + cols[:, None] * F + offs_f[None, :],
        mask=mask_e[:, None] & mask_f[None, :],
        other=0.0,
    ).to(tl.float32)
    if HAS_W:
        w = tl.load(w_ptr + offs_e, mask=mask_e, other=0.0).to(tl.float32)
        tile = tile * w[:, None]
    return tile
