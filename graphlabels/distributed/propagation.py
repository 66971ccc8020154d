r"""Label propagation, C&S, SGC features and LNU scores on partitioned graphs.

Each function mirrors its single-process counterpart (same arguments, same
normalisations, same results up to floating-point summation order) on a
:class:`~graphlabels.distributed.DistGraph`: every rank passes its rows of the
inputs (``book.owned[rank]``, in local order) and gets its rows of the result.
Every step is one halo exchange (``all_to_all_single``) plus a local SpMM; the
few global quantities (number of classes, C&S's autoscale, the no-label check,
score thresholds) are all-reduced. All functions are collective.

- :func:`dist_label_propagation` ~ :func:`graphlabels.propagation.label_propagation`
- :func:`dist_correct_and_smooth` ~ :func:`graphlabels.propagation.correct_and_smooth`
- :func:`dist_sgc_features` ~ :math:`\hat{A}^k X` with
  :func:`graphlabels.ops.gcn_norm` (SGC's precompute)
- :func:`dist_non_uniformity` ~ :func:`graphlabels.nonuniformity.non_uniformity`,
  :func:`dist_low_score_mask` ~ :func:`graphlabels.nonuniformity.edge_drop.
  low_score_nodes` (exact global selection by bisection on all-reduced counts)
- :func:`gather_to_main`: a distributed ``[N, ...]`` result on rank 0.
"""

from __future__ import annotations

import torch
import torch.distributed as dist
from torch import Tensor

from graphlabels.distributed import context
from graphlabels.distributed.halo import DistGraph
from graphlabels.graph import as_node_index
from graphlabels.nonuniformity.edge_drop import _check_fraction, _floor_fraction
from graphlabels.nonuniformity.score import non_uniformity
from graphlabels.propagation._common import (
    check_finite,
    check_layers_alpha,
    check_norm,
    one_hot_labels,
    propagate,
)

__all__ = [
    "dist_correct_and_smooth",
    "dist_label_propagation",
    "dist_low_score_mask",
    "dist_non_uniformity",
    "dist_propagate",
    "dist_sgc_features",
    "gather_to_main",
]


def _total(count: int, device: torch.device) -> int:
    t = torch.tensor([int(count)], dtype=torch.long, device=device)
    return int(context.all_reduce(t, "sum"))


def _check_rows(dg: DistGraph, t: Tensor, name: str) -> None:
    if t.size(0) != dg.num_owned:
        raise ValueError(
            f"{name} has {t.size(0)} rows but rank {dg.rank} owns {dg.num_owned} "
            f"nodes: pass this rank's rows, {name}[book.owned[rank]]"
        )


def _local_index(dg: DistGraph, mask: Tensor | None, device, name: str) -> Tensor:
    """Local indices of the labelled owned nodes; at least one in the whole job."""
    if mask is None:
        idx = torch.arange(dg.num_owned, device=device)
    else:
        idx = as_node_index(mask, dg.num_owned, name).to(device)
    if _total(idx.numel(), device) == 0:
        raise ValueError(
            f"{name} selects no labelled node on any rank: propagation needs at "
            "least one labelled node"
        )
    return idx


def dist_propagate(
    dg: DistGraph,
    values: Tensor,
    y0: Tensor,
    idx: Tensor,
    *,
    num_layers: int,
    alpha: float,
    clamp: tuple[float, float] | None,
    reset: Tensor | None,
    res_zero_outside: bool,
) -> Tensor:
    r"""The loop of :func:`graphlabels.propagation._common.propagate`, partitioned.

    :math:`Y \leftarrow \alpha \hat{A} Y + (1 - \alpha) Y^{(0)}`, ``num_layers``
    times; ``y0`` ``[n_r, C]`` and ``idx`` are this rank's rows, ``values`` the
    normalised values of ``dg.csr`` (:meth:`DistGraph.normalized`). Each step
    first exchanges the halo rows. Collective.
    """
    return propagate(
        dg.csr,
        values,
        y0,
        idx,
        num_layers=num_layers,
        alpha=alpha,
        clamp=clamp,
        reset=reset,
        res_zero_outside=res_zero_outside,
        extend=dg.plan.extend,
    )


@torch.no_grad()
def dist_label_propagation(
    dg: DistGraph,
    y: Tensor,
    mask: Tensor | None = None,
    *,
    num_layers: int = 50,
    alpha: float = 0.9,
    norm: str = "sym",
    clamp: bool = True,
    reset_labels: bool = True,
    num_classes: int | None = None,
) -> Tensor:
    r"""Label propagation on a partitioned graph (collective).

    Arguments and result as :func:`graphlabels.propagation.label_propagation`,
    restricted to this rank's rows; edge weights are the values of the CSR the
    :class:`DistGraph` was built from.

    Args:
        dg: this rank's part of the graph.
        y: this rank's labels, ``[n_r]`` class ids or ``[n_r, C]`` one-hot rows.
        mask: bool mask ``[n_r]`` or local indices of the labelled owned nodes
            (default: :obj:`None`, every node; for class ids, those ``>= 0``).
        num_layers: number of steps (default: ``50``).
        alpha: the :math:`\alpha` coefficient (default: ``0.9``).
        norm: ``"sym"``, ``"row"`` or ``"col"`` (default: ``"sym"``).
        clamp: clamp to :math:`[0, 1]` after every step (default: :obj:`True`).
        reset_labels: write the labels back after every step
            (default: :obj:`True`).
        num_classes: number of classes (default: :obj:`None`, the global
            ``y.max() + 1`` for class ids, ``y.size(1)`` for one-hot rows).

    Returns:
        This rank's soft labels ``[n_r, C]``.
    """
    check_layers_alpha(num_layers, alpha)
    check_norm(norm)
    _check_rows(dg, y, "y")
    dev = y.device
    dtype = torch.get_default_dtype()
    if y.is_floating_point() and y.dim() == 2:
        dtype = y.dtype
    ids = not y.is_floating_point() and y.dim() == 1
    if mask is None and ids:
        idx = (y >= 0).nonzero().view(-1)
        if _total(idx.numel(), dev) == 0:
            raise ValueError(
                "y has no labelled node (all entries are -1): label at least one"
            )
    else:
        idx = _local_index(dg, mask, dev, "mask")
    if num_classes is None and ids:
        local_max = int(y.max()) if y.numel() else -1
        top = context.all_reduce(torch.tensor([local_max], device=dev), "max")
        num_classes = int(top) + 1
    lab = one_hot_labels(y, idx, num_classes, dtype)
    values = dg.normalized(norm, dtype)
    y0 = torch.zeros(dg.num_owned, lab.size(1), dtype=dtype, device=dev)
    y0[idx] = lab
    return dist_propagate(
        dg,
        values,
        y0,
        idx,
        num_layers=num_layers,
        alpha=alpha,
        clamp=(0.0, 1.0) if clamp else None,
        reset=lab if reset_labels else None,
        res_zero_outside=True,
    )


def _cs_inputs(
    dg: DistGraph, y_soft: Tensor, y_true: Tensor, mask: Tensor
) -> tuple[Tensor, Tensor]:
    if not y_soft.is_floating_point() or y_soft.dim() != 2:
        raise ValueError(
            f"y_soft must be float soft predictions [n_r, C], got {y_soft.dtype} "
            f"with shape {list(y_soft.shape)}: pass model(x).softmax(-1)"
        )
    _check_rows(dg, y_soft, "y_soft")
    _check_rows(dg, y_true, "y_true")
    check_finite(
        y_soft, "y_soft", "the base model diverged; retrain it or clean its outputs"
    )
    if mask is None:
        raise ValueError("correct_and_smooth needs a mask of the training nodes")
    idx = _local_index(dg, mask, y_soft.device, "mask")
    lab = one_hot_labels(
        y_true.to(y_soft.device), idx, y_soft.size(1), y_soft.dtype, name="y_true"
    )
    return idx, lab


@torch.no_grad()
def dist_correct_and_smooth(
    dg: DistGraph,
    y_soft: Tensor,
    y_true: Tensor,
    mask: Tensor,
    *,
    num_correction_layers: int = 50,
    correction_alpha: float = 1.0,
    num_smoothing_layers: int = 50,
    smoothing_alpha: float = 0.8,
    autoscale: bool = True,
    scale: float = 1.0,
    correction_norm: str = "sym",
    smoothing_norm: str = "sym",
    reset_labels: bool = True,
) -> Tensor:
    r"""Correct & Smooth on a partitioned graph (collective).

    Arguments and result as :func:`graphlabels.propagation.correct_and_smooth`,
    restricted to this rank's rows. The autoscale :math:`\sigma` (mean L1 norm
    of the training residuals) is all-reduced.

    Args:
        dg: this rank's part of the graph.
        y_soft: this rank's soft predictions ``[n_r, C]`` of the base model.
        y_true: this rank's labels ``[n_r]`` (class ids) or ``[n_r, C]``.
        mask: bool mask ``[n_r]`` or local indices of the labelled owned nodes.
        num_correction_layers: correction steps (default: ``50``).
        correction_alpha: correction :math:`\alpha_1` (default: ``1.0``).
        num_smoothing_layers: smoothing steps (default: ``50``).
        smoothing_alpha: smoothing :math:`\alpha_2` (default: ``0.8``).
        autoscale: per-node scale (default: :obj:`True`).
        scale: fixed scale when ``autoscale=False`` (default: ``1.0``).
        correction_norm: normalisation of the correction (default: ``"sym"``).
        smoothing_norm: normalisation of the smoothing (default: ``"sym"``).
        reset_labels: keep labelled nodes at their labels while smoothing
            (default: :obj:`True`).

    Returns:
        This rank's final predictions ``[n_r, C]``.
    """
    check_layers_alpha(num_correction_layers, correction_alpha, "correction ")
    check_layers_alpha(num_smoothing_layers, smoothing_alpha, "smoothing ")
    check_norm(correction_norm)
    check_norm(smoothing_norm)
    idx, lab = _cs_inputs(dg, y_soft, y_true, mask)
    dev = y_soft.device
    # correct
    err0 = lab - y_soft[idx]
    error = torch.zeros_like(y_soft)
    error[idx] = err0
    smoothed = dist_propagate(
        dg,
        dg.normalized(correction_norm, y_soft.dtype),
        error,
        idx,
        num_layers=num_correction_layers,
        alpha=correction_alpha,
        clamp=(-1.0, 1.0) if autoscale else None,
        reset=None if autoscale else err0,
        res_zero_outside=True,
    )
    if autoscale:
        both = torch.stack(
            [
                err0.abs().sum(),
                torch.tensor(float(idx.numel()), dtype=err0.dtype, device=dev),
            ]
        )
        total = context.all_reduce(both, "sum")
        sigma = total[0] / total[1]
        factor = sigma / smoothed.abs().sum(dim=1, keepdim=True)
        bad = factor.isinf() | factor.isnan() | (factor > 1000)
        factor.masked_fill_(bad, 1.0)
        corrected = y_soft + factor * smoothed
    else:
        corrected = y_soft + scale * smoothed
    # smooth
    y0 = corrected.clone()
    y0[idx] = lab
    return dist_propagate(
        dg,
        dg.normalized(smoothing_norm, y_soft.dtype),
        y0,
        idx,
        num_layers=num_smoothing_layers,
        alpha=smoothing_alpha,
        clamp=(0.0, 1.0),
        reset=lab if reset_labels else None,
        res_zero_outside=False,
    )


@torch.no_grad()
def dist_sgc_features(
    dg: DistGraph,
    x: Tensor,
    num_layers: int = 2,
    *,
    add_self_loops: bool = True,
    fill_value: float = 1.0,
) -> Tensor:
    r"""SGC's precompute :math:`\hat{A}^k X` on a partitioned graph (collective).

    :math:`\hat{A} = D^{-1/2} (A + I) D^{-1/2}` as
    :func:`graphlabels.ops.gcn_norm` (one self loop per node, PyG semantics).

    Args:
        dg: this rank's part of the graph.
        x: this rank's features ``[n_r, F]``.
        num_layers: the power :math:`k \ge 0` (default: ``2``).
        add_self_loops: add self loops (default: :obj:`True`).
        fill_value: weight of added loops (default: ``1.0``).

    Returns:
        This rank's rows of :math:`\hat{A}^k X`, in ``x``'s dtype.
    """
    check_layers_alpha(num_layers, 0.0)
    _check_rows(dg, x, "x")
    if not x.is_floating_point():
        raise TypeError(f"x must be floating point, got {x.dtype}: use x.float()")
    g = dg.with_self_loops(fill_value) if add_self_loops else dg
    values = g.normalized("sym", x.dtype)
    out = x
    for _ in range(int(num_layers)):
        out = g.spmm(out.contiguous(), values)
    return out.clone() if num_layers == 0 else out


def dist_non_uniformity(
    logits: Tensor, *, probabilities: bool = False, normalize: bool = False
) -> Tensor:
    """Label non-uniformity of this rank's nodes (no communication needed).

    The score is per node: :func:`graphlabels.nonuniformity.non_uniformity` on
    the rank's rows of the logits. Global selections by score are
    :func:`dist_low_score_mask`.
    """
    return non_uniformity(logits, probabilities=probabilities, normalize=normalize)


def _order_keys(score: Tensor) -> Tensor:
    """int64 keys with the order of the float scores (via float64 bits)."""
    bits = score.detach().double().view(torch.int64)
    mag = bits & 0x7FFFFFFFFFFFFFFF
    return torch.where(bits < 0, -mag, mag)


def _count(t: Tensor) -> int:
    return int(context.all_reduce(t.sum().view(1).long(), "sum"))


def _smallest_reaching(lo: int, hi: int, count, k: int) -> int:
    """Smallest integer ``v`` in ``[lo, hi]`` with ``count(v) >= k`` (bisection)."""
    while lo < hi:
        mid = lo + (hi - lo) // 2
        if count(mid) >= k:
            hi = mid
        else:
            lo = mid + 1
    return lo


def dist_low_score_mask(dg: DistGraph, score: Tensor, eta1: float) -> Tensor:
    r"""This rank's share of the :math:`\lfloor \eta_1 N \rfloor` lowest-score nodes.

    The same set as :func:`graphlabels.nonuniformity.edge_drop.low_score_nodes`
    on the whole graph (ties broken by global node id), found without gathering
    the scores: a bisection over the scores' order-preserving integer keys and,
    for ties at the threshold, over node ids, each step one all-reduce of a
    count (at most ~64 + 64 scalar all-reduces). Collective.

    Args:
        dg: this rank's part of the graph.
        score: this rank's scores ``[n_r]``.
        eta1: fraction of all nodes to select, in ``[0, 1]``.

    Returns:
        Bool mask ``[n_r]`` of the selected owned nodes.
    """
    eta1 = _check_fraction("eta1", eta1)
    if score.dim() != 1:
        raise ValueError(
            f"score must be a 1-D tensor with one value per node, got "
            f"{list(score.shape)}"
        )
    _check_rows(dg, score, "score")
    if score.is_floating_point():
        bad = (~torch.isfinite(score)).any().long().view(1)
        if bool(context.all_reduce(bad, "max")):
            raise ValueError(
                "score contains NaN or inf: recompute it from finite logits"
            )
    k = _floor_fraction(eta1, dg.num_nodes)
    key = _order_keys(score)
    if k == 0:
        return torch.zeros_like(key, dtype=torch.bool)
    big = torch.tensor(torch.iinfo(torch.int64).max, device=key.device)
    lo = context.all_reduce((key.min() if key.numel() else big).view(1), "min")
    hi = context.all_reduce((key.max() if key.numel() else -big).view(1), "max")
    t = _smallest_reaching(int(lo), int(hi), lambda v: _count(key <= v), k)
    below = key < t
    need = k - _count(below)
    tie = key == t
    gid = dg.owned.to(key.device)
    g = _smallest_reaching(
        0, dg.num_nodes - 1, lambda v: _count(tie & (gid <= v)), need
    )
    return below | (tie & (gid <= g))


def gather_to_main(dg: DistGraph, t: Tensor) -> Tensor | None:
    """The whole ``[N, ...]`` matrix on rank 0, in global node order (collective).

    Every rank passes its rows ``[n_r, ...]``; rank 0 gets the assembled tensor,
    the others :obj:`None`. It moves all rows to every rank (``all_gather`` runs
    on gloo and NCCL alike): meant for tests and small results.
    """
    _check_rows(dg, t, "t")
    world = context.world_size()
    if world == 1:
        out = torch.empty((dg.num_nodes, *t.shape[1:]), dtype=t.dtype, device=t.device)
        out[dg.owned.to(t.device)] = t
        return out
    sizes = dg.book.sizes
    pad = t.new_zeros((max(sizes), *t.shape[1:]))
    pad[: t.size(0)] = t
    parts = [torch.empty_like(pad) for _ in range(world)]
    dist.all_gather(parts, pad)
    if dg.rank != 0:
        return None
    out = torch.empty((dg.num_nodes, *t.shape[1:]), dtype=t.dtype, device=t.device)
    for r, p in enumerate(parts):
        out[dg.book.owned[r].to(t.device)] = p[: sizes[r]]
    return out
