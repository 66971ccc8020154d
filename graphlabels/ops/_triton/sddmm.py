"""Triton SDDMM: one (multi-head) dot product per nonzero, in edge blocks."""

from __future__ import annotations

import torch
import triton
import triton.language as tl
from torch import Tensor

from graphlabels.ops._triton._launch import Kernel
from graphlabels.ops.csr import CSR

__all__ = ["row32", "sddmm"]


@triton.jit
def _sddmm_kernel(
    row_ptr,
    col_ptr,
    q_ptr,
    k_ptr,
    out_ptr,
    nnz,
    H,
    D,
    BLOCK_E: tl.constexpr,
    BLOCK_D: tl.constexpr,
):
    pid = tl.program_id(0)
    h = tl.program_id(1)
    offs_e = pid.to(tl.int64) * BLOCK_E + tl.arange(0, BLOCK_E)
    mask_e = offs_e < nnz
    rows = tl.load(row_ptr + offs_e, mask=mask_e, other=0).to(tl.int64)
    cols = tl.load(col_ptr + offs_e, mask=mask_e, other=0).to(tl.int64)
    acc = tl.zeros([BLOCK_E], dtype=tl.float32)
    for d0 in range(0, D, BLOCK_D):
        offs_d = d0 + tl.arange(0, BLOCK_D)
        m = mask_e[:, None] & (offs_d < D)[None, :]
        q_off = (rows * H + h)[:, None] * D + offs_d[None, :]
        k_off = (cols * H + h)[:, None] * D + offs_d[None, :]
        q = tl.load(q_ptr + q_off, mask=m, other=0.0)
        k = tl.load(k_ptr + k_off, mask=m, other=0.0)
        acc += tl.sum(q.to(tl.float32) * k.to(tl.float32), axis=1)
    tl.store(out_ptr + offs_e * H + h, acc, mask=mask_e)


_SDDMM = Kernel(
    _sddmm_kernel,
    [
        triton.Config({"BLOCK_E": 32, "BLOCK_D": 32}, num_warps=4),
        triton.Config({"BLOCK_E": 64, "BLOCK_D": 32}, num_warps=4),
        triton.Config({"BLOCK_E": 128, "BLOCK_D": 16}, num_warps=4),
        triton.Config({"BLOCK_E": 32, "BLOCK_D": 128}, num_warps=8),
        triton.Config({"BLOCK_E": 128, "BLOCK_D": 64}, num_warps=8),
    ],
    key=["D"],
)


def row32(A: CSR) -> Tensor:
    """Expanded row ids in the index dtype of :meth:`CSR.indices32` (cached)."""
    hit = A._struct.get("row32")
    if hit is None:
        hit = A.row().to(A.indices32()[1].dtype)
        A._struct["row32"] = hit
    return hit


def sddmm(A: CSR, Q: Tensor, K: Tensor) -> Tensor:
    """``out[e(, h)] = <Q[row_e(, h)], K[col_e(, h)]>``; fp32 accumulation."""
    heads = Q.dim() == 3
    Q3 = (Q if heads else Q.unsqueeze(1)).contiguous()
    K3 = (K if heads else K.unsqueeze(1)).contiguous()
    H, D = Q3.size(1), Q3.size(2)
    out = torch.empty(A.nnz, H, dtype=torch.float32, device=Q.device)
    if A.nnz and H:
        if D == 0:
            out.zero_()
        else:

            def grid(m):
                return (triton.cdiv(A.nnz, m["BLOCK_E"]), H)

            _SDDMM(grid, row32(A), A.indices32()[1], Q3, K3, out, A.nnz, H, D)
    out = out.to(Q.dtype)
    return out if heads else out.squeeze(1)
