"""Markdown tables from ``benchmarks/results/propagation*.json``.

Usage::

    python benchmarks/propagation/report.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "results"


def speed_table(paths: list[Path]) -> str:
    rows = [
        "| graph | op | device | ours (ms) | baseline | baseline (ms) | speedup | "
        "peak mem ours / baseline (GB) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for path in paths:
        for r in json.loads(path.read_text()):
            rows.append(
                f"| {r['graph']} (n={r['n']:,}, m={r['m']:,}, F={r['F']}) | {r['op']} "
                f"| {r['device']} | {r['ms']:,.0f} | {r['baseline']} | "
                f"{r['baseline_ms']:,.0f} | **{r['speedup']:.2f}×** | "
                f"{r['peak_mem_gb']:.2f} / {r.get('baseline_peak_mem_gb', 0):.2f} |"
            )
    return "\n".join(rows)


def accuracy_table(path: Path) -> str:
    rows = [
        "| dataset | method | test acc | base model | gain | chosen on validation |",
        "|---|---|---|---|---|---|",
    ]
    for r in json.loads(path.read_text()):
        base = gain = "–"
        if "gain" in r:
            base = f"{r['base_test_acc_mean']:.2f} ± {r['base_test_acc_std']:.2f}"
            gain = f"{r['gain']:+.2f}"
        params = ", ".join(f"{k}={v}" for k, v in r["params"].items())
        rows.append(
            f"| {r['dataset']} | {r['method']} | **{r['test_acc_mean']:.2f} ± "
            f"{r['test_acc_std']:.2f}** | {base} | {gain} | {params} |"
        )
    return "\n".join(rows)


def main() -> int:
    speed = sorted(p for p in RESULTS.glob("propagation_cpu*.json"))
    if speed:
        print(speed_table(speed), end="\n\n")
    acc = RESULTS / "propagation_accuracy.json"
    if acc.exists():
        print(accuracy_table(acc))
    return 0


if __name__ == "__main__":
    sys.exit(main())
