"""Annotators: one interface, ``annotate(texts, label_names) -> list[Annotation]``.

- :class:`OpenAIAnnotator`: any OpenAI-compatible chat-completions server.
- :class:`LlamaCppAnnotator`: a local GGUF model in process (verbalizer or generate).
- :class:`EmbeddingAnnotator`: zero-shot by MiniLM similarity to label descriptions.
"""

from graphlabels.labelfree.annotators.base import (
    Annotation,
    Annotator,
    BudgetExceeded,
    to_tensors,
)
from graphlabels.labelfree.annotators.embedding import EmbeddingAnnotator
from graphlabels.labelfree.annotators.llama_cpp import LlamaCppAnnotator, smollm2_path
from graphlabels.labelfree.annotators.openai import AnnotationError, OpenAIAnnotator

__all__ = [
    "Annotation",
    "AnnotationError",
    "Annotator",
    "BudgetExceeded",
    "EmbeddingAnnotator",
    "LlamaCppAnnotator",
    "OpenAIAnnotator",
    "smollm2_path",
    "to_tensors",
]
