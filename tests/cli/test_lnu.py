import argparse
import inspect
import json

import pytest

from graphlabels.cli import build_parser, lnu, main
from graphlabels.cli.train import overrides
from graphlabels.train.presets import LNU_PRESETS, hyperparameters

pytestmark = pytest.mark.usefixtures("one_thread")


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
    assert rec["split"] == {"source": "standard", "dataset": "cora", "num_splits": 1}
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
    assert main(["lnu", "cora", "--variants", "drop,shuffle"]) == 2
    assert capsys.readouterr().err == (
        "graphlabels: error: argument --variants: unknown variant(s) ['shuffle']: "
        "choose from drop,augment,both; see `graphlabels lnu --help`\n"
    )
    assert _parse(["lnu", "cora", "--variants", "both, drop"]).variants == (
        "both",
        "drop",
    )


def test_defaults_follow_the_library_or_say_why():
    from graphlabels.nonuniformity import LabelNonUniformity

    args = _parse(["lnu", "cora"])
    init = inspect.signature(LabelNonUniformity.__init__).parameters
    for name in ("eta1", "eta2", "eta3", "forest", "runs"):
        assert getattr(args, name) == init[name].default, name
    assert args.variants == tuple(init["variants"].default)
    assert (args.candidates == "exclude-val") is init["exclude_val"].default
    # the one difference, explained in --score-from's help
    assert (args.score_from, init["score_from"].default) == ("mean", "run")
    lnu_parser = build_parser()._subparsers._group_actions[0].choices["lnu"]
    help_text = " ".join(lnu_parser.format_help().split())
    assert (
        "each run's own logits (run: the official code, and LabelNonUniformity's "
        "default)" in help_text
    )


def test_model_settings_use_the_lnu_recipe():
    args = _parse(["lnu", "cora", "--hidden", "32", "--epochs", "7"])
    model_kw, fit_kw = hyperparameters(
        args.model, args.dataset, recipe="lnu", **overrides(args)
    )
    assert model_kw == {**LNU_PRESETS["gcn"]["model"], "hidden_channels": 32}
    assert fit_kw == {**LNU_PRESETS["gcn"]["fit"], "epochs": 7}


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
