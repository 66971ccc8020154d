"""Sampled computation graphs: per-hop bipartite :class:`Block` s and a batch.

A :class:`Block` is a :class:`graphlabels.ops.CSR` whose ``num_rows`` destination
nodes are the first ``num_rows`` of its ``num_cols`` source nodes (DGL's "blocks").
The layers of :mod:`graphlabels.nn` consume it directly: ``layer(x_src, block)``
returns ``[num_rows, F]``. A :class:`MiniBatch` holds one block per layer (input
layer first), the global ids ``n_id`` of all nodes it touches (seeds first), their
features and the seeds' labels, and a PyG-style view (``edge_index``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import torch
from torch import Tensor

from graphlabels.ops import CSR

__all__ = ["Block", "MiniBatch"]


class Block(CSR):
    """One hop of a sampled computation graph, as a bipartite CSR.

    Row ``i`` holds the sampled in-neighbours of destination node ``i`` as local
    source ids; destination ``i`` is source ``i`` (``n_id[i]``).

    Args:
        rowptr: ``[num_dst + 1]`` row offsets.
        col: ``[nnz]`` local source id of each sampled edge.
        value: optional ``[nnz]`` edge weights (the graph's, gathered).
        num_src: number of source nodes (``>= num_dst``).
        n_id: ``[num_src]`` global id of every source node.
        e_id: optional ``[nnz]`` position of each edge in the full graph's CSR.
        degree_source: optional callable returning ``(in_degree, gcn_degree)``
            of every node of the full graph (see :attr:`in_degree`).

    Attributes:
        n_id, e_id: as above.
    """

    def __init__(
        self,
        rowptr: Tensor,
        col: Tensor,
        value: Tensor | None,
        num_src: int,
        n_id: Tensor,
        e_id: Tensor | None = None,
        degree_source: Callable[[], tuple[Tensor, Tensor]] | None = None,
    ) -> None:
        super().__init__(rowptr, col, value, num_src, check=False)
        if self.num_rows > self.num_cols:
            raise ValueError(
                f"a block has at least as many sources as destinations, got "
                f"{self.num_rows} > {self.num_cols}"
            )
        self.n_id = n_id
        self.e_id = e_id
        self._degree_source = degree_source

    @property
    def num_dst(self) -> int:
        """Number of destination nodes (``num_rows``)."""
        return self.num_rows

    @property
    def num_src(self) -> int:
        """Number of source nodes (``num_cols``)."""
        return self.num_cols

    @property
    def dst_n_id(self) -> Tensor:
        """Global ids of the destination nodes (a prefix of :attr:`n_id`)."""
        return self.n_id[: self.num_rows]

    def _degrees(self) -> tuple[Tensor, Tensor]:
        if self._degree_source is None:
            raise ValueError(
                "this block carries no full-graph degrees (GCN normalisation needs "
                "them): build blocks with graphlabels.sampling.NeighborSampler"
            )
        return self._degree_source()

    @property
    def in_degree(self) -> Tensor:
        """``[num_dst]`` in-degree of each destination in the full graph."""
        hit = self.cache.get("in_degree")
        if hit is None:
            hit = self._degrees()[0].index_select(0, self.dst_n_id.to("cpu"))
            hit = self.cache.setdefault("in_degree", hit.to(self.device))
        return hit

    @property
    def gcn_degree(self) -> Tensor:
        r"""``[num_src]`` degree :math:`\hat{d}_j` of each source in :math:`A + I`.

        As PyG's ``gcn_norm``: the weighted in-degree of the full graph with its
        self loops replaced by one loop of weight 1 (or the loop's own weight).
        """
        hit = self.cache.get("gcn_degree")
        if hit is None:
            hit = self._degrees()[1].index_select(0, self.n_id.to("cpu"))
            hit = self.cache.setdefault("gcn_degree", hit.to(self.device))
        return hit

    def to(self, device: torch.device | str) -> Block:
        """Move to ``device`` (returns ``self`` when already there)."""
        device = torch.device(device)
        if self.device == device:
            return self
        return Block(
            self.rowptr.to(device),
            self.col.to(device),
            None if self.value is None else self.value.to(device),
            self.num_cols,
            self.n_id.to(device),
            None if self.e_id is None else self.e_id.to(device),
            self._degree_source,
        )

    def __repr__(self) -> str:
        return (
            f"Block(num_dst={self.num_rows}, num_src={self.num_cols}, nnz={self.nnz})"
        )


@dataclasses.dataclass
class MiniBatch:
    """A sampled mini-batch: seeds first, one block per layer (input layer first).

    Attributes:
        n_id: ``[num_nodes]`` global ids of all nodes of the batch; the first
            ``batch_size`` are the seeds.
        batch_size: number of seed nodes.
        blocks: one :class:`Block` per layer, input layer first; ``blocks[-1]``
            has the seeds as destinations, ``blocks[0]`` has all of ``n_id`` as
            sources.
        x: ``[num_nodes, F]`` float features of ``n_id`` (``None`` when not
            gathered).
        y: ``[batch_size]`` labels of the seeds (``None`` without labels).
        hop_sizes: number of nodes after each hop (cumulative, seeds first):
            ``n_id[:hop_sizes[h]]`` are the nodes reached within ``h`` hops.
    """

    n_id: Tensor
    batch_size: int
    blocks: list[Block]
    x: Tensor | None = None
    y: Tensor | None = None
    hop_sizes: list[int] = dataclasses.field(default_factory=list)

    @property
    def num_nodes(self) -> int:
        """Number of nodes in the sampled subgraph."""
        return int(self.n_id.numel())

    @property
    def seeds(self) -> Tensor:
        """Global ids of the seed nodes."""
        return self.n_id[: self.batch_size]

    @property
    def edge_index(self) -> Tensor:
        """The sampled subgraph as a PyG-style ``[2, E]`` ``edge_index`` (local ids).

        As in PyG's ``NeighborLoader``, every node is expanded once, in the hop
        that reached it first: the seeds with the first fanout, the nodes
        reached in hop 1 with the second, and so on. Row 0 is the source.
        """
        hit = getattr(self, "_edge_index", None)
        if hit is not None:
            return hit
        parts = []
        start = 0
        # blocks[-1] expands the seeds, blocks[-2] the nodes first reached in
        # hop 1 (rows batch_size.. of its destinations), and so on
        for block in reversed(self.blocks):
            lo, hi = start, block.num_rows
            if hi > lo:
                a, b = int(block.rowptr[lo]), int(block.rowptr[hi])
                row = block.row()[a:b]
                parts.append(torch.stack([block.col[a:b], row]))
            start = hi
        if parts:
            out = torch.cat(parts, dim=1)
        else:
            out = torch.empty(2, 0, dtype=torch.long, device=self.n_id.device)
        self._edge_index = out
        return out

    def to(self, device: torch.device | str) -> MiniBatch:
        """Move every tensor to ``device``."""
        return MiniBatch(
            self.n_id.to(device),
            self.batch_size,
            [b.to(device) for b in self.blocks],
            None if self.x is None else self.x.to(device),
            None if self.y is None else self.y.to(device),
            list(self.hop_sizes),
        )

    def __repr__(self) -> str:
        return (
            f"MiniBatch(batch_size={self.batch_size}, num_nodes={self.num_nodes}, "
            f"blocks={[(b.num_dst, b.num_src, b.nnz) for b in self.blocks]})"
        )
