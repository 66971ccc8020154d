"""Argument types, the dataset argument and JSON output shared by the commands.

Every check here runs while the command line is parsed, so bad input fails before
any work starts.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = [
    "DATASET_HELP",
    "add_dataset",
    "add_defaulted",
    "add_distributed",
    "add_minibatch",
    "data_parallel",
    "add_output_options",
    "add_split_options",
    "default_of",
    "distributed",
    "fraction",
    "load_graph",
    "minibatch",
    "nonnegative_float",
    "output_path",
    "positive_float",
    "positive_int",
    "share",
    "split_kwargs",
    "write_json",
]

DATASET_HELP = (
    "a dataset name (see `graphlabels datasets`) or the path of your own graph: a "
    ".npz file (Shchur et al. or Platonov et al. format), a .pt file with a PyG "
    "Data, an OGB dataset folder, or a folder with edges.csv, features.npy and "
    "labels.npy (see graphlabels.data.local); without a split in the files, a "
    "seeded one with 20 training and 30 validation nodes per class is made and "
    "recorded in the JSON"
)


def positive_int(text: str) -> int:
    """``type=`` for counts: an integer >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected an integer >= 1, got {text!r}"
        ) from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def _float(text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
    if value != value:  # NaN
        raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """``type=`` for rates: a number > 0."""
    value = _float(text, "a number > 0")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return value


def nonnegative_float(text: str) -> float:
    """``type=`` for penalties and prices: a number >= 0."""
    value = _float(text, "a number >= 0")
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def fraction(text: str) -> float:
    """``type=`` for dropout and shares: a number in [0, 1)."""
    value = _float(text, "a fraction in [0, 1)")
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text!r}")
    return value


def share(text: str) -> float:
    """``type=`` for shares that may be whole: a number in [0, 1]."""
    value = _float(text, "a share in [0, 1]")
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"expected a share in [0, 1], got {text!r}")
    return value


def output_path(text: str) -> Path:
    """``type=`` for files the command writes: checked before any work.

    The path must not be a folder, and its folder must exist and be writable, or
    be creatable (its nearest existing parent is a writable folder).
    """
    path = Path(text).expanduser()
    if path.is_dir():
        raise argparse.ArgumentTypeError(
            f"{text} is a folder: pass a file path such as {path / 'results.json'}"
        )
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(
            f"cannot write {text}: {parent} is a file, not a folder"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise argparse.ArgumentTypeError(
            f"cannot write {text}: the folder {parent} is not writable; pass a path "
            "in a writable folder"
        )
    return path


def write_json(path: Path | None, record: dict[str, Any]) -> None:
    """Write ``record`` as indented JSON, atomically, and say where.

    The JSON goes to a temporary file in the same folder (created if missing),
    which then replaces ``path``: an interrupted run never leaves half a file.
    Nothing happens when ``path`` is :obj:`None`.
    """
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(record, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"wrote {path}")


def _per_class(text: str) -> tuple[int, int]:
    try:
        train, val = (int(v) for v in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected TRAIN,VAL node counts per class like 20,30, got {text!r}"
        ) from None
    if train < 1 or val < 0:
        raise argparse.ArgumentTypeError(
            f"expected TRAIN >= 1 and VAL >= 0 per class, got {text!r}"
        )
    return train, val


def _nonnegative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def _fanouts(text: str) -> tuple[int, ...]:
    try:
        vals = tuple(int(v) for v in text.split(",") if v.strip())
    except ValueError:
        vals = ()
    if not vals or any(v == 0 or v < -1 for v in vals):
        raise argparse.ArgumentTypeError(
            "expected comma-separated neighbours per hop, seeds' hop first, like "
            f"15,10,5 (-1 takes every neighbour), got {text!r}"
        )
    return vals


def add_output_options(
    p: argparse.ArgumentParser,
    progress_of: str | None,
    json_help: str = "write results here",
) -> None:
    """``--json`` (a file checked by :func:`output_path`) and ``--quiet``.

    Args:
        p: The parser.
        progress_of: Who has the ``progress=`` switch that defaults to off, as
            ``--quiet``'s help names it (``"evaluate's"``); :obj:`None` for a plain
            "no progress bars".
        json_help: ``--json``'s help. (default: ``"write results here"``)
    """
    p.add_argument("--json", type=output_path, default=None, help=json_help)
    quiet = "no progress bars"
    if progress_of is not None:
        quiet += (
            f" (the command line shows them; {progress_of} progress= defaults to off)"
        )
    p.add_argument("--quiet", action="store_true", help=quiet)


def add_minibatch(p: argparse.ArgumentParser) -> None:
    """``--batch-size`` and ``--fanout``: neighbour-sampled mini-batch training."""
    p.add_argument(
        "--batch-size",
        type=positive_int,
        default=None,
        help="train on neighbour-sampled mini-batches of this many training nodes "
        "and evaluate layer by layer (default: full batch)",
    )
    p.add_argument(
        "--fanout",
        type=_fanouts,
        default=None,
        metavar="K1,K2,...",
        help="neighbours sampled per hop, seeds' hop first, one per layer, as PyG's "
        "num_neighbors (default with --batch-size: 10,10)",
    )


def minibatch(args: argparse.Namespace) -> dict[str, Any]:
    """``batch_size`` and ``fanouts`` from ``args``; a fanout needs a batch size."""
    if args.fanout is not None and args.batch_size is None:
        raise ValueError("--fanout is for mini-batch training: pass --batch-size too")
    return {"batch_size": args.batch_size, "fanouts": args.fanout}


def add_distributed(p: argparse.ArgumentParser) -> None:
    """``--distributed``, ``--checkpoint-dir`` and ``--checkpoint-every``.

    Data-parallel training on every process of a ``torchrun`` job (see
    :mod:`graphlabels.distributed.trainer`); :func:`distributed` reads them.
    """
    p.add_argument(
        "--distributed",
        action="store_true",
        help="data-parallel mini-batch training on every process of a torchrun job "
        "(gloo on CPU, NCCL on GPU; --batch-size is the global batch size): "
        "`torchrun --nproc-per-node N -m graphlabels COMMAND ... --distributed`; "
        "only rank 0 prints and writes files",
    )
    p.add_argument(
        "--checkpoint-dir",
        type=Path,
        default=None,
        metavar="DIR",
        help="with --distributed: rank 0 keeps checkpoints here, and a run that finds "
        "its checkpoint resumes from it (torchrun --max-restarts N restarts a job "
        "after a rank dies) (default: none)",
    )
    p.add_argument(
        "--checkpoint-every",
        type=positive_int,
        default=1,
        metavar="K",
        help="write a checkpoint every K epochs (default: %(default)s)",
    )


def data_parallel(trainer: Any, settings: dict[str, Any] | None) -> Any:
    """``trainer`` run data-parallel when ``settings`` (from :func:`distributed`)."""
    if settings is None:
        return trainer
    from graphlabels.distributed import DistributedTrainer, world_size

    print(f"data-parallel on {world_size()} processes")
    return DistributedTrainer.from_trainer(trainer, **settings)


def distributed(args: argparse.Namespace) -> dict[str, Any] | None:
    """Join the ``torchrun`` job for ``--distributed``; the checkpoint settings.

    Checks the options first (``--distributed`` needs ``--batch-size`` and a
    launcher; ``--checkpoint-dir`` needs ``--distributed``). On ranks other than
    0 it silences stdout and drops ``--json`` and ``--plot``, so only rank 0
    prints results and writes files; rank 0 logs checkpoint resumptions to
    stderr.

    Returns:
        :obj:`None` without ``--distributed``; else the keyword arguments of
        :meth:`graphlabels.distributed.DistributedTrainer.from_trainer`.
    """
    if not args.distributed:
        if args.checkpoint_dir is not None:
            raise ValueError(
                "--checkpoint-dir is for --distributed training: pass --distributed "
                "(and start the command with torchrun)"
            )
        return None
    if args.batch_size is None:
        raise ValueError(
            "--distributed trains on neighbour-sampled mini-batches: pass "
            "--batch-size too (the global batch size, split over the processes)"
        )
    import atexit
    import logging
    import sys

    from graphlabels.distributed import init, shutdown

    try:
        ctx = init()
    except RuntimeError as e:
        if "needs a launcher" in str(e):  # a usage error, not a failure
            raise ValueError(str(e)) from e
        raise
    atexit.register(shutdown)
    if str(getattr(args, "device", "cpu")).startswith("cuda"):
        import torch

        torch.cuda.set_device(ctx.local_rank)
    if ctx.is_main:
        log = logging.getLogger("graphlabels.distributed")
        log.setLevel(logging.INFO)
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("graphlabels: %(message)s"))
        log.addHandler(handler)
    else:
        sys.stdout = open(os.devnull, "w")  # for the rest of the process
        for name in ("json", "plot"):
            if hasattr(args, name):
                setattr(args, name, None)
        args.quiet = True
    return {
        "checkpoint_dir": args.checkpoint_dir,
        "checkpoint_every": args.checkpoint_every,
    }


def add_dataset(p: argparse.ArgumentParser, help: str = DATASET_HELP) -> None:
    """The positional ``dataset`` argument, ``--root`` and the split options."""
    p.add_argument("dataset", help=help)
    p.add_argument(
        "--root",
        default=None,
        help="data root of the registered datasets (default: $GRAPHLABELS_DATA, "
        "else the user cache)",
    )
    add_split_options(p)


def add_split_options(p: argparse.ArgumentParser) -> None:
    """``--split-seed`` and ``--split-per-class``, for graph files without a split."""
    from graphlabels.data.local import load_local

    train = default_of(load_local, "train_per_class")
    val = default_of(load_local, "val_per_class")
    p.add_argument(
        "--split-seed",
        type=_nonnegative_int,
        default=default_of(load_local, "seed"),
        help="seed of the split made for a graph file without one (default: "
        "%(default)s)",
    )
    p.add_argument(
        "--split-per-class",
        type=_per_class,
        default=(train, val),
        metavar="TRAIN,VAL",
        help="training and validation nodes per class of that split; the other "
        f"labelled nodes are the test set (default: {train},{val})",
    )


def split_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """:func:`graphlabels.data.local.load_local`'s split options from ``args``."""
    train, val = args.split_per_class
    return {"seed": args.split_seed, "train_per_class": train, "val_per_class": val}


def load_graph(args: argparse.Namespace, memory_mapped: bool = False) -> Any:
    """``args.dataset`` by name or path (see :func:`graphlabels.data.local.resolve`).

    ``memory_mapped``: an on-disk folder stays memory-mapped (mini-batch training).
    """
    from graphlabels.data.local import resolve

    verify = not getattr(args, "no_verify", False)
    return resolve(
        args.dataset,
        root=args.root,
        verify=verify,
        memory_mapped=memory_mapped,
        **split_kwargs(args),
    )


def default_of(fn: Callable[..., Any], name: str) -> Any:
    """The default of parameter ``name`` of ``fn``: CLI defaults follow the library."""
    default = inspect.signature(fn).parameters[name].default
    if default is inspect.Parameter.empty:
        raise TypeError(f"{fn.__qualname__}'s {name} has no default")
    return default


def add_defaulted(
    p: argparse.ArgumentParser,
    fn: Callable[..., Any],
    options: dict[str, tuple[Callable[[str], Any], str]],
) -> None:
    """Options whose defaults are parameters of ``fn`` (see :func:`default_of`).

    Args:
        p: The parser.
        fn: The function whose parameter defaults the options take.
        options: ``{flag: (type, help)}``; the parameter of ``--some-flag`` is
            ``some_flag``, or the name after a ``:`` (``"--hidden:hidden_channels"``).
    """
    for flag, (type_, help) in options.items():
        flag, _, name = flag.partition(":")
        name = name or flag[2:].replace("-", "_")
        p.add_argument(flag, type=type_, default=default_of(fn, name), help=help)
