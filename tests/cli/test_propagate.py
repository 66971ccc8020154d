import inspect
import json

import pytest

from graphlabels.cli import COMMANDS, build_parser, main

pytestmark = pytest.mark.usefixtures("one_thread")


def test_propagate_is_registered():
    assert "propagate" in COMMANDS


def test_propagate_lp_writes_json(tmp_path, data_root, capsys):
    path = tmp_path / "lp.json"
    code = main(["propagate", "cora", "--method", "lp", "--runs", "2", "--root",
                 str(data_root), "--json", str(path), "--quiet"])  # fmt: skip
    assert code == 0
    rec = json.loads(path.read_text())
    for key in ("dataset", "method", "test_acc", "test_acc_mean", "test_acc_std",
                "seconds", "params"):  # fmt: skip
        assert key in rec
    assert rec["method"] == "lp" and len(rec["test_acc"]) == 2
    assert rec["split"]["source"] == "standard"
    assert rec["test_acc_mean"] >= 68.0  # the GCN paper's LP figure for Cora
    assert "± 0.00" in capsys.readouterr().out


def test_propagate_cs_writes_json(tmp_path, data_root):
    path = tmp_path / "cs.json"
    code = main(["propagate", "cora", "--method", "cs", "--base", "linear",
                 "--runs", "2", "--epochs", "50", "--root", str(data_root),
                 "--json", str(path), "--quiet"])  # fmt: skip
    assert code == 0
    rec = json.loads(path.read_text())
    assert rec["base"] == "linear" and len(rec["test_acc"]) == 2
    assert rec["test_acc_mean"] > rec["base_test_acc_mean"]


def test_defaults_follow_the_library():
    from graphlabels.propagation.tuning import evaluate

    args = build_parser().parse_args(["propagate", "cora"])
    params = inspect.signature(evaluate).parameters
    for name, dest in (
        ("method", "method"),
        ("base", "base"),
        ("runs", "runs"),
        ("epochs", "epochs"),
        ("hidden_channels", "hidden"),
        ("lr", "lr"),
        ("weight_decay", "weight_decay"),
    ):
        assert getattr(args, dest) == params[name].default, name


def test_propagate_cs_mini_batch(tmp_path, data_root):
    path = tmp_path / "cs.json"
    code = main(["propagate", "cora", "--method", "cs", "--runs", "2", "--epochs",
                 "30", "--batch-size", "128", "--fanout", "5,5", "--root",
                 str(data_root), "--json", str(path), "--quiet"])  # fmt: skip
    assert code == 0
    rec = json.loads(path.read_text())
    assert rec["batch_size"] == 128 and rec["fanouts"] == [5, 5]
    assert len(rec["base_test_acc"]) == 2
    # an MLP on Cora's features alone reaches about 55-60; C&S adds the graph
    assert rec["base_test_acc_mean"] > 45.0
    assert rec["test_acc_mean"] > rec["base_test_acc_mean"]


def test_propagate_fanout_needs_batch_size(capsys):
    assert main(["propagate", "cora", "--fanout", "10,10"]) == 2
    assert capsys.readouterr().err == (
        "graphlabels: error: --fanout is for mini-batch training: pass --batch-size "
        "too\n"
    )
