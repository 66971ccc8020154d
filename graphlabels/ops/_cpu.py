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
    rowptr, col = A.indices32()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "CSR support is in beta"
        return torch.sparse_csr_tensor(
            rowptr, col, _values(A, w, dtype), A.shape, check_invariants=False
        )


def spmm_sum(A: CSR, X: Tensor, w: Tensor | None = None) -> Tensor:
    """``out[i] = sum_e w_e X[col_e]`` for 2-D ``X``; fp16/bf16 accumulate in fp32."""
    dtype = X.dtype
    work = torch.float32 if dtype in _LOW else dtype
    if A.nnz == 0 or X.size(1) == 0:
        return X.new_zeros(A.num_rows, X.size(1))
    out = torch.sparse.mm(_torch_csr(A, w, work), X.to(work).contiguous(), "sum")
    return out.to(dtype)


def spmm_max(A: CSR, X: Tensor, w: Tensor | None = None) -> tuple[Tensor, Tensor]:
    """Row-wise max of ``w_e X[col_e]``; returns ``(out, arg)``.

    ``arg[i, f]`` is the CSR position of the first maximal entry (``nnz`` for an
    empty row, whose output is 0).
    """
    dtype = X.dtype
    work = torch.float32 if dtype in _LOW else dtype
    if A.nnz == 0 or X.size(1) == 0:
        out = X.new_zeros(A.num_rows, X.size(1))
        return out, torch.full(out.shape, A.nnz, dtype=torch.long, device=X.device)
    At = _torch_csr(A, w, work)
    Xw = X.detach().to(work).contiguous().requires_grad_()
    with torch.enable_grad():  # the kernel only returns the argmax when grad is on
        out, arg = torch.ops.aten._sparse_mm_reduce_impl(At, Xw, "amax")
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


def segment_softmax_forward(A: CSR, scores: Tensor) -> Tensor:
    """Softmax over each row's entries (``scores`` is ``[nnz]`` or ``[nnz, H]``)."""
    row = A.row()
    shape = (A.num_rows,) + tuple(scores.shape[1:])
    idx = row.view(-1, *([1] * (scores.dim() - 1))).expand_as(scores)
    mx = torch.full(shape, float("-inf"), dtype=scores.dtype, device=scores.device)
    mx.scatter_reduce_(0, idx, scores, "amax", include_self=True)
    ex = (scores - mx.index_select(0, row)).exp_()
    den = scores.new_zeros(shape).index_add_(0, row, ex)
    return ex.div_(den.index_select(0, row))


def segment_softmax_backward(A: CSR, out: Tensor, grad: Tensor) -> Tensor:
    """Gradient of :func:`segment_softmax_forward`: ``p * (g - sum_row(p * g))``."""
    row = A.row()
    pg = out * grad
    shape = (A.num_rows,) + tuple(out.shape[1:])
    s = out.new_zeros(shape).index_add_(0, row, pg)
    return pg.sub_(out * s.index_select(0, row))
