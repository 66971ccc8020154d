"""Ranks of the DistributedTrainer tests (module-level, so they pickle by name)."""

from __future__ import annotations

import dataclasses
import os
import time
from pathlib import Path
from typing import Any

import torch
import torch.multiprocessing as mp

from graphlabels.distributed import DistributedTrainer, context
from graphlabels.distributed.launch import free_port


@dataclasses.dataclass
class RecordingTrainer(DistributedTrainer):
    """Records a checksum of the parameters after every optimiser step."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.checksums: list[float] = []

    def _train_step(self, run, batch):
        loss = super()._train_step(run, batch)
        with torch.no_grad():
            total = sum(
                (p.double() * (i + 1)).sum()
                for i, p in enumerate(run.model.parameters())
            )
        self.checksums.append(float(total))
        return loss


def make_graph(spec: dict[str, Any]):
    if spec["graph"] == "cora":
        from graphlabels.data import load

        return load("cora", root=spec["root"])
    if spec["graph"] == "ondisk":  # a memory-mapped graph, opened by every rank
        from graphlabels.data.ondisk import open_ondisk

        return open_ondisk(spec["path"])
    from graphlabels.data.synthetic import csbm

    return csbm(
        400, num_classes=3, homophily=0.9, feature_signal=0.6, seed=1, as_graph=True
    )


def make_model(name: str, graph):
    from graphlabels.nn import GCN, SAGE

    cls = {"gcn": GCN, "sage": SAGE}[name]
    return cls(graph.num_features, graph.num_classes, hidden_channels=32)


def fit(rank: int, spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Train ``spec["models"]`` x ``spec["seeds"]``; what each run gave."""
    torch.set_num_threads(1)
    graph = make_graph(spec)
    y = None
    if spec.get("noise"):  # random training targets: validation gets worse
        gen = torch.Generator().manual_seed(0)
        y = torch.randint(0, graph.num_classes, (graph.num_nodes,), generator=gen)
    out = []
    for name in spec["models"]:
        for seed in spec["seeds"]:
            torch.manual_seed(seed)
            model = make_model(name, graph)
            trainer = RecordingTrainer(**spec["trainer"])
            res = trainer(model, graph, y=y, seed=seed)
            out.append(
                {
                    "model": name,
                    "seed": seed,
                    "test_acc": res.test_acc,
                    "val_acc": res.val_acc,
                    "best_epoch": res.best_epoch,
                    "epochs_run": res.epochs_run,
                    "logits": res.logits,
                    "checksums": trainer.checksums,
                    "params": [p.detach().clone() for p in model.parameters()],
                }
            )
    return out


# ---------------------------------------------------------------- a raw launcher
def _rank_main(
    rank: int, world: int, port: int, seconds: float, out: str, fn, args, env
) -> None:
    os.environ.update(env)
    os.environ.update(
        RANK=str(rank),
        LOCAL_RANK=str(rank),
        WORLD_SIZE=str(world),
        MASTER_ADDR="127.0.0.1",
        MASTER_PORT=str(port),
    )
    torch.set_num_threads(1)
    context.init("gloo", seconds)
    start = time.monotonic()
    try:
        result = {"value": fn(rank, *args)}
    except Exception as e:
        result = {"error": f"{type(e).__name__}: {e}"}
    result["seconds"] = time.monotonic() - start
    torch.save(result, Path(out) / f"rank{rank}.pt")


def launch(
    fn,
    world: int,
    args=(),
    *,
    out: str,
    seconds: float,
    timeout: float,
    env=None,
    wait=None,
) -> list[dict[str, Any] | None]:
    """Run ``fn(rank, *args)`` in ``world`` processes that end on their own.

    Unlike :func:`graphlabels.distributed.spawn`, a rank that dies does not make
    the others be killed: each survivor's own outcome (its return value, or the
    error it raised, and its seconds) is returned; ``None`` for a rank that
    wrote nothing (it died). Every process still alive after ``timeout`` seconds
    is killed and makes this raise :class:`TimeoutError`. With ``wait`` (ranks),
    only those are waited for; the others are killed when they have ended.
    """
    ctx = mp.get_context("spawn")
    port = free_port()
    procs = [
        ctx.Process(
            target=_rank_main,
            args=(r, world, port, seconds, out, fn, tuple(args), dict(env or {})),
        )
        for r in range(world)
    ]
    for p in procs:
        p.start()
    deadline = time.monotonic() + timeout
    try:
        waited = range(world) if wait is None else wait
        for r in waited:
            procs[r].join(max(0.1, deadline - time.monotonic()))
        alive = [r for r in waited if procs[r].is_alive()]
        if alive:
            raise TimeoutError(f"ranks {alive} still running after {timeout:g} s")
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
                p.join(5)
    results = []
    for r in range(world):
        path = Path(out) / f"rank{r}.pt"
        results.append(torch.load(path) if path.exists() else None)
    return results
