"""Time Algorithm 2 (edge dropping) on the ogbn-products-size power-law graph.

The graph is ``graphlabels.data.synthetic.power_law_graph("products")``:
2,449,029 nodes and 61,859,140 directed edges. Scores come from random logits with
47 classes (as ogbn-products). The target is 30 s or less on the 2-core
development machine.

    python benchmarks/lnu/edge_drop_timing.py \
        --json benchmarks/results/lnu_edge_drop.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import torch

from graphlabels.data.synthetic import power_law_graph
from graphlabels.nonuniformity import drop_low_score_edges, non_uniformity


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--preset", default="products")
    p.add_argument("--classes", type=int, default=47)
    p.add_argument("--repeats", type=int, default=2)
    p.add_argument("--etas", default="0.3:0.4,0.5:0.5,0.9:0.9", help="eta1:eta2 pairs")
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args()

    t = time.perf_counter()
    edge_index = power_law_graph(args.preset, seed=0)
    n = int(edge_index.max()) + 1
    gen_s = time.perf_counter() - t
    print(f"graph: {n:,} nodes, {edge_index.size(1):,} edges ({gen_s:.1f} s)")

    g = torch.Generator().manual_seed(0)
    logits = torch.randn(n, args.classes, generator=g) * 2
    t = time.perf_counter()
    score = non_uniformity(logits)
    score_s = time.perf_counter() - t
    del logits
    print(f"score of {n:,} x {args.classes} logits: {score_s:.2f} s")

    rows = []
    for pair in args.etas.split(","):
        e1, e2 = (float(v) for v in pair.split(":"))
        times, cpu = [], []
        for rep in range(args.repeats):
            t, c = time.perf_counter(), time.process_time()
            out, mask = drop_low_score_edges(edge_index, score, e1, e2, seed=rep)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            dropped = int((~mask).sum())
            del out, mask
        rows.append(
            {
                "eta1": e1,
                "eta2": e2,
                "seconds": [round(s, 3) for s in times],
                "seconds_min": round(min(times), 3),
                "cpu_seconds": [round(s, 3) for s in cpu],
                "edges_dropped": dropped,
            }
        )
        print(
            f"eta1={e1} eta2={e2}: {min(times):.2f} s wall (best of {args.repeats}),"
            f" {min(cpu):.2f} s CPU, {dropped:,} edges dropped"
        )
    record = {
        "graph": f"power_law_graph({args.preset!r}, seed=0)",
        "num_nodes": n,
        "num_edges": int(edge_index.size(1)),
        "classes": args.classes,
        "score_seconds": round(score_s, 3),
        "runs": rows,
        "target_seconds": 30.0,
        "torch_threads": torch.get_num_threads(),
        "load_average": [round(v, 2) for v in os.getloadavg()],
        "machine": f"{platform.machine()}, {torch.get_num_threads()} threads, "
        "shared 2-core development VM (other jobs running)",
    }
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(record, indent=2) + "\n")
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
