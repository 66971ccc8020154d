"""Several processes and machines on ``torch.distributed`` (gloo or NCCL).

- :mod:`~graphlabels.distributed.context`: the process group, its timeouts and
  rank helpers.
- :func:`spawn`: a job of several processes on this machine, without ``torchrun``.
- :mod:`~graphlabels.distributed.partition`: split the nodes across ranks
  (contiguous, RCM, METIS) into a :class:`PartitionBook`.
- :class:`DistGraph`: one rank's rows of a graph and the halo exchange of a
  distributed SpMM step (``all_to_all_single``).
- :mod:`~graphlabels.distributed.propagation`: label propagation, C&S, SGC
  features and LNU scores on a partitioned graph.
- :class:`DistributedTrainer`: data-parallel mini-batch training with
  checkpoints (:mod:`~graphlabels.distributed.checkpoint`) and a failure model.
"""

from graphlabels.distributed.checkpoint import (
    checkpoint_path,
    load_checkpoint,
    save_checkpoint,
)
from graphlabels.distributed.context import (
    DEFAULT_TIMEOUT,
    Context,
    PeerFailure,
    all_reduce,
    barrier,
    init,
    is_main,
    rank,
    shutdown,
    world_size,
)
from graphlabels.distributed.halo import DistGraph, ExchangeStats, HaloExchange
from graphlabels.distributed.launch import free_port, spawn
from graphlabels.distributed.partition import (
    PartitionBook,
    halo_sizes,
    partition,
    partition_from_assignment,
)
from graphlabels.distributed.propagation import (
    dist_correct_and_smooth,
    dist_label_propagation,
    dist_low_score_mask,
    dist_non_uniformity,
    dist_propagate,
    dist_sgc_features,
    gather_to_main,
)
from graphlabels.distributed.trainer import DistributedTrainer

__all__ = [
    "DEFAULT_TIMEOUT",
    "Context",
    "PeerFailure",
    "all_reduce",
    "barrier",
    "free_port",
    "init",
    "is_main",
    "rank",
    "shutdown",
    "spawn",
    "world_size",
    "PartitionBook",
    "halo_sizes",
    "partition",
    "partition_from_assignment",
    "DistGraph",
    "ExchangeStats",
    "HaloExchange",
    "dist_correct_and_smooth",
    "dist_label_propagation",
    "dist_low_score_mask",
    "dist_non_uniformity",
    "dist_propagate",
    "dist_sgc_features",
    "gather_to_main",
    "DistributedTrainer",
    "checkpoint_path",
    "load_checkpoint",
    "save_checkpoint",
]
