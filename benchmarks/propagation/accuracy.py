"""Accuracy of LP and of C&S on top of an MLP and a Linear model.

Label propagation on the public Planetoid splits (Cora, CiteSeer), and MLP + C&S and
Linear + C&S on Cora, CiteSeer, Amazon Photo and Coauthor CS: 10 runs (seeds 0..9;
run ``r`` uses split ``r % num_splits``), every hyperparameter chosen on validation
accuracy only (see :mod:`graphlabels.propagation.tuning`), mean ± unbiased std.

Usage::

    python benchmarks/propagation/accuracy.py --root ../shared/datasets \
        --json benchmarks/results/propagation_accuracy.json
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import torch

from graphlabels.data import load
from graphlabels.propagation.tuning import evaluate


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--root", default=None, help="data root")
    p.add_argument("--lp", nargs="*", default=["cora", "citeseer"])
    p.add_argument(
        "--cs", nargs="*", default=["cora", "citeseer", "amazon-photo", "coauthor-cs"]
    )
    p.add_argument("--bases", nargs="*", default=["mlp", "linear"])
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--json", type=Path, default=None)
    p.add_argument("--threads", type=int, default=1, help="torch threads")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    records = []

    def emit(rec: dict) -> None:
        records.append(rec)
        line = f"{rec['dataset']:>13} {rec['method']:<13} "
        line += f"{rec['test_acc_mean']:6.2f} ± {rec['test_acc_std']:.2f}"
        if "gain" in rec:
            line += (
                f"  (base {rec['base_test_acc_mean']:.2f} ± "
                f"{rec['base_test_acc_std']:.2f}, gain {rec['gain']:+.2f})"
            )
        print(line, " ", rec["params"], flush=True)
        if args.json is not None:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(records, indent=2) + "\n")

    for name in args.lp:
        g = load(name, root=args.root)
        t = time.perf_counter()
        res = evaluate(g, "lp", runs=args.runs)
        emit({"dataset": name, "method": "lp", **res,
              "seconds": round(time.perf_counter() - t, 1)})  # fmt: skip
    for name in args.cs:
        g = load(name, root=args.root)
        for base in args.bases:
            t = time.perf_counter()
            res = evaluate(g, "cs", base, runs=args.runs)
            emit({"dataset": name, "method": f"{base}+cs", **res,
                  "seconds": round(time.perf_counter() - t, 1)})  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
