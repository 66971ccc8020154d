"""Markdown tables of ``benchmarks/results/dependencies.json``.

``anchors_table``: GCN, GMNN and the label trick on the standard Planetoid splits,
against the GMNN paper. ``study_table``: the study's accuracy per method and
training density, one block per dataset. ``gain_table``: each method's difference
from the GCN per density, with the p-value of a paired t-test over the
repetitions (scipy).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

#: GMNN (Qu, Bengio & Tang, ICML 2019), Table 2, standard splits.
PAPER = {"cora": 83.7, "citeseer": 73.1, "pubmed": 81.8}


def _cell(rec: dict) -> str:
    return f"{rec['test_acc_mean']:.2f} ± {rec['test_acc_std']:.2f}"


def anchors_table(data: dict) -> str:
    """GCN, GMNN and the label trick per dataset, with the paper's GMNN."""
    lines = [
        "| dataset | GCN | GMNN | GMNN picks | label trick | GMNN (paper) | runs |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, rec in sorted(data.get("anchors", {}).items()):
        g = rec["gmnn"]
        pick = f"{g['chosen_net']}, round {g['chosen_round']}"
        paper = PAPER.get(name)
        lines.append(
            f"| {name} | {_cell(rec['gcn'])} | {_cell(g)} | {pick} | "
            f"{_cell(rec['label_trick'])} | {paper if paper else '-'} | {g['runs']} |"
        )
    return "\n".join(lines)


def study_table(data: dict) -> str:
    """Test accuracy per method (rows) and training density (columns)."""
    out = []
    for name, rec in sorted(data.get("study", {}).items()):
        dens = rec["densities"]
        head = "| method | source | " + " | ".join(f"{100 * d:g}%" for d in dens)
        out += [
            f"**{name}** ({rec['repetitions']} repetitions)",
            "",
            head + " |",
            "|---|---|" + "---|" * len(dens),
        ]
        methods = list(dict.fromkeys(r["method"] for r in rec["rows"]))
        for m in methods:
            rows = {r["density"]: r for r in rec["rows"] if r["method"] == m}
            cells = []
            for d in dens:
                r = rows.get(d)
                best = r is not None and r["test_acc_mean"] >= max(
                    x["test_acc_mean"] for x in rec["rows"] if x["density"] == d
                )
                text = "-" if r is None else _cell(r)
                cells.append(f"**{text}**" if best else text)
            source = next(iter(rows.values()))["source"]
            out.append(f"| {m} | {source} | " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out).rstrip()


def gain_table(data: dict, base: str = "gcn") -> str:
    """Each method minus ``base`` (test accuracy in points), paired by repetition.

    A cell reads ``+1.00 (p 0.002)``: the mean difference over the repetitions,
    which share their splits, and the two-sided p-value of scipy's paired t-test.
    """
    from scipy.stats import ttest_rel

    dens = sorted(
        {d for rec in data.get("study", {}).values() for d in rec["densities"]}
    )
    lines = [
        "| dataset | method | " + " | ".join(f"{100 * d:g}%" for d in dens) + " |",
        "|---|---|" + "---|" * len(dens),
    ]
    for name, rec in sorted(data.get("study", {}).items()):
        rows = {(r["method"], r["density"]): r for r in rec["rows"]}
        for m in dict.fromkeys(r["method"] for r in rec["rows"]):
            if m == base:
                continue
            cells = []
            for d in dens:
                r, b = rows.get((m, d)), rows.get((base, d))
                if r is None or b is None:
                    cells.append("-")
                    continue
                diff = [
                    x - y for x, y in zip(r["test_acc"], b["test_acc"], strict=True)
                ]
                p = ttest_rel(r["test_acc"], b["test_acc"]).pvalue
                text = f"{sum(diff) / len(diff):+.2f} (p {p:.2g})"
                cells.append(f"**{text}**" if p < 0.05 else text)
            lines.append(f"| {name} | {m} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    path = Path(
        sys.argv[1] if len(sys.argv) > 1 else "benchmarks/results/dependencies.json"
    )
    data = json.loads(path.read_text())
    print(anchors_table(data))
    print()
    print(study_table(data))
    print()
    print(gain_table(data))
