import pytest

from graphlabels.train.presets import DATASET_PRESETS, PRESETS, preset


def test_model_preset_is_a_copy():
    model_kw, fit_kw = preset("GCN")
    assert model_kw == PRESETS["gcn"]["model"]
    model_kw["hidden_channels"] = 1
    assert PRESETS["gcn"]["model"]["hidden_channels"] == 64


def test_dataset_preset_changes_only_its_keys(monkeypatch):
    model_kw, fit_kw = preset("gcn", "coauthor-cs")
    assert model_kw["hidden_channels"] == 128
    assert model_kw["dropout"] == PRESETS["gcn"]["model"]["dropout"]
    assert fit_kw == PRESETS["gcn"]["fit"]
    monkeypatch.setitem(
        DATASET_PRESETS, ("sage", "toy"), {"model": {}, "fit": {"lr": 0.5}}
    )
    model_kw, fit_kw = preset("sage", "TOY")
    assert fit_kw["lr"] == 0.5 and model_kw == PRESETS["sage"]["model"]
    assert fit_kw["weight_decay"] == PRESETS["sage"]["fit"]["weight_decay"]
    assert preset("gcn", "cora") == preset("gcn")
    assert preset("gat", "coauthor-cs") == preset("gat")
    model_kw, fit_kw = preset("gcn", "amazon-photo")
    assert (model_kw["hidden_channels"], model_kw["dropout"]) == (128, 0.8)
    assert fit_kw == {**PRESETS["gcn"]["fit"], "weight_decay": 1e-3}
    assert all(model in PRESETS for model, _ in DATASET_PRESETS)


def test_unknown_model():
    with pytest.raises(ValueError, match="no preset for model 'gin'"):
        preset("gin")
