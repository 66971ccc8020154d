"""The shared annotator interface."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

import torch
from torch import Tensor

__all__ = ["Annotation", "Annotator", "BudgetExceeded", "to_tensors"]


class BudgetExceeded(RuntimeError):
    """A call would cross the hard token or dollar cap; it was not made."""


@dataclass
class Annotation:
    """One node's annotation.

    Attributes:
        label: label index, or ``-1`` when no valid answer was obtained.
        confidence: confidence in ``[0, 1]``.
        raw: the raw model response(s), for inspection.
        prompt_tokens: prompt tokens spent on this node (cached calls count 0).
        completion_tokens: completion tokens spent on this node.
        cost_usd: dollars spent on this node.
        calls: model calls made for this node (cached calls count 0).
        cached: whether every call for this node came from the cache.
        extra: annotator-specific details (e.g. the top-k answers).
        error: why the node has no label (a failed call, a cap), or ``""``.
        attempted: ``False`` when no call was made for this node (a cap was
            reached or the run stopped first); such a node is unannotated rather
            than failed.
    """

    label: int
    confidence: float
    raw: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    calls: int = 0
    cached: bool = False
    extra: dict = field(default_factory=dict)
    error: str = ""
    attempted: bool = True

    @property
    def tokens(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt_tokens + self.completion_tokens


class Annotator(ABC):
    """Labels node texts with one of the given label names.

    Subclasses implement :meth:`annotate`; ``name`` identifies the model and the
    settings, and enters cache keys.
    """

    name: str = "annotator"

    @abstractmethod
    def annotate(
        self,
        texts: Sequence[str],
        label_names: Sequence[str],
        *,
        progress: bool = False,
    ) -> list[Annotation]:
        """Annotate every text.

        Args:
            texts: node texts.
            label_names: the category names, in label-index order.
            progress: show a progress bar (default: ``False``).

        Returns:
            One :class:`Annotation` per text, in order.
        """


def to_tensors(annotations: Sequence[Annotation]) -> tuple[Tensor, Tensor]:
    """``(labels [n] long, confidences [n] float)`` of a list of annotations."""
    y = torch.tensor([a.label for a in annotations], dtype=torch.long)
    c = torch.tensor([a.confidence for a in annotations], dtype=torch.float)
    return y, c
