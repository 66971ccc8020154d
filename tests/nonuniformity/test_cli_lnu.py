import argparse
import json

import pytest
import torch

from graphlabels.cli import lnu


@pytest.fixture(autouse=True)
def _one_thread():
    old = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(old)


def _parse(argv):
    parser = argparse.ArgumentParser(prog="graphlabels")
    lnu.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


@pytest.mark.slow
def test_lnu_command_writes_json_and_plot(tmp_path, data_root, capsys):
    out, png = tmp_path / "r.json", tmp_path / "p.png"
    args = _parse(
        [
            "lnu",
            "cora",
            "--runs",
            "2",
            "--epochs",
            "15",
            "--eta1",
            "0.3",
            "--eta2",
            "0.5",
            "--eta3",
            "0.3,0.6",
            "--root",
            str(data_root),
            "--json",
            str(out),
            "--plot",
            str(png),
            "--quiet",
        ]
    )
    assert args.run(args) == 0
    rec = json.loads(out.read_text())
    assert rec["dataset"] == "cora" and rec["model"] == "gcn" and rec["runs"] == 2
    assert set(rec["variants"]) == {"base", "drop", "augment", "both"}
    for v in rec["variants"].values():
        assert {"test_acc_mean", "test_acc_std", "test_acc"} <= set(v)
        assert len(v["test_acc"]) == 2
    assert rec["chosen"]["drop"] == {"eta1": 0.3, "eta2": 0.5}
    assert rec["chosen"]["augment"]["eta3"] in (0.3, 0.6)
    assert rec["seconds"] > 0
    assert rec["hyperparameters"]["hidden_channels"] == 16  # the official recipe
    assert rec["candidates"] == "exclude-val"  # the default of Algorithm 1
    assert len(rec["diagnostics"]["test_accuracy_by_decile_mean"]) == 10
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert "validation-chosen" in capsys.readouterr().out


def test_bad_grid_and_variant_rejected(capsys):
    with pytest.raises(SystemExit):
        _parse(["lnu", "cora", "--eta1", "30"])
    assert "fractions in [0, 1]" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        _parse(["lnu", "cora", "--candidates", "test"])
    assert "invalid choice: 'test'" in capsys.readouterr().err
    assert _parse(["lnu", "cora", "--candidates", "include-val"]).candidates == (
        "include-val"
    )
    args = _parse(["lnu", "cora", "--variants", "drop,shuffle"])
    assert args.run(args) == 2
    assert "unknown variant" in capsys.readouterr().out


@pytest.mark.parametrize(
    "choice, exclude", [("exclude-val", True), ("include-val", False)]
)
def test_candidates_reach_the_wrapper(monkeypatch, data_root, choice, exclude):
    from graphlabels.nonuniformity import wrapper

    seen = {}

    class Stop(Exception):
        pass

    class Spy:
        def __init__(self, make_model, **kwargs):
            seen.update(kwargs)
            raise Stop

    monkeypatch.setattr(wrapper, "LabelNonUniformity", Spy)
    args = _parse(["lnu", "texas", "--root", str(data_root), "--candidates", choice])
    with pytest.raises(Stop):
        args.run(args)
    assert seen["exclude_val"] is exclude
