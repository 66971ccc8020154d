import json

import pytest

from graphlabels.cli import main


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
    assert "test" in capsys.readouterr().out


def test_train_rejects_unknown_model(capsys):
    with pytest.raises(SystemExit):
        main(["train", "cora", "--model", "transformer"])
    assert "invalid choice: 'transformer'" in capsys.readouterr().err
