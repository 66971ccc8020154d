"""``graphlabels train DATASET``: base-model accuracy over seeds."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

import torch

from graphlabels.data import load
from graphlabels.nn import MODELS, build_model, count_parameters
from graphlabels.train import run_seeds
from graphlabels.train.presets import preset


def add_common(p: argparse.ArgumentParser) -> None:
    """Options shared by the training commands (dataset, model, runs, output)."""
    p.add_argument("dataset", help="dataset name (see `graphlabels datasets`)")
    p.add_argument("--model", default="gcn", choices=sorted(MODELS))
    p.add_argument("--runs", type=int, default=10, help="seeds 0..runs-1")
    p.add_argument(
        "--root", default=None, help="data root (default: $GRAPHLABELS_DATA)"
    )
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--patience", type=int, default=None)
    p.add_argument("--lr", type=float, default=None)
    p.add_argument("--weight-decay", type=float, default=None)
    p.add_argument("--hidden", type=int, default=None, help="hidden channels")
    p.add_argument("--dropout", type=float, default=None)
    p.add_argument("--device", default="cpu", help="cpu or cuda (default: cpu)")
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="torch CPU threads (default: torch's choice; 1 is fastest on small "
        "graphs when other jobs share the cores)",
    )
    p.add_argument("--json", type=Path, default=None, help="write results here")
    p.add_argument("--quiet", action="store_true", help="no progress bars")


def settings(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model's preset (for this dataset) with the command-line overrides."""
    model_kw, fit_kw = preset(args.model, getattr(args, "dataset", None))
    for key, dest in (("hidden", "hidden_channels"), ("dropout", "dropout")):
        if getattr(args, key) is not None:
            model_kw[dest] = getattr(args, key)
    for key in ("epochs", "patience", "lr", "weight_decay"):
        if getattr(args, key) is not None:
            fit_kw[key] = getattr(args, key)
    return model_kw, fit_kw


def write_json(path: Path | None, record: dict[str, Any]) -> None:
    """Write ``record`` as indented JSON (creating parent folders)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")
    print(f"wrote {path}")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``train``."""
    p = subparsers.add_parser(
        "train", help="train and evaluate a base model over several seeds"
    )
    add_common(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Train ``args.model`` on ``args.dataset`` ``args.runs`` times and report."""
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    start = time.perf_counter()
    graph = load(args.dataset, root=args.root).to(args.device)
    model_kw, fit_kw = settings(args)

    def make(seed: int) -> torch.nn.Module:
        return build_model(
            args.model, graph.num_features, graph.num_classes, **model_kw
        )

    n_params = count_parameters(make(0))
    print(f"{graph}\nmodel {args.model} ({n_params:,} parameters), {fit_kw}")
    res = run_seeds(make, graph, args.runs, progress=not args.quiet, **fit_kw)
    seconds = time.perf_counter() - start
    for r, (va, te) in enumerate(zip(res.val_acc, res.test_acc, strict=True)):
        print(f"run {r:2d}  split {res.splits[r]}  val {va:6.2f}  test {te:6.2f}")
    print(
        f"{args.dataset} {args.model}: test {res.summary()}  "
        f"(val {res.val_acc_mean:.2f} ± {res.val_acc_std:.2f}), "
        f"{args.runs} runs in {seconds:.1f} s"
    )
    record = {
        "dataset": args.dataset,
        "model": args.model,
        "parameters": n_params,
        "hyperparameters": {**model_kw, **fit_kw},
        **res.as_dict(),
        "seconds": round(seconds, 3),
        "device": str(args.device),
        "threads": torch.get_num_threads(),
    }
    write_json(args.json, record)
    return 0
