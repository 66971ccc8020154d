"""Several processes and machines on ``torch.distributed`` (gloo or NCCL).

- :mod:`~graphlabels.distributed.context`: the process group, its timeouts and
  rank helpers.
- :func:`spawn`: a job of several processes on this machine, without ``torchrun``.
- :class:`DistributedTrainer`: data-parallel mini-batch training with
  checkpoints (:mod:`~graphlabels.distributed.checkpoint`) and a failure model.
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

from graphlabels.distributed.checkpoint import (  # noqa: E402
    checkpoint_path,
    load_checkpoint,
    save_checkpoint,
)
from graphlabels.distributed.trainer import DistributedTrainer  # noqa: E402

__all__ += [
    "DistributedTrainer",
    "checkpoint_path",
    "load_checkpoint",
    "save_checkpoint",
]
