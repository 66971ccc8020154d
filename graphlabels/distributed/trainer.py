r"""Data-parallel mini-batch training on ``torch.distributed``, with checkpoints.

:class:`DistributedTrainer` is :class:`~graphlabels.train.MiniBatchTrainer` run by
every process of a ``torchrun`` job (gloo on CPU, NCCL on GPU): each rank samples
and trains on its shard of the training nodes, the model is wrapped in
:class:`torch.nn.parallel.DistributedDataParallel` (which averages the gradients,
so the parameters stay identical on every rank), and all ranks take the same
early-stopping decisions and return the same :class:`~graphlabels.train.FitResult`.
It implements the trainer protocol, so every algorithm that takes ``trainer=``
trains data-parallel with it; outside a distributed job it *is* a
:class:`~graphlabels.train.MiniBatchTrainer` (same results for the same seed)
that can keep checkpoints.

Usage, one machine with 2 processes (every rank reads the dataset itself: a
small in-memory graph, or the memory-mapped on-disk format)::

    torchrun --nproc-per-node 2 -m graphlabels train cora --model sage \
        --batch-size 256 --fanout 5,5 --distributed \
        --checkpoint-dir ckpt --checkpoint-every 5

Restarted by ``torchrun`` after a rank dies, resuming from the checkpoint::

    TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1 torchrun --nproc-per-node 2 \
        --max-restarts 3 --rdzv-backend c10d --rdzv-endpoint 127.0.0.1:29400 \
        -m graphlabels train cora ... --distributed --checkpoint-dir ckpt

(``TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1`` gives each attempt a fresh store: with
the rendezvous store shared, a restarted rank can read the previous attempt's
addresses and fail to connect, pytorch/pytorch#135712.)

Several machines: the same command on each, with ``--nnodes M`` and the address
of one of them as the rendezvous endpoint (``--rdzv-endpoint HOST:29400
--rdzv-id JOB``). Rank 0 alone writes and reads the checkpoints and sends the
state to the other ranks; since a restart may place rank 0 on another machine,
keep the checkpoint folder on storage all machines see. From Python::

    from graphlabels import distributed
    distributed.init()
    trainer = distributed.DistributedTrainer(batch_size=256, fanouts=(5, 5))
    result = trainer(model, graph, seed=0)   # the same on every rank

What a rank does:

- the training nodes are shuffled each epoch with a seed common to all ranks,
  padded to a multiple of the world size (as ``DistributedSampler``) and dealt
  out, so every rank has the same number of batches and the collectives always
  match; ``batch_size`` is the *global* batch size (each rank takes
  ``ceil(batch_size / world_size)`` seeds per step), so the same settings give
  (about) the same number of optimiser steps per epoch on any number of processes;
- neighbour sampling draws from ``(seed, epoch, batch, rank)`` and dropout from
  a torch generator seeded with ``seed + rank`` (rank 0 continues the caller's
  stream); the initial parameters are rank 0's (``DistributedDataParallel``
  broadcasts them);
- evaluation: every rank runs the layer-wise inference over all nodes and
  scores its share of the validation nodes; the counts and losses are summed
  over the ranks, so every rank sees the same validation score and stops at the
  same epoch. The returned logits are rank 0's, sent to all.

Checkpoints (``checkpoint_dir``): every ``checkpoint_every`` epochs, after the
last epoch and when early stopping ends the training, rank 0 writes the model,
optimiser, epoch, best-validation state, early-stopping counter and every rank's
RNG state to ``checkpoint_dir/train-NNNN.pt`` (the NNNN-th training of the
process; see :func:`~graphlabels.distributed.checkpoint.checkpoint_path`),
atomically. A training that finds its checkpoint resumes from it on all ranks
(a finished one only rebuilds its result), and logs ``resumed from ...`` on the
``graphlabels.distributed`` logger. A checkpoint of a different training (other
settings, seed or training nodes) is refused with an error.

Failure model: a collective waits at most the process group's timeout
(:data:`~graphlabels.distributed.DEFAULT_TIMEOUT`, or ``GRAPHLABELS_DIST_TIMEOUT``
seconds). When a rank dies its peers' next collective fails (at once when its
connections close, after the timeout when it hangs), and they raise a
:class:`RuntimeError` naming their rank, the timeout and the checkpoint to
resume from; no rank waits forever. ``torchrun --max-restarts N`` then restarts
the job, which resumes from the checkpoint.

Test hook: ``GRAPHLABELS_TEST_KILL_AT_EPOCH=E`` makes rank
``GRAPHLABELS_TEST_KILL_RANK`` (default ``1``) send itself
``GRAPHLABELS_TEST_KILL_SIGNAL`` (default ``SIGKILL``) after its first batch of
epoch ``E`` (0-based), in the first attempt of a ``torchrun`` job only
(``TORCHELASTIC_RESTART_COUNT`` unset or ``0``). The tests use it to kill a rank
mid-epoch; it does nothing unless set.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import logging
import os
import signal
from datetime import timedelta
from pathlib import Path
from typing import Any

import torch
import torch.distributed as dist
import torch.nn.functional as F
from torch import Tensor, nn

from graphlabels.distributed import context
from graphlabels.distributed.checkpoint import (
    checkpoint_path,
    load_checkpoint,
    save_checkpoint,
)
from graphlabels.sampling import NeighborLoader
from graphlabels.train.minibatch import MiniBatchTrainer, _Run
from graphlabels.train.trainer import FitResult

__all__ = ["KILL_ENV", "DistributedTrainer"]

log = logging.getLogger("graphlabels.distributed")

#: The test hook's environment variable (see the module docstring).
KILL_ENV = "GRAPHLABELS_TEST_KILL_AT_EPOCH"


class _ShardLoader(NeighborLoader):
    """A :class:`NeighborLoader` over this rank's shard of the seed nodes.

    The shuffle of each epoch is drawn from the common ``seed`` (the same on every
    rank); the shuffled seeds are padded to a multiple of ``world`` by repeating
    the first ones, and rank ``r`` takes every ``world``-th from position ``r``,
    in batches of ``ceil(batch_size / world)``. A batch's neighbour draws mix in
    the rank.
    """

    def __init__(self, *args: Any, rank: int, world: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rank, self.world = rank, world
        self.shard_batch = -(-self.batch_size // world)

    def _per_rank(self) -> int:
        return -(-self.input_nodes.numel() // self.world)

    def __len__(self) -> int:
        return -(-self._per_rank() // self.shard_batch)

    def _generator(self, *keys: int) -> torch.Generator:
        # one key: the shuffle of an epoch, common to all ranks; more: a batch
        return (
            super()._generator(*keys)
            if len(keys) == 1
            else (super()._generator(*keys, self.rank))
        )

    def _chunks(self, epoch: int) -> list[Tensor]:
        nodes = self.input_nodes
        n = nodes.numel()
        nodes = nodes[torch.randperm(n, generator=self._generator(epoch))]
        total = self._per_rank() * self.world
        if total > n:
            nodes = nodes.repeat(-(-total // n))[:total]
        return list(torch.split(nodes[self.rank :: self.world], self.shard_batch))


def _is_collective_failure(e: BaseException) -> bool:
    if isinstance(e, dist.DistError):
        return True
    text = str(e).lower()
    return any(
        k in text
        for k in ("gloo", "nccl", "connection", "timed out", "timeout", "socket")
    )


def _group_timeout() -> timedelta:
    """The default group's collective timeout (the environment's if unreadable)."""
    try:
        backend = dist.group.WORLD._get_backend(torch.device("cpu"))
        return backend.options._timeout
    except Exception:  # private API; the stated value is the fallback
        return context.timeout()


def _test_hook(epoch: int) -> None:
    at = os.environ.get(KILL_ENV)
    if at is None or int(at) != epoch:
        return
    if int(os.environ.get("GRAPHLABELS_TEST_KILL_RANK", "1")) != context.rank():
        return
    if int(os.environ.get("TORCHELASTIC_RESTART_COUNT", "0")) != 0:
        return
    sig = getattr(signal, os.environ.get("GRAPHLABELS_TEST_KILL_SIGNAL", "SIGKILL"))
    os.kill(os.getpid(), sig)


def _digest(*tensors: Tensor) -> str:
    h = hashlib.sha256()
    for t in tensors:
        h.update(t.detach().cpu().contiguous().numpy().tobytes())
    return h.hexdigest()[:16]


@dataclasses.dataclass
class DistributedTrainer(MiniBatchTrainer):
    """:class:`~graphlabels.train.MiniBatchTrainer` on every rank of a job.

    Data-parallel (``DistributedDataParallel``) neighbour-sampled training with
    common early stopping and checkpoints; see :mod:`graphlabels.distributed.
    trainer` for what each rank does, the checkpoints and the failure model.
    Call it on every rank with the same arguments, after
    :func:`graphlabels.distributed.init`; outside a job (world size 1) it trains
    exactly as :class:`~graphlabels.train.MiniBatchTrainer`.

    Args:
        checkpoint_dir: folder of the checkpoints; a training that finds its
            checkpoint there resumes from it (default: no checkpoints).
        checkpoint_every: write a checkpoint every this many epochs (and after
            the last one) (default: ``1``).
        **kwargs: the settings of :class:`~graphlabels.train.MiniBatchTrainer`;
            ``batch_size`` is the global batch size, split over the ranks.

    Raises:
        RuntimeError: (when called) another rank died or stopped answering; the
            message names this rank, the collective timeout and the checkpoint.
    """

    checkpoint_dir: str | Path | None = None
    checkpoint_every: int = 1

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.checkpoint_every < 1:
            raise ValueError(
                f"checkpoint_every must be >= 1 epochs, got {self.checkpoint_every}"
            )
        self._calls = 0
        self._path: Path | None = None

    @classmethod
    def from_trainer(
        cls, trainer: MiniBatchTrainer, **kwargs: Any
    ) -> DistributedTrainer:
        """The distributed twin of ``trainer`` (its settings, plus ``kwargs``)."""
        fields = {f.name for f in dataclasses.fields(MiniBatchTrainer)}
        return cls(**{k: getattr(trainer, k) for k in fields}, **kwargs)

    # ------------------------------------------------------------------- call
    def __call__(self, model: nn.Module, graph: Any, **kwargs: Any) -> FitResult:
        """Train on this rank's shard; the same result on every rank.

        Takes the arguments of :meth:`MiniBatchTrainer.__call__
        <graphlabels.train.MiniBatchTrainer.__call__>`.
        """
        try:
            return super().__call__(model, graph, **kwargs)
        except RuntimeError as e:
            if context.world_size() > 1 and _is_collective_failure(e):
                raise context.PeerFailure(self._failure(e)) from e
            raise

    def _failure(self, e: BaseException) -> str:
        seconds = _group_timeout().total_seconds()
        default = context.DEFAULT_TIMEOUT.total_seconds()
        text = (
            f"rank {context.rank()} of {context.world_size()}: a collective failed, "
            f"so another rank died or stopped answering ({str(e).strip()}). "
            f"Collectives wait at most {seconds:g} s (GRAPHLABELS_DIST_TIMEOUT, "
            f"default {default:g}). "
        )
        path = self._path
        if path is not None and path.is_file():
            return text + (
                f"Resume from the checkpoint {path}: run the same command again, "
                "or launch with torchrun --max-restarts N to restart by itself"
            )
        if path is not None:
            return text + (
                f"No checkpoint was written yet ({path}); the next run starts over"
            )
        return text + (
            "No checkpoint to resume from: pass checkpoint_dir (--checkpoint-dir) "
            "to keep one"
        )

    # ----------------------------------------------------------------- pieces
    def _begin(self, model: nn.Module, graph: Any, *args: Any) -> _Run:
        call, self._calls = self._calls, self._calls + 1
        self._path = (
            None
            if self.checkpoint_dir is None
            else checkpoint_path(self.checkpoint_dir, call)
        )
        world = context.world_size()
        if world > 1 and torch.cuda.is_available() and dist.get_backend() == "nccl":
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", context.rank())))
        run = super()._begin(model, graph, *args)
        run.seed = run.loader.seed
        if world > 1:
            device_ids = [run.device] if run.device.type == "cuda" else None
            run.net = nn.parallel.DistributedDataParallel(
                run.model, device_ids=device_ids
            )
            run.best_state = copy.deepcopy(run.model.state_dict())
            if context.rank() > 0:
                torch.manual_seed(run.seed + context.rank())
        if self._path is not None:
            self._resume(run)
        return run

    def _loader(
        self,
        graph: Any,
        train: Tensor,
        target: Tensor,
        seed: int | None,
        x: Tensor | None = None,
    ) -> NeighborLoader:
        if seed is None:  # the draw NeighborLoader would make
            seed = int(torch.randint(0, 2**62, (1,)))
        world = context.world_size()
        if world == 1:
            return super()._loader(graph, train, target, seed, x)
        box = [seed]
        dist.broadcast_object_list(box, src=0)
        return _ShardLoader(
            graph,
            self.fanouts,
            train,
            batch_size=self.batch_size,
            shuffle=True,
            replace=self.replace,
            seed=int(box[0]),
            prefetch=self.prefetch,
            y=target,
            x=x,
            rank=context.rank(),
            world=world,
        )

    def _comm_device(self, run: _Run) -> torch.device:
        return run.device if dist.get_backend() == "nccl" else torch.device("cpu")

    def _train_step(self, run: _Run, batch: Any) -> float:
        loss = super()._train_step(run, batch)
        _test_hook(run.epoch)
        return loss

    def _score(self, run: _Run, logits: Tensor) -> tuple[float, float]:
        world = context.world_size()
        if world == 1:
            return super()._score(run, logits)
        y, va = run.graph.y, run.masks[1]
        mine = va.nonzero().view(-1)[context.rank() :: world]
        z, t = logits[mine], y[mine].to(logits.device)
        sums = torch.tensor(
            [
                float((z.argmax(-1) == t).sum()),
                float(F.cross_entropy(z, t, reduction="sum")) if len(mine) else 0.0,
                float(len(mine)),
            ],
            dtype=torch.float64,
            device=self._comm_device(run),
        )
        dist.all_reduce(sums)
        correct, loss, count = sums.tolist()
        if count == 0:  # an empty validation mask, as accuracy() scores it
            return float("nan"), float("nan")
        return 100.0 * correct / count, -loss / count

    def _progress(self) -> bool:
        return self.progress and context.is_main()

    def _fit(self, run: _Run) -> None:
        if not run.stopped:
            super()._fit(run)

    def _after_epoch(self, run: _Run) -> None:
        if self._path is None:
            return
        done = run.epoch + 1
        if done % self.checkpoint_every and not run.stopped and done != self.epochs:
            return
        rng = {"cpu": torch.get_rng_state()}
        if torch.cuda.is_available():
            rng["cuda"] = torch.cuda.get_rng_state()
        states = [rng]
        if context.world_size() > 1:
            states = [None] * context.world_size()
            dist.all_gather_object(states, rng)
        if context.is_main():
            save_checkpoint(
                self._path,
                {
                    "fingerprint": self._fingerprint(run),
                    "world_size": context.world_size(),
                    "epoch": run.epoch,
                    "stopped": run.stopped,
                    "model": run.model.state_dict(),
                    "optimizer": run.opt.state_dict(),
                    "best": list(run.best),
                    "best_state": run.best_state,
                    "best_epoch": run.best_epoch,
                    "since": run.since,
                    "rng": states,
                },
            )

    def _fingerprint(self, run: _Run) -> dict[str, Any]:
        tr = run.masks[0].nonzero().view(-1).cpu()
        shapes = [f"{k}:{tuple(v.shape)}" for k, v in run.model.state_dict().items()]
        return {
            "model": hashlib.sha256("|".join(shapes).encode()).hexdigest()[:16],
            "batch_size": self.batch_size,
            "fanouts": list(self.fanouts),
            "lr": self.lr,
            "weight_decay": self.weight_decay,
            "patience": self.patience,
            "eval_every": self.eval_every,
            "replace": self.replace,
            "seed": run.seed,
            "num_nodes": int(run.graph.num_nodes),
            "train": _digest(tr, run.target.cpu()[tr]),
        }

    def _resume(self, run: _Run) -> None:
        assert self._path is not None
        state: Any = None
        if context.is_main():
            try:
                state = load_checkpoint(self._path, self._fingerprint(run))
            except ValueError as e:
                state = {"error": str(e)}
        if context.world_size() > 1:
            box = [state]
            dist.broadcast_object_list(box, src=0)
            state = box[0]
        if state is None:
            return
        if "error" in state:
            raise ValueError(state["error"])
        run.model.load_state_dict(state["model"])
        run.opt.load_state_dict(state["optimizer"])
        run.best = tuple(state["best"])
        run.best_state = state["best_state"]
        run.best_epoch = int(state["best_epoch"])
        run.since = int(state["since"])
        run.epoch = int(state["epoch"])
        run.start = run.epoch + 1
        run.stopped = bool(state["stopped"])
        rng = state["rng"]
        same = len(rng) == context.world_size()
        if same:
            torch.set_rng_state(rng[context.rank()]["cpu"])
            if "cuda" in rng[context.rank()] and torch.cuda.is_available():
                torch.cuda.set_rng_state(rng[context.rank()]["cuda"])
        if context.is_main():
            what = (
                "finished"
                if run.stopped or run.start >= self.epochs
                else f"continuing at epoch {run.start + 1} of {self.epochs}"
            )
            log.info(
                "resumed from checkpoint %s: %d epochs done, %s%s",
                self._path,
                run.start,
                what,
                "" if same else f" ({len(rng)} ranks wrote it: RNG not restored)",
            )

    def _end(self, run: _Run) -> FitResult:
        if context.world_size() > 1:
            if run.masks[1] is not None:
                run.model.load_state_dict(run.best_state)
            logits = run.best_logits
            if logits is None:
                logits = self._infer(run.model, run.graph, run.kind, run.device)
            logits = logits.to(self._comm_device(run)).contiguous()
            dist.broadcast(logits, src=0)
            run.best_logits = logits.cpu()
        return super()._end(run)
