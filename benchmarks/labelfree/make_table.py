"""Merge the label-free result files into benchmarks/results/labelfree.json + table.

Usage: ``python benchmarks/labelfree/make_table.py --embed E.json --smollm2 S.json
--speed SPEED.json --out benchmarks/results/labelfree.json``.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

PAPER_CITESEER_GPT35 = {
    "source": "Chen et al., ICLR 2024 (LLM-GNN), CiteSeer, GPT-3.5 annotations, GCN",
    "test_acc": {"random": 65.11, "featprop": 66.61, "ps-featprop": 69.06},
    "annotation_acc": "about 64-68%",
}


def table(rows: list[dict]) -> str:
    lines = [
        "| dataset | strategy | annotator | annotation acc % | kept acc % | "
        "GCN test acc % (3 seeds) | wall s |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['dataset']} | {r['strategy']} | {r['annotator_short']} | "
            f"{r['annotation_acc']:.1f} | {r['annotation_acc_kept']:.1f} | "
            f"{r['test_acc_mean']:.2f} ± {r['test_acc_std']:.2f} | "
            f"{r['wall_seconds']:.0f} |"
        )
    return "\n".join(lines)


def speed_table(speed: dict) -> str:
    """Selection time per strategy: seconds [load average when it finished]."""
    again = speed.get("rerun_at_lower_load", {})
    lines = ["| strategy | seconds [load] | re-run at lower load |", "|---|---|---|"]
    for name, sec in speed["seconds"].items():
        load = speed["load_average_after"][name]
        rerun = again.get(name)
        later = (
            f"**{rerun['seconds']:.1f}** [{rerun['load_average_after']:.0f}]"
            if rerun
            else ""
        )
        lines.append(f"| {name} | {sec:.1f} [{load:.0f}] | {later} |")
    for name in speed.get("not_run", []):
        lines.append(f"| {name} | not run | |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--embed", type=Path, nargs="*", default=[])
    p.add_argument("--smollm2", type=Path, nargs="*", default=[])
    p.add_argument("--smollm2-sample", type=Path, default=None)
    p.add_argument("--speed", type=Path)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args()
    rows = []
    files = [("MiniLM", f) for f in a.embed] + [("SmolLM2-135M", f) for f in a.smollm2]
    for short, path in files:
        if path.exists():
            for r in json.loads(path.read_text())["rows"]:
                rows.append({**r, "annotator_short": short})
    order = ["citeseer", "texas", "cornell", "wisconsin", "washington", "cora"]
    strategies = [
        "random",
        "degree",
        "pagerank",
        "featprop",
        "da-pagerank",
        "ps-featprop",
    ]
    rows.sort(
        key=lambda r: (
            order.index(r["dataset"]),
            strategies.index(r["strategy"]),
            r["annotator_short"],
        )
    )
    record = {
        "protocol": "budget 20 x classes, text nodes only are selectable, GCN 200 "
        "epochs without validation, test = every node not annotated, seeds 0-2",
        "paper_anchor": PAPER_CITESEER_GPT35,
        "rows": rows,
    }
    if a.smollm2_sample and a.smollm2_sample.exists():
        record["smollm2_sample"] = json.loads(a.smollm2_sample.read_text())
    if a.speed and a.speed.exists():
        record["selection_speed"] = json.loads(a.speed.read_text())
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(record, indent=2) + "\n")
    print(table(rows))


if __name__ == "__main__":
    main()
