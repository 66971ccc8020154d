"""``graphlabels propagate DATASET``: label propagation or base model + C&S."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from graphlabels.data import load
from graphlabels.propagation.tuning import evaluate


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``propagate``."""
    p = subparsers.add_parser(
        "propagate",
        help="label propagation, or an MLP/Linear model + Correct & Smooth",
        description=(
            "Label propagation (--method lp) or a base model followed by Correct "
            "& Smooth (--method cs) over seeds 0..runs-1; every hyperparameter is "
            "chosen on validation accuracy. Reports test accuracy as mean ± "
            "unbiased std."
        ),
    )
    p.add_argument("dataset", help="dataset name (see `graphlabels datasets`)")
    p.add_argument("--method", choices=["lp", "cs"], default="cs")
    p.add_argument(
        "--base", choices=["mlp", "linear"], default="mlp", help="base model for cs"
    )
    p.add_argument("--runs", type=int, default=10, help="seeds 0..runs-1")
    p.add_argument("--root", default=None, help="data root (default: env)")
    p.add_argument("--epochs", type=int, default=200, help="base-model epochs")
    p.add_argument("--hidden", type=int, default=64, help="MLP hidden channels")
    p.add_argument("--json", type=Path, default=None, help="write results here")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run ``args.method`` on ``args.dataset`` and report."""
    start = time.perf_counter()
    graph = load(args.dataset, root=args.root)
    print(graph)
    res = evaluate(
        graph,
        args.method,
        args.base,
        args.runs,
        hidden_channels=args.hidden,
        epochs=args.epochs,
        progress=not args.quiet,
    )
    seconds = time.perf_counter() - start
    name = "lp" if args.method == "lp" else f"{args.base}+cs"
    for r, (va, te) in enumerate(zip(res["val_acc"], res["test_acc"], strict=True)):
        print(f"run {r:2d}  val {va:6.2f}  test {te:6.2f}")
    line = (
        f"{args.dataset} {name}: test {res['test_acc_mean']:.2f} ± "
        f"{res['test_acc_std']:.2f}"
    )
    if args.method == "cs":
        line += (
            f" (base {res['base_test_acc_mean']:.2f} ± {res['base_test_acc_std']:.2f},"
            f" gain {res['gain']:+.2f})"
        )
    print(f"{line}, {args.runs} runs in {seconds:.1f} s\nchosen on validation: "
          f"{res['params']}")  # fmt: skip
    record = {
        "dataset": args.dataset,
        "method": args.method,
        **({"base": args.base} if args.method == "cs" else {}),
        **{k: v for k, v in res.items() if k != "base"},
        "seconds": round(seconds, 3),
    }
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(record, indent=2) + "\n")
        print(f"wrote {args.json}")
    return 0
