"""Does validation see what test sees? Gain on test minus gain on validation.

For every row of ``benchmarks/results/lnu.json`` and every grid point of each
variant, the gap is ``(test - base test) - (val - base val)`` in points (means over
the row's runs). A variant that treats validation and test nodes alike should have
gaps centred near the control's; Algorithm 2 (``drop``) touches no label, so it is
the control. Rows are grouped by Algorithm 1's candidates (``exclude-val``: test
nodes can be pseudo-labelled, validation nodes cannot; ``include-val``: both can).

    python benchmarks/lnu/val_test_gap.py benchmarks/results/lnu.json
"""

from __future__ import annotations

import json
import statistics
import sys
from pathlib import Path


def row_gaps(rec: dict) -> dict[str, list[float]]:
    """``variant -> [gap per grid point]`` for one row."""
    base = rec["variants"]["base"]
    return {
        variant: [
            (p["test_acc_mean"] - base["test_acc_mean"])
            - (p["val_acc_mean"] - base["val_acc_mean"])
            for p in grid
        ]
        for variant, grid in rec["grid"].items()
    }


def gaps(results: dict) -> dict[tuple[str, str], list[float]]:
    """``(candidates, variant) -> [gap per grid point]`` over every row."""
    out: dict[tuple[str, str], list[float]] = {}
    for rec in results.values():
        cand = rec.get("candidates", "exclude-val")
        for variant, g in row_gaps(rec).items():
            out.setdefault((cand, variant), []).extend(g)
    return out


def augment_above_drop(results: dict) -> dict[str, tuple[int, int]]:
    """``candidates -> (rows where augment's mean gap exceeds drop's, rows)``."""
    out: dict[str, tuple[int, int]] = {}
    for rec in results.values():
        g = row_gaps(rec)
        if "augment" in g and "drop" in g:
            cand = rec.get("candidates", "exclude-val")
            above, n = out.get(cand, (0, 0))
            above += statistics.mean(g["augment"]) > statistics.mean(g["drop"])
            out[cand] = (above, n + 1)
    return out


def paired(results: dict) -> list[tuple[str, float, float, float]]:
    """Rows run both ways: ``(row, drop, augment exclude-val, augment include-val)``.

    Each figure is the row's mean gap over its grid points; ``drop`` does not
    depend on the candidates, so it is taken from the exclude-val row.
    """
    out = []
    for key, rec in results.items():
        if not key.endswith("/include-val"):
            continue
        old = results.get(key.removesuffix("/include-val"))
        if old is None or old["hyperparameters"] != rec["hyperparameters"]:
            continue  # no row to pair with, or a different recipe since
        before, after = row_gaps(old), row_gaps(rec)
        out.append(
            (
                key.removesuffix("/include-val"),
                statistics.mean(before["drop"]),
                statistics.mean(before["augment"]),
                statistics.mean(after["augment"]),
            )
        )
    return out


def gap_table(results: dict) -> str:
    """Gap statistics per (candidates, variant)."""
    lines = [
        "| candidates | variant | grid points | mean gap | median | gap > 0 |",
        "|---|---|---|---|---|---|",
    ]
    for (cand, variant), g in sorted(gaps(results).items()):
        lines.append(
            f"| {cand} | {variant} | {len(g)} | {statistics.mean(g):+.2f} | "
            f"{statistics.median(g):+.2f} | {sum(x > 0 for x in g)} of {len(g)} |"
        )
    return "\n".join(lines)


def paired_table(results: dict) -> str:
    """Mean gaps of the rows run with both candidate sets, and their means."""
    rows = paired(results)
    lines = [
        "| row (run both ways) | drop | augment (exclude-val) | (include-val) |",
        "|---|---|---|---|",
    ]
    for key, drop, before, after in rows:
        lines.append(f"| {key} | {drop:+.2f} | {before:+.2f} | {after:+.2f} |")
    if rows:
        means = [statistics.mean(r[i] for r in rows) for i in (1, 2, 3)]
        lines.append("| mean | " + " | ".join(f"{m:+.2f}" for m in means) + " |")
    return "\n".join(lines)


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results/lnu.json")
    results = json.loads(path.read_text())["results"]
    print(gap_table(results))
    print()
    for cand, (above, n) in sorted(augment_above_drop(results).items()):
        print(f"{cand}: augment's mean gap exceeds drop's in {above} of {n} rows")
    if paired(results):
        print()
        print(paired_table(results))


if __name__ == "__main__":
    main()
