"""The trainer protocol: how every algorithm in graphlabels trains a model.

A *trainer* is any callable

.. code-block:: python

    trainer(model, graph, *, y=None, train_mask=None, seed=None, **options)
        -> FitResult

that trains ``model`` on ``graph`` and returns a
:class:`~graphlabels.train.FitResult` whose ``logits`` are eval-mode logits for
**every** node, and whose ``val_acc`` and ``test_acc`` score them against
``graph.y`` on ``graph.val_mask`` and ``graph.test_mask`` (NaN without the mask).

- ``graph`` always has one split: the callers pass ``graph.split(i)`` of a
  multi-split graph, so a trainer reads 1-D ``train_mask``, ``val_mask`` and
  ``test_mask``.
- ``y`` and ``train_mask`` override the graph's training targets and nodes
  (pseudo-labels, an enlarged training set); validation and test are scored
  against ``graph.y``.
- ``seed``: when given, the trainer seeds its randomness with it before training.
  The callers seed the global RNG (:func:`~graphlabels.train.seed_everything`)
  with the run's seed *before* building the model; :func:`run_seeds`, the label
  non-uniformity wrapper and the Correct & Smooth base model then pass
  ``seed=None``, so training continues the random stream that initialised the
  model (``torch.initial_seed()`` is the run's seed for a trainer that needs one
  for generators of its own); the label-free pipeline passes the run's seed.
- ``options`` carries what some algorithms need beyond that. The one in use is
  ``sample_weight`` (per-node loss weights ``[N]``), passed by the label-free
  pipeline only with ``weighted_loss=True``. A trainer that cannot honour an
  option it is given raises :class:`TypeError`; one that takes no ``**options``
  is rejected by the callers that need an option before any work starts
  (:func:`accepts_option`).

The label non-uniformity wrapper, the Correct & Smooth base model, the label-free
pipeline and :func:`~graphlabels.train.run_seeds` take ``trainer=`` and call
nothing else to train, so full-batch training, mini-batch training and a user's
own loop are interchangeable under all of them. Each of them still accepts the
settings of the default :class:`FullBatchTrainer` (``epochs``, ``lr``, ...) as
keyword arguments; passing both those and ``trainer=`` is an error.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Mapping
from typing import Any, Protocol, runtime_checkable

from torch import Tensor, nn

from graphlabels.graph import Graph
from graphlabels.train.trainer import FitResult, fit

__all__ = ["FullBatchTrainer", "Trainer", "accepts_option", "resolve_trainer"]


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
        restore_best: keep the best-validation weights; :obj:`False` keeps the
            last epoch's (default: :obj:`True`).
    """

    epochs: int = 200
    lr: float = 0.01
    weight_decay: float = 5e-4
    patience: int | None = 100
    progress: bool = False
    restore_best: bool = True

    def __post_init__(self) -> None:
        if self.epochs < 1:
            raise ValueError(f"epochs must be >= 1, got {self.epochs}")
        if self.patience is not None and self.patience < 1:
            raise ValueError(
                f"patience must be >= 1 or None (never stop early), got {self.patience}"
            )

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
        """Run :func:`graphlabels.train.fit` with these settings.

        ``options`` may hold ``sample_weight``; any other option is a
        :class:`TypeError`.
        """
        unknown = set(options) - {"sample_weight"}
        if unknown:
            raise TypeError(
                f"FullBatchTrainer got unknown option(s) {sorted(unknown)}: it "
                "takes y, train_mask, seed and sample_weight (pass one split with "
                "graph.split(i))"
            )
        return fit(
            model,
            graph,
            epochs=self.epochs,
            lr=self.lr,
            weight_decay=self.weight_decay,
            patience=self.patience,
            progress=self.progress,
            restore_best=self.restore_best,
            y=y,
            train_mask=train_mask,
            seed=seed,
            **options,
        )


_SETTINGS = tuple(f.name for f in dataclasses.fields(FullBatchTrainer))


def resolve_trainer(
    trainer: Trainer | None,
    settings: Mapping[str, Any],
    *,
    owner: str,
    **defaults: Any,
) -> Trainer:
    """The trainer an algorithm uses: ``trainer``, or a configured default.

    Args:
        trainer: the user's trainer, or :obj:`None` for a
            :class:`FullBatchTrainer`.
        settings: :class:`FullBatchTrainer` settings the user passed to the
            algorithm (``epochs``, ``lr``, ...), only those it was given.
        owner: the algorithm's name, for error messages.
        **defaults: the algorithm's own defaults for the settings it does not
            get (e.g. ``patience=None``).

    Raises:
        TypeError: ``trainer`` is not callable, both ``trainer`` and settings
            were passed, or a setting is unknown.
    """
    given = dict(settings)
    unknown = set(given) - set(_SETTINGS)
    if unknown:
        raise TypeError(
            f"{owner} got unknown training setting(s) {sorted(unknown)}: the "
            f"default trainer takes {list(_SETTINGS)}; pass anything else through "
            "trainer="
        )
    if trainer is None:
        return FullBatchTrainer(**{**defaults, **given})
    if not callable(trainer):
        raise TypeError(
            f"trainer must be callable as trainer(model, graph, ...), got "
            f"{type(trainer).__name__}"
        )
    if given:
        kw = ", ".join(f"{k}={v!r}" for k, v in given.items())
        raise TypeError(
            f"{owner} got trainer= and training settings ({kw}): the settings "
            f"configure the default trainer only; pass trainer=FullBatchTrainer({kw})"
            " or set them on your trainer"
        )
    return trainer


def accepts_option(trainer: Any, name: str) -> bool:
    """Whether ``trainer``'s signature takes keyword ``name`` (or ``**options``).

    A callable whose signature cannot be read counts as accepting it.
    """
    try:
        sig = inspect.signature(trainer)
    except (TypeError, ValueError):
        return True
    for p in sig.parameters.values():
        if p.kind is inspect.Parameter.VAR_KEYWORD:
            return True
        if p.name == name and p.kind is not inspect.Parameter.POSITIONAL_ONLY:
            return True
    return False
