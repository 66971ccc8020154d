"""Training checkpoints written atomically, and resumed by every rank.

:class:`~graphlabels.distributed.DistributedTrainer` saves its state (model,
optimiser, epoch, best-validation state, early-stopping counter and every rank's
RNG state) with :func:`save_checkpoint`: the file is written beside its final
name and renamed over it, so a rank killed while writing leaves the previous
checkpoint intact, never half a file. :func:`load_checkpoint` reads one back and
refuses a checkpoint written by a different training (its ``fingerprint``
differs), naming what differs.

A checkpoint is a plain dict of tensors and Python values, loaded with
``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import torch

__all__ = ["FORMAT", "checkpoint_path", "load_checkpoint", "save_checkpoint"]

#: Version of the checkpoint layout; a file of another version is refused.
FORMAT = 1


def checkpoint_path(directory: str | Path, call: int) -> Path:
    """The file of the ``call``-th training (0-based) of a process in ``directory``.

    A command trains several models in a fixed order (one per seed, or one per
    variant of an algorithm): the n-th training of a restarted job is the n-th
    training of the first attempt, so it finds its own checkpoint by number.
    """
    return Path(directory) / f"train-{call:04d}.pt"


def save_checkpoint(path: str | Path, state: dict[str, Any]) -> Path:
    """Write ``state`` to ``path`` atomically (a temporary file, then a rename).

    The folder is created if missing. Returns ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save({"format": FORMAT, **state}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_checkpoint(
    path: str | Path, fingerprint: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """The checkpoint at ``path``, or :obj:`None` when there is none.

    Args:
        path: the checkpoint file.
        fingerprint: what identifies the training (settings, seed, training
            nodes); the checkpoint's must be equal (default: no check).

    Raises:
        ValueError: the file is not a checkpoint of this format, or it was
            written by a different training.
    """
    path = Path(path)
    if not path.is_file():
        return None
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:
        raise ValueError(
            f"{path} is not a readable checkpoint ({e}): delete it or pass another "
            "checkpoint folder"
        ) from e
    if not isinstance(state, dict) or state.get("format") != FORMAT:
        raise ValueError(
            f"{path} is not a graphlabels checkpoint of format {FORMAT}: delete it "
            "or pass another checkpoint folder"
        )
    if fingerprint is not None:
        saved = state.get("fingerprint", {})
        keys = set(saved) | set(fingerprint)
        differ = sorted(k for k in keys if saved.get(k) != fingerprint.get(k))
        if differ:
            detail = ", ".join(
                f"{k}: {saved.get(k)!r} there, {fingerprint.get(k)!r} now"
                for k in differ
            )
            raise ValueError(
                f"{path} was written by a different training ({detail}): pass another "
                "checkpoint folder, or delete it to start over"
            )
    return state
