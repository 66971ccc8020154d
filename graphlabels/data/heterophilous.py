"""Heterophilous graphs in the Yandex ``.npz`` format, with their 10 splits.

Platonov et al., *A critical look at the evaluation of GNNs under heterophily: Are we
really making progress?* (ICLR 2023; github yandex-research/heterophilous-graphs).
Each file holds ``node_features`` ``[N, F]``, ``node_labels`` ``[N]``, ``edges``
``[E, 2]`` and ``train_masks``/``val_masks``/``test_masks`` ``[10, N]``. As PyG's
``HeterophilousGraphDataset`` and the authors' code do, edges are made undirected
(and coalesced).

Registry names: ``chameleon``, ``squirrel``, ``chameleon-filtered``,
``squirrel-filtered``, ``actor``, ``minesweeper``; and ``heterophilous-texas``,
``heterophilous-wisconsin``, ``heterophilous-cornell`` (plain ``texas`` etc. are the
geom-gcn versions). Layout under the data root: ``heterophilous/<file>.npz``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from graphlabels.data.download import read_guard
from graphlabels.data.splits import SplitArg, _split_graph, resolve_split
from graphlabels.graph import Graph, to_undirected

__all__ = ["HETEROPHILOUS_FILES", "load_heterophilous"]

#: Registry name -> file under ``heterophilous/``.
HETEROPHILOUS_FILES: dict[str, str] = {
    "chameleon": "chameleon.npz",
    "squirrel": "squirrel.npz",
    "chameleon-filtered": "chameleon_filtered.npz",
    "squirrel-filtered": "squirrel_filtered.npz",
    "actor": "actor.npz",
    "minesweeper": "minesweeper.npz",
    "heterophilous-texas": "texas.npz",
    "heterophilous-wisconsin": "wisconsin.npz",
    "heterophilous-cornell": "cornell.npz",
}


def load_heterophilous(root: Path, name: str, split: SplitArg = None) -> Graph:
    """Load a Yandex heterophilous dataset.

    Args:
        root: data root (holding ``heterophilous/``).
        name: a key of :data:`HETEROPHILOUS_FILES`.
        split: a split index 0..9 (1-D masks) or a list (default: all 10,
            ``[N, 10]`` masks).

    Returns:
        The graph with undirected coalesced edges.
    """
    path = root / "heterophilous" / HETEROPHILOUS_FILES[name]
    with read_guard(path), np.load(path, allow_pickle=False) as f:
        x = torch.from_numpy(f["node_features"].astype(np.float32))
        y = torch.from_numpy(f["node_labels"].astype(np.int64))
        edges = torch.from_numpy(f["edges"].astype(np.int64).T.copy())
        all_masks = [
            torch.from_numpy(f[k].astype(bool).T.copy())
            for k in ("train_masks", "val_masks", "test_masks")
        ]
    n = x.size(0)
    num_splits = all_masks[0].size(1)

    def pick(i: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        if not 0 <= i < num_splits:
            raise ValueError(
                f"split index {i} out of range: {name} has splits 0..{num_splits - 1}"
            )
        return all_masks[0][:, i], all_masks[1][:, i], all_masks[2][:, i]

    masks = resolve_split(split, list(range(num_splits)), pick, what="split index")
    edge_index, _ = to_undirected(edges, num_nodes=n)
    return _split_graph(
        edge_index,
        n,
        masks,
        x=x,
        y=y,
        name=name,
    )
