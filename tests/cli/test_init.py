import subprocess
import sys

import pytest

from graphlabels.cli import COMMANDS, build_parser, main
from graphlabels.distributed import PeerFailure


def test_no_arguments_prints_help(capsys):
    assert main([]) == 0
    out = capsys.readouterr().out
    assert "usage: graphlabels" in out
    for name in ("train", "datasets", "env"):
        assert name in out


def test_every_command_is_registered():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert set(sub.choices) >= {c.replace("_", "-") for c in COMMANDS} - {"label-free"}


def test_console_entry_point_runs():
    out = subprocess.run(
        [sys.executable, "-m", "graphlabels.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "usage: graphlabels" in out.stdout


def _peer_died(args):
    raise PeerFailure("rank 0 of 2: a collective failed, so another rank died")


def test_a_dead_peer_is_one_line_and_exit_code_1(monkeypatch, capsys):
    import graphlabels.cli.env as env_cmd

    monkeypatch.setattr(env_cmd, "run", _peer_died)
    assert main(["env"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "graphlabels: error: rank 0 of 2: a collective failed, so another rank died"
    ]
    with pytest.raises(PeerFailure, match="another rank died"):
        main(["env", "--debug"])
