"""Hyperparameter selection for LP and C&S on *validation* accuracy only.

One configuration is chosen for all runs by the mean validation accuracy over the
runs (ties: the earlier configuration in the grid); test accuracy is only read for
the chosen configuration.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor

from graphlabels import ops
from graphlabels.graph import Graph
from graphlabels.propagation.correct_and_smooth import CorrectAndSmooth
from graphlabels.propagation.label_propagation import label_propagation

if TYPE_CHECKING:
    from graphlabels.train import Trainer

__all__ = [
    "CS_CORRECTIONS",
    "CS_SMOOTHINGS",
    "LP_GRID",
    "Selection",
    "evaluate",
    "select_correct_and_smooth",
    "select_label_propagation",
]

#: LP grid: self-loops, normalisation, alpha, number of steps
#: and label reset. Steps are read off one run of the largest number.
LP_GRID: dict[str, Sequence[Any]] = {
    "self_loops": (False, True),
    "norm": ("sym", "row", "col"),
    "alpha": (0.5, 0.8, 0.9, 0.95, 0.99, 0.999),
    "num_layers": (10, 50, 100, 200),
    "reset_labels": (True, False),
}

#: C&S correction options: ``None`` (smooth only), autoscale with ``alpha1``, or a
#: fixed scale with ``alpha1 = 1`` (the paper's choice for fixed scaling).
CS_CORRECTIONS: tuple[dict[str, Any] | None, ...] = (
    None,
    {"autoscale": True, "correction_alpha": 0.5},
    {"autoscale": True, "correction_alpha": 0.8},
    {"autoscale": True, "correction_alpha": 0.95},
    {"autoscale": False, "correction_alpha": 1.0, "scale": 1.0},
    {"autoscale": False, "correction_alpha": 1.0, "scale": 5.0},
    {"autoscale": False, "correction_alpha": 1.0, "scale": 20.0},
)
#: C&S smoothing options.
CS_SMOOTHINGS: dict[str, Sequence[Any]] = {
    "smoothing_alpha": (0.5, 0.7, 0.8, 0.9),
    "reset_labels": (True, False),
}


@dataclasses.dataclass
class Selection:
    """A configuration chosen on validation accuracy, and its scores (percent).

    Attributes:
        params: the chosen hyperparameters.
        val_acc: validation accuracy of each run with ``params``.
        test_acc: test accuracy of each run with ``params``.
        predictions: the output ``[N, C]`` of each run with ``params``.
        num_configs: how many configurations were compared.
    """

    params: dict[str, Any]
    val_acc: list[float]
    test_acc: list[float]
    predictions: list[Tensor] = dataclasses.field(repr=False)
    num_configs: int


def _acc(pred: Tensor, y: Tensor, mask: Tensor) -> float:
    return float((pred.argmax(-1)[mask] == y[mask]).float().mean()) * 100.0


def _masks(graph: Graph) -> tuple[Tensor, Tensor, Tensor]:
    if graph.train_mask is None or graph.val_mask is None or graph.test_mask is None:
        raise ValueError(
            f"graph {graph.name!r} needs train, val and test masks for selection"
        )
    if graph.train_mask.dim() != 1:
        raise ValueError("pass single-split graphs: use graph.split(i)")
    return graph.train_mask, graph.val_mask, graph.test_mask


def _pick(
    scores: dict[Any, list[tuple[float, float]]],
) -> tuple[Any, list[tuple[float, float]]]:
    best_key, best_val = None, float("-inf")
    for key, runs in scores.items():
        val = sum(r[0] for r in runs) / len(runs)
        if val > best_val:
            best_key, best_val = key, val
    return best_key, scores[best_key]


@torch.no_grad()
def select_label_propagation(
    graphs: Sequence[Graph], grid: dict[str, Sequence[Any]] | None = None
) -> Selection:
    """Choose LP hyperparameters by mean validation accuracy over ``graphs``.

    Args:
        graphs: one single-split graph per run (e.g. the splits of a dataset).
        grid: the values to try (default: :data:`LP_GRID`). ``num_layers`` values
            are read off one run of ``max(num_layers)`` steps.

    Returns:
        The :class:`Selection`.
    """
    grid = dict(LP_GRID if grid is None else grid)
    steps = sorted(set(grid.pop("num_layers")))
    keys = list(grid)
    scores: dict[Any, list[tuple[float, float]]] = {}
    for graph in graphs:
        tr, va, te = _masks(graph)
        loops = {}
        for combo in itertools.product(*(grid[k] for k in keys)):
            cfg = dict(zip(keys, combo, strict=True))
            if cfg["self_loops"] not in loops:
                loops[cfg["self_loops"]] = _adjacency(graph, cfg["self_loops"])
            adjacency = loops[cfg["self_loops"]]
            snaps: dict[int, Tensor] = {}
            counter = [0]

            def snap(out: Tensor, _snaps=snaps, _counter=counter) -> Tensor:
                _counter[0] += 1
                if _counter[0] in steps:
                    _snaps[_counter[0]] = out.clone()
                return out

            _run_lp(graph, {**cfg, "num_layers": steps[-1]}, adjacency, snap)
            for k in steps:
                key = tuple(sorted({**cfg, "num_layers": k}.items()))
                pred = snaps[k]
                res = (_acc(pred, graph.y, va), _acc(pred, graph.y, te))
                scores.setdefault(key, []).append(res)
    key, runs = _pick(scores)
    params = dict(key)
    return Selection(
        params=params,
        val_acc=[r[0] for r in runs],
        test_acc=[r[1] for r in runs],
        predictions=[_run_lp(g, params) for g in graphs],
        num_configs=len(scores),
    )


def _adjacency(graph: Graph, self_loops: bool) -> ops.CSR:
    """The graph's CSR, with one self loop per node (PyG semantics) if asked."""
    return ops.add_self_loops(graph.csr()) if self_loops else graph.csr()


def _run_lp(
    graph: Graph,
    params: dict[str, Any],
    adjacency: ops.CSR | None = None,
    post_step: Any = None,
) -> Tensor:
    if adjacency is None:
        adjacency = _adjacency(graph, params["self_loops"])
    return label_propagation(
        graph.y,
        adjacency,
        graph.train_mask,
        None,
        num_layers=params["num_layers"],
        alpha=params["alpha"],
        norm=params["norm"],
        reset_labels=params["reset_labels"],
        num_classes=graph.num_classes,
        post_step=post_step,
    )


def _run_cs(y_soft: Tensor, graph: Graph, params: dict[str, Any]) -> Tensor:
    c = params["correction"] or {}
    cs = CorrectAndSmooth(
        params["num_layers"],
        c.get("correction_alpha", 1.0),
        params["num_layers"],
        params["smoothing_alpha"],
        autoscale=c.get("autoscale", True),
        scale=c.get("scale", 1.0),
        correction_norm=params["norm"],
        smoothing_norm=params["norm"],
        reset_labels=params["reset_labels"],
    )
    A, tr = graph.csr(), graph.train_mask
    z = y_soft if params["correction"] is None else cs.correct(y_soft, graph.y, tr, A)
    return cs.smooth(z, graph.y, tr, A)


@torch.no_grad()
def select_correct_and_smooth(
    y_softs: Sequence[Tensor],
    graphs: Sequence[Graph],
    *,
    corrections: Sequence[dict[str, Any] | None] = CS_CORRECTIONS,
    smoothings: dict[str, Sequence[Any]] | None = None,
    num_layers: int = 50,
    norm: str = "sym",
) -> Selection:
    """Choose C&S hyperparameters by mean validation accuracy over the runs.

    Args:
        y_softs: soft predictions ``[N, C]`` of the base model, one per run.
        graphs: the single-split graph of each run (labels and masks).
        corrections: correction options (default: :data:`CS_CORRECTIONS`).
        smoothings: smoothing grid (default: :data:`CS_SMOOTHINGS`).
        num_layers: correction and smoothing steps (default: ``50``).
        norm: normalisation of both steps (default: ``"sym"``).

    Returns:
        The :class:`Selection`; ``params["correction"]`` is ``None`` when smoothing
        alone was best.
    """
    if len(y_softs) != len(graphs):
        raise ValueError(
            f"got {len(y_softs)} predictions but {len(graphs)} graphs: pass one "
            "graph per run"
        )
    smoothings = dict(CS_SMOOTHINGS if smoothings is None else smoothings)
    skeys = list(smoothings)
    scores: dict[Any, list[tuple[float, float]]] = {}
    for y_soft, graph in zip(y_softs, graphs, strict=True):
        tr, va, te = _masks(graph)
        A = graph.csr()
        for ci, corr in enumerate(corrections):
            c = corr or {}
            cs = CorrectAndSmooth(
                num_layers,
                c.get("correction_alpha", 1.0),
                num_layers,
                0.5,
                autoscale=c.get("autoscale", True),
                scale=c.get("scale", 1.0),
                correction_norm=norm,
                smoothing_norm=norm,
            )
            z = y_soft if corr is None else cs.correct(y_soft, graph.y, tr, A)
            for combo in itertools.product(*(smoothings[k] for k in skeys)):
                s = dict(zip(skeys, combo, strict=True))
                cs.smoothing_alpha = float(s["smoothing_alpha"])
                cs.reset_labels = bool(s["reset_labels"])
                pred = cs.smooth(z, graph.y, tr, A)
                key = (ci, combo)
                res = (_acc(pred, graph.y, va), _acc(pred, graph.y, te))
                scores.setdefault(key, []).append(res)
    (ci, combo), runs = _pick(scores)
    params = {
        "correction": corrections[ci],
        **dict(zip(skeys, combo, strict=True)),
        "num_layers": num_layers,
        "norm": norm,
    }
    return Selection(
        params=params,
        val_acc=[r[0] for r in runs],
        test_acc=[r[1] for r in runs],
        predictions=[
            _run_cs(z, g, params) for z, g in zip(y_softs, graphs, strict=True)
        ],
        num_configs=len(scores),
    )


def _run_graphs(graph: Graph, runs: int) -> list[Graph]:
    s = max(graph.num_splits, 1)
    return [graph.split(r % s) for r in range(runs)]


def evaluate(
    graph: Graph,
    method: str = "cs",
    base: str = "mlp",
    runs: int = 10,
    *,
    hidden_channels: int = 64,
    epochs: int | None = None,
    lr: float | None = None,
    weight_decay: float | None = None,
    trainer: Trainer | None = None,
    progress: bool = False,
) -> dict[str, Any]:
    """LP, or a base model + C&S, over ``runs`` seeds, tuned on validation.

    Run ``r`` uses seed ``r`` and split ``r % num_splits``. LP is deterministic, so
    its runs differ only by split. For C&S the base model (``"mlp"``: 2 layers,
    ``"linear"``: 1 layer) is trained by :func:`~graphlabels.train.run_seeds`
    through ``trainer``, then one C&S configuration is chosen by mean validation
    accuracy.

    Args:
        graph: the graph with ``y`` and train/val/test masks.
        method: ``"cs"`` or ``"lp"`` (default: ``"cs"``).
        base: the C&S base model, ``"mlp"`` or ``"linear"`` (default: ``"mlp"``).
        runs: number of runs (default: ``10``).
        hidden_channels: hidden width of the MLP (default: ``64``).
        epochs: epochs of the default trainer (default: ``200``).
        lr: learning rate of the default trainer (default: ``0.01``).
        weight_decay: L2 penalty of the default trainer (default: ``5e-4``).
        trainer: any :class:`~graphlabels.train.Trainer` for the base model
            (default: :class:`~graphlabels.train.FullBatchTrainer` with the
            settings above and early stopping on validation); not together with
            ``epochs``, ``lr`` or ``weight_decay``.
        progress: show a progress bar over runs (default: :obj:`False`).

    Returns:
        A dict with ``test_acc`` (per run), ``test_acc_mean``, ``test_acc_std``
        (unbiased), ``val_acc``, ``params``; for C&S also ``base_test_acc``,
        ``base_test_acc_mean``, ``base_test_acc_std`` and ``gain``.
    """
    from graphlabels.nn.models import MLP
    from graphlabels.train import mean_std, resolve_trainer, run_seeds

    if method not in ("lp", "cs"):
        raise ValueError(f"method must be 'lp' or 'cs', got {method!r}")
    if method == "cs" and base not in ("mlp", "linear"):
        raise ValueError(f"base must be 'mlp' or 'linear', got {base!r}")
    settings = {"epochs": epochs, "lr": lr, "weight_decay": weight_decay}
    trainer = resolve_trainer(
        trainer,
        {k: v for k, v in settings.items() if v is not None},
        owner="evaluate",
    )
    graphs = _run_graphs(graph, runs)
    if method == "lp":
        distinct = max(graph.num_splits, 1)
        sel = select_label_propagation(graphs[:distinct])
        test = [sel.test_acc[r % distinct] for r in range(runs)]
        val = [sel.val_acc[r % distinct] for r in range(runs)]
        m, s = mean_std(test)
        return {
            "test_acc": test,
            "test_acc_mean": m,
            "test_acc_std": s,
            "val_acc": val,
            "params": sel.params,
        }
    layers = 2 if base == "mlp" else 1

    def make(seed: int) -> torch.nn.Module:
        return MLP(graph.num_features, graph.num_classes, hidden_channels, layers)

    res = run_seeds(make, graph, runs, trainer=trainer, progress=progress)
    y_softs = [lg.softmax(-1) for lg in res.logits]
    sel = select_correct_and_smooth(y_softs, [graph.split(s) for s in res.splits])
    m, s = mean_std(sel.test_acc)
    bm, bs = mean_std(res.test_acc)
    return {
        "test_acc": sel.test_acc,
        "test_acc_mean": m,
        "test_acc_std": s,
        "val_acc": sel.val_acc,
        "params": sel.params,
        "base": base,
        "base_test_acc": res.test_acc,
        "base_test_acc_mean": bm,
        "base_test_acc_std": bs,
        "gain": m - bm,
    }
