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


# one seed per model on Cora's public split with its preset (150 epochs at most):
# the published
# numbers are 81.5 (GCN), 83.0 (GAT), 83.3 (APPNP); the floors catch a preset that
# stalls training (APPNP's first preset, weight decay 5e-3 on every parameter,
# gave 57.7)
@pytest.mark.parametrize(
    "model, floor", [("gcn", 79), ("gat", 79), ("sage", 76), ("appnp", 80), ("mlp", 50)]
)
def test_every_preset_trains_cora(data_root, model, floor):
    import torch

    from graphlabels.data import load
    from graphlabels.nn import build_model
    from graphlabels.train import fit

    graph = load("cora", root=data_root)
    model_kw, fit_kw = preset(model, "cora")
    fit_kw["epochs"] = min(fit_kw["epochs"], 150)  # enough for these floors
    torch.manual_seed(0)
    net = build_model(model, graph.num_features, graph.num_classes, **model_kw)
    result = fit(net, graph, **fit_kw)
    assert result.test_acc >= floor, (model, result.test_acc)


def test_hyperparameters_recipes_and_overrides():
    from graphlabels.train.presets import LNU_PRESETS, hyperparameters

    assert hyperparameters("gcn", "coauthor-cs") == preset("gcn", "coauthor-cs")
    model_kw, fit_kw = hyperparameters("gcn", "coauthor-cs", recipe="lnu")
    assert model_kw == LNU_PRESETS["gcn"]["model"]  # no per-dataset change
    assert fit_kw == LNU_PRESETS["gcn"]["fit"]
    assert hyperparameters("gat", recipe="lnu") == preset("gat")  # no LNU recipe
    model_kw, fit_kw = hyperparameters(
        "sage", hidden_channels=7, dropout=None, lr=0.5, epochs=3, num_layers=3
    )
    assert model_kw == {"hidden_channels": 7, "dropout": 0.5, "num_layers": 3}
    assert fit_kw == {**PRESETS["sage"]["fit"], "lr": 0.5, "epochs": 3}
    model_kw["hidden_channels"] = 1
    assert LNU_PRESETS["gcn"]["model"]["hidden_channels"] == 16
    with pytest.raises(ValueError, match=r"recipe must be one of \['project', "):
        hyperparameters("gcn", recipe="official")


def test_model_factory_sizes_and_input_dropout():
    import torch

    from graphlabels.graph import Graph
    from graphlabels.train.presets import model_factory

    graph = Graph(
        torch.tensor([[0, 1], [1, 0]]), x=torch.ones(2, 6), y=torch.tensor([0, 3])
    )
    make = model_factory("gcn", graph, hidden_channels=5, input_dropout=0.0)
    a, b = make(0), make(1)
    assert a is not b and a.input_dropout == 0.0 and a.dropout == 0.5
    assert a(graph.x, graph.csr()).shape == (2, 4)
    assert model_factory("gcn", graph)(0).input_dropout == 0.5


def test_train_preset_is_run_seeds_with_the_preset(blobs):
    import torch

    from graphlabels.nn import build_model
    from graphlabels.train import run_seeds
    from graphlabels.train.presets import train_preset

    res = train_preset("mlp", blobs, 2, epochs=20, hidden_channels=8)
    ref = run_seeds(
        lambda seed: build_model("mlp", 4, 2, hidden_channels=8, dropout=0.5),
        blobs,
        2,
        progress=False,
        **{**PRESETS["mlp"]["fit"], "epochs": 20},
    )
    assert res.runs.test_acc == ref.test_acc and res.runs.val_acc == ref.val_acc
    assert res.parameters == 4 * 8 + 8 + 8 * 2 + 2
    out = res.as_dict()
    assert out["hyperparameters"] == {
        "hidden_channels": 8,
        "dropout": 0.5,
        **{**PRESETS["mlp"]["fit"], "epochs": 20},
    }
    assert out["runs"] == 2 and out["model"] == "mlp"
    assert torch.equal(res.runs.logits[0], ref.logits[0])
    with pytest.raises(ValueError, match="runs must be >= 1, got 0"):
        train_preset("mlp", blobs, 0)


def test_trainer_kwargs_full_batch_and_sampled():
    from graphlabels.train import MiniBatchTrainer
    from graphlabels.train.presets import trainer_kwargs

    assert trainer_kwargs({"epochs": None, "lr": 0.1}) == {"lr": 0.1}
    kw = trainer_kwargs({"lr": 0.1}, batch_size=64, fanouts=(5,), patience=None)
    t = kw["trainer"]
    assert isinstance(t, MiniBatchTrainer) and list(kw) == ["trainer"]
    assert (t.batch_size, t.fanouts, t.lr, t.patience) == (64, (5,), 0.1, None)
    assert (t.epochs, t.weight_decay) == (200, 5e-4)  # FullBatchTrainer's
    with pytest.raises(ValueError, match="fanouts are for mini-batch training"):
        trainer_kwargs({}, fanouts=(5, 5))
