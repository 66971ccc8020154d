"""Pure-torch reference implementations (gather + scatter, autograd by torch).

These are slow and memory-hungry (they materialise one message per edge) but simple
enough to trust; the tests compare every backend against them.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from graphlabels.ops.csr import CSR

__all__ = ["gat_aggregate", "sddmm", "segment_softmax", "spmm"]


def _bcast(w: Tensor, like: Tensor) -> Tensor:
    while w.dim() < like.dim():
        w = w.unsqueeze(-1)
    return w


def spmm(
    A: CSR, X: Tensor, reduce: str = "sum", edge_weight: Tensor | None = None
) -> Tensor:
    """``out[i] = reduce_{e in row i} w_e * X[col_e]``; empty rows give 0.

    For ``max`` the gradient of a tie goes to the first entry of the row.
    """
    row, col = A.row(), A.col
    msg = X.index_select(0, col)
    if edge_weight is not None:
        msg = msg * _bcast(edge_weight.to(X.dtype), msg)
    out_shape = (A.num_rows,) + tuple(X.shape[1:])
    if reduce in ("sum", "mean"):
        out = X.new_zeros(out_shape).index_add(0, row, msg)
        if reduce == "mean":
            deg = A.degree().clamp(min=1).to(X.dtype)
            out = out / _bcast(deg, out)
        return out
    if reduce == "max":
        idx = _bcast(row, msg).expand_as(msg)
        best = X.new_zeros(out_shape).scatter_reduce(
            0, idx, msg.detach(), "amax", include_self=False
        )
        pos = torch.arange(A.nnz, device=X.device)
        pos = _bcast(pos, msg).expand_as(msg)
        is_best = msg.detach() == best.index_select(0, row)
        cand = torch.where(is_best, pos, torch.full_like(pos, A.nnz))
        first = torch.full(out_shape, A.nnz, dtype=torch.long, device=X.device)
        first = first.scatter_reduce(0, idx, cand, "amin", include_self=True)
        padded = torch.cat([msg, msg.new_zeros((1,) + tuple(msg.shape[1:]))])
        return padded.gather(0, first)
    raise ValueError(f"unknown reduce {reduce!r}")


def sddmm(A: CSR, Q: Tensor, K: Tensor) -> Tensor:
    """``out[e] = <Q[row_e], K[col_e]>`` over the last dimension (per head)."""
    return (Q.index_select(0, A.row()) * K.index_select(0, A.col)).sum(-1)


def segment_softmax(A: CSR, scores: Tensor) -> Tensor:
    """Softmax of ``scores`` (``[nnz]`` or ``[nnz, H]``) over each row's entries."""
    row = A.row()
    shape = (A.num_rows,) + tuple(scores.shape[1:])
    idx = _bcast(row, scores).expand_as(scores)
    mx = torch.full(shape, float("-inf"), dtype=scores.dtype, device=scores.device)
    mx = mx.scatter_reduce(0, idx, scores.detach(), "amax", include_self=True)
    ex = (scores - mx.index_select(0, row)).exp()
    den = scores.new_zeros(shape).index_add(0, row, ex)
    return ex / den.index_select(0, row)


def gat_aggregate(
    A: CSR,
    x: Tensor,
    alpha_src: Tensor,
    alpha_dst: Tensor,
    negative_slope: float = 0.2,
    dropout: float = 0.0,
    training: bool = False,
) -> Tensor:
    """GAT: ``out[i,h] = sum_j softmax_j(lrelu(a_s[j,h] + a_d[i,h])) x[j,h]``."""
    s = alpha_src.index_select(0, A.col) + alpha_dst.index_select(0, A.row())
    a = segment_softmax(A, F.leaky_relu(s, negative_slope))
    a = F.dropout(a, p=dropout, training=training)
    return spmm(A, x, "sum", a)
