r"""Write a synthetic graph in OGB's ogbn-papers100M raw layout (nothing committed).

Layout under ``<root>/ogb/ogbn_papers100M/``, as OGB ships it::

    raw/data.npz          edge_index [2, E] int64, node_feat [N, F] float32,
                          node_year [N, 1], num_nodes_list, num_edges_list
    raw/node-label.npz    node_label [N, 1] float64, NaN = unlabelled
    split/time/{train,valid,test}.csv.gz

Labels carry signal through both features and structure: node features are
``signal * mean[class] + noise`` (standard normal), and a share ``homophily`` of
the edges join two nodes of the same class (the rest are uniform). Classes are
drawn with Zipf-like frequencies, as papers100M's 172 arXiv subjects. Only
``labelled`` of the nodes have a label (papers100M: 1.4%).

Usage::

    python benchmarks/ogb/ogbn-papers100M/make_synthetic.py --root /tmp/p100m
    python benchmarks/ogb/ogbn-papers100M/make_synthetic.py --root /tmp/p100m \
        --nodes 1000000 --edges 15000000
"""

from __future__ import annotations

import argparse
import gzip
import time
from pathlib import Path

import numpy as np


def make(
    root: Path,
    nodes: int,
    edges: int,
    features: int = 128,
    classes: int = 172,
    *,
    homophily: float = 0.25,
    signal: float = 0.1,
    labelled: float = 0.08,
    seed: int = 0,
) -> Path:
    """Write the dataset folder; returns it."""
    rng = np.random.default_rng(seed)
    d = root / "ogb" / "ogbn_papers100M"
    (d / "raw").mkdir(parents=True, exist_ok=True)
    p = 1.0 / np.arange(1, classes + 1) ** 0.8
    y = rng.choice(classes, size=nodes, p=p / p.sum())
    # edges: uniform sources; same-class targets with probability homophily
    src = rng.integers(0, nodes, edges)
    order = np.argsort(y, kind="stable")
    counts = np.bincount(y, minlength=classes)
    start = np.r_[0, np.cumsum(counts)[:-1]]
    same = rng.random(edges) < homophily
    cls = y[src[same]]
    dst = rng.integers(0, nodes, edges)
    dst[same] = order[start[cls] + (rng.random(cls.size) * counts[cls]).astype(int)]
    keep = src != dst
    edge_index = np.stack([src[keep], dst[keep]])
    del src, dst, same, cls
    means = rng.standard_normal((classes, features)).astype(np.float32)
    x = np.empty((nodes, features), dtype=np.float32)
    for s in range(0, nodes, 1 << 18):
        e = min(nodes, s + (1 << 18))
        x[s:e] = signal * means[y[s:e]]
        x[s:e] += rng.standard_normal((e - s, features), dtype=np.float32)
    year = np.full((nodes, 1), 2015, dtype=np.int64)
    np.savez(
        d / "raw" / "data.npz",  # stored, not compressed, as OGB's file
        edge_index=edge_index,
        node_feat=x,
        node_year=year,
        num_nodes_list=np.array([nodes]),
        num_edges_list=np.array([edge_index.shape[1]]),
    )
    del x, edge_index
    ids = rng.permutation(nodes)[: int(labelled * nodes)]
    n_train, n_valid = int(0.8 * ids.size), int(0.08 * ids.size)
    label = np.full((nodes, 1), np.nan)
    label[ids, 0] = y[ids]
    np.savez(d / "raw" / "node-label.npz", node_label=label)
    split = d / "split" / "time"
    split.mkdir(parents=True, exist_ok=True)
    parts = {
        "train": ids[:n_train],
        "valid": ids[n_train : n_train + n_valid],
        "test": ids[n_train + n_valid :],
    }
    for key, part in parts.items():
        with gzip.open(split / f"{key}.csv.gz", "wt") as f:
            np.savetxt(f, np.sort(part), fmt="%d")
    (d / "RELEASE_v1.txt").write_text("synthetic ogbn-papers100M layout\n")
    return d


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--root", type=Path, required=True)
    p.add_argument("--nodes", type=int, default=1_000_000)
    p.add_argument("--edges", type=int, default=15_000_000)
    p.add_argument("--features", type=int, default=128)
    p.add_argument("--classes", type=int, default=172)
    p.add_argument("--homophily", type=float, default=0.25)
    p.add_argument("--signal", type=float, default=0.1)
    p.add_argument("--labelled", type=float, default=0.08)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    t0 = time.perf_counter()
    d = make(a.root, a.nodes, a.edges, a.features, a.classes, homophily=a.homophily,
             signal=a.signal, labelled=a.labelled, seed=a.seed)  # fmt: skip
    print(f"wrote {d} in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
