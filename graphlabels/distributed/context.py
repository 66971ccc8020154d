"""One ``torch.distributed`` process group, with stated timeouts.

graphlabels runs across processes and machines on ``torch.distributed`` as
launched by ``torchrun`` (or :func:`graphlabels.distributed.spawn` on one
machine): gloo on CPU, NCCL on GPU. :func:`init` reads the usual environment
(``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``) and creates the
default group once.

The failure model: every collective has a timeout (:data:`DEFAULT_TIMEOUT`,
``GRAPHLABELS_DIST_TIMEOUT`` seconds in the environment overrides it). A rank
that dies closes its connections, and the others' next collective fails with a
``RuntimeError`` at once, or after the timeout if the peer hangs instead of
dying; either way no rank waits forever.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

import torch
import torch.distributed as dist
from torch import Tensor

__all__ = [
    "DEFAULT_TIMEOUT",
    "Context",
    "PeerFailure",
    "all_reduce",
    "barrier",
    "init",
    "is_main",
    "rank",
    "shutdown",
    "timeout",
    "world_size",
]

#: Collective timeout when ``GRAPHLABELS_DIST_TIMEOUT`` is not set: long enough
#: for a slow epoch between collectives, short enough that a job with a dead
#: peer ends within minutes.
DEFAULT_TIMEOUT = timedelta(seconds=300)


class PeerFailure(RuntimeError):
    """A collective failed because another rank died or stopped answering.

    The message names the rank that noticed, the timeout and what to resume from;
    the command line prints it as one line and exits with code 1.
    """


@dataclass(frozen=True)
class Context:
    """Where this process sits in the job."""

    rank: int
    world_size: int
    local_rank: int
    backend: str

    @property
    def is_main(self) -> bool:
        """Rank 0: the one process that writes results, plots and logs."""
        return self.rank == 0


def timeout() -> timedelta:
    """The collective timeout: ``GRAPHLABELS_DIST_TIMEOUT`` seconds or the default."""
    text = os.environ.get("GRAPHLABELS_DIST_TIMEOUT")
    if text is None:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if seconds <= 0:
        raise ValueError(
            f"GRAPHLABELS_DIST_TIMEOUT must be a positive number of seconds, "
            f"got {text!r}"
        )
    return timedelta(seconds=seconds)


def init(backend: str | None = None, seconds: float | None = None) -> Context:
    """Join the job's default process group (created once) and describe it.

    Args:
        backend: ``"gloo"`` or ``"nccl"`` (default: NCCL when CUDA is
            available, else gloo).
        seconds: collective timeout in seconds (default: :func:`timeout`).

    Raises:
        RuntimeError: the environment of a launcher is missing.
    """
    if not dist.is_available():
        raise RuntimeError("this torch build has no torch.distributed")
    if not dist.is_initialized():
        missing = [
            k
            for k in ("RANK", "WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT")
            if k not in os.environ
        ]
        if missing:
            raise RuntimeError(
                f"--distributed needs a launcher: {', '.join(missing)} not set. "
                "Start the job with torchrun, e.g. `torchrun --nproc-per-node 2 -m "
                "graphlabels train cora --distributed`"
            )
        if backend is None:
            backend = "nccl" if torch.cuda.is_available() else "gloo"
        limit = timeout() if seconds is None else timedelta(seconds=seconds)
        dist.init_process_group(backend, timeout=limit)
    return Context(
        rank=dist.get_rank(),
        world_size=dist.get_world_size(),
        local_rank=int(os.environ.get("LOCAL_RANK", dist.get_rank())),
        backend=dist.get_backend(),
    )


def rank() -> int:
    """This process's rank; ``0`` outside a distributed job."""
    return dist.get_rank() if dist.is_available() and dist.is_initialized() else 0


def world_size() -> int:
    """The number of processes; ``1`` outside a distributed job."""
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    return 1


def is_main() -> bool:
    """True on rank 0 and outside a distributed job."""
    return rank() == 0


def all_reduce(t: Tensor, op: str = "sum") -> Tensor:
    """All-reduce a copy of ``t`` (``"sum"``, ``"mean"``, ``"max"`` or ``"min"``).

    Outside a distributed job it returns ``t`` unchanged.
    """
    ops = {
        "sum": dist.ReduceOp.SUM,
        "mean": dist.ReduceOp.SUM,
        "max": dist.ReduceOp.MAX,
        "min": dist.ReduceOp.MIN,
    }
    if op not in ops:
        raise ValueError(f"op must be one of {sorted(ops)}, got {op!r}")
    if world_size() == 1:
        return t
    out = t.clone()
    dist.all_reduce(out, ops[op])
    return out / world_size() if op == "mean" else out


def barrier() -> None:
    """Wait for every rank (no-op outside a distributed job)."""
    if world_size() > 1:
        dist.barrier()


def shutdown() -> None:
    """Leave the process group if one was created."""
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
