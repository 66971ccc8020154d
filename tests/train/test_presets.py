import pytest

from graphlabels.train.presets import DATASET_PRESETS, PRESETS, preset


def test_model_preset_is_a_copy():
    model_kw, fit_kw = preset("GCN")
    assert model_kw == PRESETS["gcn"]["model"]
    model_kw["hidden_channels"] = 1
    assert PRESETS["gcn"]["model"]["hidden_channels"] == 64


def test_dataset_preset_changes_only_its_keys():
    model_kw, fit_kw = preset("gcn", "coauthor-cs")
    assert model_kw["hidden_channels"] == 128
    assert fit_kw["weight_decay"] == 1e-3
    assert fit_kw["lr"] == PRESETS["gcn"]["fit"]["lr"]
    assert model_kw["dropout"] == PRESETS["gcn"]["model"]["dropout"]
    assert preset("gcn", "cora") == preset("gcn")
    assert preset("gat", "coauthor-cs") == preset("gat")
    assert all(model in PRESETS for model, _ in DATASET_PRESETS)


def test_unknown_model():
    with pytest.raises(ValueError, match="no preset for model 'gin'"):
        preset("gin")
