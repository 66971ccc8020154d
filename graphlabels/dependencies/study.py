"""How content, structure and label dependencies each contribute, per label density.

After *How Graph Structure and Label Dependencies Contribute to Node Classification
in a Large Network of Documents* (the WikiVitals paper): for a list of
training-set densities, models that see one source of information more than the
last are trained and assessed on the same splits.

========================  ===============================================
source                    model
========================  ===============================================
content                   MLP on the features
structure                 label propagation
content + structure       GCN
+ label dependencies      GMNN, the label trick, Correct & Smooth (MLP base)
========================  ===============================================

Protocol. Each outer repetition ``r`` draws a stratified test set
(``test_fraction`` of the labelled nodes, seed ``r``) that no selection sees.
For each density ``d`` the training set is a stratified ``d`` of the labelled nodes
drawn from the rest, and the inner validation set is as large as the training set
(at least one node per class), drawn from what remains. Every hyperparameter is
chosen on mean validation accuracy over the repetitions, and the test accuracy of
the chosen setting is reported as mean ± unbiased std over them.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor
from tqdm.auto import tqdm

from graphlabels.dependencies.gmnn import GMNN
from graphlabels.dependencies.label_trick import LabelInput, LabelTrickTrainer
from graphlabels.graph import Graph
from graphlabels.nn.models import GCN, MLP
from graphlabels.propagation.tuning import (
    select_correct_and_smooth,
    select_label_propagation,
)
from graphlabels.train import FullBatchTrainer, mean_std, seed_everything

__all__ = [
    "DEFAULT_DENSITIES",
    "METHODS",
    "SOURCES",
    "StudyResult",
    "density_split",
    "study",
]

#: Training-set densities, as fractions of the labelled nodes.
DEFAULT_DENSITIES: tuple[float, ...] = (0.01, 0.05, 0.2, 0.5)
#: The source of information each method adds.
SOURCES: dict[str, str] = {
    "mlp": "content",
    "lp": "structure",
    "gcn": "content + structure",
    "gmnn": "+ label dependencies",
    "label-trick": "+ label dependencies",
    "cs": "+ label dependencies",
}
METHODS: tuple[str, ...] = tuple(SOURCES)
#: The weight decays tried for every network (the rest is the project preset).
WEIGHT_DECAYS: tuple[float, ...] = (5e-4, 5e-3)


def density_split(
    y: Tensor, density: float, seed: int, test_fraction: float = 0.3
) -> tuple[Tensor, Tensor, Tensor]:
    """Stratified train / inner-validation / test masks for one repetition.

    The test set depends on ``seed`` only, not on ``density``, so every density
    of a repetition is assessed on the same nodes.

    Args:
        y: ``[N]`` labels (``-1`` = unlabelled, in no mask).
        density: training nodes as a fraction of the labelled nodes.
        seed: the repetition's seed.
        test_fraction: the labelled nodes held out for assessment
            (default: ``0.3``).

    Returns:
        ``(train_mask, val_mask, test_mask)``, bool ``[N]`` each.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction}")
    if not 0.0 < density < 1.0 - test_fraction:
        raise ValueError(
            f"density {density} leaves no room: it must be in (0, {1 - test_fraction})"
            " with test_fraction"
            f" {test_fraction}"
        )
    labels = np.asarray(y.cpu()).astype(np.int64)
    rng = np.random.default_rng(seed)
    n = labels.shape[0]
    masks = [np.zeros(n, dtype=bool) for _ in range(3)]
    for c in np.unique(labels[labels >= 0]):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_test = int(round(test_fraction * idx.size))
        masks[2][idx[:n_test]] = True
    pool_all = np.flatnonzero((labels >= 0) & ~masks[2])
    rng = np.random.default_rng([seed, int(round(density * 1e6))])
    labelled = int((labels >= 0).sum())
    n_train = max(1, int(round(density * labelled)))
    for c in np.unique(labels[labels >= 0]):
        idx = rng.permutation(pool_all[labels[pool_all] == c])
        share = idx.size / pool_all.size
        k_tr = min(idx.size, max(1, int(round(share * n_train))))
        k_va = min(idx.size - k_tr, max(1, int(round(share * n_train))))
        masks[0][idx[:k_tr]] = True
        masks[1][idx[k_tr : k_tr + k_va]] = True
    return tuple(torch.from_numpy(m) for m in masks)  # type: ignore[return-value]


@dataclasses.dataclass
class StudyRow:
    """One method at one density (accuracies in percent, one per repetition)."""

    method: str
    density: float
    val_acc: list[float]
    test_acc: list[float]
    params: dict[str, Any]

    @property
    def source(self) -> str:
        """The source of information the method adds."""
        return SOURCES[self.method]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        m, s = mean_std(self.test_acc)
        return {
            "method": self.method,
            "source": self.source,
            "density": self.density,
            "test_acc": [round(a, 4) for a in self.test_acc],
            "test_acc_mean": round(m, 4),
            "test_acc_std": round(s, 4),
            "val_acc": [round(a, 4) for a in self.val_acc],
            "val_acc_mean": round(mean_std(self.val_acc)[0], 4),
            "params": self.params,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StudyRow:
        """The row of :meth:`as_dict`.

        A record without per-repetition validation accuracies keeps their mean
        as the one value.
        """
        val = d.get("val_acc", [d["val_acc_mean"]])
        return cls(
            d["method"], d["density"], list(val), list(d["test_acc"]), d["params"]
        )


@dataclasses.dataclass
class StudyResult:
    """All rows of :func:`study`, with a table and a plot."""

    dataset: str
    densities: list[float]
    repetitions: int
    rows: list[StudyRow]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "dataset": self.dataset,
            "densities": self.densities,
            "repetitions": self.repetitions,
            "rows": [r.as_dict() for r in self.rows],
            "seconds": round(self.seconds, 3),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> StudyResult:
        """The result of :meth:`as_dict` (e.g. read back from a JSON file)."""
        return cls(
            dataset=d["dataset"],
            densities=list(d["densities"]),
            repetitions=d["repetitions"],
            rows=[StudyRow.from_dict(r) for r in d["rows"]],
            seconds=d["seconds"],
        )

    def table(self) -> str:
        """A plain-text table: one row per method, one column per density."""
        methods = list(dict.fromkeys(r.method for r in self.rows))
        head = f"{'method':<12} {'source':<22}" + "".join(
            f"{f'{d:g}':>16}" for d in self.densities
        )
        lines = [head]
        for m in methods:
            cells = []
            for d in self.densities:
                row = next(
                    (r for r in self.rows if r.method == m and r.density == d), None
                )
                if row is None:
                    cells.append(f"{'-':>16}")
                else:
                    mu, sd = mean_std(row.test_acc)
                    cells.append(f"{f'{mu:.2f} ± {sd:.2f}':>16}")
            lines.append(f"{m:<12} {SOURCES[m]:<22}" + "".join(cells))
        return "\n".join(lines)

    def plot(self, path: str | Path) -> Path:
        """Accuracy against training density, one line per method (a PNG)."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 4))
        for m in dict.fromkeys(r.method for r in self.rows):
            rows = sorted(
                (r for r in self.rows if r.method == m), key=lambda r: r.density
            )
            xs = [r.density * 100 for r in rows]
            mus = [mean_std(r.test_acc)[0] for r in rows]
            sds = [mean_std(r.test_acc)[1] for r in rows]
            ax.errorbar(
                xs, mus, yerr=sds, marker="o", capsize=3, label=f"{m} ({SOURCES[m]})"
            )
        ax.set_xscale("log")
        ax.set_xlabel("training nodes (% of labelled nodes)")
        ax.set_ylabel("test accuracy (%)")
        ax.set_title(f"{self.dataset}: sources of information")
        ax.legend(fontsize=7)
        fig.tight_layout()
        path = Path(path)
        fig.savefig(path, dpi=120)
        plt.close(fig)
        return path


# -- the methods: each returns per-repetition (val, test) lists and its params ------
Splits = Sequence[Graph]


def _pick(results: dict[Any, list[tuple[float, float]]]) -> tuple[Any, list, list]:
    key = max(results, key=lambda k: float(np.mean([v for v, _ in results[k]])))
    runs = results[key]
    return key, [v for v, _ in runs], [t for _, t in runs]


def _nets(graphs: Splits, build: Callable[[Graph], Any], trainer_kw: dict) -> dict:
    results: dict[Any, list[tuple[float, float]]] = {}
    for wd in WEIGHT_DECAYS:
        trainer = FullBatchTrainer(weight_decay=wd, **trainer_kw)
        for r, g in enumerate(graphs):
            seed_everything(r)
            res = trainer(build(g), g, seed=r)
            results.setdefault(wd, []).append((res.val_acc, res.test_acc))
    return results


def _mlp(g: Graph) -> MLP:
    return MLP(g.num_features, g.num_classes)


def _gcn(g: Graph) -> GCN:
    return GCN(g.num_features, g.num_classes)


def _run_method(
    method: str, graphs: Splits, trainer_kw: dict, chosen: dict
) -> StudyRow:
    if method == "lp":
        sel = select_label_propagation(graphs)
        return StudyRow("lp", 0.0, sel.val_acc, sel.test_acc, _jsonable(sel.params))
    if method in ("mlp", "gcn"):
        wd, val, test = _pick(
            _nets(graphs, _mlp if method == "mlp" else _gcn, trainer_kw)
        )
        chosen[method] = wd
        return StudyRow(method, 0.0, val, test, {"weight_decay": wd})
    if method == "gmnn":
        wd = chosen.get("gcn", WEIGHT_DECAYS[0])
        trainer = FullBatchTrainer(weight_decay=wd, **trainer_kw)
        val, test = [], []
        for r, g in enumerate(graphs):
            m = GMNN(_gcn(g), seeds=[r], trainer=trainer).fit(g)
            val.append(m.result_.val_acc[0])
            test.append(m.result_.test_acc[0])
        return StudyRow("gmnn", 0.0, val, test, {"q": "gcn", "weight_decay": wd})
    if method == "label-trick":
        wd = chosen.get("gcn", WEIGHT_DECAYS[0])
        trainer = LabelTrickTrainer(weight_decay=wd, **trainer_kw)
        val, test = [], []
        for r, g in enumerate(graphs):
            seed_everything(r)
            model = LabelInput(
                GCN(g.num_features + g.num_classes, g.num_classes), g.num_classes
            )
            res = trainer(model, g, seed=r)
            val.append(res.val_acc)
            test.append(res.test_acc)
        return StudyRow(
            "label-trick", 0.0, val, test, {"base": "gcn", "weight_decay": wd}
        )
    if method == "cs":
        wd = chosen.get("mlp", WEIGHT_DECAYS[0])
        trainer = FullBatchTrainer(weight_decay=wd, **trainer_kw)
        y_softs = []
        for r, g in enumerate(graphs):
            seed_everything(r)
            y_softs.append(trainer(_mlp(g), g, seed=r).logits.softmax(-1))
        sel = select_correct_and_smooth(y_softs, list(graphs))
        params = {"base": "mlp", "weight_decay": wd, **_jsonable(sel.params)}
        return StudyRow("cs", 0.0, sel.val_acc, sel.test_acc, params)
    raise ValueError(f"unknown method {method!r}: choose from {METHODS}")


def _jsonable(params: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (v if isinstance(v, int | float | str | bool | None | dict) else str(v))
        for k, v in params.items()
    }


def study(
    graph: Graph,
    densities: Sequence[float] = DEFAULT_DENSITIES,
    *,
    methods: Sequence[str] = METHODS,
    repetitions: int = 5,
    test_fraction: float = 0.3,
    epochs: int = 200,
    patience: int | None = 50,
    progress: bool = True,
) -> StudyResult:
    """Accuracy against training density for each source of information.

    Args:
        graph: a labelled graph with features (its own masks are not used).
        densities: training densities, fractions of the labelled nodes
            (default: :data:`DEFAULT_DENSITIES`).
        methods: a subset of :data:`METHODS` (default: all; ``gmnn`` and
            ``label-trick`` reuse the weight decay chosen for ``gcn``, ``cs`` the
            one chosen for ``mlp``, when those run first).
        repetitions: outer repetitions, seeds ``0..R-1`` (default: ``5``).
        test_fraction: held-out test share of the labelled nodes (default: ``0.3``).
        epochs: maximum epochs per training (default: ``200``).
        patience: early-stopping patience on validation (default: ``50``).
        progress: progress bar over densities and methods (default: ``True``).

    Returns:
        A :class:`StudyResult`.
    """
    bad = [m for m in methods if m not in METHODS]
    if bad:
        raise ValueError(f"unknown method(s) {bad}: choose from {list(METHODS)}")
    if repetitions < 2:
        raise ValueError(
            f"repetitions must be >= 2 for a standard deviation, got {repetitions}"
        )
    if graph.x is None or graph.y is None:
        raise ValueError("the study needs node features x and labels y")
    for d in densities:
        if not 0.0 < d < 1.0 - test_fraction:
            raise ValueError(
                f"density {d} is out of range: each must be in (0, "
                f"{1 - test_fraction:g}) with test_fraction {test_fraction:g}"
            )
    start = time.perf_counter()
    trainer_kw = {"epochs": epochs, "patience": patience}
    base = graph.split(0) if graph.num_splits > 1 else graph
    rows: list[StudyRow] = []
    jobs = list(itertools.product(densities, methods))
    bar = tqdm(jobs, desc=f"study ({graph.name or 'graph'})", disable=not progress)
    chosen_by_density: dict[float, dict] = {}
    for d, method in bar:
        bar.set_postfix(density=d, method=method)
        graphs = []
        for r in range(repetitions):
            tr, va, te = density_split(graph.y, d, r, test_fraction)
            graphs.append(base.replace(train_mask=tr, val_mask=va, test_mask=te))
        chosen = chosen_by_density.setdefault(d, {})
        row = _run_method(method, graphs, trainer_kw, chosen)
        row.density = d
        rows.append(row)
    return StudyResult(
        dataset=graph.name or "graph",
        densities=list(densities),
        repetitions=repetitions,
        rows=rows,
        seconds=time.perf_counter() - start,
    )
