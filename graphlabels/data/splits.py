"""Train/validation/test splits: seeded random splits and split-argument handling.

All random splits use :func:`numpy.random.default_rng` seeded with the split seed, so
a seed gives the same split on every machine. Several seeds give masks of shape
``[N, S]`` (one column per split), as :class:`~graphlabels.graph.Graph` expects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import torch
from torch import Tensor

from graphlabels.graph import Graph

__all__ = [
    "Masks",
    "fraction_split",
    "per_class_split",
    "resolve_split",
    "stack_splits",
]

Masks = tuple[Tensor, Tensor, Tensor]
SplitArg = int | Sequence[int] | str | None


def _labels(y: Tensor | np.ndarray) -> np.ndarray:
    return np.asarray(y.cpu() if isinstance(y, Tensor) else y).astype(np.int64)


def per_class_split(
    y: Tensor | np.ndarray,
    seed: int,
    train_per_class: int = 20,
    val_per_class: int = 30,
) -> Masks:
    """Random split with a fixed number of train and val nodes per class.

    The standard split of Shchur et al. (*Pitfalls of GNN Evaluation*, 2018): per
    class, ``train_per_class`` nodes for training, ``val_per_class`` for validation,
    every other labelled node for testing. A class smaller than
    ``train_per_class + val_per_class`` gives all it has, training first. Nodes with
    label ``-1`` are in no mask.

    Args:
        y: ``[N]`` labels.
        seed: random seed.
        train_per_class: training nodes per class (default: ``20``).
        val_per_class: validation nodes per class (default: ``30``).

    Returns:
        ``(train_mask, val_mask, test_mask)``, bool ``[N]`` each.
    """
    labels = _labels(y)
    rng = np.random.default_rng(seed)
    n = labels.shape[0]
    train, val, test = (np.zeros(n, dtype=bool) for _ in range(3))
    for c in np.unique(labels[labels >= 0]):
        idx = rng.permutation(np.flatnonzero(labels == c))
        train[idx[:train_per_class]] = True
        val[idx[train_per_class : train_per_class + val_per_class]] = True
        test[idx[train_per_class + val_per_class :]] = True
    return torch.from_numpy(train), torch.from_numpy(val), torch.from_numpy(test)


def fraction_split(
    y: Tensor | np.ndarray, seed: int, train: float = 0.6, val: float = 0.2
) -> Masks:
    """Random split by fractions of the labelled nodes (geom-gcn style 60/20/20).

    Args:
        y: ``[N]`` labels (``-1`` = unlabelled, in no mask).
        seed: random seed.
        train: fraction for training (default: ``0.6``).
        val: fraction for validation (default: ``0.2``); the rest is the test set.

    Returns:
        ``(train_mask, val_mask, test_mask)``, bool ``[N]`` each.
    """
    if not (0 < train and 0 <= val and train + val <= 1):
        raise ValueError(
            f"train={train}, val={val}: need 0 < train, 0 <= val, train + val <= 1"
        )
    labels = _labels(y)
    idx = np.random.default_rng(seed).permutation(np.flatnonzero(labels >= 0))
    n_tr, n_va = int(round(train * idx.size)), int(round(val * idx.size))
    masks = []
    for part in (idx[:n_tr], idx[n_tr : n_tr + n_va], idx[n_tr + n_va :]):
        m = torch.zeros(labels.shape[0], dtype=torch.bool)
        m[torch.from_numpy(part)] = True
        masks.append(m)
    return masks[0], masks[1], masks[2]


def stack_splits(masks: Sequence[Masks]) -> Masks:
    """Stack S splits of 1-D masks into ``[N, S]`` masks."""
    return tuple(torch.stack([m[i] for m in masks], dim=1) for i in range(3))  # type: ignore[return-value]


def resolve_split(
    split: SplitArg,
    default: int | Sequence[int],
    make: Callable[[int], Masks],
    what: str = "seed",
) -> Masks:
    """Build masks from a ``split`` argument made of seeds (or split indices).

    Args:
        split: ``None`` (use ``default``), an int (one split, 1-D masks) or a
            sequence of ints (``[N, S]`` masks).
        default: what ``None`` means.
        make: builds one split from a seed or index.
        what: the word used in error messages (default: ``"seed"``).

    Returns:
        ``(train_mask, val_mask, test_mask)``.
    """
    if split is None:
        split = default
    if isinstance(split, bool) or isinstance(split, str):
        raise ValueError(
            f"split={split!r} is not understood here: pass an int {what} or a list of "
            f"{what}s"
        )
    if isinstance(split, int | np.integer):
        return make(int(split))
    values = [int(s) for s in split]
    if not values:
        raise ValueError(f"split is an empty list: pass at least one {what}")
    return stack_splits([make(s) for s in values])


def _split_graph(
    edge_index: Tensor, num_nodes: int, masks: Masks, **attrs: Any
) -> Graph:
    """A :class:`~graphlabels.graph.Graph` with ``masks`` as its split.

    ``masks`` is ``(train_mask, val_mask, test_mask)``, e.g. from
    :func:`resolve_split`; ``attrs`` (``x``, ``y``, ``name`` ...) go to the graph.
    """
    train, val, test = masks
    return Graph(
        edge_index,
        num_nodes,
        train_mask=train,
        val_mask=val,
        test_mask=test,
        **attrs,
    )
