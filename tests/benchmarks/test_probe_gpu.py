"""benchmarks/kernels/probe_gpu.py in the Triton interpreter on a tiny graph."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_probe_tiny_checks_every_variant(tmp_path):
    out = tmp_path / "probe.json"
    env = {**os.environ, "TRITON_INTERPRET": "1", "PYTHONPATH": str(ROOT)}
    script = ROOT / "benchmarks" / "kernels" / "probe_gpu.py"
    cmd = [sys.executable, str(script), "--tiny", "--F", "6", "--json", str(out)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    data = json.loads(out.read_text())
    assert data["meta"] == {"graph": "pl60_400", "n": 60, "nnz": 400, "F": 6}
    recs = data["records"]
    assert not [r for r in recs if "error" in r]
    kernels = [r for r in recs if r["probe"].startswith("row kernel, random")]
    assert [(r["rows"], r["cm"], r["ev"]) for r in kernels] == [
        (1, "", ""),
        (3, ".cg", ""),
        (2, "", "evict_first"),
    ]
    # each variant's output matches torch.sparse.mm (the script exits otherwise)
    assert all(r["max_err"] < 1e-4 for r in kernels)
    assert recs[1]["probe"] == "graphlabels.spmm" and recs[1]["max_err"] < 1e-4
    seq = [r for r in recs if r["probe"] == "row kernel, sequential sources"]
    assert len(seq) == 1 and seq[0]["ms"] > 0
