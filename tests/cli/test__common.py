import argparse
import json
import os

import pytest

from graphlabels.cli._common import (
    add_defaulted,
    add_output_options,
    default_of,
    fraction,
    output_path,
    positive_int,
    write_json,
)


def test_write_json_is_atomic(tmp_path, capsys):
    path = tmp_path / "new" / "r.json"
    write_json(path, {"a": 1})
    assert json.loads(path.read_text()) == {"a": 1}
    assert capsys.readouterr().out == f"wrote {path}\n"
    with pytest.raises(TypeError, match="not JSON serializable"):
        write_json(path, {"a": object()})
    assert json.loads(path.read_text()) == {"a": 1}  # the old file is untouched
    assert os.listdir(path.parent) == ["r.json"]  # and no temporary file is left
    write_json(None, {"a": 2})
    assert capsys.readouterr().out == ""


def test_write_json_leaves_nothing_when_replace_fails(tmp_path, monkeypatch):
    def fail(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_json(tmp_path / "r.json", {"a": 1})
    assert os.listdir(tmp_path) == []


def test_output_path(tmp_path):
    assert output_path(str(tmp_path / "a" / "b" / "r.json")) == (
        tmp_path / "a" / "b" / "r.json"
    )
    (tmp_path / "file").write_text("")
    with pytest.raises(argparse.ArgumentTypeError, match="is a file, not a folder"):
        output_path(str(tmp_path / "file" / "deeper" / "r.json"))
    with pytest.raises(argparse.ArgumentTypeError, match="is a folder: pass a file"):
        output_path(str(tmp_path))


def test_number_types():
    assert positive_int("3") == 3
    for bad in ("0", "-1", "1.5", "x"):
        with pytest.raises(argparse.ArgumentTypeError, match="integer >= 1"):
            positive_int(bad)
    assert fraction("0") == 0.0 and fraction("0.5") == 0.5
    for bad in ("1", "-0.1", "nan", "x"):
        with pytest.raises(argparse.ArgumentTypeError, match=r"fraction in \[0, 1\)"):
            fraction(bad)


def test_default_of():
    def f(a, b=3):
        return a + b

    assert default_of(f, "b") == 3
    with pytest.raises(TypeError, match="has no default"):
        default_of(f, "a")


def test_add_defaulted_takes_the_functions_defaults():
    def f(epochs=7, hidden_channels=16, weight_decay=0.5):
        return epochs, hidden_channels, weight_decay

    p = argparse.ArgumentParser()
    add_defaulted(
        p,
        f,
        {
            "--epochs": (positive_int, "epochs (default: %(default)s)"),
            "--hidden:hidden_channels": (positive_int, "hidden"),
        },
    )
    args = p.parse_args([])
    assert (args.epochs, args.hidden) == (7, 16)
    assert p.parse_args(["--hidden", "3"]).hidden == 3
    assert "epochs (default: 7)" in p.format_help()
    with pytest.raises(SystemExit):
        p.parse_args(["--epochs", "0"])
    with pytest.raises(KeyError):
        add_defaulted(p, f, {"--dropout": (fraction, "dropout")})


def test_add_output_options(tmp_path):
    p = argparse.ArgumentParser()
    add_output_options(p, "evaluate's")
    args = p.parse_args(["--json", str(tmp_path / "r.json"), "--quiet"])
    assert args.json == tmp_path / "r.json" and args.quiet
    helps = {a.dest: a.help for a in p._actions}
    assert helps["json"] == "write results here"
    assert helps["quiet"] == (
        "no progress bars (the command line shows them; evaluate's progress= "
        "defaults to off)"
    )
    plain = argparse.ArgumentParser()
    add_output_options(plain, None, json_help="write results")
    helps = {a.dest: a.help for a in plain._actions}
    assert (helps["json"], helps["quiet"]) == ("write results", "no progress bars")
    assert plain.parse_args([]).json is None
