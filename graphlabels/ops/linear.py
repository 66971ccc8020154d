"""A linear map that takes sparse CSR features and keeps their structure.

``F.linear`` accepts a sparse CSR input, but its backward transposes the input
again at every step (a sort of all the non-zeros), which is about a third of a
training epoch on bag-of-words features such as Coauthor CS (6,805 features).
:func:`linear` runs ``x @ W^T`` as a weighted sum-SpMM over ``x``'s pattern
(:func:`graphlabels.ops.spmm`, so the compiled CPU kernel when it is there), and
keeps that pattern as a :class:`CSR` per feature matrix: its transpose, task
split and int32 indices are built once. Input dropout, which only changes the
stored values, reuses it. On Coauthor CS (18,333 x 6,805, 1.1M non-zeros, one
thread) a forward and backward to a 64-wide layer took 170-184 ms through
``torch.sparse.mm`` and 85-88 ms this way.
"""

from __future__ import annotations

import warnings
from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import Tensor

from graphlabels.ops.csr import CSR
from graphlabels.ops.spmm import spmm

__all__ = ["first_rows", "linear", "select_rows"]

#: Patterns of recent sparse inputs (a few: one per feature matrix).
_CACHE: OrderedDict[tuple, tuple] = OrderedDict()
_CACHE_SIZE = 4


def _pattern(x: Tensor) -> CSR:
    """``x``'s sparsity pattern as a cached :class:`CSR` (no values)."""
    crow, col = x.crow_indices(), x.col_indices()
    key = (crow.data_ptr(), col.data_ptr(), col.numel(), tuple(x.shape), x.device)
    hit = _CACHE.get(key)
    # an entry holds its crow and col, so their memory (and data_ptr) stays theirs
    if hit is not None:
        _CACHE.move_to_end(key)
        return hit[2]
    A = CSR(crow, col, None, x.size(1), check=False)
    _CACHE[key] = (crow, col, A)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return A


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
    out = spmm(_pattern(x), weight.t(), "sum", edge_weight=x.values())
    return out if bias is None else out + bias


def select_rows(x: Tensor, index: Tensor) -> Tensor:
    """Rows ``index`` of ``x``, dense or sparse CSR (which ``index_select`` lacks).

    Args:
        x: ``[N, F]`` dense or 2-D sparse CSR.
        index: ``[R]`` row ids.

    Returns:
        ``[R, F]`` of ``x``'s layout.

    Example:
        >>> import torch
        >>> x = torch.tensor([[0.0, 1.0], [2.0, 0.0], [0.0, 0.0]]).to_sparse_csr()
        >>> select_rows(x, torch.tensor([1, 0, 1])).to_dense()
        tensor([[2., 0.],
                [0., 1.],
                [2., 0.]])
    """
    index = index.to(x.device)
    if x.layout != torch.sparse_csr:
        return x.index_select(0, index)
    crow, col, val = x.crow_indices(), x.col_indices(), x.values()
    index = index.to(crow.dtype)
    start = crow.index_select(0, index)
    count = crow.index_select(0, index + 1) - start
    out_crow = torch.zeros(index.numel() + 1, dtype=crow.dtype, device=x.device)
    torch.cumsum(count, 0, out=out_crow[1:])
    total = int(out_crow[-1])
    # position of every kept entry in x: its row's start plus its rank in the row
    shift = torch.repeat_interleave(start - out_crow[:-1], count, output_size=total)
    pos = shift + torch.arange(total, dtype=crow.dtype, device=x.device)
    with warnings.catch_warnings():  # "sparse CSR support is in beta"
        warnings.simplefilter("ignore", UserWarning)
        return torch.sparse_csr_tensor(
            out_crow, col.index_select(0, pos), val.index_select(0, pos),
            (index.numel(), x.size(1)), check_invariants=False,
        )  # fmt: skip


def first_rows(x: Tensor, k: int) -> Tensor:
    """``x[:k]``, also for a sparse CSR ``x`` (a block's destinations)."""
    if x.layout != torch.sparse_csr:
        return x[:k]
    return select_rows(x, torch.arange(k, device=x.device))
