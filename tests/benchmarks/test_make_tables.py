"""benchmarks/make_tables.py: the README's tables match benchmarks/results/*.json."""

import importlib.util
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks"


def _make_tables():
    path = BENCH / "make_tables.py"
    spec = importlib.util.spec_from_file_location("_make_tables", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def copy(tmp_path):
    """A copy of benchmarks/README.md and benchmarks/results/*.json."""
    results = tmp_path / "results"
    results.mkdir()
    for f in (BENCH / "results").glob("*.json"):
        shutil.copy(f, results / f.name)
    readme = tmp_path / "README.md"
    shutil.copy(BENCH / "README.md", readme)
    return readme, results


def _args(readme, results):
    return ["--readme", str(readme), "--results", str(results)]


def test_readme_tables_are_current():
    mt = _make_tables()
    assert mt.main(["--check"]) == 0, "run: python benchmarks/make_tables.py"


def test_every_table_is_placed_once_and_every_marker_is_known():
    mt = _make_tables()
    names = [m["name"] for m in mt.MARKER.finditer((BENCH / "README.md").read_text())]
    assert sorted(names) == sorted(mt.TABLES)


def test_check_fails_when_a_json_number_changes(copy, capsys):
    readme, results = copy
    mt = _make_tables()
    assert mt.main(["--check", *_args(readme, results)]) == 0
    lnu = json.loads((results / "lnu.json").read_text())
    row = lnu["results"]["cora/gcn"]["variants"]["base"]
    row["test_acc_mean"] += 0.5
    (results / "lnu.json").write_text(json.dumps(lnu))
    before = readme.read_text()
    assert mt.main(["--check", *_args(readme, results)]) == 1
    assert "stale tables: lnu" in capsys.readouterr().err
    assert readme.read_text() == before  # --check writes nothing
    # a rewrite brings the README up to date, with the new number in it
    assert mt.main(_args(readme, results)) == 0
    assert mt.main(["--check", *_args(readme, results)]) == 0
    assert f"{row['test_acc_mean']:.2f} ± " in readme.read_text()


def test_check_fails_when_a_table_is_edited_by_hand(copy):
    readme, results = copy
    mt = _make_tables()
    text = readme.read_text()
    edited = text.replace("| 82.42 ± 0.61 |", "| 83.42 ± 0.61 |", 1)
    assert edited != text
    readme.write_text(edited)
    assert mt.main(["--check", *_args(readme, results)]) == 1


def test_render_replaces_only_the_marked_region(tmp_path):
    mt = _make_tables()
    results = tmp_path / "results"
    results.mkdir()
    (results / "baselines.json").write_text(
        json.dumps(
            {
                "cora_gcn_10_runs_wall": {
                    "command": "graphlabels train cora --threads T",
                    "threads_1_seconds": 14.0,
                    "threads_2_seconds": 11.0,
                    "goal_seconds": 30,
                }
            }
        )
    )
    text = "before\n<!-- table:cora-wall -->\nold\n<!-- /table -->\nafter\n"
    out = mt.render(text, results)
    assert out.startswith("before\n<!-- table:cora-wall -->\n| command |")
    assert out.endswith("|\n<!-- /table -->\nafter\n")
    assert "**11.0 s**" in out and "**14.0 s**" in out and "old" not in out
    assert mt.render(out, results) == out


def test_unknown_table_name_is_an_error(tmp_path):
    mt = _make_tables()
    with pytest.raises(ValueError, match="unknown table 'nope' in a marker: use one"):
        mt.render("<!-- table:nope -->\n<!-- /table -->\n", tmp_path)
