"""Print benchmark JSON records as a markdown table (for benchmarks/README.md).

Usage::

    python benchmarks/kernels/summarize.py RESULTS.json [--op OP ...] [--graph G ...]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("json")
    p.add_argument("--op", nargs="*", default=None)
    p.add_argument("--graph", nargs="*", default=None)
    args = p.parse_args()
    rows = json.loads(Path(args.json).read_text())
    print(
        "| op | graph | F | dtype | threads | impl | ms | baseline | baseline ms "
        "| speedup | peak GB |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        if args.op and r["op"] not in args.op:
            continue
        if args.graph and r["graph"] not in args.graph:
            continue
        sp = "n/a" if r["speedup"] is None else f"{r['speedup']:.2f}x"
        print(
            f"| {r['op']} | {r['graph']} | {r['F']} | {r['dtype']} | "
            f"{r.get('threads') or ''} | {r['impl']} | {r['ms']} | {r['baseline']} | "
            f"{r['baseline_ms']} | {sp} | {r['peak_mem_gb'] or ''} |"
            + (f" {r['note']}" if r.get("note") else "")
        )


if __name__ == "__main__":
    main()
