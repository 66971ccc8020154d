"""The :class:`Graph` container and small edge-index utilities.

A :class:`Graph` holds one node-classification dataset: the structure as a PyG-style
``edge_index`` (row 0 = source, row 1 = target), optional edge weights, node features,
labels, one or several train/val/test splits, and optional node texts. CSR views for
the sparse kernels are built lazily and cached.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import Tensor

from graphlabels.typing import import_optional

__all__ = [
    "Graph",
    "as_node_index",
    "as_node_mask",
    "coalesce",
    "degree",
    "is_undirected",
    "pagerank",
    "remove_self_loops",
    "subgraph",
    "to_undirected",
]


# ----------------------------------------------------------------------------------
# edge-index utilities
# ----------------------------------------------------------------------------------
def _check_edge_index(edge_index: Tensor, num_nodes: int | None = None) -> int:
    if not isinstance(edge_index, Tensor):
        raise TypeError(
            f"edge_index must be a torch.Tensor, got {type(edge_index).__name__}: "
            "convert it with torch.as_tensor(edge_index, dtype=torch.long)"
        )
    if edge_index.dim() != 2 or edge_index.size(0) != 2:
        raise ValueError(
            f"edge_index must have shape [2, E], got {list(edge_index.shape)}: "
            "transpose an [E, 2] edge list with edge_index.t()"
        )
    if edge_index.dtype not in (torch.int64, torch.int32):
        raise TypeError(
            f"edge_index must hold integers, got {edge_index.dtype}: "
            "use edge_index.long()"
        )
    if edge_index.numel() and int(edge_index.min()) < 0:
        raise ValueError(
            f"edge_index has negative values (min {int(edge_index.min())}): "
            "node ids must be in [0, num_nodes)"
        )
    max_id = int(edge_index.max()) + 1 if edge_index.numel() else 0
    if num_nodes is None:
        return max_id
    if max_id > num_nodes:
        raise ValueError(
            f"edge_index has values >= num_nodes (max {max_id - 1}, num_nodes "
            f"{num_nodes}): pass num_nodes or remove the edges"
        )
    return num_nodes


def coalesce(
    edge_index: Tensor,
    edge_weight: Tensor | None = None,
    num_nodes: int | None = None,
    reduce: str = "sum",
) -> tuple[Tensor, Tensor | None]:
    """Sort edges by (target, source) and merge duplicates.

    Args:
        edge_index: ``[2, E]`` edges.
        edge_weight: optional ``[E]`` weights; duplicates are merged by ``reduce``.
        num_nodes: number of nodes (default: ``max(edge_index) + 1``).
        reduce: ``"sum"``, ``"mean"``, ``"max"`` or ``"first"`` (default: ``"sum"``).

    Returns:
        ``(edge_index, edge_weight)`` sorted with duplicates merged.
    """
    n = _check_edge_index(edge_index, num_nodes)
    src, dst = edge_index[0].long(), edge_index[1].long()
    key = dst * max(n, 1) + src
    uniq, inverse = torch.unique(key, sorted=True, return_inverse=True)
    out = torch.stack([uniq % max(n, 1), uniq // max(n, 1)])
    if edge_weight is None:
        return out, None
    if reduce == "first":
        first = torch.full((uniq.numel(),), edge_weight.numel(), dtype=torch.long)
        first.scatter_reduce_(
            0, inverse, torch.arange(edge_weight.numel()), reduce="amin"
        )
        return out, edge_weight[first]
    if reduce not in ("sum", "mean", "max"):
        raise ValueError(
            f"reduce must be 'sum', 'mean', 'max' or 'first', got {reduce!r}"
        )
    red = {"sum": "sum", "mean": "mean", "max": "amax"}[reduce]
    w = torch.zeros(uniq.numel(), dtype=edge_weight.dtype, device=edge_weight.device)
    w = w.scatter_reduce(0, inverse, edge_weight, reduce=red, include_self=False)
    return out, w


def to_undirected(
    edge_index: Tensor,
    edge_weight: Tensor | None = None,
    num_nodes: int | None = None,
    reduce: str = "sum",
) -> tuple[Tensor, Tensor | None]:
    """Add the reverse of every edge, then coalesce (PyG's ``to_undirected``).

    Returns:
        ``(edge_index, edge_weight)`` of a symmetric graph.
    """
    ei = torch.cat([edge_index, edge_index.flip(0)], dim=1)
    ew = None if edge_weight is None else torch.cat([edge_weight, edge_weight])
    return coalesce(ei, ew, num_nodes, reduce=reduce)


def is_undirected(edge_index: Tensor, num_nodes: int | None = None) -> bool:
    """Whether every edge has its reverse (ignoring weights)."""
    n = max(_check_edge_index(edge_index, num_nodes), 1)
    a, _ = coalesce(edge_index, None, n)
    b, _ = coalesce(edge_index.flip(0), None, n)
    return a.shape == b.shape and bool(torch.equal(a, b))


def remove_self_loops(
    edge_index: Tensor, edge_weight: Tensor | None = None
) -> tuple[Tensor, Tensor | None]:
    """Remove edges ``(i, i)``."""
    keep = edge_index[0] != edge_index[1]
    return edge_index[:, keep], None if edge_weight is None else edge_weight[keep]


def degree(
    index: Tensor, num_nodes: int | None = None, weight: Tensor | None = None
) -> Tensor:
    """Count (or sum ``weight`` over) the occurrences of each node id in ``index``."""
    n = int(index.max()) + 1 if num_nodes is None and index.numel() else num_nodes or 0
    dtype = torch.float if weight is None else weight.dtype
    out = torch.zeros(n, dtype=dtype, device=index.device)
    ones = torch.ones_like(index, dtype=dtype) if weight is None else weight
    return out.index_add_(0, index.long(), ones)


def pagerank(
    edge_index: Tensor,
    num_nodes: int | None = None,
    alpha: float = 0.85,
    tol: float = 1e-10,
    max_iter: int = 200,
) -> Tensor:
    r"""PageRank on the undirected graph by power iteration (as networkx).

    .. math::
        \pi \leftarrow \alpha A D^{-1} \pi + \alpha\,\frac{\sum_{d(v)=0}\pi_v}{N}
        + \frac{1-\alpha}{N}

    Edges are symmetrised and self loops dropped; the teleport is uniform.

    Args:
        edge_index: ``[2, E]`` edges (symmetrised here).
        num_nodes: number of nodes (default: ``max(edge_index) + 1``).
        alpha: damping factor (default: ``0.85``).
        tol: L1 tolerance, scaled by N as networkx (default: ``1e-10``).
        max_iter: iteration cap (default: ``200``).

    Returns:
        ``[N]`` float64 scores summing to one.
    """
    import scipy.sparse as sp

    n = _check_edge_index(edge_index, num_nodes)
    ei, _ = to_undirected(edge_index.cpu().long(), None, n)
    ei, _ = remove_self_loops(ei)
    ei = ei.numpy()
    data = np.ones(ei.shape[1], dtype=np.float64)
    adj = sp.csr_matrix((data, (ei[1], ei[0])), shape=(n, n))
    deg = np.asarray(adj.sum(axis=1)).ravel()
    inv = np.divide(1.0, deg, out=np.zeros_like(deg), where=deg > 0)
    dangling = deg == 0
    p = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = alpha * (adj @ (p * inv)) + (alpha * p[dangling].sum() + 1 - alpha) / n
        done = np.abs(new - p).sum() < n * tol
        p = new
        if done:
            break
    return torch.from_numpy(p)


def subgraph(
    subset: Tensor,
    edge_index: Tensor,
    edge_weight: Tensor | None = None,
    num_nodes: int | None = None,
    relabel_nodes: bool = False,
) -> tuple[Tensor, Tensor | None, Tensor]:
    """The edges whose two endpoints are both in ``subset``.

    Args:
        subset: node ids or a bool mask.
        edge_index: ``[2, E]`` edges.
        edge_weight: optional weights.
        num_nodes: number of nodes.
        relabel_nodes: renumber the kept nodes ``0..k-1`` in ``subset`` order.

    Returns:
        ``(edge_index, edge_weight, edge_mask)`` where ``edge_mask`` marks kept edges.
    """
    n = _check_edge_index(edge_index, num_nodes)
    if subset.dtype == torch.bool:
        if subset.numel() != n:
            raise ValueError(
                f"subset mask has {subset.numel()} entries but the graph has {n} "
                "nodes: pass a mask of length num_nodes or node ids"
            )
        node_mask = subset
        subset = node_mask.nonzero().view(-1)
    else:
        node_mask = torch.zeros(n, dtype=torch.bool, device=edge_index.device)
        node_mask[subset] = True
    edge_mask = node_mask[edge_index[0]] & node_mask[edge_index[1]]
    out = edge_index[:, edge_mask]
    if relabel_nodes:
        mapping = torch.full((n,), -1, dtype=torch.long, device=edge_index.device)
        mapping[subset] = torch.arange(subset.numel(), device=edge_index.device)
        out = mapping[out]
    w = None if edge_weight is None else edge_weight[edge_mask]
    return out, w, edge_mask


# ----------------------------------------------------------------------------------
# node masks
# ----------------------------------------------------------------------------------
def as_node_index(mask: Any, num_nodes: int, name: str = "mask") -> Tensor:
    """Node indices from a bool mask ``[N]`` or a 1-D index tensor (order kept).

    An integer tensor of length ``num_nodes`` that holds only 0 and 1 (and is not a
    permutation of ``0..num_nodes-1``) is rejected: it is almost surely a mask in
    the wrong dtype, and reading it as indices would select nodes 0 and 1.

    Args:
        mask: bool ``[N]`` mask, or ``[k]`` integer node indices (tensor, list or
            array).
        num_nodes: number of nodes ``N``.
        name: the argument's name, used in error messages (default: ``"mask"``).

    Returns:
        ``[k]`` int64 node indices on the input's device.

    Raises:
        TypeError: a float, complex or multi-dimensional index tensor.
        ValueError: a bool mask of the wrong length, an integer 0/1 mask, or an
            index outside ``[0, num_nodes)``.
    """
    m = torch.as_tensor(mask)
    if m.dtype == torch.bool:
        if m.dim() != 1 or m.numel() != num_nodes:
            raise ValueError(
                f"{name} is a bool mask of shape {list(m.shape)} but there are "
                f"{num_nodes} nodes: pass a bool mask of length {num_nodes} or node "
                "indices"
            )
        return m.nonzero().view(-1)
    if m.is_floating_point() or m.is_complex() or m.dim() != 1:
        raise TypeError(
            f"{name} must be a bool mask or a 1-D tensor of node indices, got "
            f"{m.dtype} with shape {list(m.shape)}"
        )
    idx = m.long()
    _reject_int_mask(idx, num_nodes, name)
    if idx.numel():
        lo, hi = int(idx.min()), int(idx.max())
        if lo < 0 or hi >= num_nodes:
            bad = lo if lo < 0 else hi
            raise ValueError(
                f"{name} holds node index {bad} outside [0, {num_nodes}): pass "
                "indices of existing nodes"
            )
    return idx


def _reject_int_mask(idx: Tensor, num_nodes: int, name: str) -> None:
    if idx.numel() != num_nodes or num_nodes == 0:
        return
    if not bool(((idx == 0) | (idx == 1)).all()):
        return
    if num_nodes <= 2 and torch.unique(idx).numel() == num_nodes:
        return  # [0], [0, 1] or [1, 0]: a valid list of every node
    raise ValueError(
        f"{name} is an integer tensor of length num_nodes ({num_nodes}) holding "
        f"only 0 and 1: pass {name}.bool() for a mask, or "
        f"{name}.nonzero().view(-1) for indices"
    )


def as_node_mask(
    mask: Any,
    num_nodes: int,
    name: str = "mask",
    *,
    splits: bool = False,
    device: torch.device | str | None = None,
) -> Tensor:
    """A bool node mask from a bool mask or node indices.

    The one place where masks are read: :class:`Graph`, :func:`graphlabels.train.fit`,
    propagation, the label non-uniformity tools and the label-free pipeline all
    accept the same inputs and reject the same mistakes (see
    :func:`as_node_index`).

    Args:
        mask: bool ``[N]`` (or ``[N, S]`` with ``splits=True``) mask, or 1-D integer
            node indices.
        num_nodes: number of nodes ``N``.
        name: the argument's name, used in error messages (default: ``"mask"``).
        splits: accept a bool ``[N, S]`` mask of ``S`` splits (default: ``False``).
        device: device of the result (default: the input's).

    Returns:
        A bool ``[N]`` (or ``[N, S]``) mask.
    """
    m = torch.as_tensor(mask)
    if m.dtype == torch.bool:
        ok = m.dim() == 1 or (splits and m.dim() == 2)
        if not ok or m.size(0) != num_nodes:
            want = "[N] or [N, num_splits]" if splits else f"[{num_nodes}]"
            raise ValueError(
                f"{name} has shape {list(m.shape)} but the graph has {num_nodes} "
                f"nodes: pass a bool mask {want}, or node indices"
            )
        return m if device is None else m.to(device)
    idx = as_node_index(m, num_nodes, name)
    out = torch.zeros(num_nodes, dtype=torch.bool, device=device or idx.device)
    out[idx.to(out.device)] = True
    return out


# ----------------------------------------------------------------------------------
# Graph
# ----------------------------------------------------------------------------------
_MASKS = ("train_mask", "val_mask", "test_mask")
#: Cache entries derived from ``x``, dropped when ``x`` changes.
_X_VIEWS = ("x_csr", "x_concat", "dgl")
#: Features with at most this share of non-zeros get a sparse form (``sparse_x``).
_SPARSE_X_DENSITY = 0.1


@dataclasses.dataclass(eq=False)
class Graph:
    """A node-classification graph.

    Args:
        edge_index: ``[2, E]`` int64 edges, row 0 = source, row 1 = target.
        num_nodes: number of nodes (default: from ``x``, ``y`` or ``edge_index``).
        x: ``[N, F]`` node features.
        y: ``[N]`` integer labels (``-1`` marks an unlabelled node).
        edge_weight: ``[E]`` edge weights.
        train_mask: bool ``[N]`` or ``[N, S]`` for ``S`` splits.
        val_mask: like ``train_mask``.
        test_mask: like ``train_mask``.
        texts: optional list of ``N`` node texts.
        class_names: optional list of ``C`` class names.
        name: dataset name.
        split_info: how the masks were made, e.g. ``{"source": "generated",
            "method": "per_class", "seeds": [0], ...}`` (default: :obj:`None`).

    Example:
        >>> g = Graph(torch.tensor([[0, 1], [1, 0]]), x=torch.eye(2))
        >>> g.num_nodes, g.num_edges
        (2, 2)
    """

    edge_index: Tensor
    num_nodes: int | None = None
    x: Tensor | None = None
    y: Tensor | None = None
    edge_weight: Tensor | None = None
    train_mask: Tensor | None = None
    val_mask: Tensor | None = None
    test_mask: Tensor | None = None
    texts: Sequence[str] | None = None
    class_names: Sequence[str] | None = None
    name: str | None = None
    split_info: dict[str, Any] | None = None
    _cache: dict = dataclasses.field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self.edge_index = torch.as_tensor(self.edge_index)
        if self.num_nodes is None:
            for t in (self.x, self.y):
                if t is not None:
                    self.num_nodes = int(t.size(0))
                    break
        self.num_nodes = _check_edge_index(self.edge_index, self.num_nodes)
        self.edge_index = self.edge_index.long()
        n, e = self.num_nodes, self.edge_index.size(1)
        if self.x is not None:
            self._check_x()
        if self.y is not None:
            self._check_y()
        if self.edge_weight is not None:
            w = self.edge_weight
            if w.dim() != 1 or w.numel() != e:
                raise ValueError(
                    f"edge_weight has shape {list(w.shape)} but there are {e} edges: "
                    "pass one weight per column of edge_index"
                )
            if not torch.isfinite(w).all():
                raise ValueError("edge_weight contains NaN or inf: clean the weights")
        for key in _MASKS:
            m = getattr(self, key)
            if m is None:
                continue
            setattr(self, key, as_node_mask(m, n, key, splits=True))
        self._check_masks()
        if self.texts is not None and len(self.texts) != n:
            raise ValueError(
                f"texts has {len(self.texts)} entries but the graph has {n} nodes: "
                "pass one text per node ('' for nodes without text)"
            )

    # -- validation ---------------------------------------------------------------
    def _check_x(self) -> None:
        x = self.x
        if x.dim() != 2:
            raise ValueError(
                f"x must have shape [num_nodes, num_features], got {list(x.shape)}: "
                "reshape it with x.view(num_nodes, -1)"
            )
        if x.size(0) != self.num_nodes:
            raise ValueError(
                f"x has {x.size(0)} rows but the graph has {self.num_nodes} nodes: "
                "pass one feature row per node"
            )
        if x.is_floating_point() and not torch.isfinite(x).all():
            bad = (~torch.isfinite(x)).any(1).nonzero().view(-1)
            raise ValueError(
                f"x contains NaN or inf in {bad.numel()} rows (first: node "
                f"{int(bad[0])}): impute or drop these features first"
            )

    def _check_y(self) -> None:
        y = self.y
        if y.is_floating_point() or y.dtype == torch.bool:
            raise TypeError(
                f"y must hold integer class ids, got {y.dtype}: use y.long() (or "
                "y.argmax(-1) for one-hot labels)"
            )
        if y.dim() != 1 or y.size(0) != self.num_nodes:
            raise ValueError(
                f"y has shape {list(y.shape)} but the graph has {self.num_nodes} "
                "nodes: pass one class id per node (-1 for unlabelled)"
            )
        if y.numel() and int(y.min()) < -1:
            raise ValueError(
                f"y has value {int(y.min())}: class ids are >= 0, and -1 marks "
                "an unlabelled node"
            )
        if self.class_names is not None and y.numel():
            c = len(self.class_names)
            if int(y.max()) >= c:
                bad = int((y >= c).sum())
                raise ValueError(
                    f"y has class id {int(y.max())} ({bad} nodes with ids >= {c}) but "
                    f"class_names has {c} names: pass one name per class, or fix y"
                )
        self.y = y.long()

    def _check_masks(self) -> None:
        tr, va, te = self.train_mask, self.val_mask, self.test_mask
        pairs = [
            ("train_mask", tr, "val_mask", va),
            ("train_mask", tr, "test_mask", te),
            ("val_mask", va, "test_mask", te),
        ]
        for ka, a, kb, b in pairs:
            if a is None or b is None:
                continue
            if a.dim() != b.dim() or a.shape != b.shape:
                raise ValueError(
                    f"{ka} has shape {list(a.shape)} but {kb} has {list(b.shape)}: "
                    "all masks must have the same number of splits"
                )
            both = (a & b).any(0) if a.dim() == 2 else (a & b)
            if bool(both.any()):
                where = both.nonzero().view(-1).tolist()[:5]
                what = "splits" if a.dim() == 2 else "nodes"
                raise ValueError(
                    f"{ka} and {kb} overlap ({what} {where}): a node may be in at "
                    "most one of train/val/test"
                )
        if self.y is not None and tr is not None:
            labelled = (tr.any(1) if tr.dim() == 2 else tr) & (self.y < 0)
            if bool(labelled.any()):
                raise ValueError(
                    f"{int(labelled.sum())} training nodes have label -1: remove "
                    "them from train_mask or give them labels"
                )

    # -- properties ---------------------------------------------------------------
    @property
    def num_edges(self) -> int:
        """Number of (directed) edges, the columns of ``edge_index``."""
        return int(self.edge_index.size(1))

    @property
    def num_features(self) -> int:
        """Feature dimension (0 without features)."""
        return 0 if self.x is None else int(self.x.size(1))

    @property
    def num_classes(self) -> int:
        """Number of classes: ``len(class_names)`` or ``max(y) + 1``."""
        if self.class_names is not None:
            return len(self.class_names)
        if self.y is None or self.y.numel() == 0:
            return 0
        return int(self.y.max()) + 1

    @property
    def num_splits(self) -> int:
        """Number of train/val/test splits carried by the masks."""
        m = self.train_mask
        return 0 if m is None else (int(m.size(1)) if m.dim() == 2 else 1)

    @property
    def device(self) -> torch.device:
        """Device of ``edge_index``."""
        return self.edge_index.device

    def split(self, index: int = 0) -> Graph:
        """The graph with 1-D masks for split ``index`` (shares all tensors)."""
        s = self.num_splits
        if s == 0:
            raise ValueError(f"graph {self.name!r} has no train/val/test masks")
        if not 0 <= index < s:
            raise IndexError(f"split {index} out of range: the graph has {s} splits")
        if self.train_mask.dim() == 1:
            return self
        masks = {k: getattr(self, k) for k in _MASKS}
        changes = {k: m[:, index] for k, m in masks.items() if m is not None}
        return self.replace(**changes, _keep_cache=True)

    def replace(self, _keep_cache: bool = False, **changes: Any) -> Graph:
        """A new Graph with some fields replaced; the rest is shared.

        The CSR cache is kept only when the structure does not change.
        """
        bad = set(changes) - {f.name for f in dataclasses.fields(self)}
        if bad:
            raise TypeError(f"Graph has no field(s) {sorted(bad)}")
        structural = {"edge_index", "edge_weight", "num_nodes"} & set(changes)
        new = dataclasses.replace(self, _cache={}, **changes)
        if _keep_cache or not structural:
            new._cache = self._cache
            if "x" in changes:  # views derived from x must not leak to the new graph
                new._cache = {k: v for k, v in self._cache.items() if k not in _X_VIEWS}
        return new

    def to(self, device: torch.device | str) -> Graph:
        """Move every tensor to ``device``."""
        changes = {
            f.name: getattr(self, f.name).to(device)
            for f in dataclasses.fields(self)
            if isinstance(getattr(self, f.name), Tensor)
        }
        return dataclasses.replace(self, _cache={}, **changes)

    def csr(self):
        """The cached ``graphlabels.ops.CSR``; row ``i`` holds the in-edges of ``i``."""
        if "csr" not in self._cache:
            from graphlabels.ops import CSR

            self._cache["csr"] = CSR.from_edge_index(
                self.edge_index, self.num_nodes, self.edge_weight
            )
        return self._cache["csr"]

    def sparse_x(self, max_density: float = _SPARSE_X_DENSITY) -> Tensor | None:
        """``x`` as a cached sparse CSR tensor, or ``None`` when it is dense.

        Bag-of-words features (Cora: 1.3% non-zeros) make the first linear layer and
        its input dropout far cheaper in CSR form; models that declare
        ``sparse_input = True`` receive this instead of ``x``.
        """
        if self.x is None or not self.x.is_floating_point():
            return None
        if "x_csr" not in self._cache:
            nnz = int(torch.count_nonzero(self.x))
            dense = nnz > max_density * self.x.numel()
            with warnings.catch_warnings():  # "sparse CSR support is in beta"
                warnings.simplefilter("ignore", UserWarning)
                self._cache["x_csr"] = None if dense else self.x.to_sparse_csr()
        return self._cache["x_csr"]

    def concat_sparse_x(self, extra: Tensor) -> Tensor | None:
        """``[x | extra]`` as a sparse CSR tensor (float32), or ``None``.

        ``None`` when ``x`` has no sparse form (:meth:`sparse_x`) or when its
        non-zeros and every entry of ``extra`` pass the same 10% bound. Each row
        holds ``x``'s entries, then all ``k`` entries of ``extra``, zeros included,
        so calls with the same width share one sparsity pattern (kept with this
        graph) and a sparse linear layer (:func:`graphlabels.ops.linear`) reuses
        its transpose; only the values are written. Labels as input
        (:class:`~graphlabels.dependencies.LabelInput`) call this at every step.

        Args:
            extra: ``[num_nodes, k]`` finite columns to append.
        """
        if self.x is None:
            raise ValueError("concat_sparse_x needs node features: the graph has no x")
        if extra.dim() != 2 or extra.size(0) != self.num_nodes:
            raise ValueError(
                f"extra must have shape [{self.num_nodes}, k], got {list(extra.shape)}"
            )
        if not torch.isfinite(extra).all():
            raise ValueError(
                "extra contains NaN or inf: the new features must be finite"
            )
        xs = self.sparse_x()
        if xs is None:
            return None
        stored = xs.values().numel() + extra.numel()
        if stored > _SPARSE_X_DENSITY * xs.size(0) * (xs.size(1) + extra.size(1)):
            return None
        return self._concat_csr(xs, extra.to(xs.device, torch.float32))

    def _concat_csr(self, xs: Tensor, extra: Tensor) -> Tensor:
        """``[xs | extra]`` as sparse CSR, every entry of ``extra`` stored."""
        n, f = xs.shape
        k = extra.size(1)
        patterns = self._cache.setdefault("x_concat", {})
        if k not in patterns:
            crow, col = xs.crow_indices(), xs.col_indices()
            per_x = crow.diff()
            new_crow = crow + k * torch.arange(n + 1, device=crow.device)
            rows = torch.repeat_interleave(torch.arange(n, device=crow.device), per_x)
            pos_x = torch.arange(col.numel(), device=col.device)
            pos_x += new_crow[rows] - crow[rows]
            pos_e = (new_crow[1:] - k)[:, None] + torch.arange(k, device=crow.device)
            pos_e = pos_e.reshape(-1)
            new_col = torch.empty(int(new_crow[-1]), dtype=col.dtype, device=col.device)
            new_col[pos_x] = col
            new_col[pos_e] = torch.arange(
                f, f + k, dtype=col.dtype, device=col.device
            ).repeat(n)
            patterns[k] = (new_crow, new_col, pos_x, pos_e)
        new_crow, new_col, pos_x, pos_e = patterns[k]
        values = torch.empty(new_col.numel(), dtype=torch.float32, device=xs.device)
        values[pos_x] = xs.values().float()
        values[pos_e] = extra.reshape(-1)
        with warnings.catch_warnings():  # "sparse CSR support is in beta"
            warnings.simplefilter("ignore", UserWarning)
            return torch.sparse_csr_tensor(
                new_crow, new_col, values, (n, f + k), check_invariants=False
            )

    def csc(self):
        """The transposed view (row ``j`` holds the out-edges of ``j``), cached."""
        return self.csr().t()

    def is_undirected(self) -> bool:
        """Whether every edge has its reverse."""
        return is_undirected(self.edge_index, self.num_nodes)

    def to_undirected(self, reduce: str = "sum") -> Graph:
        """The graph with every edge's reverse added (coalesced).

        Returns ``self`` when no reverse is missing. As PyG's ``to_undirected``:
        the reverse of every edge is appended, then duplicate edges are merged and
        their weights combined by ``reduce`` (default: ``"sum"``).
        """
        if self.is_undirected():
            return self
        ei, w = to_undirected(self.edge_index, self.edge_weight, self.num_nodes, reduce)
        return self.replace(edge_index=ei, edge_weight=w)

    def degree(self) -> Tensor:
        """In-degree of every node."""
        return degree(self.edge_index[1], self.num_nodes)

    def __repr__(self) -> str:
        parts = [f"num_nodes={self.num_nodes}", f"num_edges={self.num_edges}"]
        if self.x is not None:
            parts.append(f"num_features={self.num_features}")
        if self.y is not None:
            parts.append(f"num_classes={self.num_classes}")
        if self.num_splits:
            parts.append(f"num_splits={self.num_splits}")
        if self.texts is not None:
            parts.append("texts")
        name = f"{self.name}, " if self.name else ""
        return f"Graph({name}{', '.join(parts)})"

    # -- conversions --------------------------------------------------------------
    def to_scipy(self):
        """``scipy.sparse.csr_array`` with ``A[source, target] = weight``."""
        import scipy.sparse as sp

        w = self.edge_weight
        w = np.ones(self.num_edges, dtype=np.float32) if w is None else w.cpu().numpy()
        ei = self.edge_index.cpu().numpy()
        n = self.num_nodes
        return sp.csr_array((w, (ei[0], ei[1])), shape=(n, n))

    @classmethod
    def from_scipy(cls, adj, **fields: Any) -> Graph:
        """From a square scipy sparse matrix (``A[source, target] = weight``)."""
        coo = adj.tocoo()
        if coo.shape[0] != coo.shape[1]:
            raise ValueError(f"adjacency must be square, got shape {coo.shape}")
        ei = torch.from_numpy(np.stack([coo.row, coo.col]).astype(np.int64))
        w = torch.from_numpy(np.asarray(coo.data, dtype=np.float32))
        weighted = not bool(torch.all(w == 1))
        return cls(ei, coo.shape[0], edge_weight=w if weighted else None, **fields)

    def to_networkx(self):
        """A ``networkx.DiGraph`` with ``x``/``y`` node attributes when present."""
        nx = import_optional("networkx", "Graph.to_networkx")
        g = nx.DiGraph()
        for i in range(self.num_nodes):
            attrs = {}
            if self.x is not None:
                attrs["x"] = self.x[i].tolist()
            if self.y is not None:
                attrs["y"] = int(self.y[i])
            g.add_node(i, **attrs)
        ei = self.edge_index.t().tolist()
        if self.edge_weight is None:
            g.add_edges_from(ei)
        else:
            g.add_weighted_edges_from(
                (s, t, w)
                for (s, t), w in zip(ei, self.edge_weight.tolist(), strict=True)
            )
        return g

    @classmethod
    def from_networkx(cls, g, **fields: Any) -> Graph:
        """From a networkx graph on nodes ``0..N-1`` (undirected: both directions)."""
        n = g.number_of_nodes()
        if sorted(g.nodes) != list(range(n)):
            raise ValueError(
                "networkx nodes must be 0..N-1: relabel with "
                "networkx.convert_node_labels_to_integers(g)"
            )
        edges = list(g.edges(data="weight"))
        src = [e[0] for e in edges]
        dst = [e[1] for e in edges]
        ws = [e[2] for e in edges]
        if not g.is_directed():
            src, dst, ws = src + dst, dst + src, ws + ws
        ei = torch.tensor([src, dst], dtype=torch.long).view(2, -1)
        w = None if any(v is None for v in ws) or not ws else torch.tensor(ws)
        for key in ("x", "y"):
            if key not in fields and n and key in g.nodes[0]:
                fields[key] = torch.tensor([g.nodes[i][key] for i in range(n)])
        return cls(ei, n, edge_weight=w, **fields)

    def to_pyg(self):
        """A ``torch_geometric.data.Data`` with the same tensors."""
        pyg_data = import_optional("torch_geometric.data", "Graph.to_pyg")
        data = pyg_data.Data(edge_index=self.edge_index, num_nodes=self.num_nodes)
        for key in ("x", "y", "edge_weight", *_MASKS):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    @classmethod
    def from_pyg(cls, data, **fields: Any) -> Graph:
        """From a PyG ``Data`` (weights from ``edge_weight`` or 1-D ``edge_attr``)."""
        w = getattr(data, "edge_weight", None)
        if w is None and getattr(data, "edge_attr", None) is not None:
            if data.edge_attr.dim() == 1:
                w = data.edge_attr
        kw = {k: getattr(data, k, None) for k in ("x", "y", *_MASKS)}
        kw.update(fields)
        return cls(data.edge_index, data.num_nodes, edge_weight=w, **kw)

    def to_dgl(self):
        """A ``dgl.DGLGraph`` with ``feat``/``label``/mask node data and edge ``w``."""
        dgl = import_optional("dgl", "Graph.to_dgl")
        g = dgl.graph(
            (self.edge_index[0], self.edge_index[1]), num_nodes=self.num_nodes
        )
        if self.x is not None:
            g.ndata["feat"] = self.x
        if self.y is not None:
            g.ndata["label"] = self.y
        for key in _MASKS:
            if getattr(self, key) is not None:
                g.ndata[key] = getattr(self, key)
        if self.edge_weight is not None:
            g.edata["w"] = self.edge_weight
        return g

    @classmethod
    def from_dgl(cls, g, **fields: Any) -> Graph:
        """From a ``dgl.DGLGraph`` (reads ``feat``, ``label``, masks and edge ``w``)."""
        src, dst = g.edges()
        nd = g.ndata
        kw: dict[str, Any] = {
            "x": nd.get("feat"),
            "y": nd.get("label"),
            "edge_weight": g.edata.get("w"),
        }
        kw.update({k: nd.get(k) for k in _MASKS})
        kw.update(fields)
        return cls(torch.stack([src, dst]).long(), g.num_nodes(), **kw)
