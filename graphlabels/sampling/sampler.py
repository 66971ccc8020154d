"""Vectorised neighbour sampling on a CSR (GraphSAGE / PyG ``NeighborLoader``).

Every step runs as whole-tensor torch operations over all nodes of a hop; no Python
loop visits nodes. Per hop:

- rows with at most ``fanout`` in-neighbours (without replacement) keep them all;
- larger rows draw ``fanout`` distinct positions with Floyd's algorithm, run for
  all rows at once (``fanout`` vector steps, each checking the draws so far), so
  the work is ``O(rows * fanout^2)`` whatever the degrees;
- with replacement, ``fanout`` uniform positions per row;
- weighted sampling draws proportionally to the edge weights: with replacement
  by inverse-CDF search, without by Efraimidis-Spirakis keys and a segmented
  top-k (a sort by key, then a stable sort by row).

New nodes are numbered (in id order) with a node-id map sized ``num_nodes``, kept
per thread and reset after each batch; their distinct ids come from a bool mark
buffer read back with ``nonzero`` when they are many, else from ``torch.unique``.
The id map is int32 when the ids fit (half the bytes: its random reads hit the
cache far more often). With several intra-op threads, the 1-D gathers (torch runs
``index_select`` of a 1-D tensor on one thread), the ``nonzero`` over the mark
buffer and large uniform draws are split into slices run in a small thread pool;
the slices of the draws depend on their size only, so a seed gives the same batch
on any number of threads. The graph may live in memory-mapped arrays (see
:mod:`graphlabels.data.ondisk`): only the rows and edges a batch touches are read.
"""

from __future__ import annotations

import functools
import math
import threading
import warnings
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import torch
from torch import Tensor

from graphlabels.ops import CSR
from graphlabels.sampling.blocks import Block, MiniBatch

__all__ = ["NeighborSampler", "full_degrees"]

#: Edges per chunk when a full-graph statistic is computed over a large graph.
_CHUNK_EDGES = 1 << 23


def _as_index(t: Any, name: str) -> Tensor:
    if not isinstance(t, Tensor):
        with warnings.catch_warnings():  # read-only memory maps: we never write
            warnings.simplefilter("ignore", UserWarning)
            t = torch.from_numpy(t) if hasattr(t, "__array__") else torch.as_tensor(t)
    if t.dtype not in (torch.int64, torch.int32) or t.dim() != 1:
        raise TypeError(
            f"{name} must be a 1-D int64 or int32 array, got {t.dtype} with shape "
            f"{list(t.shape)}"
        )
    return t


def full_degrees(
    rowptr: Tensor, col: Tensor, value: Tensor | None = None
) -> tuple[Tensor, Tensor]:
    """In-degree and GCN degree of every node of a (possibly memory-mapped) CSR.

    Args:
        rowptr: ``[N + 1]`` row offsets (row ``i`` = in-edges of ``i``).
        col: ``[E]`` source of each edge.
        value: optional ``[E]`` edge weights.

    Returns:
        ``(in_degree, gcn_degree)``: ``[N]`` int64 entry counts, and ``[N]`` float
        weighted degrees of :math:`A + I` with self loops replaced by one loop
        (weight 1, or the last existing loop's weight), as PyG's ``gcn_norm``.
        The edges are read in chunks, so memory stays ``O(N + chunk)``.
    """
    n = rowptr.numel() - 1
    ptr = rowptr.long()
    in_degree = ptr.diff()
    wsum = torch.zeros(n, dtype=torch.float64)
    loop_w = torch.ones(n, dtype=torch.float64)
    nnz = int(ptr[-1])
    # rows in chunks of about _CHUNK_EDGES edges
    bounds = torch.searchsorted(ptr, torch.arange(0, nnz, _CHUNK_EDGES)).tolist()
    bounds = sorted(set([0, *[min(b, n) for b in bounds], n]))
    for r0, r1 in zip(bounds[:-1], bounds[1:], strict=True):
        a, b = int(ptr[r0]), int(ptr[r1])
        if b == a:
            continue
        c = col[a:b].long()
        row = torch.repeat_interleave(
            torch.arange(r0, r1), in_degree[r0:r1], output_size=b - a
        )
        w = (
            torch.ones(b - a, dtype=torch.float64)
            if value is None
            else value[a:b].double()
        )
        loop = c == row
        wsum.index_add_(0, row[~loop], w[~loop])
        if bool(loop.any()):
            loop_w[row[loop]] = w[loop]  # the last loop of each row wins
    return in_degree, (wsum + loop_w).float()


class NeighborSampler:
    """Sample a fixed number of in-neighbours per node and hop.

    Args:
        graph: a :class:`~graphlabels.graph.Graph`, an on-disk graph (anything
            with ``csr()``), or a :class:`~graphlabels.ops.CSR` whose row ``i``
            holds the in-neighbours of ``i``.
        num_neighbors: fanout per hop, as PyG's ``num_neighbors``:
            ``num_neighbors[0]`` in-neighbours of each seed, then
            ``num_neighbors[1]`` of each node reached, and so on; ``-1`` takes all
            in-neighbours. One entry per GNN layer (DGL's
            ``NeighborSampler(fanouts)`` lists the same numbers in reverse,
            input layer first).
        replace: sample with replacement (default: ``False``).
        weighted: sample proportionally to the edge weights (default: ``False``).

    Example:
        >>> from graphlabels.graph import Graph
        >>> graph = Graph(torch.randint(0, 100, (2, 1000)), 100)
        >>> sampler = NeighborSampler(graph, [10, 5])
        >>> batch = sampler.sample(torch.arange(64), torch.Generator().manual_seed(0))
        >>> [b.num_dst for b in batch.blocks][-1]
        64
    """

    def __init__(
        self,
        graph: Any,
        num_neighbors: Sequence[int],
        *,
        replace: bool = False,
        weighted: bool = False,
    ) -> None:
        fan = [int(k) for k in num_neighbors]
        if not fan:
            raise ValueError("num_neighbors needs one fanout per layer, got []")
        bad = [k for k in fan if k == 0 or k < -1]
        if bad:
            raise ValueError(
                f"fanouts must be positive or -1 (all neighbours), got {fan}"
            )
        csr = graph if isinstance(graph, CSR) else graph.csr()
        self.rowptr = _as_index(csr.rowptr, "rowptr")
        self.col = _as_index(csr.col, "col")
        self.value = csr.value
        if self.rowptr.numel() - 1 != csr.num_cols:
            raise ValueError(
                f"the graph's CSR must be square, got {csr.num_rows}x{csr.num_cols}"
            )
        if weighted and self.value is None:
            raise ValueError(
                "weighted=True needs edge weights: the graph has none (pass "
                "edge_weight to the Graph, or use weighted=False)"
            )
        if weighted and self.value is not None and bool((self.value < 0).any()):
            raise ValueError("weighted sampling needs non-negative edge weights")
        self.num_nodes = self.rowptr.numel() - 1
        self.num_neighbors = fan
        self.replace = bool(replace)
        self.weighted = bool(weighted)
        self._local = threading.local()
        self._deg: tuple[Tensor, Tensor] | None = None
        self._deg_lock = threading.Lock()

    # ------------------------------------------------------------------ helpers
    def degrees(self) -> tuple[Tensor, Tensor]:
        """``(in_degree, gcn_degree)`` of the full graph (computed once)."""
        if self._deg is None:
            with self._deg_lock:
                if self._deg is None:
                    self._deg = full_degrees(self.rowptr, self.col, self.value)
        return self._deg

    def _id_map(self) -> Tensor:
        # int32 when the ids fit (3x faster gathers than int64 at products size)
        m = getattr(self._local, "map", None)
        if m is None:
            dtype = torch.int32 if self.num_nodes < 2**31 else torch.long
            m = torch.full((self.num_nodes,), -1, dtype=dtype)
            self._local.map = m
        return m

    def _new_nodes(self, ids: Tensor, nodes: Tensor, id_map: Tensor) -> Tensor:
        """Sorted distinct values of ``ids`` that are not among ``nodes``.

        Many ids (more than ``num_nodes / 64``): mark them in a per-thread bool
        buffer sized ``num_nodes``, unmark ``nodes``, and read the marks back with
        ``nonzero`` (O(num_nodes), no sort, about twice as fast as ``torch.unique``
        at products scale), one slice of the buffer per thread; few ids:
        ``torch.unique`` and the id map.
        """
        if ids.numel() * 64 <= self.num_nodes:
            uniq = torch.unique(ids)
            return uniq[id_map.index_select(0, uniq) < 0]
        mark = getattr(self._local, "mark", None)
        if mark is None:
            mark = torch.zeros(self.num_nodes, dtype=torch.bool)
            self._local.mark = mark
        mark.index_fill_(0, ids, True)
        mark.index_fill_(0, nodes, False)
        out = _nonzero(mark)
        mark.index_fill_(0, out, False)
        return out

    def _check_seeds(self, seeds: Tensor) -> Tensor:
        seeds = torch.as_tensor(seeds)
        if seeds.dtype == torch.bool:
            if seeds.numel() != self.num_nodes:
                raise ValueError(
                    f"seed mask has {seeds.numel()} entries but the graph has "
                    f"{self.num_nodes} nodes: pass a mask of length num_nodes"
                )
            seeds = seeds.nonzero().view(-1)
        if seeds.dim() != 1 or seeds.is_floating_point():
            raise TypeError(
                f"seeds must be a 1-D tensor of node ids, got {seeds.dtype} with "
                f"shape {list(seeds.shape)}"
            )
        seeds = seeds.long().cpu()
        if seeds.numel() and (
            int(seeds.min()) < 0 or int(seeds.max()) >= self.num_nodes
        ):
            raise ValueError(
                f"seed ids must be in [0, {self.num_nodes}), got "
                f"{int(seeds.min())}..{int(seeds.max())}"
            )
        if torch.unique(seeds).numel() != seeds.numel():
            raise ValueError("seeds contain duplicates: pass each node once")
        return seeds

    # ----------------------------------------------------------------- sampling
    def _positions(
        self, start: Tensor, deg: Tensor, k: int, g: torch.Generator | None
    ) -> tuple[Tensor, Tensor]:
        """Sampled CSR positions of each row and the number per row.

        Returns ``(pos, count)``: ``pos`` lists the positions row after row.
        """
        R = deg.numel()
        if k < 0:
            count = deg
        elif self.replace:
            count = torch.where(deg > 0, k, 0)
        else:
            count = deg.clamp(max=k)
        out_ptr = torch.zeros(R + 1, dtype=torch.long)
        torch.cumsum(count, 0, out=out_ptr[1:])
        total = int(out_ptr[-1])
        pos = torch.empty(total, dtype=torch.long)
        if total == 0:
            return pos, count
        # every row's first ``count`` positions: whole rows are done, and the
        # sampled rows are overwritten below
        seg = torch.repeat_interleave(torch.arange(R), count, output_size=total)
        torch.add(_take(start - out_ptr[:-1], seg), torch.arange(total), out=pos)
        if k < 0:
            return pos, count
        pick = deg > 0 if self.replace else deg > k
        pick_rows = pick.nonzero().view(-1)
        if pick_rows.numel() == 0:
            return pos, count
        s, d = start[pick_rows], deg[pick_rows]
        base = out_ptr[pick_rows]
        if self.weighted:
            picked = self._weighted(s, d, k, g)
        elif self.replace:
            u = _uniform((pick_rows.numel(), k), g)
            off = (u * d.unsqueeze(1)).long().clamp_(max=(d - 1).unsqueeze(1))
            picked = s.unsqueeze(1) + off
        else:
            picked = s.unsqueeze(1) + _floyd(d, k, g)
        idx = base.unsqueeze(1) + torch.arange(k)
        pos[idx.view(-1)] = picked.reshape(-1)
        return pos, count

    def _weighted(
        self, s: Tensor, d: Tensor, k: int, g: torch.Generator | None
    ) -> Tensor:
        """``[R, k]`` positions drawn proportionally to the edge weights."""
        R = d.numel()
        n = int(d.sum())
        seg = torch.repeat_interleave(torch.arange(R), d, output_size=n)
        first = torch.cumsum(d, 0) - d
        epos = s[seg] + (torch.arange(n) - first[seg])
        w = self.value.index_select(0, epos).double()
        if self.replace:
            cum = torch.cumsum(w, 0)
            before = torch.cat([cum.new_zeros(1), cum])[first]
            tot = cum[first + d - 1] - before
            u = _uniform((R, k), g)
            target = before.unsqueeze(1) + u * tot.unsqueeze(1)
            hit = torch.searchsorted(cum, target.view(-1), right=True).view(R, k)
            # keep each draw inside its row (rounding at the segment ends)
            lo, hi = first.unsqueeze(1), (first + d - 1).unsqueeze(1)
            hit = torch.minimum(torch.maximum(hit, lo), hi)
            return epos[hit]
        u = _uniform((n,), g).clamp_(min=1e-300)
        key = u.log() / w  # Efraimidis-Spirakis: the k largest of u^(1/w)
        order = torch.argsort(key, descending=True)
        order = order[torch.argsort(seg[order], stable=True)]
        rank = torch.arange(n) - first[seg[order]]
        keep = rank < k
        return epos[order[keep]].view(R, k)

    def sample(
        self, seeds: Tensor, generator: torch.Generator | None = None
    ) -> MiniBatch:
        """Sample the computation graph of ``seeds``.

        Args:
            seeds: 1-D node ids (or a bool mask), each at most once.
            generator: a CPU ``torch.Generator`` for reproducible draws (default:
                torch's global generator).

        Returns:
            A :class:`MiniBatch` (without features) whose ``blocks`` list the
            hops input layer first and whose ``n_id`` starts with ``seeds``.
        """
        seeds = self._check_seeds(seeds)
        id_map = self._id_map()
        nodes = seeds
        id_map.index_copy_(0, nodes, torch.arange(nodes.numel(), dtype=id_map.dtype))
        blocks: list[Block] = []
        sizes = [nodes.numel()]
        try:
            for k in self.num_neighbors:
                lo = _take(self.rowptr, nodes).long()
                hi = _take(self.rowptr, nodes + 1).long()
                pos, count = self._positions(lo, hi - lo, k, generator)
                nbr = _take(self.col, pos).long()
                uniq = self._new_nodes(nbr, nodes, id_map)
                if uniq.numel():
                    base = nodes.numel()
                    ids = torch.arange(base, base + uniq.numel(), dtype=id_map.dtype)
                    id_map.index_copy_(0, uniq, ids)
                    nodes = torch.cat([nodes, uniq])
                local = _take(id_map, nbr).long()
                rowptr = torch.zeros(count.numel() + 1, dtype=torch.long)
                torch.cumsum(count, 0, out=rowptr[1:])
                value = None if self.value is None else _take(self.value, pos)
                blocks.append(
                    Block(rowptr, local, value, nodes.numel(), nodes, pos, self.degrees)
                )
                sizes.append(nodes.numel())
        finally:
            id_map.index_fill_(0, nodes, -1)
        blocks.reverse()
        return MiniBatch(nodes, int(seeds.numel()), blocks, hop_sizes=sizes)

    def full_block(self, nodes: Tensor) -> Block:
        """A block with *all* in-neighbours of ``nodes`` (for layer-wise inference)."""
        nodes = self._check_seeds(nodes)
        saved = self.num_neighbors, self.replace, self.weighted
        try:
            self.num_neighbors, self.replace, self.weighted = [-1], False, False
            return self.sample(nodes).blocks[0]
        finally:
            self.num_neighbors, self.replace, self.weighted = saved

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(num_neighbors={self.num_neighbors}, "
            f"replace={self.replace}, weighted={self.weighted})"
        )


#: Below this many elements an operation is not split across threads.
_SPLIT_MIN = 1 << 16


def _slices(n: int, fn: Callable[[int, int], Any]) -> list[Any]:
    """``fn(a, b)`` for ``[0, n)`` cut into one slice per intra-op thread, in order.

    The slices run in a small thread pool (torch releases the GIL in its ops).
    """
    parts = torch.get_num_threads()
    bounds = [n * i // parts for i in range(parts + 1)]
    return list(_pool(parts).map(fn, bounds[:-1], bounds[1:]))


def _take(src: Tensor, index: Tensor) -> Tensor:
    """``src.index_select(0, index)`` of a 1-D ``src``, a slice of ``index`` per thread.

    torch's ``index_select`` of a 1-D tensor runs on one thread on CPU, and these
    random reads are bound by memory latency, which a second thread hides.
    """
    n = index.numel()
    if torch.get_num_threads() == 1 or n < _SPLIT_MIN:
        return src.index_select(0, index)
    out = torch.empty(n, dtype=src.dtype)
    _slices(n, lambda a, b: torch.index_select(src, 0, index[a:b], out=out[a:b]))
    return out


def _nonzero(mask: Tensor) -> Tensor:
    """``mask.nonzero().view(-1)``, one slice per intra-op thread.

    torch's ``nonzero`` runs on one thread on CPU; the slices' results are
    concatenated in order, so the output does not depend on the thread count.
    """
    n = mask.numel()
    if torch.get_num_threads() == 1 or n < (1 << 20):
        return mask.nonzero().view(-1)
    return torch.cat(_slices(n, lambda a, b: mask[a:b].nonzero().view(-1).add_(a)))


@functools.cache
def _pool(workers: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(workers, "graphlabels-sampler")


def _floyd(deg: Tensor, k: int, g: torch.Generator | None) -> Tensor:
    """``[R, k]`` distinct offsets in ``[0, deg_r)`` per row (Floyd's algorithm).

    Needs ``deg > k`` everywhere. Step ``s`` draws ``t`` uniform in ``[0, j]`` with
    ``j = deg - k + s`` and keeps ``t``, or ``j`` when ``t`` was drawn before;
    every ``k``-subset is equally likely.
    """
    R = deg.numel()
    out = torch.empty(R, k, dtype=torch.long)
    u = _uniform((R, k), g)
    for s in range(k):
        j = deg - k + s
        t = (u[:, s] * (j + 1)).long().clamp_(max=j)
        if s:
            seen = (out[:, :s] == t.unsqueeze(1)).any(1)
            t = torch.where(seen, j, t)
        out[:, s] = t
    return out


#: Draws per generator when a large batch of uniforms is drawn in parts.
_RAND_PART = 1 << 17


def _uniform(shape: tuple[int, ...], g: torch.Generator | None) -> Tensor:
    """Uniform float64 draws in ``[0, 1)``, in parts of :data:`_RAND_PART`.

    torch draws from one generator on one thread. Above one part, each part gets
    its own generator seeded from ``g``, and the parts are filled by the intra-op
    threads; the parts depend on the size only, so the draws do not depend on the
    thread count.
    """
    n = math.prod(shape)
    if n <= _RAND_PART:
        return torch.rand(shape, generator=g, dtype=torch.float64)
    out = torch.empty(n, dtype=torch.float64)
    parts = -(-n // _RAND_PART)
    seeds = torch.randint(0, 2**62, (parts,), generator=g).tolist()

    def fill(i: int) -> None:
        gen = torch.Generator().manual_seed(seeds[i])
        out[i * _RAND_PART : (i + 1) * _RAND_PART].uniform_(generator=gen)

    threads = torch.get_num_threads()
    if threads == 1:
        for i in range(parts):
            fill(i)
    else:
        list(_pool(threads).map(fill, range(parts)))
    return out.view(shape)
