"""Mini-batches of sampled computation graphs over a set of seed nodes.

:class:`NeighborLoader` shuffles the seed nodes each epoch, samples each batch with
:class:`~graphlabels.sampling.NeighborSampler`, gathers the features of all its
nodes (upcast to float32 per batch, so memory-mapped float16/bfloat16 features stay
on disk) and the seeds' labels, and can prepare the next batches in a background
thread while the model trains on the current one. Every batch is drawn from its own
generator seeded by ``(seed, epoch, batch)``, so the batches do not depend on thread
timing.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import torch
from torch import Tensor

from graphlabels.ops.linear import select_rows
from graphlabels.sampling.blocks import MiniBatch
from graphlabels.sampling.sampler import NeighborSampler

__all__ = ["NeighborLoader", "gather_features"]

_DONE = object()


def gather_features(x: Tensor, n_id: Tensor, dtype: torch.dtype = torch.float32):
    """Rows ``n_id`` of ``x`` (in memory, memory-mapped or sparse CSR) as ``dtype``.

    A sparse CSR ``x`` (bag-of-words features, :meth:`Graph.sparse_x`) gives a
    sparse CSR batch, which models with ``sparse_input`` multiply directly.
    """
    out = select_rows(x, n_id)
    if out.layout == torch.sparse_csr:
        if out.dtype == dtype:
            return out
        return torch.sparse_csr_tensor(
            out.crow_indices(), out.col_indices(), out.values().to(dtype), out.shape,
            check_invariants=False,
        )  # fmt: skip
    return out.to(dtype)


class NeighborLoader:
    """Iterate over sampled mini-batches of ``input_nodes``.

    Args:
        graph: a :class:`~graphlabels.graph.Graph` or an on-disk graph (with
            ``csr()``, ``x`` and ``y``).
        num_neighbors: fanout per hop, seeds' hop first (PyG's
            ``num_neighbors``); see :class:`~graphlabels.sampling.NeighborSampler`.
        input_nodes: seed nodes, as ids or a bool mask (default: all nodes).
        batch_size: seeds per batch (default: ``1024``).
        shuffle: shuffle the seeds each epoch (default: ``True``).
        drop_last: drop the last incomplete batch (default: ``False``).
        replace: sample with replacement (default: ``False``).
        weighted: sample proportionally to edge weights (default: ``False``).
        seed: seed of the shuffling and sampling generators; ``None`` draws one
            from torch's global generator (default: ``None``).
        prefetch: batches prepared ahead in a background thread; ``0`` samples in
            the caller's thread (default: ``2``).
        y: labels to attach instead of ``graph.y`` (default: ``None``).
        features: gather ``x`` for each batch (default: ``True``).
        x: the features to gather instead of ``graph.x``, e.g. the sparse CSR
            :meth:`Graph.sparse_x` for a model with ``sparse_input``
            (default: ``None``).

    Example:
        >>> import torch
        >>> from graphlabels.graph import Graph
        >>> from graphlabels.nn import SAGE
        >>> graph = Graph(torch.randint(0, 100, (2, 1000)), 100, x=torch.randn(100, 8),
        ...               y=torch.arange(100) % 3, train_mask=torch.arange(100) < 50)
        >>> model = SAGE(8, 3)
        >>> loader = NeighborLoader(graph, [10, 10], graph.train_mask, batch_size=16)
        >>> for batch in loader:
        ...     out = model(batch.x, batch.blocks)  # [batch.batch_size, C]
        >>> out.shape[1]
        3
    """

    def __init__(
        self,
        graph: Any,
        num_neighbors: Sequence[int],
        input_nodes: Tensor | None = None,
        *,
        batch_size: int = 1024,
        shuffle: bool = True,
        drop_last: bool = False,
        replace: bool = False,
        weighted: bool = False,
        seed: int | None = None,
        prefetch: int = 2,
        y: Tensor | None = None,
        features: bool = True,
        x: Tensor | None = None,
    ) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {batch_size}")
        if prefetch < 0:
            raise ValueError(f"prefetch must be >= 0, got {prefetch}")
        self.graph = graph
        self.sampler = NeighborSampler(
            graph, num_neighbors, replace=replace, weighted=weighted
        )
        n = self.sampler.num_nodes
        if input_nodes is None:
            input_nodes = torch.arange(n)
        self.input_nodes = self.sampler._check_seeds(input_nodes)
        if self.input_nodes.numel() == 0:
            raise ValueError("input_nodes is empty: pass at least one seed node")
        if x is not None and x.size(0) != self.sampler.num_nodes:
            raise ValueError(
                f"x has {x.size(0)} rows for a graph of {self.sampler.num_nodes} nodes"
            )
        if features and x is None and getattr(graph, "x", None) is None:
            raise ValueError(
                "the graph has no features x: pass features=False to sample "
                "structure only"
            )
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.drop_last = drop_last
        self.prefetch = int(prefetch)
        self.features = features
        self.x = getattr(graph, "x", None) if x is None else x
        self.y = getattr(graph, "y", None) if y is None else torch.as_tensor(y)
        if seed is None:
            seed = int(torch.randint(0, 2**62, (1,)))
        self.seed = int(seed)
        self.epoch = 0

    def __len__(self) -> int:
        n = self.input_nodes.numel()
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def set_epoch(self, epoch: int) -> None:
        """Use the shuffle and draws of ``epoch`` for the next iteration."""
        self.epoch = int(epoch)

    def _generator(self, *keys: int) -> torch.Generator:
        h = self.seed
        for k in keys:  # a simple 64-bit mix of the keys
            h = (h * 6364136223846793005 + k + 1442695040888963407) % 2**63
        return torch.Generator().manual_seed(h)

    def _chunks(self, epoch: int) -> list[Tensor]:
        nodes = self.input_nodes
        if self.shuffle:
            perm = torch.randperm(nodes.numel(), generator=self._generator(epoch))
            nodes = nodes[perm]
        chunks = list(torch.split(nodes, self.batch_size))
        if self.drop_last and chunks and chunks[-1].numel() < self.batch_size:
            chunks.pop()
        return chunks

    def make_batch(self, seeds: Tensor, generator: torch.Generator) -> MiniBatch:
        """Sample one batch for ``seeds`` and attach its features and labels."""
        batch = self.sampler.sample(seeds, generator)
        if self.features:
            batch.x = gather_features(self.x, batch.n_id)
        if self.y is not None:
            batch.y = self.y.index_select(0, batch.seeds.to(self.y.device)).long()
        return batch

    def __iter__(self) -> Iterator[MiniBatch]:
        epoch = self.epoch
        self.epoch += 1
        chunks = self._chunks(epoch)
        jobs = [(s, self._generator(epoch, i + 1)) for i, s in enumerate(chunks)]
        if self.prefetch == 0:
            for seeds, g in jobs:
                yield self.make_batch(seeds, g)
            return
        yield from self._threaded(jobs)

    def _threaded(self, jobs: list) -> Iterator[MiniBatch]:
        q: queue.Queue = queue.Queue(maxsize=self.prefetch)
        stop = threading.Event()

        def work() -> None:
            try:
                for seeds, g in jobs:
                    if stop.is_set():
                        return
                    q.put(self.make_batch(seeds, g))
                q.put(_DONE)
            except BaseException as e:  # handed to the consumer
                q.put(e)

        t = threading.Thread(target=work, daemon=True, name="graphlabels-sampler")
        t.start()
        try:
            while True:
                item = q.get()
                if item is _DONE:
                    break
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            stop.set()
            while t.is_alive():  # unblock a producer waiting on a full queue
                try:
                    q.get_nowait()
                except queue.Empty:
                    t.join(timeout=0.01)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(num_seeds={self.input_nodes.numel()}, "
            f"batch_size={self.batch_size}, "
            f"num_neighbors={self.sampler.num_neighbors})"
        )
