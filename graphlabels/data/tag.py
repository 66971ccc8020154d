"""Raw node texts (text-attributed graphs): CiteSeer, Cora (partial) and WebKB.

Texts are exposed as ``graph.texts`` (``list[str]``, one per node) with
``graph.class_names``. A node without text gets ``""``; :func:`has_text` gives the
bool mask of nodes that have one.

- **CiteSeer**: ``load("citeseer", texts=True)`` (alias ``"citeseer-text"``) is the
  Planetoid graph with the raw title + abstract of 3,176 of its 3,327 nodes. The
  texts (``tag/citeseer/citeseer_texts.txt``, TAPE's CiteSeer-Orig: 3,186 papers as
  ``paper_id`` / text / label lines) are placed by
  ``tag/citeseer/citeseer_text_to_planetoid_index.tsv``; 10 of the 3,186 papers have
  no Planetoid node, and 151 nodes (among them the 15 padded isolated test nodes)
  have no text.
- **Cora**: ``load("cora", texts=True)`` (alias ``"cora-text"``) attaches
  the title and abstract on two lines for the 1,323 nodes in
  ``tag/cora_partial/cora_planetoid_texts_partial.jsonl``; the other 1,385 are ``""``.
- **WebKB** (TAG-Benchmark, github sktsherlock/TAG-Benchmark, ``data/webkb``):
  ``webkb-texas-text``, ``webkb-wisconsin-text``, ``webkb-cornell-text`` and
  ``webkb-washington-text`` are their own graphs (187, 265, 191 and 229 pages, not
  the geom-gcn node sets), read from ``tag/webkb/<Name>/<Name>.csv``: ``raw_text``,
  ``label`` with its ``category`` name, and ``neighbor_ids`` (hyperlinks, kept
  directed and coalesced; ``undirected=True`` symmetrises). There are no features
  and no published splits: ``split`` seeds random 60/20/20 splits (default seeds
  ``0..9``). The ``.pt`` files there are DGL binaries and are not needed.
"""

from __future__ import annotations

import ast
import csv
import json
import sys
from pathlib import Path

import numpy as np
import torch
from torch import Tensor

from graphlabels.data.download import DataFileError
from graphlabels.data.splits import (
    SplitArg,
    _split_graph,
    fraction_split,
    resolve_split,
)
from graphlabels.graph import Graph, coalesce, to_undirected

__all__ = [
    "TEXT_FILES",
    "WEBKB_TEXT",
    "has_text",
    "load_webkb_text",
    "planetoid_texts",
    "webkb_text_files",
]

#: Planetoid dataset -> text files it needs (relative to the root).
TEXT_FILES: dict[str, list[str]] = {
    "citeseer": [
        "tag/citeseer/citeseer_texts.txt",
        "tag/citeseer/citeseer_text_to_planetoid_index.tsv",
    ],
    "cora": ["tag/cora_partial/cora_planetoid_texts_partial.jsonl"],
}

#: Registry name -> folder/file stem under ``tag/webkb``.
WEBKB_TEXT: dict[str, str] = {
    "webkb-texas-text": "Texas",
    "webkb-wisconsin-text": "Wisconsin",
    "webkb-cornell-text": "Cornell",
    "webkb-washington-text": "Washington",
}


def has_text(graph: Graph) -> Tensor:
    """Bool ``[N]`` mask of the nodes with text; whitespace-only text is no text.

    Raises:
        ValueError: the graph carries no texts.
    """
    if graph.texts is None:
        raise ValueError(
            f"graph {graph.name!r} has no texts: load it with texts=True or a "
            "'-text' dataset name"
        )
    return torch.tensor(
        [t is not None and bool(str(t).strip()) for t in graph.texts], dtype=torch.bool
    )


def _citeseer_texts(root: Path, num_nodes: int) -> list[str]:
    text_path, map_path = (root / p for p in TEXT_FILES["citeseer"])
    lines = text_path.read_text(encoding="utf-8").split("\n")
    papers = [(lines[i], lines[i + 1]) for i in range(0, len(lines) - 2, 3)]
    texts = [""] * num_nodes
    with open(map_path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            if not row["planetoid_index"]:
                continue
            paper_id, text = papers[int(row["text_row"])]
            if paper_id != row["paper_id"]:
                raise ValueError(
                    f"{map_path.name}: row {row['text_row']} names paper "
                    f"{row['paper_id']!r} but the text file has {paper_id!r} there; "
                    "the two files do not belong together"
                )
            texts[int(row["planetoid_index"])] = text.strip()
    return texts


def _cora_texts(root: Path, num_nodes: int) -> list[str]:
    texts = [""] * num_nodes
    with open(root / TEXT_FILES["cora"][0], encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rec = json.loads(line)
                title, abstract = rec["title"].strip(), rec["abstract"].strip()
                texts[int(rec["planetoid_index"])] = (
                    f"{title}\n{abstract}" if abstract else title
                )
    return texts


def planetoid_texts(root: Path, name: str, num_nodes: int) -> list[str]:
    """Node texts of a Planetoid dataset, in Planetoid node order (``""`` = none).

    Args:
        root: data root (holding ``tag/``).
        name: ``"citeseer"`` or ``"cora"``.
        num_nodes: number of Planetoid nodes.

    Returns:
        ``num_nodes`` strings.
    """
    if name not in TEXT_FILES:
        raise ValueError(
            f"no raw texts for {name!r}: texts=True works for {sorted(TEXT_FILES)}"
        )
    missing = [p for p in TEXT_FILES[name] if not (root / p).is_file()]
    if missing:
        raise DataFileError(
            f"texts for {name}: missing {', '.join(missing)} under {root}; put "
            "the files there (see datasets/README.md)"
        )
    if name == "citeseer":
        return _citeseer_texts(root, num_nodes)
    return _cora_texts(root, num_nodes)


def webkb_text_files(name: str) -> list[str]:
    """Relative path of the CSV of WebKB text graph ``name``."""
    stem = WEBKB_TEXT[name]
    return [f"tag/webkb/{stem}/{stem}.csv"]


def load_webkb_text(
    root: Path, name: str, split: SplitArg = None, *, undirected: bool = False
) -> Graph:
    """Load a TAG-Benchmark WebKB graph with raw page texts.

    Args:
        root: data root (holding ``tag/webkb``).
        name: a key of :data:`WEBKB_TEXT`.
        split: a seed (1-D masks) or seeds (``[N, S]``) for random 60/20/20 splits
            (default: seeds ``0..9``).
        undirected: symmetrise the hyperlinks (default: ``False``).

    Returns:
        Graph with ``texts``, ``y`` and ``class_names``; no features.
    """
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    path = root / webkb_text_files(name)[0]
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    n = len(rows)
    ids = [int(r["node_id"]) for r in rows]
    if sorted(ids) != list(range(n)):
        raise ValueError(f"{path}: node_id is not 0..{n - 1}; the file is damaged")
    texts, labels = [""] * n, np.zeros(n, dtype=np.int64)
    names: dict[int, str] = {}
    src: list[int] = []
    dst: list[int] = []
    for r, i in zip(rows, ids, strict=True):
        texts[i] = r["raw_text"]
        labels[i] = int(r["label"])
        names[int(r["label"])] = r["category"]
        nbrs = ast.literal_eval(r["neighbor_ids"])
        src += [i] * len(nbrs)
        dst += [int(j) for j in nbrs]
    edge_index = torch.tensor([src, dst], dtype=torch.long).view(2, -1)
    if undirected:
        edge_index, _ = to_undirected(edge_index, num_nodes=n)
    else:
        edge_index, _ = coalesce(edge_index, num_nodes=n)
    y = torch.from_numpy(labels)
    masks = resolve_split(
        split, list(range(10)), lambda s: fraction_split(y, s, 0.6, 0.2)
    )
    return _split_graph(
        edge_index,
        n,
        masks,
        y=y,
        texts=texts,
        class_names=[names[c] for c in range(len(names))],
        name=name,
    )
