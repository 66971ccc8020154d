"""Amazon and Coauthor graphs in the ``.npz`` format of Shchur et al.

Shchur et al., *Pitfalls of Graph Neural Network Evaluation* (2018; github
shchur/gnn-benchmark). The files store the adjacency and the attributes as CSR parts
(``adj_*``, ``attr_*``), ``labels`` and ``class_names``. As PyG's ``Amazon`` and
``Coauthor`` do, features are binarised (every nonzero becomes 1), self loops are
removed and the graph is made undirected (and coalesced); the whole graph is kept (no
largest-connected-component filter).

The standard split is random with 20 training and 30 validation nodes per class and
the rest for testing, drawn with a seed (:func:`graphlabels.data.splits.
per_class_split`). ``split`` takes one seed (1-D masks) or several (``[N, S]``);
by default seeds ``0..9``.

Layout under the data root: ``gnn_benchmark/<file>.npz``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch

from graphlabels.data._pickle import npz_object_array
from graphlabels.data.download import read_guard
from graphlabels.data.splits import SplitArg, per_class_split, resolve_split
from graphlabels.graph import Graph, remove_self_loops, to_undirected

__all__ = ["NPZ_FILES", "load_npz", "read_npz"]

#: Registry name -> file under ``gnn_benchmark/``.
NPZ_FILES: dict[str, str] = {
    "amazon-computers": "amazon_electronics_computers.npz",
    "amazon-photo": "amazon_electronics_photo.npz",
    "coauthor-cs": "ms_academic_cs.npz",
    "coauthor-physics": "ms_academic_phy.npz",
}


def read_npz(path: str | Path, **fields: Any) -> Graph:
    """Read one Shchur ``.npz`` file into a :class:`Graph`.

    Args:
        path: the ``.npz`` file.
        **fields: further :class:`Graph` fields (masks, name).

    Returns:
        Graph with binary features, undirected coalesced edges without self loops,
        labels and class names.
    """
    path = Path(path)
    with read_guard(path), np.load(path, allow_pickle=False) as f:
        adj = sp.csr_matrix(
            (f["adj_data"], f["adj_indices"], f["adj_indptr"]), shape=f["adj_shape"]
        ).tocoo()
        attr = sp.csr_matrix(
            (f["attr_data"], f["attr_indices"], f["attr_indptr"]),
            shape=f["attr_shape"],
        )
        labels = f["labels"].astype(np.int64)
        try:
            class_names = [str(c) for c in f["class_names"]]
        except ValueError:  # stored as an object array: read it without pickle trust
            class_names = [str(c) for c in npz_object_array(path, "class_names")]
    n = attr.shape[0]
    attr.data = (attr.data != 0).astype(np.float32)
    attr.eliminate_zeros()
    x = torch.from_numpy(attr.toarray())
    edge_index = torch.from_numpy(np.stack([adj.row, adj.col]).astype(np.int64))
    edge_index, _ = remove_self_loops(edge_index)
    edge_index, _ = to_undirected(edge_index, num_nodes=n)
    return Graph(
        edge_index,
        n,
        x=x,
        y=torch.from_numpy(labels),
        class_names=class_names,
        **fields,
    )


def load_npz(
    root: Path,
    name: str,
    split: SplitArg = None,
    *,
    train_per_class: int = 20,
    val_per_class: int = 30,
) -> Graph:
    """Load an Amazon/Coauthor dataset with seeded per-class random splits.

    Args:
        root: data root (holding ``gnn_benchmark/``).
        name: a key of :data:`NPZ_FILES`.
        split: a seed (1-D masks) or a list of seeds (``[N, S]`` masks)
            (default: seeds ``0..9``).
        train_per_class: training nodes per class (default: ``20``).
        val_per_class: validation nodes per class (default: ``30``).

    Returns:
        The graph with masks.
    """
    path = root / "gnn_benchmark" / NPZ_FILES[name]
    with read_guard(path), np.load(path, allow_pickle=False) as f:
        labels = f["labels"].astype(np.int64)
    train, val, test = resolve_split(
        split,
        list(range(10)),
        lambda s: per_class_split(labels, s, train_per_class, val_per_class),
    )
    return read_npz(path, train_mask=train, val_mask=val, test_mask=test, name=name)
