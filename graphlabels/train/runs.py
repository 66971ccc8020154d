"""Repeated runs over seeds, OGB-style: fresh or reset model each run, mean ± std."""

from __future__ import annotations

import copy
import dataclasses
import inspect
import math
import time
from collections.abc import Sequence
from typing import Any

from torch import Tensor, nn
from tqdm.auto import tqdm

from graphlabels.graph import Graph
from graphlabels.nn.adapters import as_graph_module
from graphlabels.train.protocol import Trainer, resolve_trainer
from graphlabels.train.trainer import FitResult, seed_everything
from graphlabels.typing import ModelFactory

__all__ = ["AccuracySummary", "RunsResult", "make_factory", "mean_std", "run_seeds"]


def mean_std(values: Sequence[float]) -> tuple[float, float]:
    """Mean and *unbiased* (``ddof=1``) standard deviation; std is 0 for one value."""
    vals = [float(v) for v in values]
    if not vals:
        raise ValueError("mean_std needs at least one value")
    m = sum(vals) / len(vals)
    if len(vals) == 1:
        return m, 0.0
    var = sum((v - m) ** 2 for v in vals) / (len(vals) - 1)
    return m, math.sqrt(var)


class AccuracySummary:
    """Mean ± unbiased std of ``test_acc`` and ``val_acc`` lists (percent)."""

    test_acc: list[float]
    val_acc: list[float]

    @property
    def test_acc_mean(self) -> float:
        """Mean test accuracy."""
        return mean_std(self.test_acc)[0]

    @property
    def test_acc_std(self) -> float:
        """Unbiased std of the test accuracy."""
        return mean_std(self.test_acc)[1]

    @property
    def val_acc_mean(self) -> float:
        """Mean best validation accuracy."""
        return mean_std(self.val_acc)[0]

    @property
    def val_acc_std(self) -> float:
        """Unbiased std of the best validation accuracy."""
        return mean_std(self.val_acc)[1]

    def summary(self) -> str:
        """``"81.50 ± 0.52"`` style test accuracy."""
        return f"{self.test_acc_mean:.2f} ± {self.test_acc_std:.2f}"

    def _accuracy_dict(self) -> dict[str, Any]:
        """The per-run accuracies and their mean and std, rounded for JSON."""
        return {
            "test_acc": [round(a, 4) for a in self.test_acc],
            "val_acc": [round(a, 4) for a in self.val_acc],
            "test_acc_mean": round(self.test_acc_mean, 4),
            "test_acc_std": round(self.test_acc_std, 4),
            "val_acc_mean": round(self.val_acc_mean, 4),
            "val_acc_std": round(self.val_acc_std, 4),
        }


@dataclasses.dataclass
class RunsResult(AccuracySummary):
    """Per-run results of :func:`run_seeds` (accuracies in percent).

    Attributes:
        test_acc: test accuracy of each run at its best validation epoch.
        val_acc: best validation accuracy of each run.
        logits: eval-mode logits of each run.
        splits: the split each run used.
        seconds: wall time of all runs.
    """

    test_acc: list[float]
    val_acc: list[float]
    logits: list[Tensor]
    splits: list[int]
    seconds: float
    fits: list[FitResult] = dataclasses.field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (no logits)."""
        return {
            "runs": len(self.test_acc),
            **self._accuracy_dict(),
            "splits": self.splits,
            "seconds": round(self.seconds, 3),
        }


def make_factory(model: ModelFactory):
    """Turn a module, ``f(seed)`` or ``f()`` into ``f(seed) -> fresh model``.

    A module is deep-copied and reset with ``reset_parameters()`` each run, as OGB
    leaderboard scripts do.
    """
    if isinstance(model, nn.Module):

        def from_module(seed: int) -> nn.Module:
            m = copy.deepcopy(model)
            as_graph_module(m).reset_parameters()
            return m

        return from_module
    if not callable(model):
        raise TypeError(f"expected a model or a factory, got {type(model).__name__}")
    try:
        n = len(inspect.signature(model).parameters)
    except (TypeError, ValueError):
        n = 1
    return model if n >= 1 else (lambda seed: model())


def run_seeds(
    make_model: ModelFactory,
    graph: Graph,
    runs: int = 10,
    *,
    trainer: Trainer | None = None,
    seeds: Sequence[int] | None = None,
    progress: bool = True,
    **fit_kwargs: Any,
) -> RunsResult:
    """Train ``runs`` times with seeds ``0..runs-1`` and collect the results.

    Run ``r`` seeds everything with ``seeds[r]`` before building the model and
    then calls ``trainer(model, graph_r)`` (no ``seed``: training continues the
    random stream that built the model), so the whole run is deterministic. On a
    graph with ``S`` splits ``graph_r`` is ``graph.split(r % S)``, so a trainer
    only ever sees one split.

    Args:
        make_model: ``f(seed) -> model``, ``f() -> model``, or a module that is
            copied and reset each run.
        graph: the graph.
        runs: number of runs (default: ``10``).
        trainer: any :class:`~graphlabels.train.Trainer` (default: a
            :class:`~graphlabels.train.FullBatchTrainer` built from
            ``fit_kwargs``).
        seeds: explicit seeds (default: ``range(runs)``).
        progress: show a tqdm bar over runs (default: ``True``).
        **fit_kwargs: settings of the default trainer (``epochs``, ``lr``,
            ``weight_decay``, ``patience``, ``restore_best``); not together with
            ``trainer``.
    """
    trainer = resolve_trainer(trainer, fit_kwargs, owner="run_seeds")
    seeds = list(range(runs)) if seeds is None else list(seeds)
    if not seeds:
        raise ValueError("runs must be >= 1")
    factory = make_factory(make_model)
    n_splits = max(graph.num_splits, 1)
    fits, splits = [], []
    start = time.perf_counter()
    bar = tqdm(seeds, desc=f"runs ({graph.name or 'graph'})", disable=not progress)
    for r, seed in enumerate(bar):
        split = r % n_splits
        run_graph = graph.split(split) if graph.num_splits > 1 else graph
        seed_everything(seed)
        model = factory(seed).to(graph.device)
        res = trainer(model, run_graph)
        fits.append(res)
        splits.append(split)
        bar.set_postfix(test=f"{res.test_acc:.1f}")
    seconds = time.perf_counter() - start
    return RunsResult(
        test_acc=[f.test_acc for f in fits],
        val_acc=[f.val_acc for f in fits],
        logits=[f.logits for f in fits],
        splits=splits,
        seconds=seconds,
        fits=fits,
    )
