"""WebKB (Texas, Wisconsin, Cornell) and film graphs of Geom-GCN, with their splits.

Pei et al., *Geom-GCN: Geometric Graph Convolutional Networks* (ICLR 2020; github
graphdml-uiuc-jlu/geom-gcn). Read as PyG's ``WebKB`` and ``Actor`` do:

- ``new_data/<name>/out1_node_feature_label.txt``: ``node_id<TAB>features<TAB>label``;
  WebKB features are 1,703 dense 0/1 values, film features are the indices of the
  nonzero entries of a 932-dim binary vector;
- ``new_data/<name>/out1_graph_edges.txt``: directed edges ``src<TAB>dst``, kept
  directed and coalesced (set ``undirected=True`` to symmetrise);
- ``splits/<name>_split_0.6_0.2_<i>.npz``: the 10 published 60/20/20 splits, as
  ``[N, 10]`` masks (``split`` picks one index or a list).

Registry names: ``texas``, ``wisconsin``, ``cornell`` and ``film`` are these versions
(``film`` is PyG's ``Actor``). The Yandex re-releases are ``heterophilous-texas`` etc.
(:mod:`graphlabels.data.heterophilous`); ``chameleon`` and ``squirrel`` come from
there, since geom-gcn's own copies here have edges only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from graphlabels.data.download import DataFileError, read_guard, sha256_file
from graphlabels.data.splits import Masks, SplitArg, _split_graph, resolve_split
from graphlabels.graph import Graph, coalesce, to_undirected

__all__ = [
    "GEOM_GCN",
    "WRONG_CONTENT",
    "check_geom_gcn_files",
    "geom_gcn_files",
    "load_geom_gcn",
    "read_geom_gcn",
    "read_geom_gcn_split",
]

GEOM_GCN = ("texas", "wisconsin", "cornell", "film")
_SPLIT = "geom_gcn/splits/{name}_split_0.6_0.2_{i}.npz"

#: Feature files known to hold another dataset's content: name -> {sha256: whose}.
#: The shared ``cornell`` copy is byte-identical to Texas's file (see ``files.json``).
WRONG_CONTENT: dict[str, dict[str, str]] = {
    "cornell": {
        "cf5a3ca346cdd1210b8342e22517fcbbdae658065b7a3145f59350e50e6236a3": "texas"
    },
}


def check_geom_gcn_files(root: Path, name: str) -> None:
    """Refuse a feature file known to be another dataset's.

    Raises:
        DataFileError: the file of ``name`` is byte-identical to another dataset's.
    """
    wrong = WRONG_CONTENT.get(name)
    if not wrong:
        return
    path = root / geom_gcn_files(name, splits=False)[0]
    other = wrong.get(sha256_file(path)) if path.is_file() else None
    if other is not None:
        raise DataFileError(
            f"{path} is {other}'s feature/label file, not {name}'s (same sha256 as "
            f"{other}'s): replace it with {name}'s file from github "
            f"graphdml-uiuc-jlu/geom-gcn, new_data/{name}/, or use the Yandex "
            f"version, load('heterophilous-{name}')"
        )


def geom_gcn_files(name: str, splits: bool = True) -> list[str]:
    """Relative paths of the files of ``name`` (graph, features, 10 splits)."""
    files = [
        f"geom_gcn/new_data/{name}/out1_node_feature_label.txt",
        f"geom_gcn/new_data/{name}/out1_graph_edges.txt",
    ]
    if splits:
        files += [_SPLIT.format(name=name, i=i) for i in range(10)]
    return files


def read_geom_gcn_split(root: Path, name: str, index: int, num_nodes: int) -> Masks:
    """Read published split ``index`` (0..9) of ``name`` as bool ``[N]`` masks."""
    if not 0 <= index < 10:
        raise ValueError(f"geom-gcn split index {index} out of range: use 0..9")
    path = root / _SPLIT.format(name=name, i=index)
    if not path.is_file():
        raise DataFileError(
            f"geom-gcn split file missing: {path}; put the 10 files "
            f"{name}_split_0.6_0.2_{{0..9}}.npz there (github graphdml-uiuc-jlu/"
            "geom-gcn, splits/)"
        )
    with read_guard(path), np.load(path, allow_pickle=False) as f:
        train, val, test = (
            torch.from_numpy(f[k].astype(bool))
            for k in ("train_mask", "val_mask", "test_mask")
        )
    if train.numel() != num_nodes:
        raise ValueError(
            f"{path.name} has masks for {train.numel()} nodes but {name} has "
            f"{num_nodes}: the split file belongs to another dataset"
        )
    return train, val, test


def read_geom_gcn(
    root: Path, name: str
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Read features, labels and directed coalesced edges of ``name``.

    Returns:
        ``(x, y, edge_index)``, rows in node-id order.
    """
    check_geom_gcn_files(root, name)
    feat_path, edge_path = (root / p for p in geom_gcn_files(name, splits=False))
    ids, feats, labels = [], [], []
    with read_guard(feat_path):
        for line in feat_path.read_text().strip("\n").split("\n")[1:]:
            node, feat, label = line.split("\t")
            ids.append(int(node))
            feats.append(feat)
            labels.append(int(label))
    n = len(ids)
    order = np.argsort(np.asarray(ids))
    if not np.array_equal(np.asarray(ids)[order], np.arange(n)):
        raise ValueError(
            f"{feat_path}: node ids are not 0..{n - 1}; the file is damaged"
        )
    if name == "film":
        rows = np.concatenate(
            [np.full(len(f.split(",")), i) for i, f in zip(ids, feats, strict=True)]
        )
        cols = np.concatenate([np.array(f.split(","), dtype=np.int64) for f in feats])
        x = torch.zeros(n, int(cols.max()) + 1)
        x[torch.from_numpy(rows), torch.from_numpy(cols)] = 1.0
    else:
        dense = np.array([np.array(f.split(","), dtype=np.float32) for f in feats])
        x = torch.from_numpy(dense[order])
    y = torch.from_numpy(np.asarray(labels, dtype=np.int64)[order])
    with read_guard(edge_path):
        edges = np.loadtxt(edge_path, skiprows=1, dtype=np.int64, ndmin=2)
    edge_index, _ = coalesce(torch.from_numpy(edges.T.copy()), num_nodes=n)
    return x, y, edge_index


def load_geom_gcn(
    root: Path, name: str, split: SplitArg = None, *, undirected: bool = False
) -> Graph:
    """Load a geom-gcn dataset with its published splits.

    Args:
        root: data root (holding ``geom_gcn/``).
        name: ``"texas"``, ``"wisconsin"``, ``"cornell"`` or ``"film"``.
        split: a split index 0..9 (1-D masks) or a list of them (default: all 10,
            ``[N, 10]`` masks).
        undirected: symmetrise the edges (default: ``False``, as PyG).

    Returns:
        The graph.
    """
    x, y, edge_index = read_geom_gcn(root, name)
    n = x.size(0)
    if undirected:
        edge_index, _ = to_undirected(edge_index, num_nodes=n)
    masks = resolve_split(
        split,
        list(range(10)),
        lambda i: read_geom_gcn_split(root, name, i, n),
        what="split index",
    )
    return _split_graph(
        edge_index,
        n,
        masks,
        x=x,
        y=y,
        name=name,
    )
