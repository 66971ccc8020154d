"""The ogbn-papers100M chain on a tiny synthetic graph in OGB's raw layout.

make_synthetic.py -> graphlabels convert -> sgc.py -> mlp.py -> cs.py, each as
its own process, as the README runs them; the results JSON gets every step.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from graphlabels.data.ondisk import open_ondisk

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ROOT / "benchmarks" / "ogb" / "ogbn-papers100M"


def _run(*argv: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}
    res = subprocess.run(
        [sys.executable, *argv], env=env, capture_output=True, text=True, cwd=ROOT
    )
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_chain_on_a_tiny_synthetic_graph(tmp_path):
    out = tmp_path / "r.json"
    _run(str(SCRIPTS / "make_synthetic.py"), "--root", str(tmp_path), "--nodes",
         "3000", "--edges", "30000", "--features", "16", "--classes", "5",
         "--signal", "0.3", "--homophily", "0.6", "--labelled", "0.5")  # fmt: skip
    label = np.load(tmp_path / "ogb" / "ogbn_papers100M" / "raw" / "node-label.npz")
    assert np.isnan(label["node_label"]).mean() == 0.5  # half the nodes unlabelled
    disk = tmp_path / "disk"
    _run("-m", "graphlabels.cli", "convert", "ogbn-papers100M", "--root",
         str(tmp_path), "--out", str(disk), "--undirected", "--quiet")  # fmt: skip
    g = open_ondisk(disk)
    assert g.num_nodes == 3000 and g.num_classes == 5 and g.meta["undirected"]
    _run(str(SCRIPTS / "sgc.py"), "--graph", str(disk), "--k", "2", "--out",
         str(tmp_path / "sgc.npy"), "--quiet", "--json", str(out))  # fmt: skip
    for feats in (tmp_path / "sgc.npy", disk / "x.npy"):
        pred = [] if feats.name == "x.npy" else ["--pred-dir", str(tmp_path / "p")]
        _run(str(SCRIPTS / "mlp.py"), "--graph", str(disk), "--features",
             str(feats), "--runs", "3", "--batch-size", "256", "--epochs", "10",
             "--json", str(out if pred else tmp_path / "x.json"), *pred)  # fmt: skip
    _run(str(SCRIPTS / "cs.py"), "--graph", str(disk), "--pred-dir",
         str(tmp_path / "p"), "--work", str(tmp_path / "w"), "--runs", "3",
         "--layers", "5", "--json", str(out))  # fmt: skip
    steps = json.loads(out.read_text())["steps"]
    assert set(steps) == {"sgc", "mlp", "cs"}
    for rec in steps.values():
        assert rec["peak_rss_mb"] > 0 and rec["seconds"] > 0
    mlp, cs = steps["mlp"], steps["cs"]
    raw = json.loads((tmp_path / "x.json").read_text())["steps"]["mlp"]
    assert len(mlp["test_acc"]) == 3 and len(cs["test_acc"]) == 3
    # the graph carries label signal: SGC features beat the raw features
    assert mlp["test_acc_mean"] > raw["test_acc_mean"] + 2 * raw["test_acc_std"]
    assert cs["test_acc_mean"] > 100 / 5 + 20
    assert cs["chosen"]["correction_alpha"] in cs["grid"]["correction_alpha"]
