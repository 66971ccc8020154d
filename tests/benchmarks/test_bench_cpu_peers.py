"""benchmarks/kernels/bench_cpu_peers.py --quick on a tiny graph."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytest.importorskip("numba")


def test_quick_run_writes_every_measurement(tmp_path):
    out = tmp_path / "peers.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    script = ROOT / "benchmarks" / "kernels" / "bench_cpu_peers.py"
    cmd = [sys.executable, str(script), "--quick", "--threads", "1",
           "--graphs", "pl300_2000", "--json", str(out)]  # fmt: skip
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    data = json.loads(out.read_text())
    assert [x["threads"] for x in data["meta"]["load"]] == [1]
    assert len(data["meta"]["load"][0]["loadavg_before"]) == 3
    ops = [r["op"] for r in data["records"]]
    assert ops == [
        "gather",
        "spmm_sum",
        "spmm_mean",
        "spmm_max",
        "gat_layer_fwd_bwd",
        "gcn_epoch",
        "sage_epoch",
        "gcn_epoch_model",
        "sage_epoch_model",
        "label_propagation_50",
    ]
    for r in data["records"]:
        assert r["graph"] == "pl300_2000" and r["threads"] == 1
        if r["op"] == "gather":
            assert r["ms"]["gather"] > 0 and r["gb_per_s"]["gather"] > 0
            continue
        assert r["ms"]["graphlabels"] > 0
        assert "torch CSR" in r["ms"] or not r["op"].startswith("spmm")
        if r["op"].startswith("spmm"):
            assert 0 < r["frac_of_gather"]
    shown = subprocess.run(
        [sys.executable, str(script), "--table", str(out)],
        env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "spmm_max" in shown and "label_propagation_50" in shown
    try:
        import dgl  # noqa: F401
    except Exception:
        return
    for r in data["records"][1:]:
        assert r["ms"]["DGL"] > 0 and r["speedup"]["DGL"] > 0, r


def test_ops_selects_the_measurements(tmp_path):
    out = tmp_path / "peers.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    script = ROOT / "benchmarks" / "kernels" / "bench_cpu_peers.py"
    cmd = [sys.executable, str(script), "--quick", "--threads", "1",
           "--graphs", "pl300_2000", "--ops", "lp", "--json", str(out)]  # fmt: skip
    subprocess.run(cmd, env=env, capture_output=True, timeout=600, check=True)
    data = json.loads(out.read_text())
    assert [r["op"] for r in data["records"]] == ["label_propagation_50"]
    bad = subprocess.run(
        [*cmd[:-2], "--ops", "spmv"], env=env, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "invalid choice: 'spmv'" in bad.stderr
