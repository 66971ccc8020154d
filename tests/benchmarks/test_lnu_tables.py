"""The LNU benchmark scripts: tables on a hand-built results file, stalled runs."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str):
    path = ROOT / "benchmarks" / "lnu" / name
    spec = importlib.util.spec_from_file_location(f"_lnu_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _row(base, drop, augment, **extra):
    """A results row; each variant is a list of (val, test) grid means."""

    def point(val, test):
        return {"val_acc_mean": val, "test_acc_mean": test}

    return {
        "model": "gcn",
        "hyperparameters": {"hidden_channels": 16},
        "variants": {"base": point(*base)},
        "grid": {
            "drop": [point(*p) for p in drop],
            "augment": [point(*p) for p in augment],
        },
        **extra,
    }


RESULTS = {
    # old rows carry no "candidates": they ran with the default, exclude-val
    "a/gcn": _row((80, 70), [(81, 70)], [(80, 72), (79, 71)]),
    "b/gcn": _row((60, 50), [(60, 51)], [(61, 50)], candidates="exclude-val"),
    "a/gcn/include-val": _row(
        (80, 70), [(81, 70)], [(82, 72)], candidates="include-val"
    ),
}


def test_val_test_gap():
    gap = _script("val_test_gap.py")
    assert gap.row_gaps(RESULTS["a/gcn"]) == {"drop": [-1], "augment": [2, 2]}
    table = gap.gaps(RESULTS)
    assert table[("exclude-val", "augment")] == [2, 2, -1]
    assert table[("exclude-val", "drop")] == [-1, 1]
    assert table[("include-val", "augment")] == [0]
    # row a: augment +2 vs drop -1; row b: augment -1 vs drop +1
    assert gap.augment_above_drop(RESULTS) == {
        "exclude-val": (1, 2),
        "include-val": (1, 1),
    }
    # a/gcn ran both ways: drop -1, augment +2 (mean of its two points), then 0
    assert gap.paired(RESULTS) == [("a/gcn", -1, 2, 0)]
    # a preset that changed between the two runs: not a pair
    other = {**RESULTS["a/gcn/include-val"], "hyperparameters": {"hidden": 64}}
    assert gap.paired({**RESULTS, "a/gcn/include-val": other}) == []


@pytest.mark.parametrize(
    "extra, label",
    [
        ({}, "gcn"),
        ({"recipe": "project"}, "gcn (project)"),
        ({"candidates": "include-val"}, "gcn (include-val)"),
        (
            {"recipe": "project", "candidates": "include-val"},
            "gcn (project, include-val)",
        ),
        ({"candidates": "exclude-val", "recipe": "official"}, "gcn"),
    ],
)
def test_make_table_model_column(extra, label):
    assert _script("make_table.py")._model({"model": "gcn", **extra}) == label


def test_stalled_runs_trains_each_split_with_each_implementation(data_root, capsys):
    mod = _script("stalled_runs.py")
    argv = ["texas", "--splits", "0,1", "--epochs", "4", "--patience", "4"]
    rows = mod.main([*argv, "--root", str(data_root)])
    impls = ["graphlabels"]
    if importlib.util.find_spec("torch_geometric") is not None:
        impls.append("pyg")
    assert [(r["split"], r["impl"]) for r in rows] == [
        (s, i) for s in (0, 1) for i in impls
    ]
    for r in rows:
        assert 0 <= r["best_epoch"] < 4
        assert all(0.0 <= r[k] <= 100.0 for k in ("train_acc", "val_acc", "test_acc"))
    assert str(rows[0]) in capsys.readouterr().out
