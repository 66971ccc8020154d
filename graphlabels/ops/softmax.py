"""Softmax over each row's entries of a sparse matrix (a node's incoming edges)."""

from __future__ import annotations

import torch
from torch import Tensor

from graphlabels.ops import _reference
from graphlabels.ops._dispatch import check_csr, kernels

__all__ = ["segment_softmax"]


class _SegmentSoftmax(torch.autograd.Function):
    @staticmethod
    def forward(ctx, scores, A, K):  # type: ignore[override]
        out = K.segment_softmax_forward(A, scores.contiguous())
        ctx.save_for_backward(out)
        ctx.A, ctx.K = A, K
        return out

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        (out,) = ctx.saved_tensors
        return ctx.K.segment_softmax_backward(ctx.A, out, g.contiguous()), None, None


def segment_softmax(A, scores: Tensor) -> Tensor:
    r"""Softmax of per-edge scores over the entries of each row.

    .. math::
        \alpha_e = \frac{\exp s_e}{\sum_{e' \in \mathrm{row}(e)} \exp s_{e'}}

    Args:
        A: a :class:`~graphlabels.ops.CSR`.
        scores: ``[nnz]`` or ``[nnz, H]`` scores in CSR order.

    Returns:
        Same shape as ``scores``; differentiable.
    """
    A = check_csr(A, "segment_softmax")
    if not isinstance(scores, Tensor) or not scores.is_floating_point():
        raise TypeError("segment_softmax: scores must be a floating-point tensor")
    if scores.dim() not in (1, 2) or scores.size(0) != A.nnz:
        raise ValueError(
            f"segment_softmax: scores has shape {list(scores.shape)} but A has "
            f"{A.nnz} nonzeros: expected [{A.nnz}] or [{A.nnz}, H] in CSR order"
        )
    name, K = kernels(scores.device)
    if K is None:
        return _reference.segment_softmax(A, scores)
    return _SegmentSoftmax.apply(scores, A, K)
