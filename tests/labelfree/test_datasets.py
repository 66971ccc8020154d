import json

import numpy as np
import pytest
import torch

from graphlabels.data import load
from graphlabels.labelfree import features as features_module
from graphlabels.labelfree import load_text_graph


@pytest.fixture
def fake_minilm(monkeypatch):
    """Stand-in for MiniLM: the text length, so the result can be checked."""
    seen = []

    def fake(texts, **kwargs):
        seen.append(list(texts))
        return torch.tensor([[float(len(t)), 1.0] for t in texts])

    monkeypatch.setattr(features_module, "sentence_features", fake)
    return seen


def test_short_names_load_the_text_variant(data_root, fake_minilm):
    graph = load_text_graph("Cora", data_root)
    ref = load("cora-text", data_root)
    assert graph.name == "cora-text" and graph.texts is not None
    assert torch.equal(graph.x, ref.x)  # auto: the dataset has x, it is kept
    assert fake_minilm == []
    graph = load_text_graph("cora", data_root, "text")
    assert graph.x.shape == (2708, 2)
    assert graph.x[:, 0].tolist() == [float(len(t)) for t in ref.texts]


def test_one_split_is_kept_and_missing_x_is_embedded(data_root, fake_minilm):
    ref = load("webkb-texas-text", data_root)
    assert ref.num_splits > 1 and ref.x is None
    graph = load_text_graph("texas", data_root)  # auto: no x, so MiniLM
    assert graph.num_splits == 1 and graph.train_mask.dim() == 1
    assert torch.equal(graph.train_mask, ref.train_mask[:, 0])
    assert fake_minilm == [list(ref.texts)]
    with pytest.raises(ValueError, match="texas has no node features: use "
                       "features='text'"):  # fmt: skip
        load_text_graph("texas", data_root, "graph")


def test_errors_name_the_fix(data_root, fake_minilm):
    with pytest.raises(ValueError, match="dataset 'chameleon' has no texts: use a "
                       "text dataset such as citeseer"):  # fmt: skip
        load_text_graph("chameleon", data_root)
    with pytest.raises(ValueError, match=r"features must be one of \['auto', "):
        load_text_graph("cora", data_root, "minilm")


def test_a_graph_folder_with_texts(tmp_path, fake_minilm):
    n = 120
    d = tmp_path / "tag"
    d.mkdir()
    src = np.arange(n)
    edges = np.concatenate([np.stack([src, (src + 1) % n], 1),
                            np.stack([(src + 1) % n, src], 1)])  # fmt: skip
    np.savetxt(d / "edges.csv", edges, fmt="%d", delimiter=",")
    np.save(d / "features.npy", np.ones((n, 3), dtype=np.float32))
    np.save(d / "labels.npy", np.arange(n) % 2)
    texts = [f"page {i}" for i in range(n)]
    (d / "texts.json").write_text(json.dumps(texts))
    (d / "class_names.json").write_text(json.dumps(["cats", "dogs"]))
    graph = load_text_graph(d, features="text", train_per_class=10, val_per_class=10)
    assert list(graph.texts) == texts and graph.class_names == ["cats", "dogs"]
    assert fake_minilm == [texts]
    assert graph.split_info["train_per_class"] == 10
