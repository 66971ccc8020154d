"""Bad command lines fail before any work with one line naming the fix, exit code 2."""

import os

import pytest

from graphlabels.cli import UsageError, main


@pytest.fixture
def no_work(monkeypatch):
    """Fail the test if a dataset is loaded: the checks must come first."""
    from graphlabels.data import local

    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("a dataset was loaded before the input checks")

    monkeypatch.setattr(local, "resolve", refuse)  # every command loads through it
    yield calls
    assert calls == []


def error_line(capsys, argv) -> str:
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.count("\n") == 1, captured.err
    return captured.err.rstrip("\n")


def test_propagate_runs_zero(capsys, no_work):
    assert error_line(capsys, ["propagate", "cora", "--runs", "0"]) == (
        "graphlabels: error: argument --runs: expected an integer >= 1, got '0'; "
        "see `graphlabels propagate --help`"
    )


def test_label_free_seeds_zero(capsys, no_work):
    assert error_line(capsys, ["label-free", "cora", "--seeds", "0"]) == (
        "graphlabels: error: argument --seeds: expected an integer >= 1, got '0'; "
        "see `graphlabels label-free --help`"
    )


def test_label_free_budget_zero(capsys, no_work):
    assert error_line(capsys, ["label-free", "cora", "--budget", "0"]) == (
        "graphlabels: error: argument --budget: expected an integer >= 1, got '0'; "
        "see `graphlabels label-free --help`"
    )


@pytest.mark.parametrize("command", ["train", "lnu", "propagate", "label-free"])
def test_epochs_zero_in_every_command(capsys, no_work, command):
    assert error_line(capsys, [command, "cora", "--epochs", "0"]) == (
        "graphlabels: error: argument --epochs: expected an integer >= 1, got '0'; "
        f"see `graphlabels {command} --help`"
    )


def _bad(command, flag, value, expected):
    """``(argv, message)`` for ``flag value`` rejected: "{expected}, got '{value}'"."""
    return [command, "cora", flag, value], f"argument {flag}: {expected}, got '{value}'"


@pytest.mark.parametrize(
    "argv, message",
    [
        _bad("train", "--runs", "-3", "expected an integer >= 1"),
        _bad("train", "--runs", "two", "expected an integer >= 1"),
        _bad("train", "--dropout", "1", "expected a fraction in [0, 1)"),
        _bad("train", "--lr", "0", "expected a number > 0"),
        _bad("train", "--weight-decay", "-0.5", "expected a number >= 0"),
        _bad("lnu", "--patience", "0", "expected an integer >= 1"),
        _bad("label-free", "--filter-fraction", "nan", "expected a fraction in [0, 1)"),
        _bad("label-free", "--concurrency", "0", "expected an integer >= 1"),
        (["label-free", "cora", "--selection", "best"], "argument --selection: "
         "unknown selection 'best': choose one of random, degree, pagerank"),
        _bad(
            "train",
            "--split-per-class",
            "20",
            "expected TRAIN,VAL node counts per class like 20,30",
        ),
    ],
)  # fmt: skip
def test_other_counts_and_rates(capsys, no_work, argv, message):
    line = error_line(capsys, argv)
    assert line.startswith(f"graphlabels: error: {message}")
    assert line.endswith(f"; see `graphlabels {argv[0]} --help`")


@pytest.mark.parametrize("command", ["train", "lnu", "propagate", "label-free"])
def test_json_path_in_a_file_fails_first(capsys, no_work, tmp_path, command):
    (tmp_path / "f").write_text("")
    bad = tmp_path / "f" / "r.json"
    assert error_line(capsys, [command, "cora", "--json", str(bad)]) == (
        f"graphlabels: error: argument --json: cannot write {bad}: {tmp_path / 'f'} "
        f"is a file, not a folder; see `graphlabels {command} --help`"
    )


def test_json_path_that_is_a_folder(capsys, no_work, tmp_path):
    assert error_line(capsys, ["train", "cora", "--json", str(tmp_path)]) == (
        f"graphlabels: error: argument --json: {tmp_path} is a folder: pass a file "
        f"path such as {tmp_path / 'results.json'}; see `graphlabels train --help`"
    )


def test_json_in_an_unwritable_folder(capsys, no_work, tmp_path, monkeypatch):
    real = os.access
    target = tmp_path / "ro"
    target.mkdir()

    def access(path, mode, **kw):  # the folder is read-only (even for root)
        return False if os.fspath(path) == str(target) else real(path, mode, **kw)

    monkeypatch.setattr(os, "access", access)
    bad = target / "sub" / "r.json"  # missing folders are created in a writable one
    assert error_line(capsys, ["lnu", "cora", "--plot", str(bad)]) == (
        f"graphlabels: error: argument --plot: cannot write {bad}: the folder "
        f"{target} is not writable; pass a path in a writable folder; see "
        "`graphlabels lnu --help`"
    )


def test_missing_dataset_file(capsys, tmp_path):
    missing = tmp_path / "mine.npz"
    assert error_line(capsys, ["train", str(missing), "--epochs", "1"]) == (
        f"graphlabels: error: {missing} does not exist: pass an existing file or "
        "folder, or a dataset name (see `graphlabels datasets`)"
    )


def test_unknown_command(capsys):
    line = error_line(capsys, ["trian", "cora"])
    assert line.startswith("graphlabels: error: argument COMMAND: invalid choice: ")
    assert line.endswith("; see `graphlabels --help`")


def test_debug_keeps_the_traceback(tmp_path):
    missing = tmp_path / "mine.npz"
    with pytest.raises(FileNotFoundError, match="does not exist"):
        main(["--debug", "train", str(missing)])
    with pytest.raises(FileNotFoundError, match="does not exist"):
        main(["train", str(missing), "--debug"])  # after the command too
    with pytest.raises(UsageError, match="expected an integer >= 1"):
        main(["--debug", "propagate", "cora", "--runs", "0"])


def test_a_bug_keeps_its_traceback(monkeypatch):
    from graphlabels.cli import train

    def broken(args):
        raise RuntimeError("a bug, not a user error")

    monkeypatch.setattr(train, "run", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        main(["train", "cora"])


def test_no_verify_reaches_the_loader(monkeypatch):
    from graphlabels.data import local

    seen = []

    def spy(name, root=None, verify=True, **kwargs):
        seen.append(verify)
        raise FileNotFoundError("stop here")

    monkeypatch.setattr(local, "resolve", spy)
    assert main(["train", "cora"]) == 2
    assert main(["--no-verify", "train", "cora"]) == 2
    assert main(["train", "cora", "--no-verify"]) == 2
    assert main(["propagate", "cora", "--no-verify"]) == 2
    assert seen == [True, False, False, False]
