"""Sampled dense-dense matrix multiplication: one dot product per nonzero."""

from __future__ import annotations

import torch
from torch import Tensor

from graphlabels.ops import _reference
from graphlabels.ops._dispatch import check_csr, check_features, kernels
from graphlabels.ops.spmm import spmm_heads, spmm_transpose

__all__ = ["sddmm"]


class _SDDMM(torch.autograd.Function):
    @staticmethod
    def forward(ctx, Q, Kt, A, K):  # type: ignore[override]
        ctx.save_for_backward(Q, Kt)
        ctx.A, ctx.K = A, K
        return K.sddmm(A, Q.contiguous(), Kt.contiguous())

    @staticmethod
    def backward(ctx, g):  # type: ignore[override]
        Q, Kt = ctx.saved_tensors
        A, K = ctx.A, ctx.K
        g = g.contiguous()
        gQ = gK = None
        if ctx.needs_input_grad[0]:
            gQ = spmm_heads(K, A, Kt, g).to(Q.dtype)
        if ctx.needs_input_grad[1]:
            gK = spmm_transpose(K, A, Q, g).to(Kt.dtype)
        return gQ, gK, None, None


def sddmm(A, Q: Tensor, K: Tensor) -> Tensor:
    r"""Per-edge dot products :math:`s_e = \langle Q_{i}, K_{j} \rangle`, e = (i, j).

    Args:
        A: a :class:`~graphlabels.ops.CSR` (its values are ignored).
        Q: ``[num_rows, D]`` or ``[num_rows, H, D]`` (multi-head) queries.
        K: ``[num_cols, D]`` or ``[num_cols, H, D]`` keys.

    Returns:
        ``[nnz]`` (or ``[nnz, H]``) scores in CSR order; differentiable in both.
    """
    A = check_csr(A, "sddmm")
    Q = check_features(A, Q, "sddmm", rows=True)
    K = check_features(A, K, "sddmm")
    if Q.shape[1:] != K.shape[1:]:
        raise ValueError(
            f"sddmm: Q has shape {list(Q.shape)} and K {list(K.shape)}: they must "
            "agree in every dimension but the first"
        )
    name, Km = kernels(Q.device)
    if Km is None:
        return _reference.sddmm(A, Q, K)
    return _SDDMM.apply(Q, K, A, Km)
