"""Print benchmark JSON records as markdown tables.

Usage::

    python benchmarks/kernels/summarize.py RESULTS.json [--op OP ...] [--graph G ...]

``benchmarks/make_tables.py`` puts these tables into benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def _keep(r: dict, ops: list[str] | None, graphs: list[str] | None) -> bool:
    return (not ops or r["op"] in ops) and (not graphs or r["graph"] in graphs)


def _x(speedup: float | None) -> str:
    return "n/a" if speedup is None else f"{speedup:.2f}x"


def table(
    rows: list[dict], ops: list[str] | None = None, graphs: list[str] | None = None
) -> str:
    """Every record as one row; the threads column only if a record has threads."""
    rows = [r for r in rows if _keep(r, ops, graphs)]
    threads = any(r.get("threads") for r in rows)
    head = ["op", "graph", "F", "dtype"] + (["threads"] if threads else [])
    head += ["impl", "ms", "baseline", "baseline ms", "speedup", "peak GB", "note"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        cells = [r["op"], r["graph"], str(r["F"]), r["dtype"]]
        cells += [str(r.get("threads") or "")] if threads else []
        cells += [
            r["impl"],
            f"{r['ms']:g}",
            r["baseline"],
            "n/a" if r["baseline_ms"] is None else f"{r['baseline_ms']:g}",
            _x(r["speedup"]),
            "" if r["peak_mem_gb"] is None else f"{r['peak_mem_gb']:g}",
            r.get("note", ""),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def threads_table(
    rows: list[dict], ops: list[str] | None = None, graphs: list[str] | None = None
) -> str:
    """CPU records side by side, a column group per thread count.

    One row per measurement; each group holds ``ms`` (ours / baseline) and the
    speedup.
    """
    rows = [r for r in rows if _keep(r, ops, graphs)]
    counts = sorted({r["threads"] for r in rows})
    groups: dict[tuple, dict[int, dict]] = {}
    for r in rows:
        key = (r["op"], r["graph"], r["F"], r["dtype"], r["impl"], r["baseline"])
        groups.setdefault(key, {})[r["threads"]] = r
    head = ["op", "graph", "F", "impl", "baseline"]
    for t in counts:
        head += [f"ms, {t} thr (ours / baseline)", f"speedup, {t} thr"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for (op, graph, f, _dtype, impl, baseline), by_t in groups.items():
        cells = [op, graph, str(f), impl, baseline]
        for t in counts:
            r = by_t.get(t)
            if r is None:
                cells += ["", ""]
            else:
                cells += [f"{r['ms']:g} / {r['baseline_ms']:g}", _x(r["speedup"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("json")
    p.add_argument("--op", nargs="*", default=None)
    p.add_argument("--graph", nargs="*", default=None)
    args = p.parse_args()
    rows = json.loads(Path(args.json).read_text())
    print(table(rows, args.op, args.graph))


if __name__ == "__main__":
    main()
