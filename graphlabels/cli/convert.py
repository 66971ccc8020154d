"""``graphlabels convert NAME``: an OGB node dataset to the on-disk format, once.

Runs :func:`graphlabels.data.ondisk.convert_ogb`: OGB's raw files are streamed
into a folder of ``.npy`` files that :func:`graphlabels.data.ondisk.open_ondisk`
memory-maps, so ogbn-papers100M converts without holding the graph in memory.
"""

from __future__ import annotations

import argparse
import time

from graphlabels.cli._common import default_of
from graphlabels.data.ogb import OGB_NODE
from graphlabels.data.ondisk import convert_ogb, open_ondisk


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``convert``."""
    p = subparsers.add_parser(
        "convert",
        help="convert an OGB node dataset to the memory-mapped on-disk format",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("name", choices=OGB_NODE, help="the OGB dataset")
    p.add_argument(
        "--root",
        required=True,
        help="data root holding ogb/<name with _>/ (OGB's layout: raw/, split/)",
    )
    p.add_argument("--out", required=True, help="the output folder")
    p.add_argument(
        "--x-dtype",
        choices=("float16", "bfloat16", "float32"),
        default=default_of(convert_ogb, "x_dtype"),
        help="feature dtype on disk (default: %(default)s)",
    )
    p.add_argument(
        "--undirected",
        action="store_true",
        help="store every edge in both directions, each pair once (arxiv and "
        "papers100M are directed citations; products has both directions anyway)",
    )
    p.add_argument(
        "--force", action="store_true", help="replace a non-empty --out folder"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Convert ``args.name`` and print what was written."""
    start = time.perf_counter()
    out = convert_ogb(
        args.name,
        args.root,
        args.out,
        x_dtype=args.x_dtype,
        undirected=args.undirected,
        overwrite=args.force,
        progress=not args.quiet,
    )
    print(f"{open_ondisk(out)}\nwrote {out} in {time.perf_counter() - start:.1f} s")
    return 0
