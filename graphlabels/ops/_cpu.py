"""Kernels on torch's CSR operators (``torch.sparse.mm`` with ``reduce``).

These functions take plain tensors and do no autograd; :mod:`graphlabels.ops.spmm`
and friends wrap them in :class:`torch.autograd.Function`. They run on any device
torch's sparse CSR support covers (CPU, and CUDA through cuSPARSE).
"""

from __future__ import annotations

import warnings

import torch
from torch import Tensor

from graphlabels.ops.csr import CSR

__all__ = [
    "sddmm",
    "segment_softmax_backward",
    "segment_softmax_forward",
    "spmm_max",
    "spmm_sum",
]

#: Bytes of scratch one chunk of an edge-wise computation may use.
CHUNK_BYTES = 64 * 2**20
_LOW = (torch.float16, torch.bfloat16)


def _values(A: CSR, w: Tensor | None, dtype: torch.dtype) -> Tensor:
    if w is not None:
        return w.to(dtype).contiguous()
    key = ("ones", dtype, A.device)
    ones = A._struct.get(key)
    if ones is None:
        ones = torch.ones(A.nnz, dtype=dtype, device=A.device)
        A._struct[key] = ones
    return ones


def _torch_csr(A: CSR, w: Tensor | None, dtype: torch.dtype) -> Tensor:
    """A torch CSR tensor of ``A`` with values ``w``; cached for the common cases.

    With ``w=None`` it is cached with the structure; with ``w is A.value`` (and no
    grad through it) in ``A.cache``.
    """
    if w is None:
        store, key = A._struct, ("tcsr", dtype)
    elif w is A.value and not w.requires_grad:
        store, key = A.cache, ("tcsr", dtype)
    else:
        store, key = None, None
    if store is not None and key in store:
        return store[key]
    rowptr, col = A.indices32()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "CSR support is in beta"
        out = torch.sparse_csr_tensor(
            rowptr, col, _values(A, w, dtype), A.shape, check_invariants=False
        )
    if store is not None:
        store[key] = out
    return out


_MKL = torch.backends.mkl.is_available()


def _use_mkl(F: int) -> bool:
    # torch's reduce kernel is vectorised in blocks of 16 columns and wins for wide
    # multiples of 16; for narrow or other widths the MKL product is faster.
    return _MKL and (F % 16 != 0 or F <= 32)


def spmm_sum(
    A: CSR, X: Tensor, w: Tensor | None = None, *, out: Tensor | None = None
) -> Tensor:
    """``out[i] = sum_e w_e X[col_e]`` for 2-D ``X``; fp16/bf16 accumulate in fp32.

    ``out``, when given, is a contiguous ``[num_rows, F]`` tensor of ``X``'s dtype
    (not overlapping ``X``) that receives the result: repeated products (label
    propagation) then reuse one buffer instead of allocating and zeroing a new one
    each time.
    """
    dtype = X.dtype
    work = torch.float32 if dtype in _LOW else dtype
    if A.nnz == 0 or X.size(1) == 0:
        if out is not None:
            return out.zero_()
        return X.new_zeros(A.num_rows, X.size(1))
    T = _torch_csr(A, w, work)
    Xw = X.to(work).contiguous()
    if X.device.type != "cpu":
        res = torch.sparse.mm(T, Xw)  # cuSPARSE
    elif not _use_mkl(X.size(1)):
        res = torch.sparse.mm(T, Xw, "sum")
    else:
        # addmm into an uninitialised buffer with beta=0: torch.sparse.mm would
        # zero a fresh output and copy the result over, a third of its time.
        direct = out is not None and work == dtype
        res = out if direct else Xw.new_empty(A.num_rows, Xw.size(1))
        torch.addmm(res, T, Xw, beta=0, out=res)
        if direct:
            return out
    if out is not None:
        return out.copy_(res)
    return res.to(dtype)


def spmm_max(
    A: CSR, X: Tensor, w: Tensor | None = None, need_arg: bool = True
) -> tuple[Tensor, Tensor]:
    """Row-wise max of ``w_e X[col_e]``; returns ``(out, arg)``.

    ``arg[i, f]`` is the CSR position of the first maximal entry (``nnz`` for an
    empty row, whose output is 0); it is empty when ``need_arg`` is false.
    """
    dtype = X.dtype
    work = torch.float32 if dtype in _LOW else dtype
    if A.nnz == 0 or X.size(1) == 0:
        out = X.new_zeros(A.num_rows, X.size(1))
        return out, torch.full(out.shape, A.nnz, dtype=torch.long, device=X.device)
    At = _torch_csr(A, w, work)
    Xw = X.detach().to(work).contiguous()
    if not need_arg:
        out = torch.sparse.mm(At, Xw, "amax")
        return out.to(dtype), torch.empty(0, dtype=torch.long, device=X.device)
    with torch.enable_grad():  # the kernel only returns the argmax when grad is on
        out, arg = torch.ops.aten._sparse_mm_reduce_impl(
            At, Xw.requires_grad_(), "amax"
        )
    out = out.detach()
    empty = A.degree() == 0
    if bool(empty.any()):
        arg = arg.clone()
        arg[empty] = A.nnz
    return out.to(dtype), arg.long()


def sddmm(A: CSR, Q: Tensor, K: Tensor) -> Tensor:
    """``out[e] = <Q[row_e], K[col_e]>`` over the last dim, in edge chunks.

    ``Q``/``K`` are ``[N, D]`` (output ``[nnz]``) or ``[N, H, D]`` (``[nnz, H]``).
    Peak scratch is bounded by :data:`CHUNK_BYTES`, never ``nnz * H * D``.
    """
    row, col = A.row(), A.col
    width = max(1, Q[0].numel() if Q.size(0) else 1)
    chunk = max(1024, CHUNK_BYTES // (8 * width * Q.element_size()))
    work = torch.float32 if Q.dtype in _LOW else Q.dtype
    out = torch.empty((A.nnz,) + tuple(Q.shape[1:-1]), dtype=work, device=Q.device)
    for s in range(0, A.nnz, chunk):
        e = min(A.nnz, s + chunk)
        q = Q.index_select(0, row[s:e]).to(work)
        k = K.index_select(0, col[s:e]).to(work)
        torch.sum(q * k, dim=-1, out=out[s:e])
    return out.to(Q.dtype)


def _segment(data: Tensor, A: CSR, reduce: str) -> Tensor:
    """Reduce ``data`` (``[nnz, ...]`` in CSR order) over each row's entries.

    ``torch.segment_reduce`` works on the row offsets directly (no sort, no
    atomics), several times faster on CPU than ``scatter_reduce``/``index_add_``.
    Empty rows give the reduction's identity (``-inf`` for max, 0 for sum).
    """
    return torch.segment_reduce(data, reduce, offsets=A.rowptr, axis=0, unsafe=True)


def segment_softmax_forward(A: CSR, scores: Tensor) -> Tensor:
    """Softmax over each row's entries (``scores`` is ``[nnz]`` or ``[nnz, H]``)."""
    if A.nnz == 0:
        return scores.clone()
    row = A.row()
    mx = _segment(scores, A, "max")
    ex = (scores - mx.index_select(0, row)).exp_()
    den = _segment(ex, A, "sum")
    return ex.div_(den.index_select(0, row))


def segment_softmax_backward(A: CSR, out: Tensor, grad: Tensor) -> Tensor:
    """Gradient of :func:`segment_softmax_forward`: ``p * (g - sum_row(p * g))``."""
    if A.nnz == 0:
        return grad.clone()
    pg = out * grad
    s = _segment(pg, A, "sum")
    return pg.sub_(out * s.index_select(0, A.row()))
