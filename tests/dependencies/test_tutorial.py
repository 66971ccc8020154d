"""The label-dependencies tutorial runs top to bottom."""

import runpy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_label_dependencies_tutorial_runs(data_root, capsys):
    mod = runpy.run_path(str(ROOT / "examples" / "label_dependencies_tutorial.py"))
    res = mod["main"](str(data_root), runs=1)
    out = capsys.readouterr().out
    assert "round 2" in out and "label trick" in out and "structure" in out
    assert res["gcn"] > 75.0 and res["label_trick"] > 75.0
    assert res["gmnn"] > 75.0
