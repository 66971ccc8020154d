"""Shared input checks, normalisation and the propagation loop.

Everything here runs on :func:`graphlabels.ops.spmm`, so faster kernels need no change
in :mod:`graphlabels.propagation`.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from graphlabels import ops
from graphlabels.graph import as_node_index

__all__ = ["NORMS", "Adjacency", "mask_to_index", "normalized", "propagate"]

#: Adjacency normalisations: ``"sym"`` :math:`D^{-1/2} A D^{-1/2}`, ``"row"``
#: :math:`D^{-1} A` (mean over in-neighbours, C&S's ``DA``) and ``"col"``
#: :math:`A D^{-1}` (C&S's ``AD``).
NORMS = ("sym", "row", "col")

#: A PyG-style ``edge_index`` ``[2, E]`` or a :class:`graphlabels.ops.CSR`.
Adjacency = Tensor | ops.CSR

_CACHE_KEY = "graphlabels.propagation.norm"


def check_norm(norm: str) -> str:
    """Validate a normalisation name."""
    if norm not in NORMS:
        raise ValueError(f"norm must be one of {NORMS}, got {norm!r}")
    return norm


def check_finite(t: Tensor, name: str, fix: str) -> None:
    """Reject a float tensor holding NaN or inf, naming the first bad row."""
    if t.is_floating_point() and t.numel() and not bool(torch.isfinite(t).all()):
        bad = (~torch.isfinite(t)).view(t.size(0), -1).any(1).nonzero().view(-1)
        raise ValueError(
            f"{name} contains NaN or inf in {bad.numel()} rows (first: node "
            f"{int(bad[0])}): {fix}"
        )


def check_layers_alpha(num_layers: int, alpha: float, what: str = "") -> None:
    """Validate ``num_layers >= 0`` and ``0 <= alpha <= 1``."""
    if int(num_layers) != num_layers or num_layers < 0:
        raise ValueError(f"{what}num_layers must be an integer >= 0, got {num_layers}")
    if not 0.0 <= float(alpha) <= 1.0:
        raise ValueError(f"{what}alpha must be in [0, 1], got {alpha}")


def normalized(A: ops.CSR, norm: str, dtype: torch.dtype) -> Tensor:
    r"""The values of the normalised adjacency, in CSR order.

    Degrees are weighted in-degrees (row sums of the CSR), as in PyG's ``gcn_norm``:
    ``"sym"`` gives :math:`w_{ij} / \sqrt{d_i d_j}`, ``"row"`` :math:`w_{ij} / d_i`,
    ``"col"`` :math:`w_{ij} / d_j`. Nodes without in-edges get degree 0 and
    contribute nothing. Results are cached in ``A.cache``.
    """
    check_norm(norm)
    if A.num_rows != A.num_cols:
        raise ValueError(
            f"the CSR has shape ({A.num_rows}, {A.num_cols}): propagation needs a "
            "square CSR with one row per node"
        )
    key = (_CACHE_KEY, norm, dtype)
    cache = getattr(A, "cache", None)
    if cache is not None and key in cache:
        return cache[key]
    row, col = A.row(), A.col
    w = A.value
    if w is None:
        w = torch.ones(A.nnz, dtype=dtype, device=col.device)
    else:
        if w.dim() != 1:
            raise ValueError(
                f"the adjacency has edge weights of shape {list(w.shape)}: "
                "propagation needs one weight per edge"
            )
        if A.nnz and float(w.min()) < 0:
            raise ValueError(
                f"the adjacency has negative weights (min {float(w.min())}): "
                "propagation needs non-negative weights"
            )
        w = w.to(dtype)
    deg = torch.zeros(A.num_rows, dtype=dtype, device=col.device)
    deg.index_add_(0, row, w)
    if norm == "sym":
        dinv = deg.pow(-0.5)
        dinv.masked_fill_(torch.isinf(dinv), 0.0)
        out = dinv[row] * w * dinv[col]
    else:
        dinv = deg.reciprocal()
        dinv.masked_fill_(torch.isinf(dinv), 0.0)
        out = w * dinv[row if norm == "row" else col]
    if cache is not None:
        cache[key] = out
    return out


def mask_to_index(mask: Tensor | None, num_nodes: int, name: str = "mask") -> Tensor:
    """A bool mask or index tensor as 1-D node indices (order kept for indices).

    Raises:
        ValueError: a bool mask of the wrong length, indices out of range, an
            integer 0/1 mask (see :func:`graphlabels.graph.as_node_index`), or a
            mask that selects no node.
    """
    if mask is None:
        return torch.arange(num_nodes)
    idx = as_node_index(mask, num_nodes, name)
    if idx.numel() == 0:
        raise ValueError(
            f"{name} selects no labelled node: propagation needs at least one "
            "labelled node"
        )
    return idx


def one_hot_labels(
    y: Tensor,
    idx: Tensor,
    num_classes: int | None,
    dtype: torch.dtype,
    name: str = "y",
) -> Tensor:
    """Labels of the nodes ``idx`` as one-hot (or soft) rows ``[len(idx), C]``.

    ``y`` holds one entry per node ``[N]`` (class ids) or ``[N, C]`` (one-hot or
    soft labels); only the rows ``idx`` are read.
    """
    if y.dim() == 1 or (y.dim() == 2 and y.size(1) == 1 and not y.is_floating_point()):
        if y.is_floating_point() or y.dtype == torch.bool:
            raise TypeError(
                f"{name} must hold integer class ids [N] or one-hot rows [N, C], "
                f"got {y.dtype} with shape {list(y.shape)}: use {name}.long()"
            )
        lab = y.view(-1)[idx].long()
        if num_classes is None:
            num_classes = int(y.max()) + 1 if y.numel() else 0
        if lab.numel() and (int(lab.min()) < 0 or int(lab.max()) >= num_classes):
            bad = int(lab.min()) if int(lab.min()) < 0 else int(lab.max())
            raise ValueError(
                f"{name} has label {bad} at a labelled node, outside [0, "
                f"{num_classes}): labelled nodes need class ids in [0, num_classes) "
                "(-1 only outside the mask)"
            )
        out = torch.zeros(lab.numel(), num_classes, dtype=dtype, device=y.device)
        out.scatter_(1, lab.view(-1, 1), 1.0)
        return out
    if y.dim() != 2:
        raise ValueError(
            f"{name} must have shape [N] (class ids) or [N, C] (one-hot), got "
            f"{list(y.shape)}"
        )
    if num_classes is not None and y.size(1) != num_classes:
        raise ValueError(
            f"{name} has {y.size(1)} columns but num_classes is {num_classes}: "
            "pass one column per class"
        )
    return y[idx].to(dtype)


def restrict_rows(A: ops.CSR, values: Tensor, drop: Tensor) -> tuple[ops.CSR, Tensor]:
    """Remove the rows ``drop`` (bool ``[N]``) of ``A``; returns ``(A', values')``.

    The result keeps all ``N`` rows (the dropped ones become empty), so that an
    ``spmm`` with it writes zeros there. Used for the rows that are reset after
    every step anyway: their products are never needed.
    """
    keep = ~drop[A.row()]
    counts = A.rowptr.diff() * (~drop).to(torch.long)
    rowptr = torch.zeros_like(A.rowptr)
    torch.cumsum(counts, 0, out=rowptr[1:])
    col = A.col[keep]
    vals = values[keep]
    B = ops.CSR(rowptr, col, None, A.num_cols, check=False)
    return B, vals


def _shares(a: Tensor, b: Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def propagate(
    A: ops.CSR,
    values: Tensor,
    y0: Tensor,
    idx: Tensor,
    *,
    num_layers: int,
    alpha: float,
    clamp: tuple[float, float] | None,
    reset: Tensor | None,
    res_zero_outside: bool,
    post_step: Callable[[Tensor], Tensor] | None = None,
    extend: Callable[[Tensor], Tensor] | None = None,
) -> Tensor:
    r"""Run :math:`Y \leftarrow \alpha \hat{A} Y + (1 - \alpha) Y^{(0)}` ``num_layers``
    times.

    Args:
        A: the adjacency structure.
        values: normalised values of ``A`` in CSR order.
        y0: the initial matrix :math:`Y^{(0)}` ``[N, C]``.
        idx: indices of the labelled nodes.
        num_layers: number of steps.
        alpha: the :math:`\alpha` coefficient.
        clamp: clamp to ``(low, high)`` after every step, or ``None``.
        reset: rows ``[len(idx), C]`` written back to the nodes ``idx`` after every
            step (after clamping), or ``None``.
        res_zero_outside: whether ``y0`` is zero outside ``idx``; with ``reset``
            this makes the :math:`(1 - \alpha) Y^{(0)}` term vanish.
        post_step: optional function applied to the result of every step.
        extend: optional function giving the rows of ``A``'s columns from the
            rows of ``Y`` before every product (a partitioned graph's halo
            exchange, ``DistGraph.plan.extend`` of :mod:`graphlabels.distributed`).

    Returns:
        The propagated matrix ``[N, C]``.
    """  # noqa: D205
    out = y0
    if num_layers == 0:
        return out.clone()
    skip_res = reset is not None and res_zero_outside
    res = None if skip_res or alpha == 1.0 else (1.0 - alpha) * y0
    vals = values * alpha if alpha != 1.0 else values
    if reset is not None:
        drop = torch.zeros(A.num_rows, dtype=torch.bool, device=idx.device)
        drop[idx] = True
        # Rows that are overwritten after every step need not be computed.
        A, vals = restrict_rows(A, vals, drop)
    # Two buffers, used in turn: a fresh [N, C] output per step costs as much as a
    # third of the product on CPU (allocation, zeroing, a copy).
    fmt = torch.contiguous_format
    bufs = [torch.empty_like(y0, memory_format=fmt) for _ in range(2)]
    for _ in range(num_layers):
        src = out.contiguous()
        if extend is not None:
            src = extend(src)
        out = bufs[0] if not _shares(bufs[0], src) else bufs[1]
        out = ops.spmm(A, src, edge_weight=vals, out=out)
        if res is not None:
            out.add_(res)
        if clamp is not None:
            out.clamp_(clamp[0], clamp[1])
        if reset is not None:
            out.index_copy_(0, idx, reset)
        if post_step is not None:
            out = post_step(out)
    return out
