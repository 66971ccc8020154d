"""Graphs bigger than memory: a folder of ``.npy`` files opened memory-mapped.

Layout of a folder written by :func:`write_ondisk`::

    meta.json        sizes, dtypes, name (format version 1)
    indptr.npy       [N + 1] int64 row offsets; row i = the in-edges of node i
    indices.npy      [E] int32 or int64 source of each edge
    edge_weight.npy  [E] float32 (optional)
    x.npy            [N, F] float32, float16, or bfloat16 stored as uint16
    y.npy            [N] int64 labels, -1 = unlabelled (optional)
    train_idx.npy, valid_idx.npy, test_idx.npy   int64 node ids (optional)

:class:`OnDiskGraph` opens the arrays with ``mmap_mode='r'``: nothing but the
split masks (``N`` bytes each) is read into memory. The sampler
(:mod:`graphlabels.sampling`) reads only the rows and edges a batch touches, and
features are upcast to float32 per batch. At ogbn-papers100M scale (111M nodes,
1.6B edges) that is 0.9 GB of ``indptr``, 6.5 GB of int32 ``indices`` and 28 GB
of float16 ``x``, paged in by the operating system as needed.

:class:`OnDiskGraph` is not a :class:`~graphlabels.graph.Graph` (which holds an
in-memory ``edge_index``); it has the attributes the mini-batch code uses
(``num_nodes``, ``x``, ``y``, the masks, ``csr()``, ``split()``) and
:meth:`OnDiskGraph.to_graph` loads a small one into a ``Graph``.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor

from graphlabels.graph import Graph

__all__ = ["OnDiskGraph", "convert_ogb", "open_ondisk", "write_ondisk"]

FORMAT_VERSION = 1
_X_DTYPES = {"float32": np.float32, "float16": np.float16, "bfloat16": np.uint16}
_SPLITS = ("train_idx", "valid_idx", "test_idx")
#: Rows per chunk when features are converted and written.
_CHUNK_ROWS = 1 << 16


def _torch(a: np.ndarray) -> Tensor:
    with warnings.catch_warnings():  # read-only memory maps: never written to
        warnings.simplefilter("ignore", UserWarning)
        return torch.from_numpy(a)


def _to_numpy(t: Any) -> np.ndarray:
    if isinstance(t, Tensor):
        t = t.detach().cpu()
        if t.dtype == torch.bfloat16:
            return t.view(torch.int16).numpy().view(np.uint16)
        return t.numpy()
    return np.asarray(t)


def _write_x(path: Path, x: Any, x_dtype: str) -> None:
    n, f = int(x.shape[0]), int(x.shape[1])
    out = np.lib.format.open_memmap(
        path, mode="w+", dtype=_X_DTYPES[x_dtype], shape=(n, f)
    )
    for s in range(0, n, _CHUNK_ROWS):
        e = min(n, s + _CHUNK_ROWS)
        part = x[s:e]
        part = part if isinstance(part, Tensor) else torch.as_tensor(np.asarray(part))
        if x_dtype == "bfloat16":
            out[s:e] = part.to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
        else:
            out[s:e] = part.to(getattr(torch, x_dtype)).numpy()
    out.flush()
    del out


def _csr_from_edge_index(edge_index: Any, n: int) -> tuple[Tensor, Tensor, Tensor]:
    """``(indptr, indices, perm)`` of the in-edge CSR; ``perm`` maps to edge ids."""
    ei = torch.as_tensor(edge_index)
    dst = ei[1].long()
    counts = torch.bincount(dst, minlength=n)
    if counts.numel() > n:
        raise ValueError(
            f"edge_index has values >= num_nodes (max {int(dst.max())}, num_nodes "
            f"{n}): pass num_nodes or remove the edges"
        )
    indptr = torch.zeros(n + 1, dtype=torch.long)
    torch.cumsum(counts, 0, out=indptr[1:])
    src = ei[0].long()
    # sorted by (target, source), as CSR.from_edge_index: the same CSR as Graph.csr()
    perm = torch.argsort(dst * max(n, 1) + src, stable=True)
    del dst
    return indptr, src.index_select(0, perm), perm


def write_ondisk(
    source: Graph | Mapping[str, Any],
    path: str | Path,
    *,
    x_dtype: str = "float32",
    index_dtype: str = "auto",
    split: int = 0,
    name: str | None = None,
) -> Path:
    """Write a graph as an on-disk folder that :func:`open_ondisk` maps.

    Args:
        source: a :class:`~graphlabels.graph.Graph`, or a mapping with either
            ``edge_index`` (``[2, E]``, row 0 = source) or ``indptr`` + ``indices``
            (in-edge CSR), plus ``num_nodes`` (when not given by ``x``, ``y`` or
            ``indptr``) and optionally ``x``, ``y``, ``edge_weight`` and
            ``train_idx``/``valid_idx``/``test_idx``. Arrays may be numpy (also
            memory-mapped) or torch.
        path: the folder (created; existing files are overwritten).
        x_dtype: ``"float32"``, ``"float16"`` or ``"bfloat16"`` (default:
            ``"float32"``).
        index_dtype: ``"int32"``, ``"int64"`` or ``"auto"`` (int32 when the node
            ids fit) (default: ``"auto"``).
        split: the split to write from a multi-split Graph (default: ``0``).
        name: dataset name for ``meta.json`` (default: the graph's).

    Returns:
        The folder.
    """
    if x_dtype not in _X_DTYPES:
        raise ValueError(f"x_dtype must be one of {sorted(_X_DTYPES)}, got {x_dtype!r}")
    if index_dtype not in ("auto", "int32", "int64"):
        raise ValueError(
            f"index_dtype must be 'auto', 'int32' or 'int64', got {index_dtype!r}"
        )
    arrays: dict[str, Any]
    if isinstance(source, Graph):
        g = source.split(split) if source.num_splits > 1 else source
        arrays = {
            "edge_index": g.edge_index,
            "num_nodes": g.num_nodes,
            "x": g.x,
            "y": g.y,
            "edge_weight": g.edge_weight,
        }
        for key, m in zip(
            _SPLITS, (g.train_mask, g.val_mask, g.test_mask), strict=True
        ):
            arrays[key] = None if m is None else m.nonzero().view(-1)
        name = name or g.name
    elif isinstance(source, Mapping):
        arrays = dict(source)
        unknown = set(arrays) - {
            "edge_index",
            "indptr",
            "indices",
            "num_nodes",
            "x",
            "y",
            "edge_weight",
            *_SPLITS,
        }
        if unknown:
            raise ValueError(f"write_ondisk: unknown arrays {sorted(unknown)}")
    else:
        raise TypeError(
            f"write_ondisk takes a Graph or a mapping of arrays, got "
            f"{type(source).__name__}"
        )
    n = arrays.get("num_nodes")
    for key in ("x", "y"):
        if n is None and arrays.get(key) is not None:
            n = int(arrays[key].shape[0])
    if n is None and arrays.get("indptr") is not None:
        n = int(arrays["indptr"].shape[0]) - 1
    if n is None:
        raise ValueError("write_ondisk: pass num_nodes (or x, y or indptr)")
    n = int(n)
    out = Path(path)
    out.mkdir(parents=True, exist_ok=True)
    weight = arrays.get("edge_weight")
    if arrays.get("edge_index") is not None:
        indptr, indices, perm = _csr_from_edge_index(arrays["edge_index"], n)
        if weight is not None:
            weight = torch.as_tensor(_to_numpy(weight)).index_select(0, perm)
        del perm
    elif arrays.get("indptr") is not None and arrays.get("indices") is not None:
        indptr = torch.as_tensor(_to_numpy(arrays["indptr"])).long()
        indices = _torch(_to_numpy(arrays["indices"]))
        if indptr.numel() != n + 1 or int(indptr[-1]) != indices.numel():
            raise ValueError(
                f"indptr must have num_nodes + 1 = {n + 1} entries ending at "
                f"len(indices) = {indices.numel()}, got {indptr.numel()} ending at "
                f"{int(indptr[-1])}"
            )
    else:
        raise ValueError("write_ondisk: pass edge_index, or indptr and indices")
    if index_dtype == "auto":
        index_dtype = "int32" if n < 2**31 else "int64"
    np.save(out / "indptr.npy", _to_numpy(indptr).astype(np.int64, copy=False))
    idx = np.lib.format.open_memmap(
        out / "indices.npy",
        mode="w+",
        dtype=np.dtype(index_dtype),
        shape=(indices.numel(),),
    )
    step = 1 << 24
    for s in range(0, indices.numel(), step):
        idx[s : s + step] = _to_numpy(indices[s : s + step])
    idx.flush()
    del idx
    num_edges = int(indices.numel())
    del indices
    if weight is not None:
        np.save(out / "edge_weight.npy", _to_numpy(weight).astype(np.float32))
    x = arrays.get("x")
    meta: dict[str, Any] = {
        "format_version": FORMAT_VERSION,
        "name": name,
        "num_nodes": n,
        "num_edges": num_edges,
        "index_dtype": index_dtype,
        "x_dtype": None,
        "num_features": 0,
        "num_classes": 0,
        "weighted": weight is not None,
    }
    if x is not None:
        if int(x.shape[0]) != n:
            raise ValueError(f"x has {x.shape[0]} rows but the graph has {n} nodes")
        _write_x(out / "x.npy", x, x_dtype)
        meta["x_dtype"] = x_dtype
        meta["num_features"] = int(x.shape[1])
    y = arrays.get("y")
    if y is not None:
        y = _to_numpy(y).astype(np.int64).reshape(-1)
        if y.shape[0] != n:
            raise ValueError(f"y has {y.shape[0]} entries but the graph has {n} nodes")
        np.save(out / "y.npy", y)
        meta["num_classes"] = int(y.max()) + 1 if y.size else 0
    for key in _SPLITS:
        if arrays.get(key) is not None:
            np.save(out / f"{key}.npy", _to_numpy(arrays[key]).astype(np.int64))
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
    return out


class OnDiskGraph:
    """A node-classification graph whose arrays stay memory-mapped on disk.

    Args:
        path: a folder written by :func:`write_ondisk`.

    Attributes:
        num_nodes, num_edges, num_features, num_classes, name: from ``meta.json``.
        x: ``[N, F]`` memory-mapped features in their stored dtype.
        y: ``[N]`` memory-mapped int64 labels (``None`` when absent).
        train_mask, val_mask, test_mask: in-memory bool masks (``None`` when
            absent).
        edge_weight: memory-mapped ``[E]`` weights in CSR order, or ``None``.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        meta_file = self.path / "meta.json"
        if not meta_file.is_file():
            raise FileNotFoundError(
                f"{meta_file} not found: write the folder with "
                "graphlabels.data.ondisk.write_ondisk or convert_ogb first"
            )
        meta = json.loads(meta_file.read_text())
        if meta.get("format_version") != FORMAT_VERSION:
            raise ValueError(
                f"{self.path} has on-disk format {meta.get('format_version')}, this "
                f"version reads {FORMAT_VERSION}: rewrite it with write_ondisk"
            )
        self.meta = meta
        #: the ``np.memmap`` arrays behind the tensors, by file name
        self.arrays: dict[str, np.ndarray] = {}
        self.name = meta.get("name")
        self.num_nodes = int(meta["num_nodes"])
        self.num_edges = int(meta["num_edges"])
        self.num_features = int(meta.get("num_features", 0))
        self.indptr = _torch(self._load("indptr"))
        self.indices = _torch(self._load("indices"))
        self.edge_weight = self._maybe("edge_weight")
        x = self._maybe("x")
        if x is not None and meta.get("x_dtype") == "bfloat16":
            x = x.view(torch.bfloat16)
        self.x = x
        self.y = self._maybe("y")
        n = self.num_nodes
        masks = []
        for key in _SPLITS:
            idx = self._maybe(key)
            if idx is None:
                masks.append(None)
                continue
            m = torch.zeros(n, dtype=torch.bool)
            m[idx.long()] = True
            masks.append(m)
        self.train_mask, self.val_mask, self.test_mask = masks
        self._num_classes = int(meta.get("num_classes", 0))
        self._csr = None

    def _load(self, key: str) -> np.ndarray:
        a = np.load(self.path / f"{key}.npy", mmap_mode="r")
        self.arrays[key] = a
        return a

    def _maybe(self, key: str) -> Tensor | None:
        f = self.path / f"{key}.npy"
        return _torch(self._load(key)) if f.is_file() else None

    @property
    def num_classes(self) -> int:
        """Number of classes (``max(y) + 1`` when written)."""
        return self._num_classes

    @property
    def num_splits(self) -> int:
        """1 when the folder has split index arrays, else 0."""
        return 0 if self.train_mask is None else 1

    @property
    def device(self) -> torch.device:
        """Always the CPU (memory maps)."""
        return torch.device("cpu")

    def split(self, index: int = 0) -> OnDiskGraph:
        """The graph itself (an on-disk graph holds one split)."""
        if index != 0:
            raise IndexError(f"split {index} out of range: the graph has 1 split")
        return self

    def csr(self):
        """The in-edge :class:`~graphlabels.ops.CSR`, its index arrays memory-mapped.

        ``col`` keeps the stored dtype (int32 is not widened, which would read and
        double the whole array); the sampler and the kernels accept either.
        """
        if self._csr is None:
            from graphlabels.ops import CSR

            A = CSR(
                self.indptr.long(),
                self.indices[:0].long(),
                None,
                self.num_nodes,
                check=False,
            )
            A.col = self.indices
            A.value = self.edge_weight
            self._csr = A
        return self._csr

    def to(self, device: torch.device | str) -> Graph:
        """Load into an in-memory :class:`Graph` on ``device`` (small graphs only)."""
        return self.to_graph().to(device)

    def to_graph(self) -> Graph:
        """Read everything into an in-memory :class:`~graphlabels.graph.Graph`."""
        A = self.csr()
        row = torch.repeat_interleave(torch.arange(self.num_nodes), A.rowptr.diff())
        ei = torch.stack([self.indices.long(), row])
        x = None if self.x is None else self.x.float()
        w = None if self.edge_weight is None else self.edge_weight.clone()
        y = None if self.y is None else self.y.clone()
        return Graph(
            ei,
            self.num_nodes,
            x=x,
            y=y,
            edge_weight=w,
            train_mask=self.train_mask,
            val_mask=self.val_mask,
            test_mask=self.test_mask,
            name=self.name,
        )

    def __repr__(self) -> str:
        return (
            f"OnDiskGraph({self.name + ', ' if self.name else ''}num_nodes="
            f"{self.num_nodes}, num_edges={self.num_edges}, num_features="
            f"{self.num_features}, x_dtype={self.meta.get('x_dtype')}, "
            f"index_dtype={self.meta.get('index_dtype')}, path={str(self.path)!r})"
        )


def open_ondisk(path: str | Path) -> OnDiskGraph:
    """Open a folder written by :func:`write_ondisk` (memory-mapped)."""
    return OnDiskGraph(path)


def convert_ogb(
    name: str,
    root: str | Path,
    out: str | Path,
    *,
    x_dtype: str = "float16",
    index_dtype: str = "auto",
    undirected: bool = False,
) -> Path:
    """Convert an OGB node dataset (OGB's own files) to the on-disk format, once.

    The dataset is read with :func:`graphlabels.data.ogb.load_ogb` (OGB's loader,
    so it must fit in memory during the conversion; the result then opens
    memory-mapped in any later process).

    Args:
        name: ``"ogbn-arxiv"``, ``"ogbn-products"`` or ``"ogbn-papers100M"``.
        root: data root holding ``ogb/<ogbn_name>/`` (OGB's layout).
        out: the output folder.
        x_dtype: feature dtype on disk (default: ``"float16"``).
        index_dtype: ``"int32"``, ``"int64"`` or ``"auto"`` (default: ``"auto"``).
        undirected: symmetrise the edges (arxiv, papers100M) (default: ``False``).

    Returns:
        The output folder.
    """
    from graphlabels.data.ogb import load_ogb

    graph = load_ogb(Path(root), name, undirected=undirected)
    return write_ondisk(graph, out, x_dtype=x_dtype, index_dtype=index_dtype, name=name)
