r"""The label non-uniformity wrapper (WGNN) of Ji et al. (ICML 2023) for any GNN.

The wrapper runs the pipeline of the paper around a base model:

1. ``R`` base runs (seeds ``0..R-1``); their logits :math:`z^{(r)}` give the
   scores :math:`w^{(r)}(v) = \sum_i |\operatorname{softmax}(z^{(r)}_v)_i - 1/C|`
   (or one score from the logits averaged over runs).
2. Algorithm 2 (:func:`drop_low_score_edges`) and/or Algorithm 1
   (:func:`enhance_train_set`) per run.
3. A retrain of the same base model (same seed) on the result.

:math:`\eta_1, \eta_2` (Algorithm 2) and :math:`\eta_3` (Algorithm 1) are chosen
on **validation** accuracy averaged over the runs; test accuracy is only reported.
(The official code picks them on test accuracy.) As in the official code, the
combined variant reuses the graphs of the selected :math:`(\eta_1, \eta_2)` and
then searches :math:`\eta_3`.

Variants reported, each as mean ± unbiased std of test accuracy over the runs:
``base``, ``drop`` (Algorithm 2), ``augment`` (Algorithm 1) and ``both``.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import Tensor, nn
from tqdm.auto import tqdm

from graphlabels.graph import Graph
from graphlabels.nn.adapters import as_graph_module
from graphlabels.nonuniformity.augment import enhance_train_set
from graphlabels.nonuniformity.diagnostics import LNUDiagnostics, lnu_diagnostics
from graphlabels.nonuniformity.edge_drop import _check_fraction, drop_low_score_edges
from graphlabels.nonuniformity.score import non_uniformity
from graphlabels.train import (
    FitResult,
    Trainer,
    make_factory,
    mean_std,
    resolve_trainer,
    seed_everything,
)
from graphlabels.train.runs import AccuracySummary

__all__ = [
    "DEFAULT_ETA1",
    "DEFAULT_ETA2",
    "DEFAULT_ETA3",
    "LNUResult",
    "LabelNonUniformity",
    "VariantResult",
    "label_nonuniformity",
]

#: default grids: a coarse subset of the official 10%-step grids, around the
#: official Cora setting (eta1 = 0.3, eta2 = 0.4); 11 settings in all.
DEFAULT_ETA1: tuple[float, ...] = (0.3, 0.5)
DEFAULT_ETA2: tuple[float, ...] = (0.4, 0.8)
DEFAULT_ETA3: tuple[float, ...] = (0.3, 0.6, 0.9)
VARIANTS = ("base", "drop", "augment", "both")


@dataclasses.dataclass
class VariantResult(AccuracySummary):
    r"""Per-run accuracies (percent) of one variant at its chosen :math:`\eta`.

    Attributes:
        name: ``"base"``, ``"drop"``, ``"augment"`` or ``"both"``.
        params: the chosen :math:`\eta` values (empty for ``base``).
        test_acc: test accuracy of each run.
        val_acc: validation accuracy of each run.
    """

    name: str
    params: dict[str, float]
    test_acc: list[float]
    val_acc: list[float]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "params": dict(self.params),
            **self._accuracy_dict(),
        }


@dataclasses.dataclass
class LNUResult:
    r"""The outcome of :class:`LabelNonUniformity`.

    Attributes:
        variants: :class:`VariantResult` per variant that was run.
        chosen: the selected :math:`\eta` values per variant.
        best_variant: the variant with the highest mean validation accuracy
            (``base`` wins ties, so a method must beat it on validation).
        grid: every grid point tried, per variant, with its mean validation and
            test accuracy (test is reported, never used for choosing).
        seconds: wall time.
    """

    variants: dict[str, VariantResult]
    chosen: dict[str, dict[str, float]]
    best_variant: str
    grid: dict[str, list[dict[str, float]]]
    seconds: float

    @property
    def best(self) -> VariantResult:
        """The validation-chosen variant."""
        return self.variants[self.best_variant]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``variants``, ``chosen``, ``best_variant``, ...)."""
        return {
            "variants": {k: v.as_dict() for k, v in self.variants.items()},
            "chosen": self.chosen,
            "best_variant": self.best_variant,
            "grid": self.grid,
            "seconds": round(self.seconds, 3),
        }

    def table(self) -> str:
        """A small text table of the variants."""
        rows = [f"{'variant':<8} {'test acc':>15} {'val acc':>8}  eta"]
        for name, v in self.variants.items():
            mark = " *" if name == self.best_variant else ""
            rows.append(
                f"{name:<8} {v.summary():>15} {v.val_acc_mean:8.2f}  "
                f"{v.params or '-'}{mark}"
            )
        return "\n".join(rows)


def _fractions(name: str, values: float | Sequence[float]) -> tuple[float, ...]:
    vals = (values,) if isinstance(values, int | float) else tuple(values)
    if not vals:
        raise ValueError(f"{name} grid is empty: pass at least one value in [0, 1]")
    return tuple(_check_fraction(name, v) for v in vals)


@dataclasses.dataclass
class _Search:
    """One variant at its chosen grid point: runs, edge masks, graphs, grid rows."""

    variant: VariantResult
    fits: list[FitResult]
    graphs: list[Graph]
    edge_masks: list[Tensor | None]
    rows: list[dict[str, float]]


@dataclasses.dataclass
class _RunInput:
    """What one retrain of one run trains on."""

    graph: Graph
    edge_mask: Tensor | None = None
    y: Tensor | None = None
    train_mask: Tensor | None = None


def _variant(name: str, params: dict[str, float], fits: list[FitResult]):
    return VariantResult(
        name, dict(params), [f.test_acc for f in fits], [f.val_acc for f in fits]
    )


class LabelNonUniformity(nn.Module):
    r"""WGNN: wrap any base GNN with the two algorithms of Ji et al. (ICML 2023).

    .. math::
        w^{(r)}(v) = \sum_{i=1}^{C} \bigl|\operatorname{softmax}(z^{(r)}_v)_i
        - \tfrac{1}{C}\bigr|, \qquad
        (\eta_1^*, \eta_2^*, \eta_3^*) = \arg\max_{\eta}
        \frac{1}{R} \sum_{r=1}^{R} \mathrm{acc}_{\mathrm{val}}^{(r)}(\eta)

    ``make_model`` builds the base model: a graphlabels model
    (``forward(x, adj)``), a PyG module (``forward(x, edge_index)``), a DGL module
    (``forward(g, x)``), a callable ``f(graph) -> logits`` wrapped in a module with
    parameters, ``f(seed) -> model``, ``f() -> model``, or a module that is copied
    and reset each run. Every training, base run and retrain alike, goes through
    ``trainer`` (see :mod:`graphlabels.train.protocol`): run ``r`` seeds
    everything with its seed, builds the model and calls
    ``trainer(model, graph_r, y=..., train_mask=...)``.

    :meth:`fit` follows the paper's steps, one method each: base runs, scores,
    the grid search of Algorithm 2 (``drop``), that of Algorithm 1
    (``augment``), Algorithm 1 on the graphs of the chosen drop (``both``), and
    the choice of the variant. Afterwards
    ``result_`` holds an :class:`LNUResult`, ``scores_`` the per-run scores, and
    the module's :meth:`forward` returns the logits of the validation-chosen
    variant averaged over runs.

    On a graph with ``S`` splits, run ``r`` uses split ``r % S`` everywhere; the
    ``score_from="mean"`` option then averages only runs that share a split, so
    no run sees a model trained on its own validation or test labels.

    Args:
        make_model: the base-model factory (see above).
        runs: number of seeds :math:`R` (default: ``10``).
        eta1: grid of :math:`\eta_1`, fraction of lowest-score nodes
            (default: ``(0.3, 0.5)``).
        eta2: grid of :math:`\eta_2`, fraction of non-forest edges dropped
            (default: ``(0.4, 0.8)``).
        eta3: grid of :math:`\eta_3`, fraction of candidates pseudo-labelled
            (default: ``(0.3, 0.6, 0.9)``).
        variants: which of ``"drop"``, ``"augment"``, ``"both"`` to run;
            ``"base"`` always runs (default: all).
        score_from: ``"run"`` scores run :math:`r` with its own base logits (the
            official code); ``"mean"`` uses the logits averaged over runs
            (default: ``"run"``).
        forest: spanning forest of Algorithm 2, ``"bfs"`` or ``"random"``
            (default: ``"bfs"``).
        exclude_val: keep validation nodes out of Algorithm 1's candidates
            (default: :obj:`True`). With :obj:`False` every non-training node is a
            candidate: validation nodes then get pseudo-labels exactly as test
            nodes do. With :obj:`True` test nodes may be pseudo-labelled but
            validation nodes never are, which makes Algorithm 1 look worse on
            validation than on test; :obj:`False` removed most of that bias on
            the benchmark table (see the LNU section of ``benchmarks/README.md``).
            No true label outside training is read either way.
        seeds: explicit seeds (default: :obj:`None`, meaning ``range(runs)``).
        trainer: any :class:`~graphlabels.train.Trainer` (default: a
            :class:`~graphlabels.train.FullBatchTrainer` built from
            ``fit_kwargs``: best validation epoch).
        progress: show progress bars (default: :obj:`False`).
        **fit_kwargs: settings of the default trainer (``epochs``, ``lr``,
            ``weight_decay``, ``patience``); not together with ``trainer``.

    Attributes:
        base_fits_: the :class:`~graphlabels.train.FitResult` of each base run.
        base_logits_: the base logits of each run.
        mean_logits_: with ``score_from="mean"``, the base logits averaged over
            the runs sharing run :math:`r`'s split (else :obj:`None`).
        scores_: the non-uniformity score of each run ``[N]``.
        drop_masks_: kept-edge masks of the chosen drop, per run (:obj:`None`
            when neither ``drop`` nor ``both`` ran).
        result_: the :class:`LNUResult`.
        models_: the trained models of the chosen variant, one per run.
        edge_masks_: their kept-edge masks (:obj:`None`: the whole graph).
    """

    def __init__(
        self,
        make_model: Any,
        *,
        runs: int = 10,
        eta1: float | Sequence[float] = DEFAULT_ETA1,
        eta2: float | Sequence[float] = DEFAULT_ETA2,
        eta3: float | Sequence[float] = DEFAULT_ETA3,
        variants: Sequence[str] = ("drop", "augment", "both"),
        score_from: str = "run",
        forest: str = "bfs",
        exclude_val: bool = True,
        seeds: Sequence[int] | None = None,
        trainer: Trainer | None = None,
        progress: bool = False,
        **fit_kwargs: Any,
    ) -> None:
        super().__init__()
        self.trainer = resolve_trainer(trainer, fit_kwargs, owner="LabelNonUniformity")
        self.factory = make_factory(make_model)
        self.seeds = list(range(runs)) if seeds is None else [int(s) for s in seeds]
        if not self.seeds:
            raise ValueError("runs must be >= 1")
        self.eta1 = _fractions("eta1", eta1)
        self.eta2 = _fractions("eta2", eta2)
        self.eta3 = _fractions("eta3", eta3)
        bad = set(variants) - set(VARIANTS)
        if bad:
            raise ValueError(
                f"unknown variant(s) {sorted(bad)}: choose from {list(VARIANTS[1:])}"
            )
        self.variants = tuple(v for v in VARIANTS[1:] if v in variants)
        if score_from not in ("run", "mean"):
            raise ValueError(f"score_from must be 'run' or 'mean', got {score_from!r}")
        self.score_from = score_from
        self.forest = forest
        self.exclude_val = exclude_val
        self.progress = progress
        # fitted attributes
        self.base_fits_: list[FitResult] | None = None
        self.base_logits_: list[Tensor] | None = None
        self.mean_logits_: list[Tensor] | None = None
        self.scores_: list[Tensor] | None = None
        self.drop_masks_: list[Tensor] | None = None
        self.result_: LNUResult | None = None
        self.models_: nn.ModuleList = nn.ModuleList()
        self.edge_masks_: list[Tensor | None] = []
        self._bar: Any = None

    # -- the pipeline --------------------------------------------------------------
    def fit(self, graph: Graph) -> LabelNonUniformity:
        """Run base, the grid searches and the retrains; returns ``self``."""
        if graph.y is None or graph.train_mask is None or graph.val_mask is None:
            raise ValueError(
                "the wrapper needs y, train_mask and val_mask: the etas are chosen "
                "on validation accuracy"
            )
        start = time.perf_counter()
        graphs = [self._run_graph(graph, r) for r in range(len(self.seeds))]
        self._bar = tqdm(
            desc=f"lnu ({graph.name or 'graph'})",
            disable=not self.progress,
            total=self._total(),
        )
        try:
            base = self._base_runs(graphs)
            self.base_fits_ = base.fits
            self.base_logits_ = [f.logits for f in base.fits]
            self.scores_, self.mean_logits_ = self._scores(self.base_logits_, graph)
            label_logits = (
                self.base_logits_ if self.mean_logits_ is None else self.mean_logits_
            )
            searches = {"base": base}
            drop = None
            if "drop" in self.variants or "both" in self.variants:
                drop = self._search_drop(graphs, self.scores_)
                self.drop_masks_ = list(drop.edge_masks)
                if "drop" in self.variants:
                    searches["drop"] = drop
            if "augment" in self.variants:
                searches["augment"] = self._search_augment(
                    "augment", graphs, label_logits, self.scores_
                )
            if "both" in self.variants:
                assert drop is not None
                searches["both"] = self._search_augment(
                    "both", graphs, label_logits, self.scores_, on=drop
                )
        finally:
            self._bar.close()
            self._bar = None
        best = self._choose({k: s.variant for k, s in searches.items()})
        self.models_ = nn.ModuleList(
            as_graph_module(f.model) for f in searches[best].fits
        )
        self.edge_masks_ = list(searches[best].edge_masks)
        grid = {k: s.rows for k, s in searches.items() if k != "base"}
        if drop is not None and "drop" not in searches:
            grid = {"drop": drop.rows, **grid}
        self.result_ = LNUResult(
            variants={k: s.variant for k, s in searches.items()},
            chosen={k: dict(s.variant.params) for k, s in searches.items()},
            best_variant=best,
            grid=grid,
            seconds=time.perf_counter() - start,
        )
        return self

    def _base_runs(self, graphs: Sequence[Graph]) -> _Search:
        """Step 1: train the base model once per run on its graph."""
        fits = [self._train(_RunInput(g), r) for r, g in enumerate(graphs)]
        return _Search(
            _variant("base", {}, fits), fits, list(graphs), [None] * len(fits), []
        )

    def _scores(
        self, base_logits: Sequence[Tensor], graph: Graph
    ) -> tuple[list[Tensor], list[Tensor] | None]:
        """Step 2: the non-uniformity score of each run, and the averaged logits.

        Returns:
            ``(scores, mean_logits)``: with ``score_from="run"`` run :math:`r` is
            scored from its own logits and ``mean_logits`` is :obj:`None`; with
            ``"mean"`` from the logits averaged over the runs sharing its split,
            returned as ``mean_logits``.
        """
        if self.score_from == "run":
            return [non_uniformity(z) for z in base_logits], None
        s = max(graph.num_splits, 1)
        groups: dict[int, list[Tensor]] = {}
        for r, z in enumerate(base_logits):
            groups.setdefault(r % s, []).append(z)
        mean = {k: torch.stack(v).mean(0) for k, v in groups.items()}
        mean_logits = [mean[r % s] for r in range(len(base_logits))]
        return [non_uniformity(z) for z in mean_logits], mean_logits

    def _search_drop(
        self, graphs: Sequence[Graph], scores: Sequence[Tensor]
    ) -> _Search:
        r"""Step 3: Algorithm 2 over the :math:`(\eta_1, \eta_2)` grid."""
        points = [
            {"eta1": a, "eta2": b} for a, b in itertools.product(self.eta1, self.eta2)
        ]

        def prepare(r: int, p: dict[str, float]) -> _RunInput:
            g, mask = self._drop(graphs[r], scores[r], p["eta1"], p["eta2"], r)
            return _RunInput(g, edge_mask=mask)

        return self._grid_search("drop", points, prepare)

    def _search_augment(
        self,
        name: str,
        graphs: Sequence[Graph],
        label_logits: Sequence[Tensor],
        scores: Sequence[Tensor],
        on: _Search | None = None,
    ) -> _Search:
        r"""Step 4: Algorithm 1 over the :math:`\eta_3` grid.

        ``on=None`` trains on the runs' own graphs (``augment``); ``on`` a drop
        search trains on the graphs of its chosen :math:`(\eta_1, \eta_2)`
        (``both``).
        """
        base_params = {} if on is None else dict(on.variant.params)
        points = [{**base_params, "eta3": c} for c in self.eta3]

        def prepare(r: int, p: dict[str, float]) -> _RunInput:
            y, train_mask = self._augment(graphs[r], label_logits[r], scores[r], p)
            if on is None:
                return _RunInput(graphs[r], y=y, train_mask=train_mask)
            return _RunInput(
                on.graphs[r], edge_mask=on.edge_masks[r], y=y, train_mask=train_mask
            )

        return self._grid_search(name, points, prepare)

    @staticmethod
    def _choose(variants: dict[str, VariantResult]) -> str:
        """Step 5: the variant with the best mean validation accuracy (base on ties)."""
        return max(variants, key=lambda k: (variants[k].val_acc_mean, k == "base"))

    # -- helpers -------------------------------------------------------------------
    def _grid_search(
        self,
        name: str,
        points: Sequence[dict[str, float]],
        prepare: Callable[[int, dict[str, float]], _RunInput],
    ) -> _Search:
        """Retrain every run at every point; keep the best mean validation one.

        ``prepare(r, params)`` gives what run ``r`` trains on at ``params``. Ties
        go to the earlier point.
        """
        best: tuple[float, _Search] | None = None
        rows = []
        for params in points:
            inputs = []
            fits = []
            for r in range(len(self.seeds)):
                inputs.append(prepare(r, params))
                fits.append(self._train(inputs[-1], r))
            val = mean_std([f.val_acc for f in fits])[0]
            test = mean_std([f.test_acc for f in fits])[0]
            rows.append(
                {
                    **params,
                    "val_acc_mean": round(val, 4),
                    "test_acc_mean": round(test, 4),
                }
            )
            if best is None or val > best[0]:
                found = _Search(
                    _variant(name, params, fits),
                    fits,
                    [i.graph for i in inputs],
                    [i.edge_mask for i in inputs],
                    rows,
                )
                best = (val, found)
        assert best is not None
        return best[1]

    def _train(self, run_input: _RunInput, run: int) -> FitResult:
        """Seed run ``run``, build its model and train it through ``trainer``."""
        seed = self.seeds[run]
        seed_everything(seed)
        model = self.factory(seed)
        model = (
            model.to(run_input.graph.device) if isinstance(model, nn.Module) else model
        )
        res = self.trainer(
            model, run_input.graph, y=run_input.y, train_mask=run_input.train_mask
        )
        if self._bar is not None:
            self._bar.update(1)
            self._bar.set_postfix(val=f"{res.val_acc:.1f}")
        return res

    def _run_graph(self, graph: Graph, run: int) -> Graph:
        s = max(graph.num_splits, 1)
        return graph.split(run % s) if graph.num_splits > 1 else graph

    def _drop(
        self, graph: Graph, score: Tensor, e1: float, e2: float, run: int
    ) -> tuple[Graph, Tensor]:
        ei, mask = drop_low_score_edges(
            graph.edge_index,
            score,
            e1,
            e2,
            num_nodes=graph.num_nodes,
            seed=self.seeds[run],
            forest=self.forest,
        )
        w = None if graph.edge_weight is None else graph.edge_weight[mask]
        return graph.replace(edge_index=ei, edge_weight=w), mask

    def _augment(
        self, graph: Graph, logits: Tensor, score: Tensor, params: dict[str, float]
    ) -> tuple[Tensor, Tensor]:
        return enhance_train_set(
            logits,
            graph.y,
            graph.train_mask,
            params["eta3"],
            score=score,
            val_mask=graph.val_mask if self.exclude_val else None,
            candidate_mask=None
            if self.exclude_val
            else torch.ones(graph.num_nodes, dtype=torch.bool, device=graph.device),
        )

    def _total(self) -> int:
        n = 1
        if "drop" in self.variants or "both" in self.variants:
            n += len(self.eta1) * len(self.eta2)
        n += len(self.eta3) * (("augment" in self.variants) + ("both" in self.variants))
        return n * len(self.seeds)

    def base_diagnostics(self, graph: Graph, **kwargs: Any) -> list[LNUDiagnostics]:
        """:func:`lnu_diagnostics` of each base run on its own test nodes.

        ``graph`` must be the graph passed to :meth:`fit`; on a multi-split graph
        run ``r`` is checked on split ``r % S``. ``kwargs`` go to
        :func:`lnu_diagnostics` (``bins``, ``low_fraction``).
        """
        if self.result_ is None:
            raise RuntimeError("call fit(graph) before base_diagnostics(graph)")
        out = []
        for r, z in enumerate(self.base_logits_):
            g = self._run_graph(graph, r)
            out.append(lnu_diagnostics(z, g.y, g.edge_index, g.test_mask, **kwargs))
        return out

    @torch.no_grad()
    def forward(self, graph: Graph, run: int | None = None) -> Tensor:
        """Logits of the chosen variant: run ``run``, or averaged over runs.

        ``graph`` must be the graph passed to :meth:`fit`; each run's model sees its
        own edge-dropped version of it.
        """
        if self.result_ is None:
            raise RuntimeError("call fit(graph) before forward(graph)")
        chosen = range(len(self.models_)) if run is None else [run]
        outs = []
        for r in chosen:
            mask = self.edge_masks_[r]
            g = graph
            if mask is not None:
                if mask.numel() != graph.num_edges:
                    raise ValueError(
                        f"graph has {graph.num_edges} edges but the model was fitted "
                        f"on {mask.numel()}: pass the graph given to fit()"
                    )
                w = None if graph.edge_weight is None else graph.edge_weight[mask]
                g = graph.replace(edge_index=graph.edge_index[:, mask], edge_weight=w)
            model = self.models_[r]
            model.eval()
            outs.append(model(g))
        return torch.stack(outs).mean(0)


def label_nonuniformity(
    make_model: Callable[..., Any] | nn.Module,
    graph: Graph,
    **kwargs: Any,
) -> LNUResult:
    r"""Function form of :class:`LabelNonUniformity`: fit and return the result.

    .. math::
        (\eta_1^*, \eta_2^*, \eta_3^*) = \arg\max_{\eta}
        \frac{1}{R} \sum_{r=1}^{R} \mathrm{acc}_{\mathrm{val}}^{(r)}(\eta)

    Args:
        make_model: base-model factory or module (see :class:`LabelNonUniformity`).
        graph: the graph with ``y`` and train/val/test masks.
        **kwargs: options of :class:`LabelNonUniformity` (``trainer``, or the
            default trainer's settings).

    Returns:
        An :class:`LNUResult` with the four variants, the chosen :math:`\eta`
        values, the validation-chosen best variant and the full grid.
    """
    return LabelNonUniformity(make_model, **kwargs).fit(graph).result_
