"""``graphlabels train DATASET``: base-model accuracy over seeds.

Runs :func:`graphlabels.train.presets.train_preset`: the model's preset
(:mod:`graphlabels.train.presets`, with its per-dataset changes) and the options
given here on top, seeds ``0..runs-1``.
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import torch

from graphlabels.cli._common import (
    add_dataset,
    add_distributed,
    add_minibatch,
    add_output_options,
    data_parallel,
    default_of,
    distributed,
    fraction,
    load_graph,
    minibatch,
    nonnegative_float,
    positive_float,
    positive_int,
    write_json,
)
from graphlabels.distributed import world_size
from graphlabels.nn import MODELS
from graphlabels.train import run_seeds

__all__ = ["add_common", "add_parser", "add_training_parser", "overrides", "run"]

_PRESET = "default: the model's preset, see graphlabels.train.presets"


def add_common(p: argparse.ArgumentParser) -> None:
    """Options shared by the training commands (dataset, model, runs, output)."""
    add_dataset(p)
    p.add_argument(
        "--model",
        default="gcn",
        choices=sorted(MODELS),
        help="base model (default: %(default)s)",
    )
    p.add_argument(
        "--runs",
        type=positive_int,
        default=default_of(run_seeds, "runs"),
        help="seeds 0..runs-1; run r uses split r %% num_splits (default: %(default)s)",
    )
    p.add_argument("--epochs", type=positive_int, default=None, help=_PRESET)
    p.add_argument("--patience", type=positive_int, default=None, help=_PRESET)
    p.add_argument("--lr", type=positive_float, default=None, help=_PRESET)
    p.add_argument("--weight-decay", type=nonnegative_float, default=None, help=_PRESET)
    p.add_argument(
        "--hidden", type=positive_int, default=None, help=f"hidden channels ({_PRESET})"
    )
    p.add_argument("--dropout", type=fraction, default=None, help=_PRESET)
    add_minibatch(p)
    p.add_argument(
        "--device",
        default="cpu",
        help="cpu or cuda (default: cpu; the library trains where the graph is)",
    )
    p.add_argument(
        "--threads",
        type=positive_int,
        default=None,
        help="torch CPU threads (default: torch's choice; 1 is fastest on small "
        "graphs when other jobs share the cores)",
    )
    add_output_options(
        p,
        "the library's",
        json_help="write the results (with the split used) to this JSON file",
    )


def add_training_parser(
    subparsers: argparse._SubParsersAction, name: str, help: str, description: str
) -> argparse.ArgumentParser:
    """Register a training command: its description as written, :func:`add_common`."""
    p = subparsers.add_parser(
        name,
        help=help,
        description=description,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common(p)
    return p


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The hyperparameters given on the command line (``None``: the preset's)."""
    return {
        "hidden_channels": args.hidden,
        "dropout": args.dropout,
        "epochs": args.epochs,
        "patience": args.patience,
        "lr": args.lr,
        "weight_decay": args.weight_decay,
    }


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``train``."""
    p = add_training_parser(
        subparsers,
        "train",
        "train and evaluate a base model over several seeds",
        __doc__,
    )
    add_distributed(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Train ``args.model`` on ``args.dataset`` ``args.runs`` times and report."""
    from graphlabels.train.presets import hyperparameters, make_trainer, train_preset

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    start = time.perf_counter()
    sampled = minibatch(args)
    parallel = distributed(args)
    # an on-disk folder stays memory-mapped for mini-batch training on the CPU
    graph = load_graph(args, memory_mapped=sampled["batch_size"] is not None)
    if graph.device != torch.device(args.device):
        graph = graph.to(args.device)
    model_kw, fit_kw = hyperparameters(args.model, args.dataset, **overrides(args))
    print(f"{graph}\nmodel {args.model} {model_kw}, {fit_kw}")
    trainer = None
    if parallel is not None:
        trainer = data_parallel(make_trainer(fit_kw, **sampled), parallel)
    res = train_preset(
        args.model,
        graph,
        args.runs,
        dataset=args.dataset,
        progress=not args.quiet,
        trainer=trainer,
        **sampled,
        **overrides(args),
    )
    runs = res.runs
    seconds = time.perf_counter() - start
    for r, (va, te) in enumerate(zip(runs.val_acc, runs.test_acc, strict=True)):
        print(f"run {r:2d}  split {runs.splits[r]}  val {va:6.2f}  test {te:6.2f}")
    print(
        f"{args.dataset} {args.model} ({res.parameters:,} parameters): test "
        f"{runs.summary()}  (val {runs.val_acc_mean:.2f} ± {runs.val_acc_std:.2f}), "
        f"{args.runs} runs in {seconds:.1f} s"
    )
    record = {
        "dataset": args.dataset,
        **res.as_dict(),
        "split": graph.split_info,
        "batch_size": args.batch_size,
        "fanouts": None if args.fanout is None else list(args.fanout),
        "processes": world_size(),
        "seconds": round(seconds, 3),
        "device": str(args.device),
        "threads": torch.get_num_threads(),
    }
    write_json(args.json, record)
    return 0
