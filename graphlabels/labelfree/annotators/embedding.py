r"""Zero-shot annotation by sentence-embedding similarity (all-MiniLM-L6-v2).

Each label is described by a short sentence (``template.format(name)`` or a given
description). A node gets the label whose description is most similar (cosine) to
its text; the confidence is the softmax over labels of the similarities divided by
a temperature:

.. math::
    p(c \mid v) = \mathrm{softmax}_c\left(\cos(e_v, e_c) / \tau\right).

Fast, offline, free: the default annotator of the demo.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from graphlabels.labelfree.annotators.base import Annotation, Annotator
from graphlabels.labelfree.features import encode

__all__ = ["EmbeddingAnnotator"]


class EmbeddingAnnotator(Annotator):
    r"""Annotate with cosine similarity to label descriptions.

    Args:
        descriptions: label descriptions, in label order (default: built from the
            label names with ``template``).
        template: description template (default: ``"This text is about {}."``).
        temperature: softmax temperature :math:`\tau` (default: ``0.05``).
        batch_size: encoding batch size (default: ``64``).
        max_chars: truncate texts to this many characters before encoding
            (default: none; MiniLM itself stops at 256 word pieces).
    """

    name = "embedding:all-MiniLM-L6-v2"

    def __init__(
        self,
        descriptions: Sequence[str] | None = None,
        *,
        template: str = "This text is about {}.",
        temperature: float = 0.05,
        batch_size: int = 64,
        max_chars: int | None = None,
    ) -> None:
        self.descriptions = list(descriptions) if descriptions is not None else None
        self.template = template
        self.temperature = temperature
        self.batch_size = batch_size
        self.max_chars = max_chars
        self._memo: dict[str, torch.Tensor] = {}

    def _encode(self, texts: Sequence[str]) -> torch.Tensor:
        # memoised per text: repeated runs over overlapping node sets encode once
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            for t, e in zip(missing, encode(missing, self.batch_size), strict=True):
                self._memo[t] = e
        return torch.stack([self._memo[t] for t in texts])

    def probabilities(
        self, texts: Sequence[str], label_names: Sequence[str]
    ) -> torch.Tensor:
        """``[n, C]`` softmax of the scaled cosine similarities."""
        desc = self.descriptions or [self.template.format(n) for n in label_names]
        if len(desc) != len(label_names):
            raise ValueError(
                f"{len(desc)} descriptions for {len(label_names)} labels: give one "
                "per label"
            )
        e_t = self._encode([t[: self.max_chars] for t in texts])
        e_c = self._encode(desc)
        return torch.softmax(e_t @ e_c.T / self.temperature, dim=1)

    def annotate(
        self,
        texts: Sequence[str],
        label_names: Sequence[str],
        *,
        progress: bool = False,
    ) -> list[Annotation]:
        """Annotate every text (see :class:`Annotator`); no tokens, no cost."""
        if not label_names:
            raise ValueError("label_names is empty: pass the category names")
        if len(texts) == 0:
            return []
        p = self.probabilities(texts, label_names)
        conf, label = p.max(1)
        return [
            Annotation(
                int(label[i]),
                float(conf[i]),
                raw=", ".join(
                    f"{n}: {float(p[i, j]):.3f}" for j, n in enumerate(label_names)
                ),
            )
            for i in range(len(texts))
        ]
