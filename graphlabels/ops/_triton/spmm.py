"""Triton CSR SpMM kernels: row-parallel, nnz-split (load-balanced) and max.

All kernels read fp32/fp16/bf16 features, accumulate in fp32, and use int32
indices when the matrix fits (int64 offsets are formed before multiplying by the
feature stride, so ``N * F`` may exceed 2^31).
"""

from __future__ import annotations

import torch
import triton
import triton.language as tl
from torch import Tensor

from graphlabels.ops._triton._launch import Kernel, next_pow2
from graphlabels.ops._triton._tiles import edge_block, row_range, weighted_tile
from graphlabels.ops.csr import CSR

__all__ = ["choose_kernel", "spmm_max", "spmm_sum"]


@triton.jit
def _spmm_row_kernel(
    rowptr_ptr,
    col_ptr,
    w_ptr,
    x_ptr,
    out_ptr,
    F,
    HAS_W: tl.constexpr,
    IDX64: tl.constexpr,
    BLOCK_E: tl.constexpr,
    BLOCK_F: tl.constexpr,
):
    """One program per (row, feature block); loops over the row in chunks.

    ``IDX64``: form offsets in int64 (needed once ``nnz`` or ``N * F`` reaches
    2^31); int32 offsets otherwise, which take fewer instructions per gather.
    """
    row = tl.program_id(0)
    fb = tl.program_id(1)
    offs_f = fb * BLOCK_F + tl.arange(0, BLOCK_F)
    mask_f = offs_f < F
    if IDX64:
        start = tl.load(rowptr_ptr + row).to(tl.int64)
        end = tl.load(rowptr_ptr + row + 1).to(tl.int64)
    else:
        start = tl.load(rowptr_ptr + row).to(tl.int32)
        end = tl.load(rowptr_ptr + row + 1).to(tl.int32)
    acc = tl.zeros([BLOCK_F], dtype=tl.float32)
    for e0 in range(start, end, BLOCK_E):
        offs_e = e0 + tl.arange(0, BLOCK_E)
        mask_e = offs_e < end
        cols = tl.load(col_ptr + offs_e, mask=mask_e, other=0)
        if IDX64:
            cols = cols.to(tl.int64)
        else:
            cols = cols.to(tl.int32)
        tile = weighted_tile(
            x_ptr, w_ptr, cols, offs_e, mask_e, offs_f, mask_f, F, HAS_W
        )
        acc += tl.sum(tile, axis=0)
    if IDX64:
        out_off = row.to(tl.int64) * F + offs_f
    else:
        out_off = row * F + offs_f
    tl.store(out_ptr + out_off, acc.to(out_ptr.dtype.element_ty), mask=mask_f)


@triton.jit
def _spmm_nnz_kernel(
    rowptr_ptr,
    col_ptr,
    w_ptr,
    x_ptr,
    out_ptr,
    chunk_row_ptr,
    nnz,
    num_rows,
    F,
    CHUNK: tl.constexpr,
    HAS_W: tl.constexpr,
    BLOCK_E: tl.constexpr,
    BLOCK_F: tl.constexpr,
):
    """One program per CHUNK nonzeros: equal work whatever the row lengths.

    Rows that lie inside the chunk are stored; a row that crosses the chunk's
    boundary is added atomically (``out`` must be zero-initialised, fp32).
    """
    pid = tl.program_id(0)
    fb = tl.program_id(1)
    offs_f = fb * BLOCK_F + tl.arange(0, BLOCK_F)
    mask_f = offs_f < F
    s = pid.to(tl.int64) * CHUNK
    e = tl.minimum(s + CHUNK, nnz)
    row = tl.load(chunk_row_ptr + pid).to(tl.int64)
    row_start = tl.load(rowptr_ptr + row).to(tl.int64)
    while (row < num_rows) & (row_start < e):
        row_end = tl.load(rowptr_ptr + row + 1).to(tl.int64)
        lo = tl.maximum(row_start, s)
        hi = tl.minimum(row_end, e)
        acc = tl.zeros([BLOCK_F], dtype=tl.float32)
        for e0 in range(lo, hi, BLOCK_E):
            offs_e, mask_e, cols = edge_block(col_ptr, e0, hi, BLOCK_E)
            tile = weighted_tile(
                x_ptr, w_ptr, cols, offs_e, mask_e, offs_f, mask_f, F, HAS_W
            )
            acc += tl.sum(tile, axis=0)
        out_off = row * F + offs_f
        if (row_start >= s) & (row_end <= e):
            tl.store(out_ptr + out_off, acc, mask=mask_f)
        else:
            tl.atomic_add(out_ptr + out_off, acc, mask=mask_f)
        row += 1
        row_start = row_end


@triton.jit
def _spmm_max_kernel(
    rowptr_ptr,
    col_ptr,
    w_ptr,
    x_ptr,
    out_ptr,
    arg_ptr,
    nnz,
    F,
    HAS_W: tl.constexpr,
    BLOCK_E: tl.constexpr,
    BLOCK_F: tl.constexpr,
):
    """Row-wise max with the CSR position of the first maximum (``nnz`` if empty)."""
    row = tl.program_id(0)
    fb = tl.program_id(1)
    offs_f = fb * BLOCK_F + tl.arange(0, BLOCK_F)
    mask_f = offs_f < F
    start, end = row_range(rowptr_ptr, row)
    best = tl.full([BLOCK_F], float("-inf"), dtype=tl.float32)
    arg = tl.zeros([BLOCK_F], dtype=tl.int64) + nnz
    for e0 in range(start, end, BLOCK_E):
        offs_e, mask_e, cols = edge_block(col_ptr, e0, end, BLOCK_E)
        tile = weighted_tile(
            x_ptr, w_ptr, cols, offs_e, mask_e, offs_f, mask_f, F, HAS_W
        )
        tile = tl.where(mask_e[:, None], tile, float("-inf"))
        cmax = tl.max(tile, axis=0)
        # first position reaching the chunk maximum (ties go to the first entry)
        hit = tile == cmax[None, :]
        pos = tl.where(hit, offs_e[:, None], end + BLOCK_E)
        carg = tl.min(pos, axis=0)
        better = cmax > best
        arg = tl.where(better, carg, arg)
        best = tl.where(better, cmax, best)
    best = tl.where(arg < nnz, best, 0.0)
    out_off = row.to(tl.int64) * F + offs_f
    tl.store(out_ptr + out_off, best.to(out_ptr.dtype.element_ty), mask=mask_f)
    tl.store(arg_ptr + out_off, arg, mask=mask_f)


def _configs() -> list:
    """Candidates from a sweep on an H100 (``benchmarks/kernels/sweep_gpu.py``).

    Small programs win: one or two warps per row keep many rows in flight, which
    is what a gather-bound product needs (F = 32: 1 warp, 64 entries per step;
    F = 128: 2 warps, 64 features per program). The first is the interpreter's.
    """
    out = []
    for be, bf, warps in [
        (64, 32, 1),
        (32, 32, 1),
        (64, 32, 2),
        (32, 64, 1),
        (64, 64, 2),
        (32, 64, 2),
        (16, 128, 2),
        (64, 128, 2),
        (16, 128, 4),
    ]:
        out.append(triton.Config({"BLOCK_E": be, "BLOCK_F": bf}, num_warps=warps))
    return out


def _prune(configs: list, named_args: dict | None = None, **kwargs) -> list:
    """Drop feature blocks wider than the features need (all masked lanes)."""
    F = (named_args or {}).get("F", kwargs.get("F"))
    if not isinstance(F, int):
        return list(configs)
    width = max(32, next_pow2(F))
    return [c for c in configs if c.kwargs["BLOCK_F"] <= width] or list(configs[:1])


_ROW = Kernel(_spmm_row_kernel, _configs(), key=["F", "HAS_W", "IDX64"], prune=_prune)
_NNZ = Kernel(
    _spmm_nnz_kernel,
    _configs(),
    key=["F", "HAS_W"],
    reset=["out_ptr"],
    prune=_prune,
)
_MAX = Kernel(_spmm_max_kernel, _configs(), key=["F", "HAS_W"], prune=_prune)

#: Nonzeros per program of the load-balanced kernel.
CHUNK = 256


def needs_int64(A: CSR, X: Tensor) -> bool:
    """Whether kernel offsets (edges, ``rows * F``) may reach 2^31."""
    big = max(A.nnz + 1, max(A.num_rows, X.size(0)) * max(X.size(1), 1))
    return big >= 2**31


def _stats(A: CSR) -> tuple[int, float]:
    hit = A._struct.get("deg_stats")
    if hit is None:
        deg = A.degree()
        hit = (int(deg.max()) if deg.numel() else 0, A.nnz / max(A.num_rows, 1))
        A._struct["deg_stats"] = hit
    return hit


def choose_kernel(A: CSR) -> str:
    """``"nnz"`` (load-balanced) when one row holds a large share of the work.

    The row kernel runs each row in one program, so a row with more than about
    1/256 of all entries (and well above the mean) would run long after the
    rest; then the nnz-split kernel is used. On the products-size power-law
    graph (largest in-degree ~20k of 62M entries, H100) the two tie at F = 32
    (2.99 vs 2.95 ms) and the row kernel wins at F = 128 (11.2 vs 11.5 ms) and
    in bf16 (6.0 vs 7.0 ms).
    """
    max_deg, avg = _stats(A)
    heavy = max_deg > max(8 * avg, 4 * CHUNK, A.nnz / 256)
    return "nnz" if heavy else "row"


def _chunk_rows(A: CSR) -> Tensor:
    hit = A._struct.get("chunk_rows")
    if hit is None:
        starts = torch.arange(0, A.nnz, CHUNK, device=A.device)
        rows = torch.searchsorted(A.rowptr, starts, right=True) - 1
        hit = rows.clamp_(0, max(A.num_rows - 1, 0)).to(A.indices32()[0].dtype)
        A._struct["chunk_rows"] = hit
    return hit


def spmm_sum(
    A: CSR,
    X: Tensor,
    w: Tensor | None = None,
    kernel: str = "auto",
    *,
    out: Tensor | None = None,
) -> Tensor:
    """``out[i] = sum_e w_e X[col_e]`` (2-D ``X``), fp32 accumulation.

    ``out``, when given (contiguous, ``X``'s dtype, not overlapping ``X``), receives
    the result; the row kernel writes it directly.
    """
    X = X.contiguous()
    F = X.size(1)
    if A.nnz == 0 or F == 0 or A.num_rows == 0:
        return out.zero_() if out is not None else X.new_zeros(A.num_rows, F)
    rowptr, col = A.indices32()
    has_w = w is not None
    wt = w.contiguous() if has_w else X  # dummy pointer when unused
    kind = choose_kernel(A) if kernel == "auto" else kernel
    if kind == "row":
        if out is None:
            out = torch.empty(A.num_rows, F, dtype=X.dtype, device=X.device)

        def grid(m):
            return (A.num_rows, triton.cdiv(F, m["BLOCK_F"]))

        _ROW(grid, rowptr, col, wt, X, out, F, HAS_W=has_w, IDX64=needs_int64(A, X))
        return out
    if kind != "nnz":
        raise ValueError(f"unknown kernel {kernel!r}: auto, row or nnz")
    acc = torch.zeros(A.num_rows, F, dtype=torch.float32, device=X.device)
    chunks = _chunk_rows(A)

    def grid(m):
        return (chunks.numel(), triton.cdiv(F, m["BLOCK_F"]))

    _NNZ(
        grid,
        rowptr,
        col,
        wt,
        X,
        acc,
        chunks,
        A.nnz,
        A.num_rows,
        F,
        CHUNK=CHUNK,
        HAS_W=has_w,
    )
    return out.copy_(acc) if out is not None else acc.to(X.dtype)


def spmm_max(
    A: CSR, X: Tensor, w: Tensor | None = None, need_arg: bool = True
) -> tuple[Tensor, Tensor]:
    """Row-wise max and the CSR position of the first maximum (``nnz`` if empty).

    The argmax is always computed (it costs little here); ``need_arg`` is
    accepted for interface parity with the torch backend.
    """
    X = X.contiguous()
    F = X.size(1)
    out = torch.zeros(A.num_rows, F, dtype=X.dtype, device=X.device)
    arg = torch.full((A.num_rows, F), A.nnz, dtype=torch.long, device=X.device)
    if A.nnz == 0 or F == 0 or A.num_rows == 0:
        return out, arg
    rowptr, col = A.indices32()
    has_w = w is not None
    wt = w.contiguous() if has_w else X

    def grid(m):
        return (A.num_rows, triton.cdiv(F, m["BLOCK_F"]))

    _MAX(grid, rowptr, col, wt, X, out, arg, A.nnz, F, HAS_W=has_w)
    return out, arg
