"""``graphlabels study DATASET``: content, structure and label dependencies.

Runs :func:`graphlabels.dependencies.study`: for each training density, an MLP
(content), label propagation (structure), a GCN (content + structure), and GMNN,
the label trick and C&S (+ label dependencies), chosen on an inner validation
split and assessed on a test split that selection never sees.
"""

from __future__ import annotations

import argparse

import torch

from graphlabels.cli._common import (
    add_dataset,
    add_defaulted,
    add_output_options,
    default_of,
    load_graph,
    output_path,
    positive_int,
    write_json,
)
from graphlabels.dependencies import DEFAULT_DENSITIES, METHODS, study
from graphlabels.dependencies.datasets import study_graph


def _densities(text: str) -> tuple[float, ...]:
    try:
        vals = tuple(float(v) for v in text.split(",") if v.strip())
    except ValueError:
        vals = ()
    if not vals or any(not 0.0 < v < 1.0 for v in vals):
        raise argparse.ArgumentTypeError(
            f"expected comma-separated fractions in (0, 1) like 0.01,0.05,0.2, "
            f"got {text!r}"
        )
    return vals


def _methods(text: str) -> tuple[str, ...]:
    vals = tuple(v.strip() for v in text.split(",") if v.strip())
    bad = [v for v in vals if v not in METHODS]
    if not vals or bad:
        raise argparse.ArgumentTypeError(
            f"unknown method(s) {bad or text!r}: choose from {','.join(METHODS)}"
        )
    return vals


def _repetitions(text: str) -> int:
    value = positive_int(text)
    if value < 2:
        raise argparse.ArgumentTypeError(
            f"expected at least 2 repetitions (for a standard deviation), got {text!r}"
        )
    return value


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``study``."""
    p = subparsers.add_parser(
        "study",
        help="accuracy against training density: content, structure, label "
        "dependencies",
        description=__doc__.splitlines()[2],
    )
    add_dataset(p)
    add_defaulted(
        p,
        study,
        {
            "--densities": (
                _densities,
                "training densities, fractions of the labelled nodes (default: "
                f"{','.join(map(str, DEFAULT_DENSITIES))})",
            ),
            "--methods": (_methods, f"subset of {','.join(METHODS)} (default: all)"),
            "--repetitions": (
                _repetitions,
                "outer repetitions, each with its own test split (default: "
                "%(default)s)",
            ),
            "--epochs": (
                positive_int,
                "maximum epochs per training (default: %(default)s)",
            ),
        },
    )
    p.add_argument(
        "--level",
        type=int,
        choices=(0, 1, 2),
        default=default_of(study_graph, "level"),
        help="WikiVitals label level: 0 (11 classes), 1 (32) or 2 (251) "
        "(default: %(default)s)",
    )
    p.add_argument("--threads", type=positive_int, default=None, help="CPU threads")
    p.add_argument("--plot", type=output_path, default=None, help="PNG of accuracy")
    add_output_options(p, None, json_help="write results")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the study and print its table."""
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    if args.dataset.lower() == "wikivitals":
        verify = not getattr(args, "no_verify", False)
        graph = study_graph("wikivitals", args.root, level=args.level, verify=verify)
    else:
        graph = load_graph(args)
    res = study(
        graph,
        args.densities,
        methods=args.methods,
        repetitions=args.repetitions,
        epochs=args.epochs,
        progress=not args.quiet,
    )
    print(f"{graph}\ntest accuracy (%), mean ± std over {args.repetitions} splits")
    print(res.table())
    if args.plot is not None:
        print(f"wrote {res.plot(args.plot)}")
    write_json(args.json, res.as_dict())
    return 0
