"""The ``graphlabels`` command line.

Each sub-command lives in ``graphlabels/cli/<name>.py`` and exposes
``add_parser(subparsers)`` and ``run(args) -> int``. The commands only parse and
print; the work is done by library functions.

User errors -- a bad option (argparse), or a ``ValueError``, ``TypeError``,
``FileNotFoundError`` or ``ImportError`` raised by the library's input checks --
print one line ``graphlabels: error: ...`` to stderr and exit with code 2;
``--debug`` shows the traceback instead. In a distributed job, a rank whose peer
died prints the one-line reason and exits with code 1
(:class:`graphlabels.distributed.PeerFailure`). Any other exception is a bug and
keeps its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from graphlabels.distributed.context import PeerFailure

__all__ = ["COMMANDS", "USER_ERRORS", "UsageError", "build_parser", "main"]

#: Sub-command modules, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = (
    "datasets",
    "train",
    "env",
    "label_free",
    "lnu",
    "propagate",
    "study",
    "convert",
)

#: Exceptions reported as one line (exit code 2) rather than a traceback.
USER_ERRORS: tuple[type[BaseException], ...] = (
    ValueError,
    TypeError,
    FileNotFoundError,
    ImportError,
)


class UsageError(Exception):
    """A command line argparse rejected; ``prog`` is the (sub-)command."""

    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser that can raise :class:`UsageError` instead of exiting."""

    one_line_errors = False

    def error(self, message: str) -> None:  # type: ignore[override]
        if self.one_line_errors:
            raise UsageError(self.prog, message)
        super().error(message)


def _add_global_options(p: argparse.ArgumentParser, top: bool) -> None:
    # accepted before and after the command; a sub-command's copy sets the value
    # only when given, so it never resets the top-level one
    default = False if top else argparse.SUPPRESS
    p.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="show the traceback of an error instead of one line",
    )
    p.add_argument(
        "--no-verify",
        action="store_true",
        default=default,
        help="skip the sha256 check of dataset files (checked by default, as "
        "graphlabels.data.load does)",
    )


def build_parser(*, one_line_errors: bool = False) -> argparse.ArgumentParser:
    """The top-level parser with every sub-command registered.

    Args:
        one_line_errors: raise :class:`UsageError` on a bad command line instead
            of printing the usage and exiting, as :func:`main` wants (default:
            :obj:`False`, argparse's behaviour).
    """
    parser = _Parser(
        prog="graphlabels",
        description="Label-centric node classification for PyTorch.",
        epilog="A bad option or input prints one line 'graphlabels: error: ...' "
        "and exits with code 2 (--debug: the traceback).",
    )
    _add_global_options(parser, top=True)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"graphlabels.cli.{name}")
        module.add_parser(sub)
    parser.one_line_errors = one_line_errors
    for command in sub.choices.values():
        _add_global_options(command, top=False)
        command.one_line_errors = one_line_errors
    return parser


def _one_line(exc: BaseException) -> str:
    text = " ".join(line.strip() for line in str(exc).splitlines() if line.strip())
    return text or type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv[: argv.index("--")] if "--" in argv else "--debug" in argv
    parser = build_parser(one_line_errors=True)
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help()
            return 0
        return int(args.run(args) or 0)
    except UsageError as exc:
        if debug:
            raise
        print(
            f"graphlabels: error: {_one_line(exc)}; see `{exc.prog} --help`",
            file=sys.stderr,
        )
        return 2
    except USER_ERRORS as exc:
        if debug:
            raise
        print(f"graphlabels: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except PeerFailure as exc:
        if debug:
            raise
        print(f"graphlabels: error: {_one_line(exc)}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
