"""``graphlabels datasets``: the dataset registry and what is present locally."""

from __future__ import annotations

import argparse
import json

from graphlabels.data import list_datasets, resolve_root

__all__ = ["add_parser", "rows", "run"]

_COLUMNS = ("name", "family", "nodes", "edges", "features", "classes", "present")


def _count(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def rows(root: str | None = None, family: str | None = None) -> list[dict[str, str]]:
    """One row per registered dataset, values formatted for printing."""
    return [
        {
            "name": info.name,
            "family": info.family,
            "nodes": _count(info.num_nodes),
            "edges": _count(info.num_edges),
            "features": _count(info.num_features),
            "classes": _count(info.num_classes),
            "present": "yes" if info.is_present(root) else "no",
        }
        for info in list_datasets(family)
    ]


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``datasets``."""
    p = subparsers.add_parser(
        "datasets",
        help="list the datasets: sizes and whether they are present locally",
        description="List the registered datasets. 'present' means every file is "
        "under the data root (--root, else $GRAPHLABELS_DATA, else the user cache).",
    )
    p.add_argument("--root", default=None, help="data root to check")
    p.add_argument("--family", default=None, help="only this family (e.g. planetoid)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the registry as a table (or JSON)."""
    table = rows(args.root, args.family)
    if args.json:
        print(json.dumps(table, indent=1))
        return 0
    root, _ = resolve_root(args.root)
    print(f"data root: {root}")
    widths = {c: max([len(c)] + [len(r[c]) for r in table]) for c in _COLUMNS}
    right = {"nodes", "edges", "features", "classes"}

    def fmt(values: dict[str, str]) -> str:
        return "  ".join(
            values[c].rjust(widths[c]) if c in right else values[c].ljust(widths[c])
            for c in _COLUMNS
        ).rstrip()

    print(fmt({c: c for c in _COLUMNS}))
    for r in table:
        print(fmt(r))
    return 0
