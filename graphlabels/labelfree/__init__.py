"""Label-free node classification with LLM annotations (LLM-GNN, Chen et al. 2024).

Select a budget of nodes (:mod:`~graphlabels.labelfree.selection`), annotate them with
an LLM or an embedding model (:mod:`~graphlabels.labelfree.annotators`, cached by
:mod:`~graphlabels.labelfree.cache`), post-filter the annotations
(:mod:`~graphlabels.labelfree.filter`) and train a GNN on them
(:mod:`~graphlabels.labelfree.pipeline`). :func:`load_text_graph` loads a
text-attributed graph with its GNN features.
"""

from graphlabels.labelfree.annotators import (
    Annotation,
    Annotator,
    EmbeddingAnnotator,
    LlamaCppAnnotator,
    OpenAIAnnotator,
)
from graphlabels.labelfree.cache import AnnotationCache
from graphlabels.labelfree.datasets import load_text_graph
from graphlabels.labelfree.filter import post_filter
from graphlabels.labelfree.pipeline import LabelFreePipeline
from graphlabels.labelfree.selection import SELECTORS, select

__all__ = [
    "SELECTORS",
    "Annotation",
    "AnnotationCache",
    "Annotator",
    "EmbeddingAnnotator",
    "LabelFreePipeline",
    "LlamaCppAnnotator",
    "OpenAIAnnotator",
    "load_text_graph",
    "post_filter",
    "select",
]
