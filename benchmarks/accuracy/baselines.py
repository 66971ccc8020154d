"""Base-model accuracy on the standard splits, 10 seeds, plus the Cora GCN wall time.

    python benchmarks/accuracy/baselines.py --json benchmarks/results/baselines.json

Each row runs :func:`graphlabels.train.presets.train_preset`, exactly what
`graphlabels train DATASET --model MODEL --runs 10` runs.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

import torch

from graphlabels.data import load
from graphlabels.train.presets import train_preset

ROWS = [
    # model, dataset, the minimum accuracy this project accepts, published
    ("gcn", "cora", 81.0, "81.5"),
    ("gcn", "citeseer", 70.0, "70.3"),
    ("gat", "cora", 82.0, "83.0"),
    ("gcn", "amazon-photo", 90.0, "91.2 (Shchur et al.)"),
    ("gcn", "coauthor-cs", 91.0, "91.1 (Shchur et al.)"),
]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument(
        "--json", type=Path, default=Path("benchmarks/results/baselines.json")
    )
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--root", default=None)
    p.add_argument("--only", nargs="*", default=None, help="datasets to run")
    args = p.parse_args()
    records = []
    for model, dataset, minimum, published in ROWS:
        if args.only and dataset not in args.only:
            continue
        start = time.perf_counter()
        graph = load(dataset, root=args.root)
        res = train_preset(model, graph, args.runs, dataset=dataset)
        wall = time.perf_counter() - start
        rec = {"dataset": dataset, **res.as_dict()}
        rec.update(
            seconds=round(wall, 3),  # loading included, as `graphlabels train`
            device="cpu",
            threads=torch.get_num_threads(),
        )
        rec.update(minimum=minimum, published=published, wall_seconds=round(wall, 2))
        rec["meets_minimum"] = rec["test_acc_mean"] >= minimum
        records.append(rec)
    out = json.loads(args.json.read_text()) if args.json.exists() else {}
    # rows not run this time (``--only``) and other keys of the file are kept
    ran = {(r["model"], r["dataset"]) for r in records}
    kept = [r for r in out.get("results", []) if (r["model"], r["dataset"]) not in ran]
    order = {(m, d): i for i, (m, d, _, _) in enumerate(ROWS)}
    out.update(
        machine=f"{platform.machine()}, {torch.get_num_threads()} threads",
        torch=torch.__version__,
        results=sorted(
            kept + records, key=lambda r: order.get((r["model"], r["dataset"]), 99)
        ),
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, indent=2) + "\n")
    for r in records:
        print(
            f"{r['model']:5s} {r['dataset']:14s} {r['test_acc_mean']:6.2f} ± "
            f"{r['test_acc_std']:.2f}  (min {r['minimum']}, published "
            f"{r['published']})  {r['wall_seconds']:.1f} s"
        )


if __name__ == "__main__":
    main()
