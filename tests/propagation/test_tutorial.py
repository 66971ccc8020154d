"""The propagation tutorial runs top to bottom (examples/propagation_tutorial.py)."""

import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_propagation_tutorial_runs(data_root, capsys):
    mod = runpy.run_path(str(ROOT / "examples" / "propagation_tutorial.py"))
    res = mod["main"](str(data_root))
    out = capsys.readouterr().out
    assert "label propagation" in out and "tuned on val" in out
    assert res["lp"] >= 68.0
    assert res["cs"] > res["linear"] + 10.0
