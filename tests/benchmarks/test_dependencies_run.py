"""benchmarks/dependencies/run.py: the study run a few densities at a time."""

from __future__ import annotations

import json

from graphlabels.dependencies.study import StudyResult, StudyRow


def _result(densities, acc, seconds=10.0, repetitions=2):
    rows = [
        StudyRow(m, d, [acc, acc], [acc, acc + 1.0], {})
        for d in densities
        for m in ("mlp", "gcn")
    ]
    return StudyResult("g", list(densities), repetitions, rows, seconds)


def test_densities_run_apart_merge_into_one_record(tmp_path, bench_script):
    run = bench_script("dependencies/run.py")
    out = tmp_path / "dependencies.json"
    for densities, acc in (([0.01, 0.05], 50.0), ([0.5], 60.0), ([0.05], 70.0)):
        record = run._merge_densities(out, "g", _result(densities, acc).as_dict())
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


def test_other_repetitions_start_a_new_record(tmp_path, bench_script):
    run = bench_script("dependencies/run.py")
    out = tmp_path / "dependencies.json"
    first = _result([0.01], 50.0).as_dict()
    run._save("study", "g", run._merge_densities(out, "g", first), out)
    record = run._merge_densities(
        out, "g", _result([0.5], 60.0, repetitions=5).as_dict()
    )
    assert record["densities"] == [0.5] and "runs" not in record


def test_result_files_of_single_densities_merge_and_replot(tmp_path, bench_script):
    run = bench_script("dependencies/run.py")
    inputs = []
    for densities, acc in (([0.01], 50.0), ([0.05, 0.5], 60.0)):
        path = tmp_path / f"part{len(inputs)}.json"
        record = run._merge_densities(path, "g", _result(densities, acc).as_dict())
        run._save("study", "g", record, path)
        inputs.append(path)
    out = tmp_path / "results" / "dependencies.json"
    out.parent.mkdir()
    assert run.merge(inputs, out) == ["g"]
    rec = json.loads(out.read_text())["study"]["g"]
    assert rec["densities"] == [0.01, 0.05, 0.5] and len(rec["runs"]) == 2
    assert rec["seconds"] == 20.0
    res = StudyResult.from_dict(rec)
    assert [r.density for r in res.rows if r.method == "gcn"] == [0.01, 0.05, 0.5]
    assert (out.parent / "dependencies_g.png").stat().st_size > 1000
    assert "60.50 ± 0.71" in res.table()  # test accuracies 60 and 61


def test_study_result_round_trips_through_its_dict():
    res = _result([0.01, 0.2], 40.0)
    back = StudyResult.from_dict(json.loads(json.dumps(res.as_dict())))
    assert back.as_dict() == res.as_dict()
    old = res.as_dict()["rows"][0]
    del old["val_acc"]  # records written before per-repetition values were kept
    assert StudyRow.from_dict(old).val_acc == [old["val_acc_mean"]]
