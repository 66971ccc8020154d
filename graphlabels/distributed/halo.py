r"""Rank-local rows of a sparse matrix and the halo exchange of one SpMM step.

Rank :math:`r` owns the nodes ``book.owned[r]`` (see
:mod:`graphlabels.distributed.partition`) and holds their rows of the in-edge
CSR :math:`A`. Its columns are renumbered to ``[owned | halo]``: local ids
``0..n_r-1`` are its own nodes, the next ``h_r`` ids the remote nodes its rows
read (the *halo*), grouped by owning rank. One step

.. math::
    Y_r = A_r \begin{bmatrix} X_r \\ X_{\text{halo}(r)} \end{bmatrix}

needs the halo rows of :math:`X` from their owners. :class:`HaloExchange`
sends them with one ``torch.distributed.all_to_all_single`` per step; the split
sizes and the row indices to send are agreed once at set-up. It runs on any
backend with ``all_to_all_single`` (gloo on CPU, NCCL on GPU), any feature width
and dtype, and counts the bytes and the time of every exchange.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import torch
import torch.distributed as dist
from torch import Tensor

from graphlabels import ops
from graphlabels.distributed import context
from graphlabels.distributed.partition import PartitionBook

__all__ = ["DistGraph", "ExchangeStats", "HaloExchange", "local_rows"]


@dataclass
class ExchangeStats:
    """Counters of one :class:`HaloExchange` (reset with :meth:`reset`).

    Attributes:
        steps: exchanges done.
        bytes_sent: bytes this rank sent to other ranks in all of them.
        bytes_received: bytes it received.
        seconds: wall time spent in the exchanges (gather, collective, and on
            CUDA a synchronisation).
    """

    steps: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    seconds: float = 0.0

    def reset(self) -> None:
        """Zero all counters."""
        self.steps = self.bytes_sent = self.bytes_received = 0
        self.seconds = 0.0


@dataclass
class HaloExchange:
    """The plan of a halo exchange on one rank.

    Attributes:
        send_index: ``[S]`` local ids of owned rows to send, grouped by
            destination rank.
        send_counts: rows sent to each rank (``R`` ints).
        recv_counts: rows received from each rank, in the halo's order.
        stats: :class:`ExchangeStats` of the exchanges done so far.
    """

    send_index: Tensor
    send_counts: list[int]
    recv_counts: list[int]
    stats: ExchangeStats = field(default_factory=ExchangeStats)

    @property
    def num_halo(self) -> int:
        """Rows received per step."""
        return sum(self.recv_counts)

    @property
    def num_send(self) -> int:
        """Rows sent per step."""
        return sum(self.send_counts)

    def to(self, device: torch.device | str) -> HaloExchange:
        """The plan with its index on ``device`` (counters shared)."""
        return HaloExchange(
            self.send_index.to(device), self.send_counts, self.recv_counts, self.stats
        )

    def bytes_per_step(self, width: int, dtype: torch.dtype) -> int:
        """Bytes this rank sends in one exchange of ``width`` columns of ``dtype``."""
        return self.num_send * int(width) * torch.empty(0, dtype=dtype).element_size()

    def exchange(self, x: Tensor) -> Tensor:
        """The halo rows ``[h_r, ...]`` of a matrix given by its owned rows ``x``.

        Collective: every rank must call it, with the same trailing shape and
        dtype.
        """
        start = time.perf_counter()
        send = x.index_select(0, self.send_index).contiguous()
        recv = x.new_empty((self.num_halo, *x.shape[1:]))
        if context.world_size() > 1:
            dist.all_to_all_single(
                recv,
                send,
                output_split_sizes=self.recv_counts,
                input_split_sizes=self.send_counts,
            )
        if x.is_cuda:
            torch.cuda.synchronize(x.device)
        row = math.prod(x.shape[1:]) * x.element_size()
        s = self.stats
        s.steps += 1
        s.bytes_sent += self.num_send * row
        s.bytes_received += self.num_halo * row
        s.seconds += time.perf_counter() - start
        return recv

    def extend(self, x: Tensor) -> Tensor:
        """``[owned | halo]`` rows ``[n_r + h_r, ...]`` of ``x`` (collective)."""
        return torch.cat([x, self.exchange(x)])


def _comm_device() -> torch.device:
    """Where set-up collectives run: the current GPU for NCCL, else the CPU."""
    if dist.is_initialized() and dist.get_backend() == "nccl":
        return torch.device("cuda", torch.cuda.current_device())
    return torch.device("cpu")


def local_rows(A: ops.CSR, ids: Tensor) -> tuple[Tensor, Tensor, Tensor | None]:
    """Rows ``ids`` of a (possibly memory-mapped) CSR: ``(rowptr, col, value)``.

    Only the entries of those rows are read; columns keep global ids and their
    order within each row. The result is on the CPU.
    """
    ids = ids.long().to(A.rowptr.device)
    start = A.rowptr[ids]
    counts = A.rowptr[ids + 1] - start
    rowptr = torch.zeros(ids.numel() + 1, dtype=torch.long)
    torch.cumsum(counts.cpu(), 0, out=rowptr[1:])
    nnz = int(rowptr[-1])
    # position of every entry: start of its row + rank within the row
    offset = torch.repeat_interleave(
        start.cpu() - rowptr[:-1], counts.cpu(), output_size=nnz
    )
    pos = offset + torch.arange(nnz)
    pos = pos.to(A.col.device)
    col = torch.as_tensor(A.col[pos]).long().cpu()
    value = None if A.value is None else torch.as_tensor(A.value[pos]).cpu()
    return rowptr, col, value


class DistGraph:
    r"""One rank's rows of a graph, columns renumbered to ``[owned | halo]``.

    Build it with :meth:`from_csr` (every rank reads only its rows of a global,
    possibly memory-mapped CSR) or :meth:`from_rows` (the rows are already
    there). Set-up is collective: every rank must build its part together. The
    part is built on the CPU; with NCCL move it and the inputs to the rank's GPU
    (``dg.to("cuda")``) before propagating.

    Attributes:
        book: the :class:`PartitionBook`.
        rank: this rank.
        csr: local CSR ``[n_r, n_r + h_r]`` with the rows' edge weights (or
            ``None``) as values; entries keep the order of the global rows.
        halo: ``[h_r]`` global ids of the halo columns, grouped by owner.
        plan: the :class:`HaloExchange`.
    """

    def __init__(
        self,
        book: PartitionBook,
        rank: int,
        csr: ops.CSR,
        halo: Tensor,
        plan: HaloExchange,
    ) -> None:
        self.book = book
        self.rank = rank
        self.csr = csr
        self.halo = halo
        self.plan = plan
        self._norm: dict[tuple, Tensor] = {}
        self._loops: dict[float, DistGraph] = {}

    # --------------------------------------------------------------- builders
    @classmethod
    def from_csr(
        cls, A: ops.CSR | Tensor, book: PartitionBook, rank: int | None = None
    ) -> DistGraph:
        """Build this rank's part from the global in-edge CSR (collective).

        Args:
            A: the global CSR (index arrays may be memory-mapped: only this
                rank's rows are read) or a ``[2, E]`` ``edge_index``.
            book: the partition of the nodes.
            rank: this rank (default: :obj:`None`, the process's rank).
        """
        rank = context.rank() if rank is None else int(rank)
        A = ops.as_csr(A, book.num_nodes) if isinstance(A, Tensor) else A
        if A.num_rows != book.num_nodes or A.num_cols != book.num_nodes:
            raise ValueError(
                f"the CSR has shape {A.shape} but the partition has "
                f"{book.num_nodes} nodes: partition this graph"
            )
        rowptr, col, value = local_rows(A, book.owned[rank])
        return cls.from_rows(rowptr, col, value, book, rank)

    @classmethod
    def from_rows(
        cls,
        rowptr: Tensor,
        col: Tensor,
        value: Tensor | None,
        book: PartitionBook,
        rank: int | None = None,
    ) -> DistGraph:
        """Build from this rank's rows with global column ids (collective).

        Args:
            rowptr: ``[n_r + 1]`` offsets of the rows ``book.owned[rank]``.
            col: ``[nnz_r]`` global column (source node) ids.
            value: optional ``[nnz_r]`` non-negative edge weights.
            book: the partition of the nodes.
            rank: this rank (default: :obj:`None`, the process's rank).
        """
        rank = context.rank() if rank is None else int(rank)
        world = context.world_size()
        if world != book.num_parts:
            raise ValueError(
                f"the partition has {book.num_parts} parts but the job has {world} "
                "ranks: partition into one part per rank"
            )
        n_own = book.sizes[rank]
        if rowptr.numel() != n_own + 1:
            raise ValueError(
                f"rowptr has {rowptr.numel()} entries but rank {rank} owns {n_own} "
                "nodes: pass one row per owned node"
            )
        col = col.long()
        if col.numel() and (int(col.min()) < 0 or int(col.max()) >= book.num_nodes):
            raise ValueError(
                f"col has ids outside [0, {book.num_nodes}): pass global node ids"
            )
        owner, lid = book.owner(col)
        remote = owner != rank
        # halo: distinct remote columns, grouped by owner then local id
        key = owner[remote] * max(book.num_nodes, 1) + lid[remote]
        uniq, inverse = torch.unique(key, return_inverse=True)
        halo_owner = uniq // max(book.num_nodes, 1)
        halo_lid = uniq % max(book.num_nodes, 1)
        recv_counts = torch.bincount(halo_owner, minlength=world)
        new_col = lid.clone()
        new_col[remote] = n_own + inverse
        csr = ops.CSR(rowptr.long(), new_col, value, n_own + uniq.numel(), check=False)
        # set-up: tell every owner which of its rows this rank needs
        if world > 1:
            dev = _comm_device()
            recv_dev = recv_counts.to(dev)
            send_counts = torch.empty_like(recv_dev)
            dist.all_to_all_single(send_counts, recv_dev)
            send_counts = send_counts.cpu()
            send_index = torch.empty(
                int(send_counts.sum()), dtype=torch.long, device=dev
            )
            dist.all_to_all_single(
                send_index,
                halo_lid.contiguous().to(dev),
                output_split_sizes=send_counts.tolist(),
                input_split_sizes=recv_counts.tolist(),
            )
            send_index = send_index.cpu()
        else:
            send_counts, send_index = recv_counts.clone(), halo_lid.contiguous()
        plan = HaloExchange(send_index, send_counts.tolist(), recv_counts.tolist())
        halo = book.owned[0].new_empty(0)
        if uniq.numel():
            halo = torch.cat(
                [book.owned[r][halo_lid[halo_owner == r]] for r in range(world)]
            )
        return cls(book, rank, csr, halo, plan)

    # -------------------------------------------------------------- properties
    @property
    def num_nodes(self) -> int:
        """Nodes of the whole graph."""
        return self.book.num_nodes

    @property
    def num_owned(self) -> int:
        """Nodes (rows) owned by this rank."""
        return self.csr.num_rows

    @property
    def num_halo(self) -> int:
        """Remote nodes this rank's rows read."""
        return self.halo.numel()

    @property
    def owned(self) -> Tensor:
        """Global ids of the owned nodes, in local order."""
        return self.book.owned[self.rank]

    def to(self, device: torch.device | str) -> DistGraph:
        """This part on ``device`` (the exchange counters are shared)."""
        out = DistGraph(
            self.book, self.rank, self.csr.to(device), self.halo, self.plan.to(device)
        )
        return out

    # ------------------------------------------------------------------ maths
    def spmm(self, x: Tensor, values: Tensor | None = None) -> Tensor:
        r"""One distributed step :math:`Y_r = A_r [X_r; X_{\text{halo}}]`.

        Collective. ``x`` holds the owned rows ``[n_r, ...]``; ``values``
        replaces the CSR's values (default: :obj:`None`, the stored ones).
        """
        full = self.plan.extend(x)
        w = self.csr.value if values is None else values
        return ops.spmm(self.csr, full, edge_weight=w)

    def normalized(self, norm: str, dtype: torch.dtype) -> Tensor:
        r"""Values of the normalised adjacency on this rank, in local CSR order.

        Same as :func:`graphlabels.propagation._common.normalized` on the whole
        graph: degrees are weighted in-degrees (row sums); ``"sym"`` and ``"col"``
        need the degrees of the halo columns, exchanged once (collective).
        """
        from graphlabels.propagation._common import check_norm

        check_norm(norm)
        key = (norm, dtype)
        if key in self._norm:
            return self._norm[key]
        A = self.csr
        row, col = A.row(), A.col
        w = A.value
        if w is None:
            w = torch.ones(A.nnz, dtype=dtype, device=col.device)
        else:
            if w.dim() != 1:
                raise ValueError(
                    f"the adjacency has edge weights of shape {list(w.shape)}: "
                    "propagation needs one weight per edge"
                )
            neg = (w < 0).any() if A.nnz else col.new_zeros((), dtype=torch.bool)
            if bool(context.all_reduce(neg.long().view(1), "max")):
                raise ValueError(
                    "the adjacency has negative weights: propagation needs "
                    "non-negative weights"
                )
            w = w.to(dtype)
        deg = torch.zeros(A.num_rows, dtype=dtype, device=col.device)
        deg.index_add_(0, row, w)
        if norm == "row":
            dinv = deg.reciprocal()
            dinv.masked_fill_(torch.isinf(dinv), 0.0)
            out = w * dinv[row]
        else:
            full = self.plan.extend(deg)
            dinv = full.pow(-0.5) if norm == "sym" else full.reciprocal()
            dinv.masked_fill_(torch.isinf(dinv), 0.0)
            out = dinv[row] * w * dinv[col] if norm == "sym" else w * dinv[col]
        self._norm[key] = out
        return out

    def with_self_loops(self, fill_value: float = 1.0) -> DistGraph:
        """This part with exactly one self loop per node (PyG semantics).

        As :func:`graphlabels.ops.add_self_loops`: a row that had self loops keeps
        the weight of its last one, others get ``fill_value``. The halo and its
        exchange plan are unchanged (a loop reads an owned row).
        """
        key = float(fill_value)
        if key in self._loops:
            return self._loops[key]
        A = self.csr
        n = A.num_rows
        row, col = A.row(), A.col
        ar = torch.arange(n, device=col.device)
        is_loop = col == ar[row]
        loop_w = None
        if A.value is not None:
            loop_w = torch.full((n,), key, dtype=A.value.dtype, device=col.device)
            pos = torch.arange(A.nnz, device=col.device)
            last = torch.full((n,), -1, dtype=torch.long, device=col.device)
            if bool(is_loop.any()):
                last.scatter_reduce_(0, row[is_loop], pos[is_loop], "amax")
            has = last >= 0
            loop_w[has] = A.value[last[has]]
        keep = ~is_loop
        new_row = torch.cat([row[keep], ar])
        new_col = torch.cat([col[keep], ar])
        order = torch.sort(new_row, stable=True).indices
        counts = torch.bincount(new_row, minlength=n)
        rowptr = torch.zeros(n + 1, dtype=torch.long, device=col.device)
        torch.cumsum(counts, 0, out=rowptr[1:])
        value = None
        if A.value is not None:
            value = torch.cat([A.value[keep], loop_w])[order]
        csr = ops.CSR(rowptr, new_col[order], value, A.num_cols, check=False)
        out = DistGraph(self.book, self.rank, csr, self.halo, self.plan)
        self._loops[key] = out
        return out

    def __repr__(self) -> str:
        return (
            f"DistGraph(rank={self.rank}, owned={self.num_owned}, "
            f"halo={self.num_halo}, nnz={self.csr.nnz}, of {self.num_nodes} nodes)"
        )
