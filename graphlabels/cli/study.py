"""``graphlabels study DATASET``: content, structure and label dependencies.

Runs :func:`graphlabels.dependencies.study`: for each training density, an MLP
(content), label propagation (structure), a GCN (content + structure), and GMNN,
the label trick and C&S (+ label dependencies), chosen on an inner validation
split and assessed on a test split that selection never sees.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

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


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``study``."""
    p = subparsers.add_parser(
        "study",
        help="accuracy against training density: content, structure, label "
        "dependencies",
        description=__doc__.splitlines()[2],
    )
    p.add_argument("dataset", help="dataset name (see `graphlabels datasets`)")
    p.add_argument(
        "--root", default=None, help="data root (default: $GRAPHLABELS_DATA)"
    )
    p.add_argument(
        "--densities",
        type=_densities,
        default=DEFAULT_DENSITIES,
        help="training densities, fractions of the labelled nodes (default: "
        f"{','.join(map(str, DEFAULT_DENSITIES))})",
    )
    p.add_argument(
        "--methods",
        type=_methods,
        default=METHODS,
        help=f"subset of {','.join(METHODS)} (default: all)",
    )
    p.add_argument("--repetitions", type=int, default=5, help="outer repetitions")
    p.add_argument("--epochs", type=int, default=200)
    p.add_argument("--level", type=int, default=1, help="WikiVitals label level")
    p.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    p.add_argument("--plot", type=Path, default=None, help="PNG of accuracy")
    p.add_argument("--json", type=Path, default=None, help="write results here")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the study and print its table."""
    from graphlabels.cli.train import write_json

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    kw = {"level": args.level} if args.dataset.lower() == "wikivitals" else {}
    graph = study_graph(args.dataset, args.root, **kw)
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
