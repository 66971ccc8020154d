"""A linear map that takes sparse CSR features and keeps their transpose.

``F.linear`` accepts a sparse CSR input, but its backward transposes the input
again at every step (a sort of all the non-zeros), which is about a third of a
training epoch on bag-of-words features such as Coauthor CS (6,805 features).
:func:`linear` builds the transposed structure once per feature matrix and keeps
it; input dropout, which only changes the stored values, reuses it.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import Tensor

from graphlabels.ops.csr import CSR

__all__ = ["linear"]

#: Transposed structures of recent sparse inputs (a few: one per feature matrix).
_CACHE: OrderedDict[tuple, tuple] = OrderedDict()
_CACHE_SIZE = 4


def _transpose(x: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """``(crow, col, perm)`` of ``x^T`` in CSR; ``values[perm]`` are its values."""
    crow, col = x.crow_indices(), x.col_indices()
    key = (crow.data_ptr(), col.data_ptr(), col.numel(), tuple(x.shape), x.device)
    hit = _CACHE.get(key)
    # an entry holds its crow and col, so their memory (and data_ptr) stays theirs
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit[2], hit[3], hit[4]
    # the transpose of the sparsity pattern, as graphlabels' CSR builds it
    A = CSR(crow, col, None, x.size(1), check=False)
    At = A.t()
    t_crow, t_col, perm = At.rowptr, At.col.to(col.dtype), A.transpose_perm()
    _CACHE[key] = (crow, col, t_crow, t_col, perm)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return t_crow, t_col, perm


def _csr(crow: Tensor, col: Tensor, values: Tensor, shape) -> Tensor:
    with warnings.catch_warnings():  # "sparse CSR support is in beta"
        warnings.simplefilter("ignore", UserWarning)
        return torch.sparse_csr_tensor(crow, col, values, shape, check_invariants=False)


class _SparseLinear(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight):  # type: ignore[override]
        ctx.x = x
        return torch.sparse.mm(x, weight.t())

    @staticmethod
    def backward(ctx, grad):  # type: ignore[override]
        if not ctx.needs_input_grad[1]:
            return None, None
        x = ctx.x
        t_crow, t_col, perm = _transpose(x)
        xt = _csr(t_crow, t_col, x.values().index_select(0, perm), x.shape[::-1])
        return None, torch.sparse.mm(xt, grad.contiguous()).t()


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``x @ weight.T + bias`` for dense or sparse CSR ``x``.

    Args:
        x: ``[N, in]`` dense, or a 2-D sparse CSR tensor (no gradient flows to a
            sparse ``x``: it is input data).
        weight: ``[out, in]``.
        bias: ``[out]`` or ``None``.

    Returns:
        ``[N, out]`` dense.
    """
    if x.layout != torch.sparse_csr:
        return F.linear(x, weight, bias)
    if x.dim() != 2 or x.size(1) != weight.size(1):
        raise ValueError(
            f"linear: sparse x has shape {list(x.shape)}, weight expects "
            f"[N, {weight.size(1)}]"
        )
    if x.requires_grad:
        raise ValueError(
            "linear: a sparse CSR x must not require grad (it is treated as data); "
            "pass a dense x to differentiate through it"
        )
    out = _SparseLinear.apply(x, weight)
    return out if bias is None else out + bias
