import subprocess
import sys

from graphlabels.cli import COMMANDS, build_parser, main


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
