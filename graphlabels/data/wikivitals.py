"""WikiVitals (level-5 vital Wikipedia articles, April 2022) with 3 label levels.

Source: github ToineSayan/wikivitals-lvl5-04-2022 (``dataset/``). 48,512 articles,
each labelled at three granularities: level 0 (11 classes), level 1 (32) and
level 2 (251); level ``k`` names are paths such as ``"Arts ->- Arts ->- General"``.

What loads depends on the files under ``<root>/wikivitals``:

- **now** (``txt/titles.txt``, ``txt/classes{0,1,2}.txt``,
  ``txt/features_vocabulary.txt``): nodes, labels at the chosen ``level``, and
  ``texts`` = article titles; no edges (``edge_index`` is ``[2, 0]``) and no
  features (``x`` is None);
- **full**, when the upstream corpus files are also there:
  ``wikivitals-lvl-5-04-2022.json`` (one article per line; its
  ``outcoming_links_filtered`` give the directed link edges, 2,297,782 of them, and
  ``abstract`` the text for ``texts="abstract"``) and
  ``wikivitals-lvl-5-04-2022-binary-representations.json`` (``binary_features`` over
  the 4,000 names of ``txt/features_vocabulary.txt``, giving ``x``).
- **links**, the distribution's own edge lists ``main/__links_filtered_*.txt``
  (``source_id<TAB>target_id<TAB>weight`` per line, in parts): directed link edges
  without the corpus file; they take precedence over the corpus' link lists.

Node order is the order of ``txt/titles.txt``. There is no published split:
``split`` seeds per-class random splits of 20 train / 30 val per class at the chosen
level (default seeds ``0..9``). :func:`read_wikivitals` returns all three levels.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import torch

from graphlabels.data.download import DataFileError, read_guard
from graphlabels.data.splits import (
    SplitArg,
    _split_graph,
    per_class_split,
    resolve_split,
)
from graphlabels.graph import Graph

__all__ = [
    "WIKIVITALS_FILES",
    "WIKIVITALS_FULL_FILES",
    "WIKIVITALS_LINKS",
    "load_wikivitals",
    "missing_links_message",
    "read_links",
    "read_wikivitals",
]

WIKIVITALS_FILES = [
    "wikivitals/txt/titles.txt",
    "wikivitals/txt/classes0.txt",
    "wikivitals/txt/classes1.txt",
    "wikivitals/txt/classes2.txt",
    "wikivitals/txt/features_vocabulary.txt",
]
#: Upstream files that turn on edges (and abstracts) and features.
WIKIVITALS_FULL_FILES = [
    "wikivitals/wikivitals-lvl-5-04-2022.json",
    "wikivitals/wikivitals-lvl-5-04-2022-binary-representations.json",
]

#: The distribution's link lists (``dataset/main/`` upstream), in parts.
WIKIVITALS_LINKS = "wikivitals/main/__links_filtered_*.txt"


def missing_links_message(root: Path) -> str:
    """What to put where to give WikiVitals its edges."""
    return (
        f"WikiVitals has no links under {root / 'wikivitals'}: put the link lists "
        "__links_filtered_*.txt from github ToineSayan/wikivitals-lvl5-04-2022 "
        f"(dataset/main/) into {root / 'wikivitals' / 'main'}/, or the corpus file "
        f"wikivitals-lvl-5-04-2022.json (dataset/) into {root / 'wikivitals'}/"
    )


def read_links(paths: list[Path], index: dict[str, int]) -> torch.Tensor:
    """Directed edges ``[2, E]`` from link lists ``source<TAB>target[<TAB>weight]``.

    Ids that are not articles of the corpus are skipped.

    Raises:
        DataFileError: a line that is not two or three tab-separated fields.
    """
    src: list[int] = []
    dst: list[int] = []
    for path in paths:
        with read_guard(path), open(path, encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                parts = line.split("\t")
                if len(parts) not in (2, 3):
                    raise DataFileError(
                        f"{path}, line {lineno}: expected 'source<TAB>target<TAB>"
                        f"weight', got {line[:80]!r}"
                    )
                i, j = index.get(parts[0]), index.get(parts[1])
                if i is not None and j is not None:
                    src.append(i)
                    dst.append(j)
    return torch.tensor([src, dst], dtype=torch.long).view(2, -1)


def _read_pairs(path: Path) -> list[tuple[str, str]]:
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line:
                key, _, value = line.partition("\t")
                pairs.append((key, value))
    return pairs


def read_wikivitals(root: Path) -> dict[str, Any]:
    """Read ids, titles and the three label levels.

    Returns:
        ``ids`` (article ids, node order), ``titles``, and ``levels``: a list of three
        ``(y, class_names)`` with ``y`` a ``[N]`` long tensor and the sorted names.
    """
    base = root / "wikivitals" / "txt"
    pairs = _read_pairs(base / "titles.txt")
    ids = [k for k, _ in pairs]
    titles = [v for _, v in pairs]
    index = {k: i for i, k in enumerate(ids)}
    levels = []
    for k in range(3):
        labels = dict(_read_pairs(base / f"classes{k}.txt"))
        missing = [i for i in ids if i not in labels]
        if missing:
            raise ValueError(
                f"classes{k}.txt has no label for {len(missing)} articles (first: "
                f"{missing[0]}); the txt files are from different versions"
            )
        names = sorted(set(labels.values()))
        code = {c: j for j, c in enumerate(names)}
        y = torch.tensor([code[labels[i]] for i in ids], dtype=torch.long)
        levels.append((y, names))
    return {"ids": ids, "titles": titles, "index": index, "levels": levels}


def _records(path: Path, index: dict[str, int]) -> Iterator[tuple[int, dict]]:
    """``(node, record)`` for the JSON lines of ``path`` whose ``id`` is a node."""
    with read_guard(path), open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            rec = json.loads(line)
            i = index.get(str(rec["id"]))
            if i is not None:
                yield i, rec


def _read_full(
    root: Path, index: dict[str, int], want_abstracts: bool
) -> tuple[torch.Tensor, list[str] | None]:
    src: list[int] = []
    dst: list[int] = []
    abstracts: list[str] | None = [""] * len(index) if want_abstracts else None
    for i, rec in _records(root / WIKIVITALS_FULL_FILES[0], index):
        targets = [
            index[t] for t in rec.get("outcoming_links_filtered", ()) if t in index
        ]
        src += [i] * len(targets)
        dst += targets
        if abstracts is not None:
            abstract = rec.get("abstract", "")
            if isinstance(abstract, list):
                abstract = " ".join(abstract)
            abstracts[i] = abstract
    edge_index = torch.tensor([src, dst], dtype=torch.long).view(2, -1)
    return edge_index, abstracts


def _read_features(root: Path, index: dict[str, int]) -> torch.Tensor:
    vocab_path = root / "wikivitals" / "txt" / "features_vocabulary.txt"
    vocab = [v.strip() for v in vocab_path.read_text(encoding="utf-8").splitlines()]
    column = {v: j for j, v in enumerate(vocab) if v}
    x = np.zeros((len(index), len(vocab)), dtype=np.float32)
    for i, rec in _records(root / WIKIVITALS_FULL_FILES[1], index):
        cols = [column[b] for b in rec.get("binary_features", ()) if b in column]
        x[i, cols] = 1.0
    return torch.from_numpy(x)


def load_wikivitals(
    root: Path,
    split: SplitArg = None,
    *,
    level: int = 0,
    texts: str = "title",
    full: bool | None = None,
) -> Graph:
    """Load WikiVitals at one label level.

    Args:
        root: data root (holding ``wikivitals/``).
        split: a seed or seeds for per-class 20/30 splits (default: seeds ``0..9``).
        level: label granularity, 0 (11 classes), 1 (32) or 2 (251) (default: ``0``).
        texts: ``"title"`` or ``"abstract"`` (needs the full corpus file)
            (default: ``"title"``).
        full: read edges/features from the upstream corpus files: ``None`` when they
            are present, ``True`` requires them (default: ``None``).

    Returns:
        The graph; without link lists or the corpus file it has no edges, and
        without the binary-representation file no features.
    """
    if level not in (0, 1, 2):
        raise ValueError(f"level must be 0, 1 or 2, got {level!r}")
    if texts not in ("title", "abstract"):
        raise ValueError(f"texts must be 'title' or 'abstract', got {texts!r}")
    data = read_wikivitals(root)
    n = len(data["ids"])
    main, binary = (root / p for p in WIKIVITALS_FULL_FILES)
    if full is None:
        full = main.is_file()
    if (full or texts == "abstract") and not main.is_file():
        raise DataFileError(
            f"{main} not found: WikiVitals edges and abstracts need the corpus file "
            "from github ToineSayan/wikivitals-lvl5-04-2022 (dataset/); put it there"
        )
    x = None
    node_texts = list(data["titles"])
    edge_index = torch.empty(2, 0, dtype=torch.long)
    if full or texts == "abstract":
        edge_index, abstracts = _read_full(root, data["index"], texts == "abstract")
        if not full:
            edge_index = torch.empty(2, 0, dtype=torch.long)
        if abstracts is not None:
            node_texts = abstracts
        if full and binary.is_file():
            x = _read_features(root, data["index"])
    links = sorted(root.glob(WIKIVITALS_LINKS))
    if links:
        edge_index = read_links(links, data["index"])
    y, names = data["levels"][level]
    masks = resolve_split(
        split, list(range(10)), lambda s: per_class_split(y, s, 20, 30)
    )
    return _split_graph(
        edge_index,
        n,
        masks,
        x=x,
        y=y,
        texts=node_texts,
        class_names=names,
        name="wikivitals",
    )
