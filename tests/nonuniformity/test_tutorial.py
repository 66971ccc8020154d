import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_tutorial_runs(tmp_path, data_root):
    env = {**os.environ, "OMP_NUM_THREADS": "1", "GRAPHLABELS_DATA": str(data_root)}
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "lnu_tutorial.py"),
            "--runs",
            "1",
            "--epochs",
            "10",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    for step in (
        "0. Graph(cora",
        "1. scores",
        "2. test accuracy per score decile",
        "3. dropped",
        "4. added",
        "5. the wrapper",
        "validation picks",
    ):
        assert step in out, out
    assert (tmp_path / "cora_score_accuracy.png").stat().st_size > 1000
