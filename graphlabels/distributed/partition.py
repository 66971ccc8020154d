"""Split the nodes (rows of the in-edge CSR) of a graph across ranks.

A :class:`PartitionBook` says, for every node, which rank owns it and its local
id there, and lists each rank's owned nodes in local order. Rank ``r`` then
holds the rows of the CSR (the destination nodes) it owns and the matching rows
of every ``[N, C]`` matrix (features, labels, predictions); see
:class:`graphlabels.distributed.DistGraph`.

Methods:
- ``"contiguous"``: ranges of node ids of (nearly) equal size, in id order.
- ``"rcm"``: the same ranges after a reverse Cuthill-McKee ordering of the
  symmetrised pattern (:func:`graphlabels.ops.reorder.rcm_order`, scipy), so
  that neighbours tend to share a rank.
- ``"metis"``: METIS k-way edge-cut minimisation on the symmetrised graph, by
  ``dgl.metis_partition_assignment`` (needs dgl).

Ranks may own no node (more ranks than nodes, or an assignment that leaves one
empty); every function in :mod:`graphlabels.distributed` accepts that.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
from dataclasses import dataclass

import torch
from torch import Tensor

from graphlabels.ops import CSR, as_csr

__all__ = [
    "METHODS",
    "PartitionBook",
    "halo_sizes",
    "partition",
    "partition_from_assignment",
]

#: Partition methods of :func:`partition`.
METHODS = ("contiguous", "rcm", "metis")


@dataclass(frozen=True, eq=False)
class PartitionBook:
    """Where every node lives.

    Attributes:
        num_nodes: number of nodes :math:`N`.
        num_parts: number of ranks :math:`R`.
        part: ``[N]`` rank owning each node.
        local: ``[N]`` local id of each node on its rank.
        owned: for each rank, ``[n_r]`` global ids of its nodes in local order
            (``owned[part[v]][local[v]] == v``).
        method: how the book was made.
    """

    num_nodes: int
    num_parts: int
    part: Tensor
    local: Tensor
    owned: tuple[Tensor, ...]
    method: str

    @property
    def sizes(self) -> list[int]:
        """Number of nodes of each rank."""
        return [int(o.numel()) for o in self.owned]

    def owner(self, ids: Tensor) -> tuple[Tensor, Tensor]:
        """``(rank, local id)`` of the global node ids ``ids``."""
        ids = ids.long()
        return self.part[ids], self.local[ids]

    def rows(self, t: Tensor, rank: int) -> Tensor:
        """Rank ``rank``'s rows of a global ``[N, ...]`` tensor, in local order."""
        if t.size(0) != self.num_nodes:
            raise ValueError(
                f"the tensor has {t.size(0)} rows but the partition has "
                f"{self.num_nodes} nodes: pass one row per node"
            )
        return t[self.owned[rank].to(t.device)]

    def __repr__(self) -> str:
        return (
            f"PartitionBook(num_nodes={self.num_nodes}, num_parts={self.num_parts}, "
            f"method={self.method!r}, sizes={self.sizes})"
        )


def _check_parts(num_parts: int) -> int:
    if isinstance(num_parts, bool) or int(num_parts) != num_parts or num_parts < 1:
        raise ValueError(
            f"num_parts must be an integer >= 1 (one part per rank), got {num_parts}"
        )
    return int(num_parts)


def partition_from_assignment(
    part: Tensor, num_parts: int | None = None, method: str = "given"
) -> PartitionBook:
    """A :class:`PartitionBook` from a rank per node.

    Local ids follow global ids within each rank (the order of ``owned``).

    Args:
        part: ``[N]`` integer rank of every node, in ``[0, num_parts)``.
        num_parts: number of ranks (default: :obj:`None`, ``part.max() + 1``);
            ranks that own no node are allowed.
        method: name recorded in the book (default: ``"given"``).
    """
    if not isinstance(part, Tensor) or part.dim() != 1 or part.is_floating_point():
        raise ValueError(
            "part must be a 1-D integer tensor with the rank of every node, got "
            f"{part.dtype if isinstance(part, Tensor) else type(part).__name__}"
        )
    part = part.long().cpu()
    if num_parts is None:
        num_parts = int(part.max()) + 1 if part.numel() else 1
    num_parts = _check_parts(num_parts)
    if part.numel() and (int(part.min()) < 0 or int(part.max()) >= num_parts):
        raise ValueError(
            f"part has ranks outside [0, {num_parts}) (min {int(part.min())}, max "
            f"{int(part.max())}): pass num_parts or fix the assignment"
        )
    order = torch.sort(part, stable=True).indices
    counts = torch.bincount(part, minlength=num_parts)
    owned = tuple(torch.split(order, counts.tolist()))
    return _book(part, owned, method)


def _book(part: Tensor, owned: tuple[Tensor, ...], method: str) -> PartitionBook:
    local = torch.empty_like(part)
    for ids in owned:
        local[ids] = torch.arange(ids.numel())
    return PartitionBook(
        num_nodes=part.numel(),
        num_parts=len(owned),
        part=part,
        local=local,
        owned=tuple(o.contiguous() for o in owned),
        method=method,
    )


def _ranges(order: Tensor, num_parts: int, method: str) -> PartitionBook:
    """Split ``order`` (a permutation of the nodes) into equal contiguous runs."""
    n = order.numel()
    sizes = [n // num_parts + (1 if r < n % num_parts else 0) for r in range(num_parts)]
    owned = tuple(torch.split(order, sizes))
    part = torch.empty(n, dtype=torch.long)
    for r, ids in enumerate(owned):
        part[ids] = r
    return _book(part, owned, method)


def _metis(A: CSR, num_parts: int) -> Tensor:
    import dgl

    src, dst = A.col.long().cpu(), A.row().cpu()
    g = dgl.graph((src, dst), num_nodes=A.num_rows, idtype=torch.int64)
    # dgl prints its timings; keep them out of the caller's output.
    with contextlib.redirect_stdout(io.StringIO()):
        part = dgl.metis_partition_assignment(g, num_parts)
    if part is None:
        raise RuntimeError(
            f"METIS returned no assignment for {num_parts} parts of a graph with "
            f"{A.num_rows} nodes: use method='contiguous'"
        )
    return torch.as_tensor(part).long()


def partition(
    edge_index: Tensor | CSR | None,
    num_parts: int,
    method: str = "contiguous",
    *,
    num_nodes: int | None = None,
) -> PartitionBook:
    r"""Split the nodes of a graph across ``num_parts`` ranks.

    Args:
        edge_index: ``[2, E]`` edges or a :class:`graphlabels.ops.CSR`; only
            ``"rcm"`` and ``"metis"`` read it (``None`` is fine for
            ``"contiguous"`` with ``num_nodes``).
        num_parts: number of ranks :math:`R \ge 1`.
        method: ``"contiguous"``, ``"rcm"`` or ``"metis"`` (default:
            ``"contiguous"``).
        num_nodes: number of nodes (default: :obj:`None`, the CSR's rows or
            ``edge_index.max() + 1``).

    Returns:
        The :class:`PartitionBook`.

    Raises:
        ValueError: ``num_parts < 1``, an unknown method, or no graph and no
            ``num_nodes``.
        ImportError: ``"metis"`` without dgl installed.
    """
    num_parts = _check_parts(num_parts)
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}, got {method!r}")
    if method == "metis" and importlib.util.find_spec("dgl") is None:
        raise ImportError(
            "method='metis' needs dgl (dgl.metis_partition_assignment): install "
            "dgl or use method='contiguous' or 'rcm'"
        )
    if edge_index is None:
        if method != "contiguous" or num_nodes is None:
            raise ValueError(
                f"method={method!r} needs the graph: pass edge_index (only "
                "'contiguous' works from num_nodes alone)"
            )
        return _ranges(torch.arange(int(num_nodes)), num_parts, method)
    A = as_csr(edge_index, num_nodes)
    if A.num_rows != A.num_cols:
        raise ValueError(
            f"the CSR has shape {A.shape}: partitioning needs a square CSR with "
            "one row per node"
        )
    n = A.num_rows
    if method == "contiguous":
        return _ranges(torch.arange(n), num_parts, method)
    if method == "rcm":
        from graphlabels.ops.reorder import rcm_order

        return _ranges(rcm_order(A).cpu(), num_parts, method)
    if num_parts == 1 or n == 0:
        return partition_from_assignment(
            torch.zeros(n, dtype=torch.long), num_parts, method
        )
    return partition_from_assignment(_metis(A, num_parts), num_parts, method)


def halo_sizes(edge_index: Tensor | CSR, book: PartitionBook) -> Tensor:
    """Halo of every rank without a job: ``[R]`` distinct remote in-neighbours.

    The number of rows rank ``r`` receives in each halo exchange (and, summed
    over ranks, the rows sent), as :class:`~graphlabels.distributed.DistGraph`
    would find them; one pass over the edges per rank with an ``N``-byte bitmap,
    so it runs on graphs too large for a CSR copy.

    Args:
        edge_index: ``[2, E]`` edges (row 0 = source) or the in-edge CSR.
        book: the partition.
    """
    if isinstance(edge_index, CSR):
        src, dst = edge_index.col.long(), edge_index.row()
    else:
        src, dst = edge_index[0].long(), edge_index[1].long()
    part = book.part.to(src.device)
    out = torch.zeros(book.num_parts, dtype=torch.long)
    if src.numel() == 0:
        return out
    p_src, p_dst = part[src], part[dst]
    cut = p_src != p_dst
    src, p_dst = src[cut], p_dst[cut]
    for r in range(book.num_parts):
        seen = torch.zeros(book.num_nodes, dtype=torch.bool, device=src.device)
        seen[src[p_dst == r]] = True
        out[r] = int(seen.sum())
    return out
