r"""Post-filtering of LLM annotations (the PS-* variants of LLM-GNN).

After annotation, LLM-GNN removes the annotations that are likely wrong or that
would unbalance the label set. Each annotated node :math:`v` gets

.. math::
    f(v) = \beta_0\, r_{\mathrm{conf}}(v) + \beta_1\, r_{\mathrm{COE}}(v)
    + \beta_2\, r_{\mathrm{C\text{-}Density}}(v),

with :math:`r` the percentile rank among the nodes still kept, and the node with the
lowest :math:`f` is removed, greedily, until the requested fraction is gone.

COE, the change of entropy, is computed on the **LLM labels** only (the reference
code reads ground truth here; this module never receives it):

.. math::
    \mathrm{COE}(v) = H(\hat{y}_{S}) - H(\hat{y}_{S \setminus \{v\}}),\qquad
    H(\hat{y}_S) = -\sum_c p_c \log p_c,

where :math:`p_c` is the share of label :math:`c` among the kept set :math:`S`.
A large COE means that removing :math:`v` would make the labels less diverse, so
:math:`v` is kept; COE is recomputed after every removal. (The paper writes the
difference the other way round and removes the low-scoring nodes; we orient it so
that "low score = remove" holds for all three terms.)
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import Tensor

__all__ = ["change_of_entropy", "label_entropy", "post_filter"]


def label_entropy(counts: np.ndarray) -> float:
    """Shannon entropy (nats) of a label histogram."""
    total = counts.sum()
    if total <= 0:
        return 0.0
    p = counts[counts > 0] / total
    return float(-(p * np.log(p)).sum())


def _coe_per_class(counts: np.ndarray, num_classes: int) -> np.ndarray:
    """``[num_classes]`` entropy drop of removing one node of each present class.

    ``counts`` is changed in place during the loop and restored.
    """
    h = label_entropy(counts)
    per_class = np.zeros(num_classes)
    for k in np.nonzero(counts)[0]:
        counts[k] -= 1
        per_class[k] = h - label_entropy(counts)
        counts[k] += 1
    return per_class


def change_of_entropy(labels: Tensor, num_classes: int | None = None) -> Tensor:
    r"""COE of every node: :math:`H(S) - H(S \setminus \{v\})` on ``labels``.

    Args:
        labels: ``[m]`` LLM labels of the kept nodes (``>= 0``).
        num_classes: number of classes (default: ``labels.max() + 1``).

    Returns:
        ``[m]`` float64 COE values.
    """
    y = labels.cpu().long().numpy()
    c = int(num_classes if num_classes is not None else (y.max() + 1 if y.size else 0))
    counts = np.bincount(y, minlength=c).astype(np.float64)
    return torch.from_numpy(_coe_per_class(counts, c)[y])


def _rank(values: np.ndarray) -> np.ndarray:
    n = values.size
    order = np.argsort(values, kind="stable")
    r = np.empty(n)
    r[order] = np.arange(n) / max(n, 1)
    return r


def post_filter(
    labels: Tensor,
    confidence: Tensor,
    c_density: Tensor | None = None,
    *,
    fraction: float = 0.1,
    weights: tuple[float, float, float] = (1.0, 1.0, 1.0),
    num_classes: int | None = None,
) -> Tensor:
    """Greedy PS post-filter over annotated nodes.

    Annotations with label ``-1`` (no valid answer) are always removed first and do
    not count toward ``fraction``.

    Args:
        labels: ``[m]`` LLM labels.
        confidence: ``[m]`` LLM confidences.
        c_density: ``[m]`` C-Density of the annotated nodes (default: none; the
            third term is then dropped).
        fraction: share of the valid annotations to remove (default: ``0.1``).
        weights: ``(b0, b1, b2)`` for confidence, COE and C-Density
            (default: ``(1, 1, 1)``).
        num_classes: number of classes (default: ``labels.max() + 1``).

    Returns:
        ``[m]`` bool mask of the annotations to keep.
    """
    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"fraction must be in [0, 1), got {fraction}")
    y = labels.cpu().long().numpy()
    conf = confidence.detach().cpu().double().numpy()
    if conf.shape != y.shape:
        raise ValueError(
            f"labels {y.shape} and confidence {conf.shape} differ: one per annotation"
        )
    if conf.size and not np.isfinite(conf).all():
        raise ValueError(
            "confidence contains NaN or inf: the annotator must give confidences "
            "in [0, 1]"
        )
    cd = None if c_density is None else c_density.detach().cpu().double().numpy()
    if cd is not None and cd.shape != y.shape:
        raise ValueError(
            f"c_density has shape {list(cd.shape)} but there are {y.size} "
            "annotations: pass the C-Density of the annotated nodes only"
        )
    b0, b1, b2 = weights
    c = int(num_classes if num_classes is not None else max(int(y.max()) + 1, 1))
    if y.size and int(y.max()) >= c:
        raise ValueError(
            f"labels has class {int(y.max())} but num_classes is {c}: annotators "
            "return ids in [0, num_classes) and -1 for no answer"
        )
    keep = y >= 0
    n_remove = int(math.floor(fraction * keep.sum()))
    counts = np.bincount(y[keep], minlength=c).astype(np.float64)
    for _ in range(n_remove):
        idx = np.nonzero(keep)[0]
        per_class = _coe_per_class(counts, c)
        f = b0 * _rank(conf[idx]) + b1 * _rank(per_class[y[idx]])
        if cd is not None and b2:
            f = f + b2 * _rank(cd[idx])
        worst = idx[int(np.argmin(f))]
        keep[worst] = False
        counts[y[worst]] -= 1
    return torch.from_numpy(keep)
