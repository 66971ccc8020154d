"""Choose a base model's hyperparameters on validation accuracy only.

    python benchmarks/accuracy/grid.py coauthor-cs --model gcn \
        --grid hidden=64,128 dropout=0.5,0.8 weight-decay=5e-4,1e-3 \
        --runs 10 --threads 1 --json benchmarks/results/grid_coauthor-cs_gcn.json

Every combination runs :func:`graphlabels.train.presets.train_preset`, exactly
what ``graphlabels train DATASET --model MODEL --runs N --<flag> <value> ...``
runs (seeds 0..N-1, the dataset's standard splits). The flags are those of
``graphlabels train``: hidden, dropout, lr, weight-decay, epochs, patience. The
combination with the best mean validation accuracy is chosen; test accuracy is
recorded for every combination but never used to choose.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import torch

from graphlabels.data import load
from graphlabels.train.presets import train_preset

#: ``--grid`` flag -> (train_preset keyword, value type)
FLAGS = {
    "hidden": ("hidden_channels", int),
    "dropout": ("dropout", float),
    "lr": ("lr", float),
    "weight-decay": ("weight_decay", float),
    "epochs": ("epochs", int),
    "patience": ("patience", int),
}


def parse_grid(items: list[str]) -> dict[str, list[str]]:
    """``["hidden=64,128", ...]`` -> ``{"hidden": ["64", "128"], ...}``."""
    grid = {}
    for item in items:
        key, sep, values = item.partition("=")
        if not sep or not values:
            raise SystemExit(f"--grid takes FLAG=V1,V2,...; got {item!r}")
        key = key.lstrip("-")
        if key not in FLAGS:
            raise SystemExit(f"--grid flag {key!r} unknown: use one of {list(FLAGS)}")
        grid[key] = values.split(",")
    return grid


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("dataset")
    p.add_argument("--model", default="gcn")
    p.add_argument("--grid", nargs="+", required=True, help="FLAG=V1,V2 ...")
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--root", default=None)
    p.add_argument("--json", type=Path, required=True)
    args = p.parse_args(argv)
    grid = parse_grid(args.grid)
    if args.threads:
        torch.set_num_threads(args.threads)
    graph = load(args.dataset, root=args.root)
    rows = []
    for values in itertools.product(*grid.values()):
        setting = dict(zip(grid, values, strict=True))
        overrides = {FLAGS[k][0]: FLAGS[k][1](v) for k, v in setting.items()}
        start = time.perf_counter()
        res = train_preset(
            args.model, graph, args.runs, dataset=args.dataset, **overrides
        )
        rec = res.as_dict()
        rows.append(
            {
                "setting": setting,
                "hyperparameters": rec["hyperparameters"],
                "val_acc_mean": rec["val_acc_mean"],
                "val_acc_std": rec["val_acc_std"],
                "test_acc_mean": rec["test_acc_mean"],
                "test_acc_std": rec["test_acc_std"],
                "test_acc": rec["test_acc"],
                "seconds": round(time.perf_counter() - start, 1),
            }
        )
        best = max(rows, key=lambda r: r["val_acc_mean"])
        out = {
            "dataset": args.dataset,
            "model": args.model,
            "runs": args.runs,
            "command": "python benchmarks/accuracy/grid.py "
            + " ".join(argv if argv is not None else sys.argv[1:]),
            "chosen_on": "validation accuracy (mean over runs)",
            "chosen": best["setting"],
            "chosen_test": f"{best['test_acc_mean']:.2f} ± {best['test_acc_std']:.2f}",
            "rows": rows,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=2) + "\n")  # after every row
        print(
            f"{setting}: val {rec['val_acc_mean']:.2f}  test "
            f"{rec['test_acc_mean']:.2f} ± {rec['test_acc_std']:.2f}",
            flush=True,
        )
    print(f"chosen on validation: {best['setting']} -> test {out['chosen_test']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
