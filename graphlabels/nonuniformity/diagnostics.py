r"""Diagnostics for the label non-uniformity score.

The central claim of Ji et al. (ICML 2023) is that nodes with a low score
:math:`w(v)` are the misclassified ones: accuracy rises with the score, and the
low-score set is less homophilous than the graph. The functions here measure that:

* :func:`accuracy_by_score_bin`: accuracy per score quantile bin (deciles),
* :func:`score_auroc`: AUROC of the score as a predictor of "correct",
* :func:`edge_homophily`: edge homophily of the whole graph, of the edges inside
  the low-score set, and of the edges touching it,
* :func:`lnu_diagnostics`: all of the above at once,
* :func:`summarize_diagnostics`: their means over runs, and
* :func:`plot_score_accuracy`: a PNG with accuracy per bin over a histogram.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor

from graphlabels.graph import as_node_mask
from graphlabels.nonuniformity.edge_drop import low_score_nodes
from graphlabels.nonuniformity.score import non_uniformity

__all__ = [
    "LNUDiagnostics",
    "accuracy_by_score_bin",
    "edge_homophily",
    "lnu_diagnostics",
    "plot_score_accuracy",
    "score_auroc",
    "summarize_diagnostics",
]


def _mask(mask: Tensor | None, n: int) -> Tensor:
    if mask is None:
        return torch.ones(n, dtype=torch.bool)
    return as_node_mask(torch.as_tensor(mask).cpu(), n, "mask")


def accuracy_by_score_bin(
    score: Tensor,
    correct: Tensor,
    mask: Tensor | None = None,
    bins: int = 10,
) -> dict[str, list[float]]:
    r"""Accuracy in each score quantile bin (deciles by default).

    Nodes in ``mask`` are sorted by score and cut into ``bins`` groups of equal
    size (the last ones one node larger when the count does not divide):

    .. math::
        \mathrm{acc}_b = \frac{1}{|B_b|} \sum_{v \in B_b} \mathbb{1}[\hat{y}_v = y_v]

    Args:
        score: ``[N]`` scores.
        correct: ``[N]`` bool, whether the prediction of each node is right.
        mask: nodes to evaluate, e.g. the test mask (default: :obj:`None`: all).
        bins: number of quantile bins (default: ``10``).

    Returns:
        A dict with lists ``accuracy`` (percent), ``count``, ``score_low``,
        ``score_high`` and ``score_mean`` per bin, lowest score first.
    """
    if bins < 1:
        raise ValueError(f"bins must be >= 1, got {bins}")
    n = score.numel()
    if correct.shape != (n,):
        raise ValueError(
            f"correct has shape {list(correct.shape)} but score has {n} entries"
        )
    m = _mask(mask, n)
    s = score.detach().cpu().double()[m]
    c = correct.detach().cpu().bool()[m]
    if s.numel() < bins:
        raise ValueError(
            f"{s.numel()} nodes cannot fill {bins} bins: use fewer bins or a larger "
            "mask"
        )
    order = torch.sort(s, stable=True).indices
    out: dict[str, list[float]] = {
        k: [] for k in ("accuracy", "count", "score_low", "score_high", "score_mean")
    }
    for part in torch.tensor_split(order, bins):
        out["accuracy"].append(100.0 * float(c[part].double().mean()))
        out["count"].append(int(part.numel()))
        out["score_low"].append(float(s[part].min()))
        out["score_high"].append(float(s[part].max()))
        out["score_mean"].append(float(s[part].mean()))
    return out


def score_auroc(score: Tensor, correct: Tensor, mask: Tensor | None = None) -> float:
    r"""AUROC of the score as a predictor of a correct prediction.

    Computed with the Mann-Whitney statistic (ties count one half):

    .. math::
        \mathrm{AUROC} = \frac{1}{|P||Q|} \sum_{p \in P} \sum_{q \in Q}
        \Bigl(\mathbb{1}[w_p > w_q] + \tfrac{1}{2}\mathbb{1}[w_p = w_q]\Bigr)

    with :math:`P` the correct and :math:`Q` the wrong nodes. 0.5 means the score
    carries no information; 1.0 means every correct node scores higher.

    Args:
        score: ``[N]`` scores.
        correct: ``[N]`` bool.
        mask: nodes to evaluate (default: :obj:`None`: all).

    Returns:
        The AUROC, or NaN when all nodes are correct or all are wrong.
    """
    from scipy.stats import rankdata

    n = score.numel()
    if correct.shape != (n,):
        raise ValueError(
            f"correct has shape {list(correct.shape)} but score has {n} entries"
        )
    m = _mask(mask, n)
    s = score.detach().cpu().double()[m].numpy()
    c = correct.detach().cpu().bool()[m].numpy()
    pos, neg = int(c.sum()), int((~c).sum())
    if pos == 0 or neg == 0:
        return float("nan")
    ranks = rankdata(s)  # average ranks for ties
    return float((ranks[c].sum() - pos * (pos + 1) / 2.0) / (pos * neg))


def edge_homophily(
    edge_index: Tensor,
    y: Tensor,
    node_mask: Tensor | None = None,
    mode: str = "inside",
) -> float:
    r"""Edge homophily, optionally restricted to edges of a node subset.

    .. math::
        h(S) = \frac{|\{(u, v) \in E_S : y_u = y_v\}|}{|E_S|}

    where :math:`E_S` is every edge (``node_mask=None``), the edges with both
    endpoints in :math:`S` (``mode="inside"``), or the edges with at least one
    endpoint in :math:`S` (``mode="touching"``). Self-loops are ignored, and so are
    edges with an endpoint labelled ``-1``.

    Args:
        edge_index: ``[2, E]`` edges.
        y: ``[N]`` labels (ground truth; a diagnostic, not a training input).
        node_mask: bool ``[N]`` or node ids of :math:`S` (default: :obj:`None`).
        mode: ``"inside"`` or ``"touching"`` (default: ``"inside"``).

    Returns:
        The homophily in [0, 1], or NaN when no edge qualifies.
    """
    if mode not in ("inside", "touching"):
        raise ValueError(f"mode must be 'inside' or 'touching', got {mode!r}")
    src, dst = edge_index[0].cpu(), edge_index[1].cpu()
    y = y.cpu()
    keep = (src != dst) & (y[src] >= 0) & (y[dst] >= 0)
    if node_mask is not None:
        m = _mask(node_mask, y.numel())
        keep &= (m[src] & m[dst]) if mode == "inside" else (m[src] | m[dst])
    total = int(keep.sum())
    if total == 0:
        return float("nan")
    return float((y[src] == y[dst])[keep].sum()) / total


@dataclasses.dataclass
class LNUDiagnostics:
    r"""Result of :func:`lnu_diagnostics`; all accuracies in percent.

    Attributes:
        bins: output of :func:`accuracy_by_score_bin` on the evaluated nodes.
        auroc: AUROC of the score for "prediction is correct".
        accuracy: overall accuracy on the evaluated nodes.
        spearman: Spearman correlation between bin index and bin accuracy.
        monotone_fraction: fraction of consecutive bin pairs whose accuracy does
            not decrease.
        homophily_graph: edge homophily of the whole graph.
        homophily_low: edge homophily inside the low-score set.
        homophily_low_touching: edge homophily of the edges touching it.
        low_fraction: the fraction :math:`\eta_1` that defined the low-score set.
        low_accuracy: accuracy of the evaluated nodes inside the low-score set.
        high_accuracy: accuracy of the evaluated nodes outside it.
    """

    bins: dict[str, list[float]]
    auroc: float
    accuracy: float
    spearman: float
    monotone_fraction: float
    homophily_graph: float
    homophily_low: float
    homophily_low_touching: float
    low_fraction: float
    low_accuracy: float
    high_accuracy: float

    @property
    def claim_holds(self) -> bool:
        """Accuracy rises with the score: AUROC > 0.5 and top bin beats bottom."""
        acc = self.bins["accuracy"]
        return bool(self.auroc > 0.5 and acc[-1] > acc[0] and self.spearman > 0)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (includes ``claim_holds``)."""
        d = dataclasses.asdict(self)
        d["claim_holds"] = self.claim_holds
        return d


def lnu_diagnostics(
    logits: Tensor,
    y: Tensor,
    edge_index: Tensor,
    mask: Tensor | None = None,
    *,
    bins: int = 10,
    low_fraction: float = 0.3,
    probabilities: bool = False,
) -> LNUDiagnostics:
    r"""Check the paper's claim that low label non-uniformity marks hard nodes.

    Computes :math:`w = \texttt{non\_uniformity}(z)` and reports accuracy per
    score decile on ``mask`` (e.g. test nodes), the AUROC of :math:`w` for
    correctness, and the edge homophily inside the :math:`\eta_1` fraction of
    nodes with the lowest score against the whole graph.

    Args:
        logits: ``[N, C]`` model output for all nodes.
        y: ``[N]`` ground-truth labels (evaluation only).
        edge_index: ``[2, E]`` edges.
        mask: evaluated nodes, e.g. the test mask (default: :obj:`None`: all).
        bins: number of quantile bins (default: ``10``).
        low_fraction: fraction :math:`\eta_1` of nodes forming the low-score set
            (default: ``0.3``).
        probabilities: ``logits`` holds probabilities (default: :obj:`False`).

    Returns:
        An :class:`LNUDiagnostics`.
    """
    from scipy.stats import spearmanr

    n = logits.size(0)
    score = non_uniformity(logits.detach(), probabilities=probabilities).cpu()
    correct = logits.detach().argmax(dim=1).cpu() == y.cpu()
    m = _mask(mask, n)
    table = accuracy_by_score_bin(score, correct, m, bins)
    acc = np.asarray(table["accuracy"])
    rho = float(spearmanr(np.arange(bins), acc).statistic) if bins > 1 else 0.0
    mono = float(np.mean(np.diff(acc) >= 0)) if bins > 1 else 1.0
    low = torch.zeros(n, dtype=torch.bool)
    low[low_score_nodes(score, low_fraction)] = True
    ev_low, ev_high = m & low, m & ~low

    def _acc(sel: Tensor) -> float:
        return (
            100.0 * float(correct[sel].double().mean()) if sel.any() else float("nan")
        )

    return LNUDiagnostics(
        bins=table,
        auroc=score_auroc(score, correct, m),
        accuracy=_acc(m),
        spearman=rho,
        monotone_fraction=mono,
        homophily_graph=edge_homophily(edge_index, y),
        homophily_low=edge_homophily(edge_index, y, low, "inside"),
        homophily_low_touching=edge_homophily(edge_index, y, low, "touching"),
        low_fraction=float(low_fraction),
        low_accuracy=_acc(ev_low),
        high_accuracy=_acc(ev_high),
    )


def summarize_diagnostics(diags: list[LNUDiagnostics]) -> dict[str, Any]:
    """Means over runs of :func:`lnu_diagnostics` results, JSON-ready.

    Keys: ``test_accuracy_by_decile_mean`` (mean accuracy per bin),
    ``auroc_mean`` / ``auroc_std`` (unbiased), ``claim_holds_runs``,
    ``homophily_graph``, and ``homophily_low_mean`` averaged over the
    ``homophily_low_runs`` runs where it is defined (a low-score set that induces
    no edge has none; ``None`` when no run has one).
    """
    if not diags:
        raise ValueError("summarize_diagnostics needs at least one run")
    aurocs = [d.auroc for d in diags]
    low = [d.homophily_low for d in diags if math.isfinite(d.homophily_low)]
    nbins = len(diags[0].bins["accuracy"])
    return {
        "test_accuracy_by_decile_mean": [
            round(statistics.fmean(d.bins["accuracy"][b] for d in diags), 3)
            for b in range(nbins)
        ],
        "auroc_mean": round(statistics.fmean(aurocs), 4),
        "auroc_std": round(statistics.stdev(aurocs), 4) if len(aurocs) > 1 else 0.0,
        "claim_holds_runs": sum(d.claim_holds for d in diags),
        "homophily_graph": round(diags[0].homophily_graph, 4),
        "homophily_low_mean": round(statistics.fmean(low), 4) if low else None,
        "homophily_low_runs": len(low),
    }


def plot_score_accuracy(
    logits_or_score: Tensor,
    correct: Tensor,
    path: str | Path,
    mask: Tensor | None = None,
    *,
    bins: int = 10,
    title: str | None = None,
) -> Path:
    """Save a PNG: accuracy per score bin (line) over a histogram of scores (bars).

    Needs matplotlib (the ``plot`` extra); it is imported only here.

    Args:
        logits_or_score: ``[N, C]`` logits or an ``[N]`` score.
        correct: ``[N]`` bool, whether each prediction is right.
        path: output file (``.png``).
        mask: nodes to plot, e.g. the test mask (default: :obj:`None`: all).
        bins: number of quantile bins (default: ``10``).
        title: figure title (default: :obj:`None`).

    Returns:
        The path written.
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plot_score_accuracy needs matplotlib: pip install 'graphlabels[plot]'"
        ) from err
    t = logits_or_score.detach().cpu()
    score = non_uniformity(t) if t.dim() == 2 else t
    table = accuracy_by_score_bin(score, correct, mask, bins)
    s = score.double()[_mask(mask, score.numel())].numpy()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.hist(s, bins=30, color="0.8", edgecolor="0.5", label="nodes")
    ax.set_xlabel("label non-uniformity w(v)")
    ax.set_ylabel("number of nodes")
    ax2 = ax.twinx()
    ax2.plot(
        table["score_mean"],
        table["accuracy"],
        "o-",
        color="C0",
        label="accuracy per score decile",
    )
    ax2.set_ylabel("accuracy (%)")
    ax2.set_ylim(0, 100)
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax2.legend(lines[0] + lines2[0], lines[1] + lines2[1], loc="lower right")
    if title:
        ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
