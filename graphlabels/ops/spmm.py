"""Sparse-dense matrix multiplication with ``sum``, ``mean`` and ``max`` reductions."""

from __future__ import annotations

from types import ModuleType

import torch
from torch import Tensor

from graphlabels.ops import _reference
from graphlabels.ops._dispatch import (
    REDUCES,
    check_csr,
    check_features,
    check_weight,
    kernels,
)
from graphlabels.ops.csr import CSR

__all__ = ["spmm"]


def _deg(A: CSR, dtype: torch.dtype) -> Tensor:
    return A.degree().clamp(min=1).to(dtype).unsqueeze(-1)


def spmm_transpose(K: ModuleType, A: CSR, G: Tensor, w: Tensor | None) -> Tensor:
    """``A^T @ G`` through the cached transpose (``w`` in ``A``'s CSR order)."""
    At = A.t()
    if w is not None and w is A.value and not w.requires_grad:
        wt = At.value  # cached with the transpose
    else:
        wt = None if w is None else w.index_select(0, A.transpose_perm())
    return spmm_heads(K, At, G, wt)


def spmm_heads(K: ModuleType, A: CSR, X: Tensor, w: Tensor | None) -> Tensor:
    """Sum-SpMM without autograd for 2-D ``X``, or 3-D ``X`` with per-head ``w``."""
    if X.dim() == 2:
        return K.spmm_sum(A, X, w)
    N, H, F = X.shape
    if w is None or w.dim() == 1:
        return K.spmm_sum(A, X.reshape(N, H * F), w).view(-1, H, F)
    heads = getattr(K, "spmm_sum_heads", None)
    if heads is not None:  # one pass over the rows for all heads
        return heads(A, X.contiguous(), w.contiguous())
    outs = [K.spmm_sum(A, X[:, h].contiguous(), w[:, h].contiguous()) for h in range(H)]
    return torch.stack(outs, dim=1)


class _SpMM(torch.autograd.Function):
    @staticmethod
    def forward(ctx, X, w, A, reduce, K):  # type: ignore[override]
        if reduce == "max":
            need = any(ctx.needs_input_grad[:2])
            out, arg = K.spmm_max(A, X, w, need)
            ctx.save_for_backward(X, w, arg)
        elif reduce == "mean" and getattr(K, "FUSED_MEAN", False):
            out = K.spmm_sum(A, X, w, mean=True)
            ctx.save_for_backward(X, w)
        else:
            out = K.spmm_sum(A, X, w)
            if reduce == "mean":
                out = out / _deg(A, out.dtype)
            ctx.save_for_backward(X, w)
        ctx.A, ctx.reduce, ctx.K = A, reduce, K
        return out

    @staticmethod
    def backward(ctx, G):  # type: ignore[override]
        A, reduce, K = ctx.A, ctx.reduce, ctx.K
        need_x, need_w = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
        gX = gw = None
        if reduce == "max":
            X, w, arg = ctx.saved_tensors
            valid = arg < A.nnz
            pos = arg[valid]
            feat = valid.nonzero()[:, 1]
            src = A.col.index_select(0, pos)
            g = G[valid]
            if need_x:
                gv = g if w is None else g * w.index_select(0, pos).to(g.dtype)
                gX = torch.zeros_like(X)
                gX.view(-1).index_add_(0, src * X.size(1) + feat, gv.to(X.dtype))
            if need_w:
                gw = torch.zeros(A.nnz, dtype=w.dtype, device=w.device)
                gw.index_add_(0, pos, (g * X[src, feat].to(g.dtype)).to(w.dtype))
            return gX, gw, None, None, None
        X, w = ctx.saved_tensors
        G = G.contiguous()
        if reduce == "mean":
            G = G / _deg(A, G.dtype)
        if need_x:
            gX = spmm_transpose(K, A, G, w).to(X.dtype)
        if need_w:
            gw = K.sddmm(A, G, X).to(w.dtype)
        return gX, gw, None, None, None


class _SpMMHeads(torch.autograd.Function):
    """Sum-SpMM of ``[M, H, F]`` features with per-head weights ``[nnz, H]``.

    Forward runs one CSR product per head; backward gets all heads' weight
    gradients from one chunked multi-head SDDMM.
    """

    @staticmethod
    def forward(ctx, X, w, A, K):  # type: ignore[override]
        X = X.contiguous()
        ctx.save_for_backward(X, w)
        ctx.A, ctx.K = A, K
        return spmm_heads(K, A, X, w.contiguous())

    @staticmethod
    def backward(ctx, G):  # type: ignore[override]
        X, w = ctx.saved_tensors
        A, K = ctx.A, ctx.K
        G = G.contiguous()
        gX = gw = None
        if ctx.needs_input_grad[0]:
            gX = spmm_transpose(K, A, G, w).to(X.dtype)
        if ctx.needs_input_grad[1]:
            gw = K.sddmm(A, G, X).to(w.dtype)
        return gX, gw, None, None


def _check_out(A: CSR, X: Tensor, out: Tensor, reduce: str, grad: bool) -> None:
    """Validate the ``out`` buffer of :func:`spmm`."""
    if grad:
        raise ValueError(
            "spmm: out= is for inference only (no autograd): run under "
            "torch.no_grad() or drop out="
        )
    if X.dim() != 2 or reduce == "max":
        raise ValueError(
            "spmm: out= supports 2-D features with reduce 'sum' or 'mean', got "
            f"{X.dim()}-D features and reduce {reduce!r}"
        )
    want = (A.num_rows, X.size(1))
    if tuple(out.shape) != want or out.dtype != X.dtype or out.device != X.device:
        raise ValueError(
            f"spmm: out must be a {list(want)} {X.dtype} tensor on {X.device}, got "
            f"{list(out.shape)} {out.dtype} on {out.device}"
        )
    if not out.is_contiguous():
        raise ValueError("spmm: out must be contiguous")
    # empty tensors hold no memory to overlap (their data pointers may both be 0)
    if (
        out.numel()
        and X.numel()
        and (out.untyped_storage().data_ptr() == X.untyped_storage().data_ptr())
    ):
        raise ValueError(
            "spmm: out shares memory with X: the product reads X while writing "
            "out, so pass a separate buffer"
        )


def spmm(
    A: CSR,
    X: Tensor,
    reduce: str = "sum",
    edge_weight: Tensor | None = None,
    *,
    out: Tensor | None = None,
) -> Tensor:
    r"""Sparse-dense product with a reduction over each row's entries.

    .. math::
        \mathrm{out}_i = \bigoplus_{e = (i, j) \in A} w_e \, X_j

    with :math:`\bigoplus` one of sum, mean (sum divided by the row's entry count)
    or max (rows without entries give 0; ties send the gradient to the first entry).
    Differentiable in ``X`` and in the edge weights.

    Args:
        A: the sparse matrix (``num_rows x num_cols``).
        X: ``[num_cols, F]`` or ``[num_cols, H, F]`` features.
        reduce: ``"sum"``, ``"mean"`` or ``"max"`` (default: ``"sum"``).
        edge_weight: ``[nnz]`` (or ``[nnz, H]`` for 3-D ``X``) weights in CSR
            order (default: ``A.value``, or all ones when that is ``None``).
        out: optional contiguous ``[num_rows, F]`` buffer of ``X``'s dtype that
            receives the result (2-D ``X``, ``"sum"`` or ``"mean"``, no autograd;
            it must not share memory with ``X``). Iterative methods such as label
            propagation reuse two buffers instead of allocating one per step.

    Returns:
        ``[num_rows, F]`` (or ``[num_rows, H, F]``), in the dtype of ``X``
        (``out`` itself when given).
    """
    A = check_csr(A, "spmm")
    X = check_features(A, X, "spmm")
    if reduce not in REDUCES:
        raise ValueError(
            f"spmm: unknown reduce {reduce!r}: choose one of {', '.join(REDUCES)}"
        )
    w = edge_weight if edge_weight is not None else A.value
    w = check_weight(A, w, X, "spmm")
    grad = torch.is_grad_enabled() and (
        X.requires_grad or (w is not None and w.requires_grad)
    )
    if out is not None:
        _check_out(A, X, out, reduce, grad)
    name, K = kernels(X.device)
    if K is None:
        res = _reference.spmm(A, X, reduce, w)
        return res if out is None else out.copy_(res)
    if X.dim() == 3:
        N, H, F = X.shape
        if w is None or w.dim() == 1:
            out = _SpMM.apply(X.reshape(N, H * F), w, A, reduce, K)
            return out.view(A.num_rows, H, F)
        if reduce == "sum":
            return _SpMMHeads.apply(X, w, A, K)
        outs = [
            _SpMM.apply(X[:, h].contiguous(), w[:, h].contiguous(), A, reduce, K)
            for h in range(H)
        ]
        return torch.stack(outs, dim=1)
    if not grad:  # inference: skip the autograd wrapper (its cost shows when small)
        if reduce == "max":
            return K.spmm_max(A, X, w, False)[0]
        if reduce == "mean" and getattr(K, "FUSED_MEAN", False):
            return K.spmm_sum(A, X, w, out=out, mean=True)
        res = K.spmm_sum(A, X, w, out=out)  # a new tensor, or out
        return res.div_(_deg(A, res.dtype)) if reduce == "mean" else res
    return _SpMM.apply(X, w, A, reduce, K)
