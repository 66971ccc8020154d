"""Functions run inside spawned ranks (module-level, so they pickle by name)."""

import torch
import torch.distributed as dist

from graphlabels import distributed


def describe(rank: int) -> dict:
    ctx = distributed.init()
    total = distributed.all_reduce(torch.tensor([float(rank + 1)]))
    mean = distributed.all_reduce(torch.tensor([float(rank)]), "mean")
    return {
        "rank": ctx.rank,
        "world": ctx.world_size,
        "main": ctx.is_main,
        "sum": total.item(),
        "mean": mean.item(),
        "backend": ctx.backend,
    }


def fail_on(rank: int, bad: int) -> None:
    if rank == bad:
        raise ValueError(f"rank {rank} fails")
    dist.barrier()


def sleep_forever(rank: int) -> None:
    import time

    time.sleep(3600)
