"""benchmarks/dependencies/run.py: the study run a few densities at a time."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from graphlabels.dependencies.study import StudyResult, StudyRow

ROOT = Path(__file__).resolve().parents[2]


def _run_module():
    path = ROOT / "benchmarks" / "dependencies" / "run.py"
    spec = importlib.util.spec_from_file_location("_dependencies_run", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _result(densities, acc, seconds=10.0, repetitions=2):
    rows = [
        StudyRow(m, d, [acc, acc], [acc, acc + 1.0], {})
        for d in densities
        for m in ("mlp", "gcn")
    ]
    return StudyResult("g", list(densities), repetitions, rows, seconds)


def test_densities_run_apart_merge_into_one_record(tmp_path):
    run = _run_module()
    out = tmp_path / "dependencies.json"
    for densities, acc in (([0.01, 0.05], 50.0), ([0.5], 60.0), ([0.05], 70.0)):
        record = run._merge_densities(out, "g", _result(densities, acc))
        run._save("study", "g", record, out)
    rec = json.loads(out.read_text())["study"]["g"]
    assert rec["densities"] == [0.01, 0.05, 0.5]
    got = [(r["method"], r["density"], r["val_acc_mean"]) for r in rec["rows"]]
    assert got == [
        ("mlp", 0.01, 50.0), ("gcn", 0.01, 50.0),
        ("mlp", 0.05, 70.0), ("gcn", 0.05, 70.0),  # the later run replaces
        ("mlp", 0.5, 60.0), ("gcn", 0.5, 60.0),
    ]  # fmt: skip
    assert len(rec["runs"]) == 3 and rec["seconds"] == 30.0


def test_other_repetitions_start_a_new_record(tmp_path):
    run = _run_module()
    out = tmp_path / "dependencies.json"
    run._save("study", "g", run._merge_densities(out, "g", _result([0.01], 50.0)), out)
    record = run._merge_densities(out, "g", _result([0.5], 60.0, repetitions=5))
    assert record["densities"] == [0.5] and "runs" not in record
