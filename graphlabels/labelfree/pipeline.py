"""The label-free pipeline: select, annotate, post-filter, train, evaluate.

Follows LLM-GNN's protocol (Chen et al., ICLR 2024): no ground-truth label is used
to select, annotate, filter or train, and no validation labels either (the GNN
trains for a fixed number of epochs and keeps its last weights). Ground truth is
read only at the end, to score the annotations and the GNN on every node that was
not annotated.

Example:
    >>> from graphlabels.labelfree import LabelFreePipeline
    >>> from graphlabels.labelfree.annotators import EmbeddingAnnotator
    >>> pipe = LabelFreePipeline(EmbeddingAnnotator(), selection="pagerank")

    ``pipe.fit(graph)`` on a text-attributed graph then sets
    ``pipe.annotation_acc_`` and ``pipe.test_acc_mean_``, among others.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor

from graphlabels.data.tag import has_text
from graphlabels.graph import Graph
from graphlabels.labelfree.annotators.base import Annotation, Annotator, to_tensors
from graphlabels.labelfree.filter import post_filter
from graphlabels.labelfree.prompts import readable_label_names
from graphlabels.labelfree.selection import c_density, select

if TYPE_CHECKING:
    from graphlabels.train import FitResult, Trainer

__all__ = ["InsufficientAnnotations", "LabelFreePipeline"]


class InsufficientAnnotations(RuntimeError):
    """Too few selected nodes got a label to train on (see ``min_annotated``)."""


__all__ = ["LabelFreePipeline"]


class LabelFreePipeline:
    """LLM-GNN end to end, ``fit(graph) -> self``.

    For each seed: select ``budget`` nodes among those with text, annotate them
    (annotations are shared across seeds and cached by the annotator), optionally
    post-filter (``filter="ps"``), then train a GNN on the kept annotations.

    Args:
        annotator: any :class:`~graphlabels.labelfree.annotators.Annotator`.
        selection: a strategy of :data:`~graphlabels.labelfree.selection.SELECTORS`
            (default: ``"featprop"``).
        budget: nodes to annotate (default: ``20 * num_classes``).
        min_annotated: smallest share of each seed's selected nodes that must get a
            label; below it :meth:`fit` raises :class:`InsufficientAnnotations`
            after annotating and before training (default: ``0.9``; ``0.0``
            trains on whatever was annotated, at least one label per seed).
        filter: ``None`` or ``"ps"`` (default: ``None``).
        filter_fraction: share of annotations the PS filter removes
            (default: ``0.1``).
        filter_weights: ``(b0, b1, b2)`` of the PS filter (default: ``(1, 1, 1)``).
        model: a :func:`graphlabels.nn.build_model` name (default: ``"gcn"``).
        model_kwargs: passed to the model (default: none).
        weighted_loss: weight the cross-entropy by the annotation confidence,
            passed to the trainer as ``sample_weight`` (default: ``False``).
        epochs: fixed training epochs of the default trainer, no validation
            (default: ``200``).
        lr: learning rate of the default trainer (default: ``0.01``).
        weight_decay: L2 penalty of the default trainer (default: ``5e-4``).
        trainer: any :class:`~graphlabels.train.Trainer` (default: a
            :class:`~graphlabels.train.FullBatchTrainer` with the settings above
            and ``patience=None``); not together with ``epochs``, ``lr`` or
            ``weight_decay``. The graph it gets has no validation mask; with
            ``weighted_loss=True`` it must accept ``sample_weight``.
        seeds: seeds; each selects and trains once (default: ``(0, 1, 2)``).
        label_names: the category names given to the annotator (default:
            ``graph.class_names`` made readable by
            :func:`~graphlabels.labelfree.prompts.readable_label_names`).
        lnu_eta3: if set, the label non-uniformity wrapper's Algorithm 1 on top
            (Ji et al., ICML 2023): after training, the fraction ``lnu_eta3`` of the
            unannotated nodes with the highest non-uniformity join the training set
            with the GNN's argmax as label, and the GNN is retrained (default:
            ``None``).
        progress: show progress bars (default: ``False``).

    Attributes:
        selected_: ``{seed: [B] node ids}``.
        annotations_: ``{node id: Annotation}`` for every annotated node.
        kept_: ``{seed: [B] bool}``, annotations kept by the filter.
        annotation_acc_: mean over seeds of the annotation accuracy (percent) on the
            selected nodes; an invalid answer (label ``-1``) counts as wrong.
        annotation_acc_kept_: the same on the kept annotations.
        test_acc_: per-seed GNN accuracy (percent) on the nodes not annotated.
        test_acc_mean_, test_acc_std_: their mean and unbiased std.
        calls_, tokens_, cost_usd_: spent on annotation (cache hits cost nothing).
        annotated_: selected nodes (all seeds together) that got a label.
        failed_: selected nodes whose annotation was tried and gave no label (a
            failed call or an invalid answer).
        unannotated_: selected nodes no call was made for (a cap was reached or
            the annotator stopped); ``annotated_ + failed_ + unannotated_`` is the
            number of distinct selected nodes.
        annotated_fraction_: the smallest share, over seeds, of the selected nodes
            that got a label.
        seconds_: wall time of the stages.
        logits_: ``{seed: [N, C]}`` GNN outputs.
    """

    def __init__(
        self,
        annotator: Annotator,
        *,
        selection: str = "featprop",
        budget: int | None = None,
        min_annotated: float = 0.9,
        filter: str | None = None,
        filter_fraction: float = 0.1,
        filter_weights: tuple[float, float, float] = (1.0, 1.0, 1.0),
        model: str = "gcn",
        model_kwargs: dict[str, Any] | None = None,
        weighted_loss: bool = False,
        epochs: int | None = None,
        lr: float | None = None,
        weight_decay: float | None = None,
        trainer: Trainer | None = None,
        seeds: Sequence[int] = (0, 1, 2),
        label_names: Sequence[str] | None = None,
        lnu_eta3: float | None = None,
        progress: bool = False,
    ) -> None:
        from graphlabels.train import accepts_option, resolve_trainer

        if filter not in (None, "ps"):
            raise ValueError(f"filter must be None or 'ps', got {filter!r}")
        settings = {"epochs": epochs, "lr": lr, "weight_decay": weight_decay}
        self.trainer = resolve_trainer(
            trainer,
            {k: v for k, v in settings.items() if v is not None},
            owner="LabelFreePipeline",
            patience=None,
        )
        if weighted_loss and not accepts_option(self.trainer, "sample_weight"):
            name = getattr(self.trainer, "__name__", type(self.trainer).__name__)
            raise TypeError(
                f"weighted_loss=True passes sample_weight= (per-node loss weights "
                f"[N]) to the trainer, and {name} does not take it: add a "
                "sample_weight keyword to the trainer or pass weighted_loss=False"
            )
        self.annotator = annotator
        self.selection = selection
        self.budget = budget
        if not 0.0 <= float(min_annotated) <= 1.0:
            raise ValueError(
                f"min_annotated must be a share in [0, 1], got {min_annotated}"
            )
        self.min_annotated = float(min_annotated)
        self.filter = filter
        self.filter_fraction = filter_fraction
        self.filter_weights = filter_weights
        self.model = model
        self.model_kwargs = dict(model_kwargs or {})
        self.weighted_loss = weighted_loss
        self.seeds = tuple(int(s) for s in seeds)
        self.label_names = list(label_names) if label_names is not None else None
        self.lnu_eta3 = lnu_eta3
        self.progress = progress

    def _labels(self, graph: Graph) -> list[str]:
        if self.label_names:
            return list(self.label_names)
        if not graph.class_names:
            raise ValueError(
                "no category names: the graph has no class_names; pass label_names"
            )
        return readable_label_names(graph.class_names)

    def select_nodes(self, graph: Graph, seed: int) -> Tensor:
        """The nodes strategy ``selection`` picks for ``seed`` (text nodes only)."""
        names = self._labels(graph)
        budget = self.budget or 20 * len(names)
        return select(
            self.selection,
            graph.edge_index,
            graph.x,
            budget,
            num_nodes=graph.num_nodes,
            num_classes=len(names),
            seed=seed,
            candidates=has_text(graph),
        )

    def fit(self, graph: Graph) -> LabelFreePipeline:
        """Run the pipeline on ``graph`` (needs texts, features and class names).

        ``graph.y`` is read only to score the annotations and the GNN.
        """
        from graphlabels.train import mean_std

        if graph.num_splits > 1:
            graph = graph.split(0)
        names = self._labels(graph)
        c = len(names)
        t0 = time.perf_counter()
        self.selected_ = {s: self.select_nodes(graph, s) for s in self.seeds}
        t1 = time.perf_counter()

        union = torch.unique(torch.cat(list(self.selected_.values())))
        texts = graph.texts
        assert texts is not None
        calls0 = _spent(self.annotator)
        anns = self.annotator.annotate(
            [str(texts[i]) for i in union.tolist()], names, progress=self.progress
        )
        self.annotations_: dict[int, Annotation] = dict(
            zip(union.tolist(), anns, strict=True)
        )
        calls1 = _spent(self.annotator)
        self.calls_ = sum(a.calls for a in anns)
        self.tokens_ = sum(a.tokens for a in anns)
        self.cost_usd_ = float(sum(a.cost_usd for a in anns))
        self.annotator_spent_ = {k: calls1[k] - calls0[k] for k in calls1}
        self._count_annotations()
        t2 = time.perf_counter()

        cd = None
        if self.filter == "ps" and self.filter_weights[2]:
            feats = graph.x[has_text(graph)] if graph.x is not None else None
            if feats is None:
                raise ValueError("the PS filter's C-Density needs node features x")
            cd_full = torch.zeros(graph.num_nodes, dtype=torch.float64)
            cd_full[has_text(graph)] = c_density(feats, c, seed=0)
            cd = cd_full
        self.kept_: dict[int, Tensor] = {}
        self.test_acc_: list[float] = []
        self.logits_: dict[int, Tensor] = {}
        acc, acc_kept = [], []
        y_true = graph.y
        for s in self.seeds:
            idx = self.selected_[s]
            y_llm, conf = to_tensors([self.annotations_[int(i)] for i in idx])
            if self.filter == "ps":
                keep = post_filter(
                    y_llm,
                    conf,
                    None if cd is None else cd[idx],
                    fraction=self.filter_fraction,
                    weights=self.filter_weights,
                    num_classes=c,
                )
            else:
                keep = y_llm >= 0
            self.kept_[s] = keep
            train_idx = idx[keep]
            if train_idx.numel() == 0:
                raise InsufficientAnnotations(
                    "no valid annotation to train on: "
                    + (self._why() or "every answer was invalid")
                    + "; check the annotator (see annotations_[i].raw)"
                )
            y_train = torch.full((graph.num_nodes,), -1, dtype=torch.long)
            y_train[train_idx] = y_llm[keep]
            weight = torch.zeros(graph.num_nodes)
            weight[train_idx] = conf[keep].clamp_min(1e-3)
            test = torch.ones(graph.num_nodes, dtype=torch.bool)
            test[idx] = False
            if y_true is not None:
                acc.append(100.0 * float((y_llm == y_true[idx]).float().mean()))
                acc_kept.append(
                    100.0 * float((y_llm[keep] == y_true[train_idx]).float().mean())
                )
            train_mask = torch.zeros(graph.num_nodes, dtype=torch.bool)
            train_mask[train_idx] = True
            g = graph.replace(train_mask=train_mask, val_mask=None, test_mask=test)
            res = self._train(g, s, c, y_train, train_mask, weight)
            if self.lnu_eta3:
                from graphlabels.nonuniformity import enhance_train_set

                y_aug, train_aug = enhance_train_set(
                    res.logits,
                    y_train,
                    train_mask,
                    self.lnu_eta3,
                    candidate_mask=~train_mask,
                )
                w_aug = torch.where(train_mask, weight, torch.ones_like(weight))
                res = self._train(g, s, c, y_aug, train_aug, w_aug)
            self.test_acc_.append(float(res.test_acc))
            self.logits_[s] = res.logits
        t3 = time.perf_counter()
        self.annotation_acc_ = sum(acc) / len(acc) if acc else float("nan")
        self.annotation_acc_kept_ = (
            sum(acc_kept) / len(acc_kept) if acc_kept else float("nan")
        )
        self.test_acc_mean_, self.test_acc_std_ = mean_std(self.test_acc_)
        self.seconds_ = {
            "selection": t1 - t0,
            "annotation": t2 - t1,
            "training": t3 - t2,
            "total": t3 - t0,
        }
        return self

    def _train(
        self,
        graph: Graph,
        seed: int,
        num_classes: int,
        y: Tensor,
        train_mask: Tensor,
        weight: Tensor,
    ) -> FitResult:
        """Build the GNN for ``seed`` and train it through ``trainer``."""
        from graphlabels.nn import build_model
        from graphlabels.train import seed_everything

        seed_everything(seed)
        net = build_model(
            self.model, graph.num_features, num_classes, **self.model_kwargs
        )
        options = {"sample_weight": weight} if self.weighted_loss else {}
        return self.trainer(
            net, graph, y=y, train_mask=train_mask, seed=seed, **options
        )

    def _why(self) -> str:
        """The annotator's stop reason, else the first recorded error."""
        stopped = getattr(self.annotator, "stopped_", None)
        if stopped:
            return str(stopped)
        errors = (a.error for a in self.annotations_.values() if a.error)
        return next(errors, "")

    def _count_annotations(self) -> None:
        anns = list(self.annotations_.values())
        self.annotated_ = sum(a.label >= 0 for a in anns)
        self.unannotated_ = sum(not a.attempted for a in anns)
        self.failed_ = len(anns) - self.annotated_ - self.unannotated_
        shares = [
            sum(self.annotations_[int(i)].label >= 0 for i in idx) / max(idx.numel(), 1)
            for idx in self.selected_.values()
        ]
        self.annotated_fraction_ = float(min(shares)) if shares else 0.0
        if self.annotated_fraction_ >= self.min_annotated:
            return
        why = self._why()
        raise InsufficientAnnotations(
            (f"{why}; " if why else "")
            + f"only {self.annotated_} of {len(anns)} selected nodes were annotated "
            f"({100 * self.annotated_fraction_:.1f}% of a seed's budget < "
            f"{100 * self.min_annotated:.1f}% required): {self.failed_} failed, "
            f"{self.unannotated_} not attempted"
        )

    def summary_counts(self) -> dict[str, Any]:
        """The annotation counts (also part of :meth:`summary`)."""
        return {
            "annotated": self.annotated_,
            "failed": self.failed_,
            "unannotated": self.unannotated_,
            "annotated_fraction": self.annotated_fraction_,
            "stopped": getattr(self.annotator, "stopped_", None),
        }

    def summary(self) -> dict[str, Any]:
        """The results as a JSON-ready dict (the CLI's ``--json`` record)."""
        return {
            "annotation_acc": self.annotation_acc_,
            "annotation_acc_kept": self.annotation_acc_kept_,
            "test_acc_mean": self.test_acc_mean_,
            "test_acc_std": self.test_acc_std_,
            "test_acc": list(self.test_acc_),
            "calls": self.calls_,
            "tokens": self.tokens_,
            "cost_usd": self.cost_usd_,
            "seconds": self.seconds_["total"],
            "seconds_by_stage": dict(self.seconds_),
            "selection": self.selection,
            "filter": self.filter,
            "budget": int(next(iter(self.selected_.values())).numel()),
            "kept": {str(s): int(k.sum()) for s, k in self.kept_.items()},
            **self.summary_counts(),
            "seeds": list(self.seeds),
            "annotator": getattr(self.annotator, "name", type(self.annotator).__name__),
        }


def _spent(annotator: Annotator) -> dict[str, float]:
    return {
        k: float(getattr(annotator, k, 0.0) or 0.0)
        for k in ("calls_", "prompt_tokens_", "completion_tokens_", "cost_usd_")
    }
