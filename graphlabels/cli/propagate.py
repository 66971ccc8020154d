"""``graphlabels propagate DATASET``: label propagation or base model + C&S."""

from __future__ import annotations

import argparse
import time

from graphlabels.cli._common import (
    add_dataset,
    add_defaulted,
    add_distributed,
    add_minibatch,
    add_output_options,
    data_parallel,
    default_of,
    distributed,
    load_graph,
    minibatch,
    nonnegative_float,
    positive_float,
    positive_int,
    write_json,
)
from graphlabels.distributed import world_size
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
    add_dataset(p)
    p.add_argument(
        "--method",
        choices=["lp", "cs"],
        default=default_of(evaluate, "method"),
        help="(default: %(default)s)",
    )
    p.add_argument(
        "--base",
        choices=["mlp", "linear"],
        default=default_of(evaluate, "base"),
        help="base model for cs (default: %(default)s)",
    )
    add_defaulted(
        p,
        evaluate,
        {
            "--runs": (positive_int, "seeds 0..runs-1 (default: %(default)s)"),
            "--epochs": (positive_int, "base-model epochs (default: %(default)s)"),
            "--hidden:hidden_channels": (
                positive_int,
                "MLP hidden channels (default: %(default)s)",
            ),
            "--lr": (positive_float, "base-model learning rate (default: %(default)s)"),
            "--weight-decay": (
                nonnegative_float,
                "base-model weight decay (default: %(default)s)",
            ),
        },
    )
    add_minibatch(p)
    add_distributed(p)
    add_output_options(p, "evaluate's")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run ``args.method`` on ``args.dataset`` and report."""
    from graphlabels.train.presets import trainer_kwargs

    start = time.perf_counter()
    sampled = minibatch(args)
    if args.distributed and args.method == "lp":
        raise ValueError(
            "--distributed trains the C&S base model data-parallel; --method lp "
            "trains nothing (for label propagation over partitioned graphs use "
            "graphlabels.distributed.dist_label_propagation)"
        )
    parallel = distributed(args)
    settings = {"epochs": args.epochs, "lr": args.lr, "weight_decay": args.weight_decay}
    train_kw = trainer_kwargs(settings, **sampled)  # LP trains nothing: unused
    if parallel is not None:
        train_kw["trainer"] = data_parallel(train_kw["trainer"], parallel)
    graph = load_graph(args)
    print(graph)
    res = evaluate(
        graph,
        args.method,
        args.base,
        args.runs,
        hidden_channels=args.hidden,
        progress=not args.quiet,
        **train_kw,
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
        "split": graph.split_info,
        "batch_size": args.batch_size,
        "fanouts": None if args.fanout is None else list(args.fanout),
        "processes": world_size(),
        "seconds": round(seconds, 3),
    }
    write_json(args.json, record)
    return 0
