"""Planetoid citation graphs (Cora, CiteSeer, PubMed) with the public split.

Reads the ``ind.<name>.*`` files of Yang et al. (*Revisiting Semi-Supervised Learning
with Graph Embeddings*, ICML 2016; github kimiyoung/planetoid) exactly as Kipf's GCN
code and PyG's ``Planetoid`` do:

- nodes are ``allx`` rows followed by the test rows, with the test rows put at their
  ``test.index`` positions;
- CiteSeer has 15 test nodes with no features or label (isolated papers): they are
  padded with zero features and label 0, as in PyG, and are in no mask;
- public split: the first ``len(y)`` nodes train (20 per class), the next 500
  validate, the 1,000 ``test.index`` nodes test;
- edges from the adjacency dict, self loops removed, coalesced (sorted, duplicates
  merged), so the graph is undirected without self loops;
- features row-normalised (each row sums to 1, zero rows stay zero) when
  ``normalize_features`` is True, as in GCN.

Layout under the data root: ``planetoid/ind.<name>.{x,y,tx,ty,allx,ally,graph,
test.index}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
import torch
from torch import Tensor

from graphlabels.data._pickle import safe_loads
from graphlabels.data.download import DataFileError, read_guard
from graphlabels.data.geom_gcn import read_geom_gcn_split
from graphlabels.data.splits import (
    SplitArg,
    _split_graph,
    fraction_split,
    resolve_split,
)
from graphlabels.graph import Graph, coalesce, remove_self_loops

__all__ = [
    "CLASS_NAMES",
    "PLANETOID",
    "load_planetoid",
    "normalize_rows",
    "planetoid_files",
    "read_planetoid",
]

PLANETOID = ("cora", "citeseer", "pubmed")
_PARTS = ("x", "y", "tx", "ty", "allx", "ally", "graph", "test.index")

#: Class names in label order. Planetoid stores one-hot labels without names; the
#: names follow from the LINQS class sizes, which are all distinct (Cora: Theory 351,
#: Reinforcement_Learning 217, ...; CiteSeer checked against the raw texts' labels;
#: PubMed: Experimental 4,103, Type 2 7,739, Type 1 7,875).
CLASS_NAMES: dict[str, list[str]] = {
    "cora": [
        "Theory",
        "Reinforcement_Learning",
        "Genetic_Algorithms",
        "Neural_Networks",
        "Probabilistic_Methods",
        "Case_Based",
        "Rule_Learning",
    ],
    "citeseer": ["AI", "ML", "IR", "DB", "Agents", "HCI"],
    "pubmed": [
        "Diabetes Mellitus, Experimental",
        "Diabetes Mellitus Type 2",
        "Diabetes Mellitus Type 1",
    ],
}


def planetoid_files(name: str) -> list[str]:
    """Relative paths of the eight files of Planetoid dataset ``name``."""
    return [f"planetoid/ind.{name}.{p}" for p in _PARTS]


def _unpickle(path: Path) -> Any:
    with read_guard(path):
        return safe_loads(path.read_bytes())


def normalize_rows(x: Tensor) -> Tensor:
    """Divide each row by its sum; rows summing to zero stay zero (GCN, PyG)."""
    s = x.sum(dim=1, keepdim=True)
    return x / torch.where(s == 0, torch.ones_like(s), s)


def read_planetoid(root: Path, name: str) -> dict[str, Any]:
    """Read the raw Planetoid files of ``name`` under ``root/planetoid``.

    Args:
        root: data root.
        name: ``"cora"``, ``"citeseer"`` or ``"pubmed"``.

    Returns:
        ``x`` (dense float ``[N, F]``), ``y`` (``[N]``), ``edge_index``,
        ``train_index``, ``val_index``, ``test_index``, ``num_nodes``.

    Raises:
        DataFileError: a file is missing (nothing is read before all are present).
    """
    name = name.lower()
    paths = [root / p for p in planetoid_files(name)]
    missing = [p for p in paths if not p.is_file()]
    if missing:
        names = ", ".join(p.name for p in missing)
        raise DataFileError(
            f"Planetoid {name}: missing {names} in {root / 'planetoid'}; nothing was "
            f"loaded. Put {'it' if len(missing) == 1 else 'them'} there (source: "
            "github kimiyoung/planetoid, data/)"
        )
    _, y, tx, ty, allx, ally, graph = (_unpickle(p) for p in paths[:7])
    with read_guard(paths[7]):
        test_index = np.loadtxt(paths[7], dtype=np.int64).reshape(-1)
    sorted_test = np.sort(test_index)

    if name == "citeseer":
        # Isolated test nodes have no row in tx/ty: pad them with zeros (PyG, GCN).
        lo, hi = int(test_index.min()), int(test_index.max())
        pad = np.zeros(hi - lo + 1, dtype=np.int64)
        pad[sorted_test - lo] = np.arange(1, sorted_test.size + 1)
        # Row 0 of the stacked matrix is an all-zero row used for the padding.
        zero_tx = sp.vstack([sp.csr_matrix((1, tx.shape[1]), dtype=tx.dtype), tx])
        tx_ext = zero_tx.tocsr()[pad]
        ty_ext = np.zeros((hi - lo + 1, ty.shape[1]), dtype=ty.dtype)
        ty_ext[sorted_test - lo, :] = ty
        tx, ty = tx_ext, ty_ext

    # Row test_index[i] takes the i-th test row (the files store test rows sorted).
    order = np.arange(allx.shape[0] + tx.shape[0])
    order[test_index] = sorted_test
    features = sp.vstack([allx, tx]).tocsr()[order]
    onehot = np.vstack([ally, ty])[order]
    labels = onehot.argmax(1).astype(np.int64)
    n = labels.shape[0]

    rows = np.fromiter((k for k, vs in graph.items() for _ in vs), dtype=np.int64)
    cols = np.fromiter((v for vs in graph.values() for v in vs), dtype=np.int64)
    edge_index = torch.from_numpy(np.stack([rows, cols]))
    edge_index, _ = remove_self_loops(edge_index)
    edge_index, _ = coalesce(edge_index, num_nodes=n)

    return {
        "x": torch.from_numpy(np.asarray(features.todense(), dtype=np.float32)),
        "y": torch.from_numpy(labels),
        "edge_index": edge_index,
        "train_index": torch.arange(y.shape[0]),
        "val_index": torch.arange(y.shape[0], y.shape[0] + 500),
        "test_index": torch.from_numpy(test_index),
        "num_nodes": n,
    }


def load_planetoid(
    root: Path,
    name: str,
    split: SplitArg = "public",
    *,
    normalize_features: bool = True,
    texts: bool = False,
) -> Graph:
    """Load Cora, CiteSeer or PubMed.

    Args:
        root: data root (holding ``planetoid/``).
        name: ``"cora"``, ``"citeseer"`` or ``"pubmed"``.
        split: ``"public"`` (default: the Planetoid split, 1-D masks),
            ``"geom-gcn"`` (the 10 published 60/20/20 splits of Pei et al. from
            ``geom_gcn/splits``, ``[N, 10]`` masks), or seeds (an int or a list) for
            random 60/20/20 splits.
        normalize_features: row-normalise features (default: ``True``, as GCN).
        texts: attach raw node texts (CiteSeer, Cora partial; see
            :mod:`graphlabels.data.tag`) (default: ``False``).

    Returns:
        The graph, ``name`` set to the dataset name.
    """
    name = name.lower()
    raw = read_planetoid(root, name)
    n = raw["num_nodes"]
    x = raw["x"]
    if normalize_features:
        x = normalize_rows(x)
    y = raw["y"]
    if split is None or split == "public":
        public = []
        for key in ("train_index", "val_index", "test_index"):
            m = torch.zeros(n, dtype=torch.bool)
            m[raw[key]] = True
            public.append(m)
        masks = tuple(public)
    elif split == "geom-gcn":
        masks = resolve_split(
            list(range(10)),
            0,
            lambda i: read_geom_gcn_split(root, name, i, n),
            what="split index",
        )
    else:
        masks = resolve_split(split, 0, lambda s: fraction_split(y, s, 0.6, 0.2))
    node_texts = None
    if texts:
        from graphlabels.data.tag import planetoid_texts

        node_texts = planetoid_texts(root, name, n)
    return _split_graph(
        raw["edge_index"],
        n,
        masks,
        x=x,
        y=y,
        texts=node_texts,
        class_names=list(CLASS_NAMES[name]),
        name=name,
    )
