import inspect
import json

import pytest

from graphlabels.cli import build_parser, main


def test_train_writes_the_promised_json(tmp_path, data_root, capsys):
    path = tmp_path / "out" / "cora.json"
    code = main(
        [
            "train",
            "cora",
            "--model",
            "gcn",
            "--runs",
            "2",
            "--epochs",
            "30",
            "--root",
            str(data_root),
            "--json",
            str(path),
            "--quiet",
        ]
    )
    assert code == 0
    rec = json.loads(path.read_text())
    for key in (
        "dataset",
        "model",
        "runs",
        "test_acc",
        "test_acc_mean",
        "test_acc_std",
        "val_acc_mean",
        "seconds",
    ):
        assert key in rec
    assert rec["dataset"] == "cora" and rec["runs"] == 2 and len(rec["test_acc"]) == 2
    assert 50.0 < rec["test_acc_mean"] <= 100.0
    assert rec["split"] == {"source": "standard", "dataset": "cora", "num_splits": 1}
    assert rec["parameters"] > 0 and rec["hyperparameters"]["epochs"] == 30
    assert "test" in capsys.readouterr().out


def test_train_rejects_unknown_model(capsys):
    assert main(["train", "cora", "--model", "transformer"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("graphlabels: error: argument --model: invalid choice: ")
    assert "'transformer'" in err and err.count("\n") == 1


def test_overrides_reach_the_preset(monkeypatch, data_root):
    from graphlabels.train import presets

    seen = {}

    def spy(model, graph, runs, **kwargs):
        seen.update(model=model, runs=runs, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(presets, "train_preset", spy)
    with pytest.raises(KeyboardInterrupt):
        main(["train", "cora", "--root", str(data_root), "--model", "sage",
              "--runs", "3", "--hidden", "8", "--lr", "0.1", "--quiet"])  # fmt: skip
    assert seen["model"] == "sage" and seen["runs"] == 3
    assert seen["hidden_channels"] == 8 and seen["lr"] == 0.1
    assert seen["epochs"] is None and seen["dataset"] == "cora"


def test_defaults_follow_the_library():
    from graphlabels.train import run_seeds

    args = build_parser().parse_args(["train", "cora"])
    runs_default = inspect.signature(run_seeds).parameters["runs"].default
    assert args.runs == runs_default
    # None means "the preset's value" (graphlabels.train.presets.hyperparameters)
    for name in ("epochs", "patience", "lr", "weight_decay", "hidden", "dropout"):
        assert getattr(args, name) is None, name


def test_train_mini_batch_flags(tmp_path, capsys):
    import json

    out = tmp_path / "mb.json"
    argv = ["train", "cora", "--model", "sage", "--runs", "1", "--epochs", "3"]
    argv += ["--batch-size", "512", "--fanout", "5,5", "--quiet", "--json", str(out)]
    assert main(argv) == 0
    rec = json.loads(out.read_text())
    assert rec["batch_size"] == 512 and rec["fanouts"] == [5, 5]
    assert rec["runs"] == 1 and 0.0 < rec["test_acc"][0] <= 100.0


def test_fanout_needs_batch_size_before_any_work(capsys):
    assert main(["train", "cora", "--fanout", "10,10"]) == 2
    assert "--fanout is for mini-batch training: pass --batch-size" in (
        capsys.readouterr().err
    )
    assert main(["train", "cora", "--batch-size", "64", "--fanout", "10,0"]) == 2
    assert "neighbours per hop" in capsys.readouterr().err


def test_mini_batch_rejects_models_without_block_support(capsys):
    assert main(["train", "cora", "--model", "appnp", "--batch-size", "64"]) == 2
    assert "mini-batch training supports gcn, sage, gat, mlp" in capsys.readouterr().err


def test_mini_batch_training_keeps_an_on_disk_folder_memory_mapped(
    tmp_path, data_root, monkeypatch
):
    from graphlabels.data import load
    from graphlabels.data.ondisk import OnDiskGraph, write_ondisk
    from graphlabels.train import presets

    folder = tmp_path / "cora-disk"
    write_ondisk(load("cora", root=data_root), folder, x_dtype="float16")
    seen = []
    real = presets.train_preset

    def spy(model, graph, *args, **kwargs):
        seen.append(type(graph))
        return real(model, graph, *args, **kwargs)

    monkeypatch.setattr(presets, "train_preset", spy)
    out = tmp_path / "r.json"
    argv = [str(folder), "--model", "sage", "--batch-size", "256", "--fanout", "5,5"]
    code = main(["train", *argv, "--epochs", "3", "--runs", "1", "--quiet",
                 "--json", str(out)])  # fmt: skip
    assert code == 0
    assert seen == [OnDiskGraph]
    rec = json.loads(out.read_text())
    assert rec["split"] == {"source": "files", "path": str(folder)}
    assert rec["batch_size"] == 256
