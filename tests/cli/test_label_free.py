import inspect
import json

import pytest

from graphlabels.cli import build_parser, main


def test_parser_options():
    args = build_parser().parse_args(
        [
            "label-free",
            "citeseer",
            "--annotator",
            "openai",
            "--base-url",
            "http://127.0.0.1:1/v1",
            "--model",
            "m",
            "--budget",
            "12",
            "--selection",
            "da-pagerank",
            "--filter",
            "ps",
            "--seeds",
            "2",
            "--json",
            "out.json",
        ]
    )
    assert args.annotator == "openai" and args.base_url == "http://127.0.0.1:1/v1"
    assert args.budget == 12 and args.selection == "da-pagerank"
    assert args.filter == "ps" and args.seeds == 2 and str(args.json) == "out.json"
    with pytest.raises(SystemExit):
        build_parser().parse_args(["label-free", "cora", "--annotator", "gpt"])


@pytest.mark.llm  # loads the real MiniLM model
def test_embed_run_writes_json(tmp_path, data_root, capsys, monkeypatch):
    monkeypatch.setenv("GRAPHLABELS_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "r.json"
    argv = "label-free texas --annotator embed --budget 20 --selection pagerank"
    argv += " --filter ps --seeds 2 --epochs 30"
    code = main(
        [*argv.split(), "--root", str(data_root), "--json", str(out), "--quiet"]
    )
    assert code == 0
    rec = json.loads(out.read_text())
    keys = "annotation_acc test_acc_mean test_acc_std test_acc"
    for key in (keys + " calls tokens cost_usd seconds").split():
        assert key in rec
    assert len(rec["test_acc"]) == 2 and 0 <= rec["annotation_acc"] <= 100
    assert rec["cost_usd"] == 0 and rec["budget"] == 20
    printed = capsys.readouterr().out
    assert "annotation acc" in printed and "cost $0.0000" in printed


@pytest.mark.llm  # loads the real MiniLM model
def test_embed_run_mini_batch(tmp_path, data_root, monkeypatch):
    monkeypatch.setenv("GRAPHLABELS_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "r.json"
    argv = "label-free cora --annotator embed --budget 35 --seeds 2 --epochs 30"
    argv += " --batch-size 32 --fanout 5,5"
    code = main(
        [*argv.split(), "--root", str(data_root), "--json", str(out), "--quiet"]
    )
    assert code == 0
    rec = json.loads(out.read_text())
    assert rec["batch_size"] == 32 and rec["fanouts"] == [5, 5]
    assert len(rec["test_acc"]) == 2
    # chance on Cora's 7 classes is about 14-30 (the largest class)
    assert rec["test_acc_mean"] > 35.0


def test_fanout_needs_batch_size(capsys):
    assert main(["label-free", "cora", "--fanout", "10,10"]) == 2
    assert capsys.readouterr().err == (
        "graphlabels: error: --fanout is for mini-batch training: pass --batch-size "
        "too\n"
    )
    assert main(["label-free", "cora", "--gnn", "appnp", "--batch-size", "8"]) == 2
    assert "mini-batch training supports gcn, sage, gat, mlp" in capsys.readouterr().err


def test_dataset_without_texts_names_the_fix(data_root, capsys):
    assert main(["label-free", "chameleon", "--root", str(data_root), "--quiet"]) == 2
    assert capsys.readouterr().err == (
        "graphlabels: error: dataset 'chameleon' has no texts: use a text dataset "
        "such as citeseer, cora, texas, cornell, wisconsin or washington\n"
    )
    with pytest.raises(ValueError, match="has no texts"):
        main(["--debug", "label-free", "chameleon", "--root", str(data_root)])


def test_defaults_follow_the_library():
    from graphlabels.labelfree import LabelFreePipeline, load_text_graph

    args = build_parser().parse_args(["label-free", "cora"])
    init = inspect.signature(LabelFreePipeline.__init__).parameters
    for name, dest in (
        ("selection", "selection"),
        ("budget", "budget"),
        ("filter", "filter"),
        ("filter_fraction", "filter_fraction"),
        ("model", "gnn"),
        ("weighted_loss", "weighted"),
        ("epochs", "epochs"),
        ("lr", "lr"),
        ("weight_decay", "weight_decay"),
        ("lnu_eta3", "lnu_eta3"),
    ):
        assert getattr(args, dest) == init[name].default, name
    assert tuple(range(args.seeds)) == tuple(init["seeds"].default)
    features = inspect.signature(load_text_graph).parameters["features"].default
    assert args.features == features
