"""The trainer protocol: how every algorithm in graphlabels trains a model.

A *trainer* is any callable

.. code-block:: python

    trainer(model, graph, *, y=None, train_mask=None, seed=None, **options)
        -> FitResult

that trains ``model`` on ``graph`` (targets ``y`` on ``train_mask``, defaulting to
the graph's own) and returns a :class:`~graphlabels.train.FitResult` whose
``logits`` are eval-mode logits for **every** node. ``options`` carries what some
algorithms need beyond that (``sample_weight`` for confidence-weighted loss,
``split`` for multi-split graphs); a trainer that cannot honour an option it is
given raises ``TypeError``.

The label non-uniformity wrapper, the Correct & Smooth base model, the label-free
pipeline and :func:`~graphlabels.train.run_seeds` take ``trainer=`` and call
nothing else to train, so full-batch training, mini-batch training and a user's
own loop are interchangeable under all of them.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Protocol, runtime_checkable

from torch import Tensor, nn

from graphlabels.graph import Graph
from graphlabels.train.trainer import FitResult, fit

__all__ = ["FullBatchTrainer", "Trainer"]


@runtime_checkable
class Trainer(Protocol):
    """Anything that trains a model on a graph and returns all-node logits."""

    def __call__(
        self,
        model: nn.Module,
        graph: Graph,
        *,
        y: Tensor | None = None,
        train_mask: Tensor | None = None,
        seed: int | None = None,
        **options: Any,
    ) -> FitResult:
        """Train ``model``; return eval-mode logits for every node."""
        ...


@dataclasses.dataclass
class FullBatchTrainer:
    """The default trainer: full-batch Adam with early stopping on validation.

    A thin, picklable holder of :func:`graphlabels.train.fit`'s hyperparameters.

    Args:
        epochs: maximum epochs (default: ``200``).
        lr: Adam learning rate (default: ``0.01``).
        weight_decay: L2 penalty (default: ``5e-4``).
        patience: epochs without a better validation score before stopping;
            ``None`` never stops early (default: ``100``).
        progress: show a progress bar over epochs (default: ``False``).
    """

    epochs: int = 200
    lr: float = 0.01
    weight_decay: float = 5e-4
    patience: int | None = 100
    progress: bool = False

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise ValueError(f"epochs must be >= 1, got {self.epochs}")

    def __call__(
        self,
        model: nn.Module,
        graph: Graph,
        *,
        y: Tensor | None = None,
        train_mask: Tensor | None = None,
        seed: int | None = None,
        **options: Any,
    ) -> FitResult:
        """Run :func:`graphlabels.train.fit` with these settings."""
        return fit(
            model,
            graph,
            epochs=self.epochs,
            lr=self.lr,
            weight_decay=self.weight_decay,
            patience=self.patience,
            progress=self.progress,
            y=y,
            train_mask=train_mask,
            seed=seed,
            **options,
        )
