"""The ``cpu-compiled`` backend's entry points: torch tensors in, numba kernels.

Same functions and signatures as :mod:`graphlabels.ops._cpu`, plus the fused
:func:`gat_aggregate` and a multi-head :func:`spmm_sum_heads`. float32 and
float64 run the compiled kernels; other dtypes (fp16, bf16) and non-CPU
tensors fall back to torch's CSR kernels.

Parallelism follows ``torch.get_num_threads()`` (capped by numba's pool). The
kernels are compiled on first use and cached on disk (numba's ``cache=True``:
next to the sources, or in ``NUMBA_CACHE_DIR``).
"""

from __future__ import annotations

import ctypes
import functools
import math
import sys

import numba
import numpy as np
import torch
from torch import Tensor

from graphlabels.ops import _cpu
from graphlabels.ops._numba import kernels as _k
from graphlabels.ops.csr import CSR

__all__ = [
    "FUSED_MEAN",
    "TASKS_PER_THREAD",
    "gat_aggregate",
    "gather_bound",
    "new_output",
    "parts",
    "sddmm",
    "segment_softmax_backward",
    "segment_softmax_forward",
    "spmm_max",
    "spmm_sum",
    "spmm_sum_heads",
    "threads",
]

#: ``spmm_sum`` takes ``mean=True`` (the division happens in the kernel).
FUSED_MEAN = True
#: Tasks per thread in the load-balanced split (more = finer balance). Equal
#: ``nnz + rows`` is not equal time on a power-law graph (the hot sources stay in
#: cache), so small tasks help: on 2 threads the sum-SpMM on the 200k/2M
#: power-law graph (median of 21 interleaved runs) took 25.2 ms at F=32 with 4
#: tasks per thread, 21.1 ms with 16 and 19.9 ms with 64 (F=64: 42.5/37.4/35.9).
TASKS_PER_THREAD = 64
#: Outputs of at least this many bytes are backed by transparent huge pages
#: (Linux): first-touching a fresh 87 MB output (169k x 128 fp32) took 51 ms of
#: page faults with 4 KB pages and 12 ms with 2 MB pages on the development VM,
#: a third of the whole SpMM. 0 disables it.
HUGE_OUTPUT_BYTES = 8 * 2**20
_FLOATS = (torch.float32, torch.float64)
_HUGE = 2 * 2**20
_MADV_HUGEPAGE = 14


@functools.cache
def _madvise():
    """Libc's ``madvise``, or ``None`` off Linux."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        fn = ctypes.CDLL(None, use_errno=True).madvise
    except (OSError, AttributeError):  # pragma: no cover - unusual libc
        return None
    fn.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    return fn


def new_output(shape: tuple[int, ...], dtype: torch.dtype) -> Tensor:
    """An uninitialised CPU tensor; large ones on 2 MB-aligned huge pages.

    The storage is over-allocated by 2 MB so that the returned (contiguous)
    view starts on a huge-page boundary, and ``madvise(MADV_HUGEPAGE)`` asks the
    kernel to back it with huge pages on first touch.
    """
    numel = math.prod(shape)
    size = torch.empty((), dtype=dtype).element_size()
    madvise = _madvise()
    if madvise is None or not HUGE_OUTPUT_BYTES or numel * size < HUGE_OUTPUT_BYTES:
        return torch.empty(shape, dtype=dtype)
    pad = _HUGE // size
    buf = torch.empty(numel + pad, dtype=dtype)
    ptr = buf.data_ptr()
    start = (ptr + _HUGE - 1) // _HUGE * _HUGE
    off = (start - ptr) // size
    length = (numel - off) * size // _HUGE * _HUGE
    if length > 0:
        madvise(start, length, _MADV_HUGEPAGE)  # a failure only costs speed
    return buf[off : off + numel].view(shape)


def threads() -> int:
    """Threads for the next kernel: torch's setting, capped by numba's pool."""
    n = max(1, min(torch.get_num_threads(), numba.config.NUMBA_NUM_THREADS))
    if numba.get_num_threads() != n:
        numba.set_num_threads(n)
    return n


def _start_pool() -> None:
    """Start numba's thread pool now, keeping torch's thread count.

    numba's OpenMP layer sets the process's OpenMP thread count to the pool's size
    (``NUMBA_NUM_THREADS``, all cores) when its pool starts; torch reads the same
    count, so a ``torch.set_num_threads(1)`` made before would silently become
    one thread per core at the first kernel.
    """
    want = torch.get_num_threads()
    numba.get_num_threads()  # starts the pool
    if torch.get_num_threads() != want:
        torch.set_num_threads(want)


_start_pool()


def parts() -> int:
    """Tasks to split a matrix into: one per call with a single thread."""
    n = threads()
    return n * TASKS_PER_THREAD if n > 1 else 1


def _plan(A: CSR, split: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The cached task split of ``A`` for the current :func:`parts`."""
    parts_ = parts()
    key = ("numba_plan", parts_, split)
    out = A._struct.get(key)
    if out is None:
        out = _k.plan(A.rowptr.numpy(), parts_, split)
        A._struct[key] = out
    return out


def _idx(A: CSR) -> tuple[np.ndarray, np.ndarray]:
    rowptr, col = A.indices32()
    return rowptr.numpy(), col.numpy()


def _np(t: Tensor) -> np.ndarray:
    return t.detach().contiguous().numpy()


#: Feature matrices up to this size stay in cache: their rows are not prefetched
#: (on Amazon Photo at F = 8 prefetching made the SpMM 1.5x slower).
CACHED_BYTES = 1 << 20


def _step(X: Tensor) -> int:
    """Columns of ``X`` per 64-byte cache line (the prefetch stride); 0: none."""
    if X.numel() * X.element_size() <= CACHED_BYTES:
        return 0
    return max(1, 64 // X.element_size())


def _native(*ts: Tensor | None) -> bool:
    """Whether the compiled kernels take these tensors (CPU, float32/64)."""
    return all(t is None or (t.device.type == "cpu" and t.dtype in _FLOATS) for t in ts)


def spmm_sum(
    A: CSR,
    X: Tensor,
    w: Tensor | None = None,
    *,
    out: Tensor | None = None,
    mean: bool = False,
) -> Tensor:
    """``out[i] = sum_e w_e X[col_e]`` (divided by the degree with ``mean``).

    ``out``, when given, is a contiguous ``[num_rows, F]`` buffer of ``X``'s
    dtype that receives the result.
    """
    if not _native(X):
        res = _cpu.spmm_sum(A, X, w, out=out)
        return res.div_(A.degree().clamp(min=1).to(res.dtype)[:, None]) if mean else res
    res = new_output((A.num_rows, X.size(1)), X.dtype) if out is None else out
    tasks, heavy, hptr = _plan(A, True)
    scratch = np.empty((max(1, int(hptr[-1])), X.size(1)), dtype=_np(X).dtype)
    rowptr, col = _idx(A)
    wn = None if w is None else _np(w.to(X.dtype))
    _k.spmm_sum(
        rowptr, col, wn, _np(X), res.numpy(), tasks, heavy, hptr, scratch, mean,
        _step(X),
    )  # fmt: skip
    return res


def spmm_max(
    A: CSR, X: Tensor, w: Tensor | None = None, need_arg: bool = True
) -> tuple[Tensor, Tensor]:
    """Row-wise max of ``w_e X[col_e]``; returns ``(out, arg)``.

    ``arg[i, f]`` (int64) is the CSR position of the first maximal entry
    (``nnz`` for an empty row, whose output is 0); empty unless ``need_arg``.
    """
    if not _native(X):
        return _cpu.spmm_max(A, X, w, need_arg)
    F = X.size(1)
    out = new_output((A.num_rows, F), X.dtype)
    arg = torch.empty((A.num_rows, F) if need_arg else (0,), dtype=torch.long)
    tasks, heavy, hptr = _plan(A, True)
    slots = max(1, int(hptr[-1]))
    dt = _np(X).dtype
    sval = np.empty((slots, F), dtype=dt)
    sarg = np.empty((slots, F), dtype=np.int64)
    rowptr, col = _idx(A)
    wn = None if w is None else _np(w.to(X.dtype))
    argn = arg.numpy() if need_arg else None
    _k.spmm_max(
        rowptr, col, wn, _np(X), out.numpy(), argn, tasks, heavy, hptr, sval, sarg,
        _step(X),
    )  # fmt: skip
    return out, arg


def spmm_sum_heads(A: CSR, X: Tensor, w: Tensor) -> Tensor:
    """``out[i, h] = sum_e w[e, h] X[col_e, h]`` for ``[M, H, F]`` features."""
    if not _native(X):
        outs = [
            _cpu.spmm_sum(A, X[:, h].contiguous(), w[:, h].contiguous())
            for h in range(X.size(1))
        ]
        return torch.stack(outs, dim=1)
    out = new_output((A.num_rows, X.size(1), X.size(2)), X.dtype)
    tasks, _, _ = _plan(A, False)
    rowptr, col = _idx(A)
    _k.spmm_sum_heads(rowptr, col, _np(w.to(X.dtype)), _np(X), out.numpy(), tasks)
    return out


def sddmm(A: CSR, Q: Tensor, K: Tensor) -> Tensor:
    """``out[e] = <Q[row_e], K[col_e]>`` over the last dim.

    ``Q``/``K`` are ``[N, D]`` (output ``[nnz]``) or ``[N, H, D]`` (``[nnz, H]``).
    """
    if not _native(Q, K) or Q.dtype != K.dtype:
        return _cpu.sddmm(A, Q, K)
    q3 = Q if Q.dim() == 3 else Q.unsqueeze(1)
    k3 = K if K.dim() == 3 else K.unsqueeze(1)
    out = Q.new_empty(A.nnz, q3.size(1))
    tasks, _, _ = _plan(A, True)
    rowptr, col = _idx(A)
    _k.sddmm(rowptr, col, _np(q3), _np(k3), out.numpy(), tasks)
    return out if Q.dim() == 3 else out.squeeze(1)


def segment_softmax_forward(A: CSR, scores: Tensor) -> Tensor:
    """Softmax over each row's entries (``scores`` is ``[nnz]`` or ``[nnz, H]``)."""
    if not _native(scores):
        return _cpu.segment_softmax_forward(A, scores)
    s2 = scores if scores.dim() == 2 else scores.unsqueeze(1)
    out = torch.empty_like(s2, memory_format=torch.contiguous_format)
    tasks, _, _ = _plan(A, False)
    _k.softmax_fwd(_idx(A)[0], _np(s2), out.numpy(), tasks)
    return out.view_as(scores)


def segment_softmax_backward(A: CSR, out: Tensor, grad: Tensor) -> Tensor:
    """Gradient of :func:`segment_softmax_forward`: ``p * (g - sum_row(p * g))``."""
    if not _native(out, grad) or out.dtype != grad.dtype:
        return _cpu.segment_softmax_backward(A, out, grad)
    p2 = out if out.dim() == 2 else out.unsqueeze(1)
    g2 = grad if grad.dim() == 2 else grad.unsqueeze(1)
    res = torch.empty(p2.shape, dtype=out.dtype)
    tasks, _, _ = _plan(A, False)
    _k.softmax_bwd(_idx(A)[0], _np(p2), _np(g2), res.numpy(), tasks)
    return res.view_as(out)


#: Largest ``E x H`` attention buffer of the GAT forward (elements; 128 MiB of
#: float32); above it the one-pass kernel runs, which keeps no per-edge values.
ALPHA_BUFFER = 1 << 25


class _FusedGAT(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, a_src, a_dst, A, slope):  # type: ignore[override]
        x = x.detach().contiguous()
        a_src = a_src.detach().to(x.dtype).contiguous()
        a_dst = a_dst.detach().to(x.dtype).contiguous()
        H, C = x.size(1), x.size(2)
        out = new_output((A.num_rows, H, C), x.dtype)
        lse = x.new_empty(A.num_rows, H)
        tasks, _, _ = _plan(A, False)
        rowptr, col = _idx(A)
        if A.nnz * H <= ALPHA_BUFFER:
            alpha = x.new_empty(A.nnz, H)
            sl = np.array([slope], dtype=alpha.numpy().dtype)
            _k.gat_alpha(
                rowptr, col, a_src.numpy(), a_dst.numpy(), sl, alpha.numpy(),
                lse.numpy(), tasks,
            )  # fmt: skip
            _k.spmm_sum_heads(rowptr, col, alpha.numpy(), x.numpy(), out.numpy(), tasks)
        else:
            _k.gat_fwd(
                rowptr, col, x.numpy(), a_src.numpy(), a_dst.numpy(), float(slope),
                out.numpy(), lse.numpy(), tasks,
            )  # fmt: skip
        ctx.save_for_backward(x, a_src, a_dst, out, lse)
        ctx.A, ctx.slope = A, float(slope)
        return out

    @staticmethod
    def backward(ctx, dout):  # type: ignore[override]
        x, a_src, a_dst, out, lse = ctx.saved_tensors
        A, slope = ctx.A, ctx.slope
        dout = dout.to(x.dtype).contiguous()
        dot = (dout * out).sum(-1).contiguous()
        H = x.size(1)
        dx = new_output(tuple(x.shape), x.dtype)
        d_asrc = x.new_empty(A.num_cols, H)
        d_adst = x.new_empty(A.num_rows, H)
        dz = x.new_empty(A.nnz, H)
        At = A.t()
        ttasks, _, _ = _plan(At, False)
        trowptr, tcol = _idx(At)
        _k.gat_bwd_src(
            trowptr, tcol, x.numpy(), a_src.numpy(), a_dst.numpy(), slope,
            lse.numpy(), dout.numpy(), dot.numpy(), dx.numpy(), d_asrc.numpy(),
            dz.numpy(), ttasks,
        )  # fmt: skip
        tasks, _, _ = _plan(A, False)
        pos = A.transpose_position32().numpy()
        _k.row_sum_gather(_idx(A)[0], pos, dz.numpy(), d_adst.numpy(), tasks)
        return dx, d_asrc, d_adst, None, None


def gat_aggregate(
    A: CSR, x: Tensor, alpha_src: Tensor, alpha_dst: Tensor, negative_slope: float
) -> Tensor:
    """Fused GAT aggregation (no dropout); see :func:`graphlabels.ops.gat_aggregate`.

    Forward keeps each row's log-sum-exp; backward recomputes the attention
    weights from it in one pass over the cached transpose (feature and
    source-logit gradients, no atomics) and sums the stored per-edge score
    gradients by row for the target logits. Nothing of size ``E x H x F``.
    """
    if not _native(x):
        from graphlabels.ops import _reference

        return _reference.gat_aggregate(A, x, alpha_src, alpha_dst, negative_slope)
    res = _FusedGAT.apply(x, alpha_src, alpha_dst, A, negative_slope)
    return res


def gather_bound(A: CSR, X: Tensor) -> Tensor:
    """Sum of the gathered rows ``X[col_e]`` per task: the gather-only kernel.

    It moves the same source rows as a sum-SpMM over ``A`` in the same order
    and nothing else; its time is the memory bound the SpMM is compared with.
    """
    out = X.new_zeros(threads(), X.size(1))
    _k.gather_rows(_idx(A)[1], _np(X), out.numpy(), _step(X))
    return out
