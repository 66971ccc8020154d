"""Write a synthetic graph of benchmark size as an on-disk (memory-mapped) folder.

The structure is :func:`graphlabels.data.synthetic.power_law_graph` (ogbn-products
size by default: 2,449,029 nodes, 61,859,140 edges, power-law in-degrees, uniform
random sources); features are float16 class means plus noise (100 dimensions, 47
classes, as ogbn-products), and the split has ogbn-products' sizes (196,615 train,
39,323 validation, the rest test). The folder opens with
``graphlabels.data.ondisk.open_ondisk``. Peak memory for the products size is
about 4 GB (the edge list and its sort); nothing is kept afterwards.

Usage::

    python benchmarks/sampling/make_synthetic.py --out /tmp/graphlabels-products
    python benchmarks/sampling/make_synthetic.py --preset arxiv --out /tmp/g-arxiv
    python benchmarks/sampling/make_synthetic.py --nodes 5000 --edges 50000 --out /tmp/g
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from graphlabels.data.ondisk import write_ondisk
from graphlabels.data.synthetic import PRESETS, power_law_graph

#: ogbn-products' split sizes (train, valid); the rest is test.
PRODUCTS_SPLIT = (196_615, 39_323)


def make(
    out: Path,
    num_nodes: int,
    num_edges: int,
    *,
    num_features: int = 100,
    num_classes: int = 47,
    train: int | None = None,
    valid: int | None = None,
    seed: int = 0,
    index_dtype: str = "int32",
) -> dict:
    """Generate the graph and write it to ``out``; returns the timings."""
    t0 = time.perf_counter()
    g = torch.Generator().manual_seed(seed)
    edge_index = power_law_graph(num_nodes, num_edges, seed=seed)
    y = torch.randint(0, num_classes, (num_nodes,), generator=g)
    means = torch.randn(num_classes, num_features, generator=g)
    x = torch.empty(num_nodes, num_features, dtype=torch.float16)
    step = 1 << 18
    for s in range(0, num_nodes, step):
        e = min(num_nodes, s + step)
        noise = torch.randn(e - s, num_features, generator=g)
        x[s:e] = (0.5 * means[y[s:e]] + noise).half()
    if train is None:
        frac = num_nodes / PRESETS["products"][0]
        train = max(1, int(PRODUCTS_SPLIT[0] * frac))
        valid = max(1, int(PRODUCTS_SPLIT[1] * frac))
    perm = torch.randperm(num_nodes, generator=g)
    t1 = time.perf_counter()
    write_ondisk(
        {
            "edge_index": edge_index,
            "num_nodes": num_nodes,
            "x": x,
            "y": y,
            "train_idx": perm[:train].sort().values,
            "valid_idx": perm[train : train + valid].sort().values,
            "test_idx": perm[train + valid :].sort().values,
        },
        out,
        x_dtype="float16",
        index_dtype=index_dtype,
        name=f"powerlaw-{num_nodes}",
    )
    t2 = time.perf_counter()
    return {"generate_s": round(t1 - t0, 2), "write_s": round(t2 - t1, 2)}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default="/tmp/graphlabels-products")
    p.add_argument("--preset", default="products", choices=sorted(PRESETS))
    p.add_argument("--nodes", type=int, default=None)
    p.add_argument("--edges", type=int, default=None)
    p.add_argument("--features", type=int, default=100)
    p.add_argument("--classes", type=int, default=47)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    n, e = PRESETS[args.preset]
    n = args.nodes or n
    e = args.edges or e
    info = make(
        Path(args.out),
        n,
        e,
        num_features=args.features,
        num_classes=args.classes,
        seed=args.seed,
    )
    size = sum(f.stat().st_size for f in Path(args.out).iterdir())
    print(json.dumps({"out": args.out, "nodes": n, "edges": e, "bytes": size, **info}))


if __name__ == "__main__":
    main()
