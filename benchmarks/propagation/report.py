"""Markdown tables from ``benchmarks/results/propagation*.json``.

Usage::

    python benchmarks/propagation/report.py

``benchmarks/make_tables.py`` puts the same tables into benchmarks/README.md.
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


def _short_op(op: str) -> str:
    """A short name: ``LP (reset labels), 50 layers`` and the like."""
    name, _, layers = op.rpartition(", ")
    if name.startswith("label_propagation"):
        kind = "PyG semantics" if "PyG semantics" in name else "reset labels"
        return f"LP ({kind}), {layers}"
    return f"C&S (autoscale), {layers}" if "autoscale" in name else op


def compact_speed_table(records: list[dict]) -> str:
    """One row per (graph, op, device): ours against both PyG paths side by side."""
    rows: dict[tuple, dict] = {}
    for r in records:
        key = (r["graph"].split(",")[0], r["n"], r["m"], r["op"], r["device"])
        rows.setdefault(key, {"ours": r["ms"], "peak": r["peak_mem_gb"]})
        path = "edge_index" if r["baseline"].endswith("edge_index") else "csr"
        rows[key][path] = r
    lines = [
        "| graph (nodes / edges) | op | device | ours (ms) | PyG `edge_index` (ms) "
        "| PyG CSR `adj_t` (ms) | peak GB: ours / PyG `edge_index` / PyG CSR |",
        "|---|---|---|---|---|---|---|",
    ]

    def base(r: dict | None) -> tuple[str, str]:
        if r is None:
            return "not run", "–"
        return (
            f"{r['baseline_ms']:,.1f} (**{r['speedup']:.2f}×**)",
            f"{r['baseline_peak_mem_gb']:.2f}",
        )

    for (graph, n, m, op, device), v in rows.items():
        ei, ei_gb = base(v.get("edge_index"))
        csr, csr_gb = base(v.get("csr"))
        lines.append(
            f"| {graph.removeprefix('synthetic ')} ({n:,} / {m:,}) | {_short_op(op)} "
            f"| {device} | {v['ours']:,.1f} | {ei} | {csr} "
            f"| {v['peak']:.2f} / {ei_gb} / {csr_gb} |"
        )
    return "\n".join(lines)


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
