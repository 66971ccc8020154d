"""Time every selection strategy on a graph of ogbn-arxiv size (169,343 nodes).

The graph is synthetic: 1,166,243 edges drawn with power-law (Zipf-like) endpoint
probabilities and 128-d Gaussian-mixture features over 40 classes, like ogbn-arxiv's
shape. Budget = 20 x 40 = 800. Run:

    python benchmarks/labelfree/selection_speed.py --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time

import torch

from graphlabels.labelfree.selection import SELECTORS, select


def synthetic(n: int, e: int, f: int, c: int, seed: int = 0):
    gen = torch.Generator().manual_seed(seed)
    w = (torch.arange(1, n + 1, dtype=torch.float64) ** -0.8)[
        torch.randperm(n, generator=gen)
    ]
    src = torch.multinomial(w, e, replacement=True, generator=gen)
    dst = torch.randint(n, (e,), generator=gen)
    y = torch.randint(c, (n,), generator=gen)
    means = torch.randn(c, f, generator=gen)
    x = means[y] + 2.0 * torch.randn(n, f, generator=gen)
    return torch.stack([src, dst]), x


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", type=int, default=169_343)
    p.add_argument("--edges", type=int, default=1_166_243)
    p.add_argument("--classes", type=int, default=40)
    p.add_argument("--features", type=int, default=128)
    p.add_argument("--only", nargs="*", default=None)
    p.add_argument("--json", default=None)
    p.add_argument("--threads", type=int, default=None, help="torch threads")
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    ei, x = synthetic(a.nodes, a.edges, a.features, a.classes)
    budget = 20 * a.classes
    out = {
        "graph": f"synthetic power-law, {a.nodes} nodes, {a.edges} edges, "
        f"{a.features}-d features, {a.classes} classes",
        "budget": budget,
        "machine": f"{platform.processor() or platform.machine()}, "
        f"{torch.get_num_threads()} torch threads",
        "load_average_at_start": [round(v, 1) for v in os.getloadavg()],
        "seconds": {},
    }
    for name in a.only or SELECTORS:
        t = time.perf_counter()
        idx = select(name, ei, x, budget, num_classes=a.classes, seed=0)
        dt = time.perf_counter() - t
        assert idx.unique().numel() == budget
        out["seconds"][name] = round(dt, 2)
        print(f"{name:12s} {dt:8.2f} s  load {os.getloadavg()[0]:.1f}", flush=True)
        out.setdefault("load_average_after", {})[name] = round(os.getloadavg()[0], 1)
        if a.json:  # after every strategy, so a run cut short keeps its rows
            with open(a.json, "w") as fh:
                json.dump(out, fh, indent=2)


if __name__ == "__main__":
    main()
