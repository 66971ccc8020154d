"""The OGB leaderboard scripts, end to end on tiny datasets in OGB's on-disk format.

Each dataset is written with ``write_ogb_node_dataset`` and read back by the script
through OGB's own ``NodePropPredDataset`` (the real loader path), then scored with
``ogb.nodeproppred.Evaluator``.
"""

import importlib.util
import json
from pathlib import Path

import pytest

pytest.importorskip("ogb")

ROOT = Path(__file__).resolve().parents[2]
CLASSES = {"ogbn-arxiv": (40, 128), "ogbn-products": (47, 100)}


def _script(dataset: str, name: str):
    path = ROOT / "benchmarks" / "ogb" / dataset / name
    spec = importlib.util.spec_from_file_location(f"_ogb_{dataset}_{name}", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def tiny_root(tmp_path_factory):
    from graphlabels.data.ogb import write_ogb_node_dataset
    from graphlabels.data.synthetic import csbm, random_split_masks
    from graphlabels.graph import to_undirected

    root = tmp_path_factory.mktemp("ogb_tiny")
    for seed, (name, (c, f)) in enumerate(CLASSES.items()):
        g = csbm(240, c, avg_degree=6, homophily=0.8, num_features=f,
                 feature_signal=2.0, seed=seed, as_graph=True)  # fmt: skip
        tr, va, te = random_split_masks(g.num_nodes, 0.5, 0.25, seed=seed)
        ei, _ = to_undirected(g.edge_index, None, g.num_nodes)
        g = g.replace(edge_index=ei, train_mask=tr, val_mask=va, test_mask=te)
        write_ogb_node_dataset(root, name, g)
    return root


@pytest.mark.parametrize("dataset", ["ogbn-arxiv", "ogbn-products"])
@pytest.mark.parametrize("model", ["linear", "mlp"])
def test_cs_script(tiny_root, tmp_path, capsys, dataset, model):
    out = tmp_path / "res.json"
    argv = ["--root", str(tiny_root), "--model", model, "--runs", "2",
            "--epochs", "30", "--spectral-dim", "16", "--cache",
            str(tmp_path / "emb"), "--json", str(out)]  # fmt: skip
    assert _script(dataset, "cs.py").main(argv) == 0
    text = capsys.readouterr().out
    assert "parameters" in text and "C&S" in text and "±" in text
    res = json.loads(out.read_text())
    assert res["runs"] == 2 and len(res["per_run"]) == 2
    c, f = CLASSES[dataset]
    extra = 16 + (f if dataset == "ogbn-arxiv" else 0)  # spectral (+ diffusion)
    width = f + extra
    if model == "linear":
        assert res["parameters"] == (width + 1) * c
    else:
        assert res["parameters"] > (width + 1) * c
    for key in ("base_test", "cs_test", "cs_valid"):
        assert 0.0 <= res[f"{key}_mean"] <= 100.0
    # The CSBM is homophilous: C&S must not be worse than chance by a mile and
    # should help the linear model on average.
    assert res["cs_test_mean"] > 100.0 / c
    assert (tmp_path / "emb").is_dir()


@pytest.mark.parametrize("dataset", ["ogbn-arxiv", "ogbn-products"])
def test_gcn_lnu_script(tiny_root, tmp_path, capsys, dataset):
    out = tmp_path / "res.json"
    argv = ["--root", str(tiny_root), "--runs", "2", "--epochs", "20",
            "--hidden", "16", "--num-layers", "2", "--eta1", "0.3",
            "--eta2", "0.5", "--eta3", "0.3", "--json", str(out)]  # fmt: skip
    assert _script(dataset, "gcn_lnu.py").main(argv) == 0
    text = capsys.readouterr().out
    assert "parameters" in text and "±" in text
    res = json.loads(out.read_text())
    c, f = CLASSES[dataset]
    assert res["parameters"] == (f + 1) * 16 + (16 + 1) * c
    assert len(res["per_run"]) == 2
    assert res["best_variant"] in ("base", "drop", "augment", "both")
    for key in ("base_test", "test", "valid"):
        assert 0.0 <= res[f"{key}_mean"] <= 100.0
