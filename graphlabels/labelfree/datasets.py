"""Text-attributed graphs for label-free classification, with their GNN features.

>>> from graphlabels.labelfree import load_text_graph
>>> graph = load_text_graph("cora", features="graph")
>>> graph.num_nodes, sum(bool(t.strip()) for t in graph.texts)
(2708, 1323)
"""

from __future__ import annotations

import os
from typing import Any

from graphlabels.graph import Graph

__all__ = ["FEATURES", "TEXT_ALIASES", "load_text_graph"]

#: Short names and the registry's text variant each stands for.
TEXT_ALIASES: dict[str, str] = {
    "texas": "webkb-texas-text",
    "cornell": "webkb-cornell-text",
    "wisconsin": "webkb-wisconsin-text",
    "washington": "webkb-washington-text",
    "citeseer": "citeseer-text",
    "cora": "cora-text",
}

#: ``features`` values of :func:`load_text_graph`.
FEATURES = ("auto", "graph", "text")


def load_text_graph(
    name: str | os.PathLike[str],
    root: str | os.PathLike[str] | None = None,
    features: str = "auto",
    *,
    verify: bool = True,
    **local_kwargs: Any,
) -> Graph:
    """Load a text-attributed graph and set the features the GNN trains on.

    Nodes without text (Cora: 1,385 of 2,708; CiteSeer: 151) are never selected
    for annotation; they keep the dataset's features (or a zero MiniLM vector when
    the dataset has none) and are scored like every other unannotated node. A graph
    with several splits keeps split 0 (the label-free pipeline reads no split for
    training; the masks only name the labelled nodes).

    Args:
        name: a registry name, a short name of :data:`TEXT_ALIASES` (``"cora"``
            means ``"cora-text"``), or a path :func:`graphlabels.data.local.resolve`
            understands (a graph folder with ``texts.json``).
        root: data root (default: see :func:`graphlabels.data.load`).
        features: ``"graph"`` keeps the dataset's ``x``, ``"text"`` uses MiniLM
            embeddings of the texts, ``"auto"`` keeps ``x`` when the dataset has
            it, else MiniLM (default: ``"auto"``).
        verify: check the sha256 of a registered dataset's files (default:
            :obj:`True`, as :func:`graphlabels.data.load`).
        **local_kwargs: split options for a path, passed to
            :func:`graphlabels.data.local.load_local`.

    Raises:
        ValueError: the graph has no texts, or ``features="graph"`` and it has no
            ``x``.
    """
    from graphlabels.data.local import resolve
    from graphlabels.labelfree.features import sentence_features

    if features not in FEATURES:
        raise ValueError(f"features must be one of {list(FEATURES)}, got {features!r}")
    text = os.fspath(name)
    graph = resolve(
        TEXT_ALIASES.get(text.lower(), text), root=root, verify=verify, **local_kwargs
    )
    if graph.num_splits > 1:
        graph = graph.split(0)
    if graph.texts is None:
        raise ValueError(
            f"dataset {text!r} has no texts: use a text dataset such as citeseer, "
            "cora, texas, cornell, wisconsin or washington"
        )
    if features == "text" or (features == "auto" and graph.x is None):
        graph = graph.replace(x=sentence_features(list(graph.texts)))
    elif graph.x is None:
        raise ValueError(f"{text} has no node features: use features='text'")
    return graph
