"""Several processes and machines on ``torch.distributed`` (gloo or NCCL).

- :mod:`~graphlabels.distributed.context`: the process group, its timeouts and
  rank helpers.
- :func:`spawn`: a job of several processes on this machine, without ``torchrun``.
"""

from graphlabels.distributed.context import (
    DEFAULT_TIMEOUT,
    Context,
    all_reduce,
    barrier,
    init,
    is_main,
    rank,
    shutdown,
    world_size,
)
from graphlabels.distributed.launch import free_port, spawn

__all__ = [
    "DEFAULT_TIMEOUT",
    "Context",
    "all_reduce",
    "barrier",
    "free_port",
    "init",
    "is_main",
    "rank",
    "shutdown",
    "spawn",
    "world_size",
]
