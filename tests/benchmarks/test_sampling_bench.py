"""The sampling benchmark's --quick mode on a small generated graph."""

import importlib.util
import json
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[2]


def _script(name: str):
    path = ROOT / "benchmarks" / "sampling" / name
    spec = importlib.util.spec_from_file_location(f"_sampling_{path.stem}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_make_synthetic_writes_an_ondisk_graph(tmp_path):
    from graphlabels.data.ondisk import open_ondisk

    info = _script("make_synthetic.py").make(
        tmp_path / "g", 500, 4000, num_features=6, num_classes=3
    )
    og = open_ondisk(tmp_path / "g")
    assert (og.num_nodes, og.num_edges, og.num_features) == (500, 4000, 6)
    assert og.x.dtype.itemsize == 2 and og.meta["index_dtype"] == "int32"
    assert int(og.train_mask.sum()) == 40  # products' train share of 500 nodes
    assert set(info) == {"generate_s", "write_s"}


@pytest.mark.slow
def test_bench_sampler_quick(tmp_path):
    pytest.importorskip("dgl")
    out = tmp_path / "q.json"
    jobs = "sample,train-ours,train-dgl,infer-ours,infer-full"
    res = _script("bench_sampler.py").main(
        ["--quick", "--out", str(out), "--jobs", jobs]
    )
    assert json.loads(out.read_text()) == json.loads(json.dumps(res))
    assert res["quick"] and res["graph"]["nodes"] == 3000
    for name in jobs.split(","):
        assert "failed" not in res["jobs"][name], res["jobs"][name]
        assert len(res["jobs"][name]["loadavg_before"]) == 3
    sample = res["jobs"]["sample"]["threads"]
    assert set(sample) == {"1", "2"} and sample["1"]["graphlabels_ms_median"] > 0
    assert res["jobs"]["train-ours"]["batches_timed"] == 2
    assert res["jobs"]["infer-ours"]["finite"]
    # layer-wise inference and the full-batch forward give the same logits
    a, b = (torch.tensor(res["jobs"][j]["probe"]) for j in ("infer-ours", "infer-full"))
    assert a.shape == b.shape == (1, 4) and torch.allclose(a, b, atol=1e-5)
