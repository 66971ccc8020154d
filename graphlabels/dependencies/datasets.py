"""Graphs for the label-dependency study, with the features the study needs.

Most datasets load as they are. WikiVitals ships labels and titles; the study
needs its links (the distribution's link lists, or its corpus file) and gets
features from the titles, embedded with the MiniLM sentence encoder that the
label-free part uses.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from torch import Tensor

from graphlabels.data import load
from graphlabels.data.download import DataFileError, resolve_root
from graphlabels.data.wikivitals import missing_links_message
from graphlabels.graph import Graph

__all__ = ["study_graph"]


def _minilm(texts: Sequence[str]) -> Tensor:
    from graphlabels.labelfree.features import sentence_features

    return sentence_features(list(texts), progress=True)


def study_graph(
    name: str,
    root: str | None = None,
    *,
    level: int = 1,
    embed: Callable[[Sequence[str]], Tensor] | None = None,
    **load_kwargs,
) -> Graph:
    """Load ``name`` for :func:`graphlabels.dependencies.study`.

    Args:
        name: a registered dataset.
        root: data root (default: ``$GRAPHLABELS_DATA`` or the cache).
        level: WikiVitals' label level, 0 (11 classes), 1 (32, the paper's) or 2
            (default: ``1``).
        embed: text embedder for WikiVitals' titles, ``texts -> [N, F]``
            (default: MiniLM through
            :func:`graphlabels.labelfree.features.sentence_features`).
        **load_kwargs: passed to :func:`graphlabels.data.load`.

    Raises:
        DataFileError: WikiVitals without its links, naming the files and where
            they go.
    """
    if name.lower() != "wikivitals":
        return load(name, root, **load_kwargs)
    graph = load(name, root, level=level, **load_kwargs)
    if graph.num_edges == 0:
        raise DataFileError(missing_links_message(resolve_root(root)[0]))
    if graph.x is None:
        graph = graph.replace(x=(embed or _minilm)(graph.texts))
    return graph
