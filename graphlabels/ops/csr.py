"""The :class:`CSR` sparse-matrix container used by every kernel in :mod:`ops`.

Row ``i`` of the matrix built from a PyG-style ``edge_index`` holds the *in*-neighbours
of node ``i`` (``edge_index[0]`` = source ``j``, ``edge_index[1]`` = target ``i``), so
that ``spmm(A, X)[i] = reduce_j w_ij X[j]`` is one message-passing step.
"""

from __future__ import annotations

import warnings
from typing import Any

import torch
from torch import Tensor

__all__ = ["CSR", "INT32_MAX", "as_csr"]

#: Largest index that int32 index arrays can hold.
INT32_MAX = 2**31 - 1


def _check_index(name: str, t: Tensor) -> None:
    if not isinstance(t, Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor, got {type(t).__name__}: "
            f"convert it with torch.as_tensor({name}, dtype=torch.long)"
        )
    if t.dtype not in (torch.int64, torch.int32):
        raise TypeError(
            f"{name} must hold int64 or int32 indices, got {t.dtype}: use {name}.long()"
        )


class CSR:
    """A compressed-sparse-row matrix with cached derived structures.

    The index arrays are int64; int32 copies (used by the kernels when
    ``nnz`` and the sizes fit) are derived lazily and cached.

    Args:
        rowptr: ``[num_rows + 1]`` row offsets.
        col: ``[nnz]`` column index of every nonzero.
        value: optional ``[nnz]`` (or ``[nnz, H]``) values; ``None`` means all ones.
        num_cols: number of columns (default: ``num_rows``).
        perm: optional ``[nnz]`` map from CSR position to the original edge id
            (default: ``None``, the identity).
        check: validate the arrays (default: ``True``).

    Attributes:
        rowptr, col, value, perm: as above (``perm`` is materialised on access).
        num_rows, num_cols, nnz: the sizes.
        cache: a dict for structures derived from this matrix (e.g. ``gcn_norm``).
    """

    def __init__(
        self,
        rowptr: Tensor,
        col: Tensor,
        value: Tensor | None = None,
        num_cols: int | None = None,
        perm: Tensor | None = None,
        *,
        check: bool = True,
        _struct: dict[str, Any] | None = None,
    ) -> None:
        if check:
            _check_index("rowptr", rowptr)
            _check_index("col", col)
            if rowptr.dim() != 1 or rowptr.numel() < 1:
                raise ValueError(
                    f"rowptr must be 1-D with num_rows + 1 >= 1 entries, got shape "
                    f"{list(rowptr.shape)}"
                )
            if col.dim() != 1:
                raise ValueError(f"col must be 1-D, got shape {list(col.shape)}")
            if int(rowptr[0]) != 0 or int(rowptr[-1]) != col.numel():
                raise ValueError(
                    f"rowptr must start at 0 and end at nnz={col.numel()}, got "
                    f"{int(rowptr[0])}..{int(rowptr[-1])}"
                )
            if rowptr.numel() > 1 and bool((rowptr[1:] < rowptr[:-1]).any()):
                raise ValueError("rowptr must be non-decreasing")
        self.rowptr = rowptr.long()
        self.col = col.long()
        self.num_rows = self.rowptr.numel() - 1
        if num_cols is None:
            num_cols = self.num_rows
        self.num_cols = int(num_cols)
        if check and self.col.numel():
            lo, hi = int(self.col.min()), int(self.col.max())
            if lo < 0 or hi >= self.num_cols:
                raise ValueError(
                    f"col has values outside [0, {self.num_cols}) (min {lo}, max "
                    f"{hi}): pass num_cols or remove the entries"
                )
        if value is not None:
            value = self._check_value(value)
        self.value = value
        self._perm = perm
        self._struct: dict[str, Any] = {} if _struct is None else _struct
        self.cache: dict[Any, Any] = {}

    def _check_value(self, value: Tensor) -> Tensor:
        if not isinstance(value, Tensor):
            raise TypeError(f"value must be a tensor, got {type(value).__name__}")
        if value.size(0) != self.nnz or value.dim() > 2:
            raise ValueError(
                f"value must have shape [nnz] or [nnz, H] with nnz={self.nnz}, got "
                f"{list(value.shape)}: pass one value per edge in CSR order"
            )
        if not value.is_floating_point():
            value = value.float()
        return value

    # ------------------------------------------------------------------ builders
    @classmethod
    def from_edge_index(
        cls,
        edge_index: Tensor,
        num_nodes: int | tuple[int, int] | None = None,
        edge_weight: Tensor | None = None,
    ) -> CSR:
        """Build the in-neighbour CSR of a PyG-style ``edge_index``.

        Args:
            edge_index: ``[2, E]`` with sources in row 0 and targets in row 1.
            num_nodes: number of nodes, or ``(num_targets, num_sources)`` for a
                bipartite graph (default: ``max(edge_index) + 1``).
            edge_weight: optional ``[E]`` (or ``[E, H]``) weights in edge order.

        Returns:
            The CSR; ``perm`` maps CSR positions back to edge ids. Duplicate edges
            are kept, and columns are sorted within each row.
        """
        _check_index("edge_index", edge_index)
        if edge_index.dim() != 2 or edge_index.size(0) != 2:
            raise ValueError(
                f"edge_index must have shape [2, E], got {list(edge_index.shape)}: "
                "transpose an [E, 2] edge list with edge_index.t()"
            )
        src, dst = edge_index[0].long(), edge_index[1].long()
        max_id = int(edge_index.max()) + 1 if edge_index.numel() else 0
        if num_nodes is None:
            num_rows = num_cols = max_id
        elif isinstance(num_nodes, tuple):
            num_rows, num_cols = int(num_nodes[0]), int(num_nodes[1])
        else:
            num_rows = num_cols = int(num_nodes)
        if edge_index.numel():
            if int(edge_index.min()) < 0:
                raise ValueError(
                    f"edge_index has negative values (min {int(edge_index.min())}): "
                    "node ids must be in [0, num_nodes)"
                )
            if int(dst.max()) >= num_rows or int(src.max()) >= num_cols:
                raise ValueError(
                    f"edge_index has values >= num_nodes (max {max_id - 1}, num_nodes "
                    f"{num_rows if num_rows == num_cols else (num_rows, num_cols)}): "
                    "pass num_nodes or remove the edges"
                )
        if edge_weight is not None and edge_weight.size(0) != src.numel():
            raise ValueError(
                f"edge_weight has {edge_weight.size(0)} entries but edge_index has "
                f"{src.numel()} edges: pass one weight per edge"
            )
        key = dst * max(num_cols, 1) + src
        perm = torch.argsort(key, stable=True)
        row = dst[perm]
        col = src[perm]
        counts = torch.bincount(row, minlength=num_rows)
        rowptr = torch.zeros(num_rows + 1, dtype=torch.long, device=col.device)
        torch.cumsum(counts, 0, out=rowptr[1:])
        value = None if edge_weight is None else edge_weight[perm]
        out = cls(rowptr, col, value, num_cols, perm, check=False)
        out._struct["row"] = row
        return out

    @classmethod
    def from_dense(cls, dense: Tensor) -> CSR:
        """Build a CSR (with values) from the nonzeros of a dense 2-D matrix."""
        if dense.dim() != 2:
            raise ValueError(f"dense must be 2-D, got shape {list(dense.shape)}")
        row, col = dense.nonzero(as_tuple=True)
        counts = torch.bincount(row, minlength=dense.size(0))
        rowptr = torch.zeros(dense.size(0) + 1, dtype=torch.long, device=dense.device)
        torch.cumsum(counts, 0, out=rowptr[1:])
        return cls(rowptr, col, dense[row, col], dense.size(1), check=False)

    # --------------------------------------------------------------- properties
    @property
    def nnz(self) -> int:
        """Number of stored entries (duplicates counted)."""
        return self.col.numel()

    @property
    def device(self) -> torch.device:
        """Device of the index arrays."""
        return self.col.device

    @property
    def shape(self) -> tuple[int, int]:
        """``(num_rows, num_cols)``."""
        return (self.num_rows, self.num_cols)

    @property
    def perm(self) -> Tensor:
        """``[nnz]`` CSR position -> original edge id (identity when not given)."""
        if self._perm is None:
            self._perm = torch.arange(self.nnz, device=self.device)
        return self._perm

    @property
    def fits_int32(self) -> bool:
        """Whether int32 indices can address this matrix."""
        return max(self.nnz, self.num_rows, self.num_cols) < INT32_MAX

    def _cached(self, key: str, fn) -> Any:
        out = self._struct.get(key)
        if out is None:
            out = fn()
            self._struct[key] = out
        return out

    def row(self) -> Tensor:
        """``[nnz]`` expanded row index of every entry (cached)."""
        return self._cached(
            "row",
            lambda: torch.repeat_interleave(
                torch.arange(self.num_rows, device=self.device),
                self.rowptr.diff(),
                output_size=self.nnz,
            ),
        )

    def degree(self) -> Tensor:
        """``[num_rows]`` number of entries per row (cached, int64)."""
        return self._cached("deg", lambda: self.rowptr.diff())

    def indices32(self) -> tuple[Tensor, Tensor]:
        """``(rowptr, col)`` as int32 when they fit, else int64 (cached)."""
        return self._cached(
            "idx32", lambda: (self._narrow(self.rowptr), self._narrow(self.col))
        )

    def _narrow(self, index: Tensor) -> Tensor:
        """``index`` as int32 when this matrix's indices fit, else unchanged."""
        return index.int() if self.fits_int32 else index

    def transpose_perm(self) -> Tensor:
        """``[nnz]``: for each position of ``t()``, the position in this CSR."""
        return self._cached("tperm", self._build_t)[1]

    def transpose_perm32(self) -> Tensor:
        """:meth:`transpose_perm` as int32 when it fits, else int64 (cached)."""
        return self._cached("tperm32", lambda: self._narrow(self.transpose_perm()))

    def transpose_position32(self) -> Tensor:
        """``[nnz]``: for each entry of this CSR, its position in :meth:`t`.

        The inverse of :meth:`transpose_perm`, as int32 when it fits (cached).
        """

        def make() -> Tensor:
            perm = self.transpose_perm()
            pos = torch.empty_like(perm)
            pos[perm] = torch.arange(self.nnz, device=self.device)
            return self._narrow(pos)

        return self._cached("tpos32", make)

    def _build_t(self) -> tuple[Tensor, Tensor, Tensor]:
        row = self.row()
        key = self.col * max(self.num_rows, 1) + row
        tperm = torch.argsort(key, stable=True)
        counts = torch.bincount(self.col, minlength=self.num_cols)
        rowptr = torch.zeros(self.num_cols + 1, dtype=torch.long, device=self.device)
        torch.cumsum(counts, 0, out=rowptr[1:])
        return rowptr, tperm, row[tperm]

    def t(self) -> CSR:
        """The transpose as a CSR (cached); its ``perm`` maps to original edge ids.

        The transposed structure is cached with the structure (shared by
        :meth:`with_value` copies); the transposed values per instance.
        """
        out = self.cache.get("__t__")
        if out is not None:
            return out

        def structure() -> CSR:
            rowptr, tperm, tcol = self._cached("tperm", self._build_t)
            perm = tperm if self._perm is None else self._perm[tperm]
            return CSR(rowptr, tcol, None, self.num_rows, perm, check=False)

        T = self._cached("t_struct", structure)
        if self.value is None:
            out = T
        else:
            out = T.with_value(self.value[self.transpose_perm()])
        if self.value is None or not self.value.requires_grad:
            self.cache["__t__"] = out
        return out

    # ------------------------------------------------------------------ copies
    def with_value(self, value: Tensor | None) -> CSR:
        """A CSR with the same structure (and structural cache) and new values."""
        out = CSR(
            self.rowptr,
            self.col,
            None,
            self.num_cols,
            self._perm,
            check=False,
            _struct=self._struct,
        )
        if value is not None:
            out.value = out._check_value(value)
        return out

    def to(self, device: torch.device | str) -> CSR:
        """Move to ``device`` (returns ``self`` when already there)."""
        device = torch.device(device)
        if self.device == device:
            return self
        out = CSR(
            self.rowptr.to(device),
            self.col.to(device),
            None if self.value is None else self.value.to(device),
            self.num_cols,
            None if self._perm is None else self._perm.to(device),
            check=False,
        )
        for key in ("row", "deg"):
            if key in self._struct:
                out._struct[key] = self._struct[key].to(device)
        return out

    def to_dense(self, dtype: torch.dtype = torch.float32) -> Tensor:
        """Dense ``[num_rows, num_cols]`` matrix; duplicate entries are summed."""
        out = torch.zeros(self.num_rows, self.num_cols, dtype=dtype, device=self.device)
        value = (
            torch.ones(self.nnz, dtype=dtype, device=self.device)
            if self.value is None
            else self.value.to(dtype)
        )
        if value.dim() != 1:
            raise ValueError("to_dense needs 1-D values")
        out.index_put_((self.row(), self.col), value, accumulate=True)
        return out

    def to_edge_index(self) -> Tensor:
        """``[2, nnz]`` PyG-style edge_index (row 0 = source = ``col``)."""
        return torch.stack([self.col, self.row()])

    def to_torch(self, value: Tensor | None = None) -> Tensor:
        """A ``torch.sparse_csr_tensor`` view (int32 indices when they fit)."""
        if value is None:
            value = self.value
        if value is None:
            value = torch.ones(self.nnz, device=self.device)
        rowptr, col = self.indices32()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "CSR support is in beta"
            return torch.sparse_csr_tensor(
                rowptr, col, value, self.shape, check_invariants=False
            )

    def __repr__(self) -> str:
        return (
            f"CSR(num_rows={self.num_rows}, num_cols={self.num_cols}, nnz={self.nnz}, "
            f"value={'None' if self.value is None else list(self.value.shape)}, "
            f"device={self.device})"
        )


_EDGE_CACHE: dict[int, tuple[Any, int, int, CSR]] = {}


def as_csr(
    adj: CSR | Tensor,
    num_nodes: int | None = None,
    edge_weight: Tensor | None = None,
) -> CSR:
    """Turn ``adj`` (a :class:`CSR` or an ``edge_index``) into a CSR.

    The conversion of an unweighted ``edge_index`` is cached per tensor (while the
    tensor is alive and unmodified), so layers and propagation may be called with
    ``edge_index`` repeatedly without re-sorting it.

    Args:
        adj: a :class:`CSR` or a ``[2, E]`` ``edge_index`` (row 0 = source, row 1 =
            target).
        num_nodes: number of nodes, the rows of the features (or labels) that
            ``adj`` multiplies; a CSR must have this many columns
            (default: ``max(edge_index) + 1``, any CSR).
        edge_weight: optional ``[E]`` weights in the order of ``edge_index``'s
            columns. Not allowed with a CSR, which carries its own values.

    Returns:
        The CSR whose row ``i`` holds the in-neighbours of node ``i``.
    """
    if isinstance(adj, CSR):
        if edge_weight is not None:
            raise ValueError(
                "edge_weight was given together with a CSR: put the weights into "
                "the CSR (CSR.from_edge_index(edge_index, num_nodes, edge_weight)) "
                "and pass edge_weight=None"
            )
        if num_nodes is not None and adj.num_cols != num_nodes:
            raise ValueError(
                f"X has {num_nodes} rows but A has {adj.num_cols} columns: pass "
                "one row of X (features or labels) per node of the graph"
            )
        return adj
    if isinstance(adj, Tensor):
        if adj.is_sparse or adj.layout == torch.sparse_csr:
            raise TypeError(
                "torch sparse tensors are not accepted as adj: build "
                "graphlabels.ops.CSR.from_edge_index(edge_index) instead"
            )
        if edge_weight is not None:
            if adj.dim() == 2 and edge_weight.size(0) != adj.size(-1):
                raise ValueError(
                    f"edge_weight has shape {list(edge_weight.shape)} but there are "
                    f"{adj.size(-1)} edges: pass one weight per column of "
                    "edge_index"
                )
            return CSR.from_edge_index(adj, num_nodes, edge_weight)
        import weakref

        hit = _EDGE_CACHE.get(id(adj))
        if hit is not None:
            ref, version, n, csr = hit
            if ref() is adj and version == adj._version and n == num_nodes:
                return csr
        csr = CSR.from_edge_index(adj, num_nodes)
        if len(_EDGE_CACHE) > 16:
            for key in [k for k, v in _EDGE_CACHE.items() if v[0]() is None]:
                del _EDGE_CACHE[key]
            if len(_EDGE_CACHE) > 16:
                _EDGE_CACHE.clear()
        _EDGE_CACHE[id(adj)] = (weakref.ref(adj), adj._version, num_nodes, csr)
        return csr
    raise TypeError(
        f"adj must be a graphlabels.ops.CSR or an edge_index tensor, got "
        f"{type(adj).__name__}"
    )
