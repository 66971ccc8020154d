"""Start a job of ``world_size`` processes on this machine, without ``torchrun``.

:func:`spawn` is for notebooks, tests and benchmarks: it starts the processes
with :mod:`torch.multiprocessing`, sets the environment ``torchrun`` would set
(rendezvous on 127.0.0.1 on a free port), runs ``fn(rank, *args)`` in each after
:func:`graphlabels.distributed.init`, and returns each rank's return value. The
whole job is bounded in time: past ``timeout`` seconds every process is killed
and :class:`TimeoutError` is raised.
"""

from __future__ import annotations

import os
import socket
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch
import torch.multiprocessing as mp

from graphlabels.distributed import context

__all__ = ["free_port", "spawn"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _worker(
    local: int,
    fn: Callable[..., Any],
    args: Sequence[Any],
    world: int,
    port: int,
    out: str,
    backend: str,
    seconds: float,
    threads: int,
) -> None:
    os.environ.update(
        RANK=str(local),
        LOCAL_RANK=str(local),
        WORLD_SIZE=str(world),
        LOCAL_WORLD_SIZE=str(world),
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
    )
    torch.set_num_threads(threads)
    context.init(backend, seconds)
    try:
        result = fn(local, *args)
        torch.save(result, Path(out) / f"rank{local}.pt")
    finally:
        context.shutdown()


def spawn(
    fn: Callable[..., Any],
    world_size: int,
    args: Sequence[Any] = (),
    *,
    timeout: float = 120.0,
    backend: str = "gloo",
    collective_timeout: float = 30.0,
    threads: int = 1,
) -> list[Any]:
    """Run ``fn(rank, *args)`` in ``world_size`` processes; their return values.

    Args:
        fn: a module-level function (it is pickled by reference).
        world_size: number of processes.
        args: further arguments of ``fn`` (picklable).
        timeout: seconds the whole job may take (default: ``120``).
        backend: process-group backend (default: ``"gloo"``).
        collective_timeout: seconds one collective may wait (default: ``30``).
        threads: torch threads per process (default: ``1``).

    Raises:
        TimeoutError: the job ran past ``timeout``; every process was killed.
        torch.multiprocessing.ProcessRaisedException: a rank raised.
        torch.multiprocessing.ProcessExitedException: a rank died.
    """
    if world_size < 1:
        raise ValueError(f"world_size must be >= 1, got {world_size}")
    if timeout <= 0:
        raise ValueError(f"timeout must be > 0 seconds, got {timeout}")
    with tempfile.TemporaryDirectory(prefix="graphlabels-spawn-") as out:
        ctx = mp.start_processes(
            _worker,
            args=(
                fn,
                tuple(args),
                world_size,
                free_port(),
                out,
                backend,
                collective_timeout,
                threads,
            ),
            nprocs=world_size,
            join=False,
            start_method="spawn",
        )
        deadline = time.monotonic() + timeout
        try:
            while not ctx.join(timeout=0.5):
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"{world_size} processes did not finish in {timeout:g} s; "
                        "all were killed"
                    )
        finally:
            for p in ctx.processes:
                if p.is_alive():
                    p.kill()
                    p.join(5)
        return [torch.load(Path(out) / f"rank{r}.pt") for r in range(world_size)]
