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
The graph may live in memory-mapped arrays (see :mod:`graphlabels.data.ondisk`):
only the rows and edges a batch touches are read.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Sequence
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
        m = getattr(self._local, "map", None)
        if m is None:
            m = torch.full((self.num_nodes,), -1, dtype=torch.long)
            self._local.map = m
        return m

    def _unique(self, ids: Tensor) -> Tensor:
        """Sorted distinct values of ``ids``.

        Many ids (more than ``num_nodes / 64``): mark them in a per-thread bool
        buffer sized ``num_nodes`` and read the marks back with ``nonzero``
        (O(num_nodes), no sort, about twice as fast as ``torch.unique`` at
        products scale); few ids: ``torch.unique``.
        """
        if ids.numel() * 64 <= self.num_nodes:
            return torch.unique(ids)
        mark = getattr(self._local, "mark", None)
        if mark is None:
            mark = torch.zeros(self.num_nodes, dtype=torch.bool)
            self._local.mark = mark
        mark[ids] = True
        out = mark.nonzero().view(-1)
        mark[out] = False
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
        if k < 0:
            take, pick = torch.ones(R, dtype=torch.bool), None
        elif self.replace:
            take, pick = None, deg > 0
        else:
            take, pick = deg <= k, deg > k
        pick_rows = (
            torch.empty(0, dtype=torch.long)
            if pick is None
            else pick.nonzero().view(-1)
        )
        if take is not None:
            rows = take.nonzero().view(-1)
            if rows.numel():
                d = deg[rows]
                n = int(d.sum())
                seg = torch.repeat_interleave(
                    torch.arange(rows.numel()), d, output_size=n
                )
                first = torch.cumsum(d, 0) - d
                within = torch.arange(n) - first[seg]
                pos[out_ptr[rows][seg] + within] = start[rows][seg] + within
        if pick_rows.numel() == 0:
            return pos, count
        s, d = start[pick_rows], deg[pick_rows]
        base = out_ptr[pick_rows]
        if self.weighted:
            picked = self._weighted(s, d, k, g)
        elif self.replace:
            u = torch.rand(pick_rows.numel(), k, generator=g, dtype=torch.float64)
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
            u = torch.rand(R, k, generator=g, dtype=torch.float64)
            target = before.unsqueeze(1) + u * tot.unsqueeze(1)
            hit = torch.searchsorted(cum, target.view(-1), right=True).view(R, k)
            # keep each draw inside its row (rounding at the segment ends)
            lo, hi = first.unsqueeze(1), (first + d - 1).unsqueeze(1)
            hit = torch.minimum(torch.maximum(hit, lo), hi)
            return epos[hit]
        u = torch.rand(n, generator=g, dtype=torch.float64).clamp_(min=1e-300)
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
        id_map[nodes] = torch.arange(nodes.numel())
        blocks: list[Block] = []
        sizes = [nodes.numel()]
        try:
            for k in self.num_neighbors:
                lo = self.rowptr.index_select(0, nodes).long()
                hi = self.rowptr.index_select(0, nodes + 1).long()
                pos, count = self._positions(lo, hi - lo, k, generator)
                nbr = self.col.index_select(0, pos).long()
                local = id_map.index_select(0, nbr)
                miss = local < 0
                new = nbr[miss]
                if new.numel():
                    uniq = self._unique(new)
                    base = nodes.numel()
                    id_map[uniq] = torch.arange(base, base + uniq.numel())
                    nodes = torch.cat([nodes, uniq])
                    local[miss] = id_map.index_select(0, new)
                rowptr = torch.zeros(count.numel() + 1, dtype=torch.long)
                torch.cumsum(count, 0, out=rowptr[1:])
                value = None if self.value is None else self.value.index_select(0, pos)
                blocks.append(
                    Block(rowptr, local, value, nodes.numel(), nodes, pos, self.degrees)
                )
                sizes.append(nodes.numel())
        finally:
            id_map[nodes] = -1
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


def _floyd(deg: Tensor, k: int, g: torch.Generator | None) -> Tensor:
    """``[R, k]`` distinct offsets in ``[0, deg_r)`` per row (Floyd's algorithm).

    Needs ``deg > k`` everywhere. Step ``s`` draws ``t`` uniform in ``[0, j]`` with
    ``j = deg - k + s`` and keeps ``t``, or ``j`` when ``t`` was drawn before;
    every ``k``-subset is equally likely.
    """
    R = deg.numel()
    out = torch.empty(R, k, dtype=torch.long)
    u = torch.rand(R, k, generator=g, dtype=torch.float64)
    for s in range(k):
        j = deg - k + s
        t = (u[:, s] * (j + 1)).long().clamp_(max=j)
        if s:
            seen = (out[:, :s] == t.unsqueeze(1)).any(1)
            t = torch.where(seen, j, t)
        out[:, s] = t
    return out
