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

import contextlib
import gzip
import itertools
import json
import os
import shutil
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator, Mapping
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
    chunks = (x[s : s + _CHUNK_ROWS] for s in range(0, n, _CHUNK_ROWS))
    _write_x_chunks(path, n, f, chunks, x_dtype)


def _write_x_chunks(
    path: Path, n: int, f: int, chunks: Iterator[Any], x_dtype: str
) -> None:
    """Write ``[n, f]`` features arriving as consecutive row chunks."""
    out = np.lib.format.open_memmap(
        path, mode="w+", dtype=_X_DTYPES[x_dtype], shape=(n, f)
    )
    s = 0
    for part in chunks:
        part = part if isinstance(part, Tensor) else _torch(np.asarray(part))
        e = s + int(part.shape[0])
        if e > n or (part.dim() == 2 and int(part.shape[1]) != f):
            raise ValueError(
                f"features have more rows or columns than [{n}, {f}] (got rows up to "
                f"{e}, {tuple(part.shape)[1:]} columns): check the feature file"
            )
        if x_dtype == "bfloat16":
            out[s:e] = part.to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)
        else:
            out[s:e] = part.to(getattr(torch, x_dtype)).numpy()
        s = e
    if s != n:
        raise ValueError(f"features have {s} rows but the graph has {n} nodes")
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
    def split_info(self) -> dict[str, Any] | None:
        """Where the split comes from: the folder's index files, or none."""
        if self.train_mask is None:
            return None
        return {"source": "files", "path": str(self.path)}

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


#: Edges per chunk when an edge list is streamed.
_EDGE_CHUNK = 1 << 23

# what each OGB node dataset ships (OGB's own layout, see graphlabels.data.ogb)
_OGB_RAW: dict[str, dict[str, Any]] = {
    "ogbn-arxiv": {"binary": False, "inverse": False, "split": "time"},
    "ogbn-products": {"binary": False, "inverse": True, "split": "sales_ranking"},
    "ogbn-papers100M": {"binary": True, "inverse": False, "split": "time"},
}


class _NpyStream:
    """Read an ``.npy`` member of an ``.npz`` archive in row chunks.

    Works for stored and compressed archives alike and never holds more than one
    chunk: OGB's papers100M ``data.npz`` holds 1.6 billion edges and 14 billion
    feature values.
    """

    def __init__(self, path: Path, key: str) -> None:
        self.path, self.key = path, key
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
        if f"{key}.npy" not in names:
            have = ", ".join(n.removesuffix(".npy") for n in names)
            raise ValueError(
                f"{path} has no array {key!r} (it has {have}): the file is not "
                "OGB's; unzip the dataset's archive again"
            )
        with self._open() as f:
            self.shape, self.fortran, self.dtype, self.offset = _npy_header(f)

    @contextlib.contextmanager
    def _open(self) -> Iterator[Any]:
        with zipfile.ZipFile(self.path) as zf, zf.open(f"{self.key}.npy") as f:
            yield f

    def rows(
        self,
        start: int = 0,
        stop: int | None = None,
        chunk: int = _CHUNK_ROWS,
        shape: tuple[int, ...] | None = None,
    ) -> Iterator[np.ndarray]:
        """Rows ``start:stop`` of the array, ``chunk`` at a time.

        ``shape`` reads the stored items in that C-order shape instead (a
        ``[2, E]`` array as ``(2 * E,)``, or in Fortran order as ``(E, 2)``).
        """
        if shape is None:
            if self.fortran and len(self.shape) > 1:
                raise ValueError(
                    f"{self.path}:{self.key} is stored in Fortran order: rows "
                    "cannot be streamed; re-save it in C order"
                )
            shape = self.shape
        n = shape[0]
        stop = n if stop is None else stop
        row_shape = shape[1:]
        row_bytes = self.dtype.itemsize * int(np.prod(row_shape, dtype=np.int64))
        with self._open() as f:
            f.seek(self.offset + start * row_bytes)
            for s in range(start, stop, chunk):
                k = min(chunk, stop - s)
                buf = f.read(k * row_bytes)
                if len(buf) != k * row_bytes:
                    raise ValueError(f"{self.path}:{self.key} is truncated")
                yield np.frombuffer(buf, dtype=self.dtype).reshape(k, *row_shape)

    def read(self) -> np.ndarray:
        """The whole array (small arrays only)."""
        parts = list(self.rows(chunk=max(self.shape[0], 1)))
        if self.shape[0] == 0:
            return np.zeros(self.shape, dtype=self.dtype)
        return parts[0].copy()


def _npy_header(f: Any) -> tuple[tuple[int, ...], bool, np.dtype, int]:
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape, fortran, dtype = np.lib.format.read_array_header_1_0(f)
    else:
        shape, fortran, dtype = np.lib.format.read_array_header_2_0(f)
    return tuple(shape), bool(fortran), np.dtype(dtype), f.tell()


def _csv_gz_rows(
    path: Path, dtype: Any, chunk: int = _CHUNK_ROWS
) -> Iterator[np.ndarray]:
    """Rows of a gzipped CSV file without a header, ``chunk`` lines at a time."""
    with gzip.open(path, "rt") as f:
        while True:
            lines = list(itertools.islice(f, chunk))
            if not lines:
                return
            yield np.loadtxt(lines, delimiter=",", dtype=dtype, ndmin=2)


def _shrink_npy(path: Path, length: int) -> None:
    """Cut a 1-D ``.npy`` file to its first ``length`` items, in place.

    numpy pads the header so that the first axis can grow to 21 digits, so the
    rewritten header has the same size and the data does not move.
    """
    with open(path, "r+b") as f:
        shape, fortran, dtype, offset = _npy_header(f)
        header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False}
        f.seek(0)
        np.lib.format.write_array_header_1_0(f, {**header, "shape": (length,)})
        if f.tell() != offset:  # pragma: no cover - numpy's padding changed
            raise RuntimeError(f"cannot shrink {path}: its header size would change")
    os.truncate(path, offset + length * dtype.itemsize)


def _write_csr_streaming(
    out: Path,
    n: int,
    chunks: Callable[[], Iterator[tuple[np.ndarray, np.ndarray]]],
    num_edges: int,
    *,
    both_directions: bool,
    dedupe: bool,
    index_dtype: str,
    progress: bool,
) -> int:
    """Write ``indptr.npy`` and ``indices.npy`` from a streamed edge list.

    The in-edge CSR sorted by (target, source), as :func:`write_ondisk` writes
    it, built in three passes with memory bounded by one chunk of edges plus the
    ``[N]`` degree and cursor arrays: count in-degrees, place each source at its
    target's next free slot, then sort (and with ``dedupe`` remove repeated
    edges from) each row, a block of rows at a time.

    Args:
        out: the folder.
        n: number of nodes.
        chunks: called once per pass, yields ``(src, dst)`` arrays.
        num_edges: edges the chunks yield (for the progress bars).
        both_directions: also store each edge reversed.
        dedupe: drop repeated ``(target, source)`` pairs.
        index_dtype: dtype of ``indices``.
        progress: progress bars.

    Returns:
        The number of stored edges.
    """
    from tqdm.auto import tqdm

    def bar(desc: str, total: int) -> Any:
        return tqdm(total=total, desc=desc, unit="edge", unit_scale=True,
                    disable=not progress)  # fmt: skip

    deg = np.zeros(n, dtype=np.int64)
    with bar("count edges", num_edges) as b:
        for src, dst in chunks():
            for a in (src, dst):
                if a.size and (int(a.min()) < 0 or int(a.max()) >= n):
                    raise ValueError(
                        f"the edge list has node ids outside [0, {n}) (min "
                        f"{int(a.min())}, max {int(a.max())}): the edge and node "
                        "files do not belong together"
                    )
            deg += np.bincount(dst, minlength=n)
            if both_directions:
                deg += np.bincount(src, minlength=n)
            b.update(src.size)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(deg, out=indptr[1:])
    total = int(indptr[-1])
    idx = np.lib.format.open_memmap(
        out / "indices.npy", mode="w+", dtype=np.dtype(index_dtype), shape=(total,)
    )
    cursor = indptr[:-1].copy()
    with bar("place edges", num_edges) as b:
        for src, dst in chunks():
            if both_directions:
                src, dst = np.concatenate([src, dst]), np.concatenate([dst, src])
            order = np.argsort(dst, kind="stable")
            d, s_ = dst[order], src[order]
            first = np.flatnonzero(np.r_[True, d[1:] != d[:-1]])
            counts = np.diff(np.r_[first, d.size])
            rank = np.arange(d.size) - np.repeat(first, counts)
            idx[cursor[d] + rank] = s_
            cursor[d[first]] += counts
            b.update(order.size // (2 if both_directions else 1))
    del cursor
    new_deg = deg if not dedupe else np.zeros(n, dtype=np.int64)
    w, r0 = 0, 0
    with bar("sort rows", total) as b:
        while r0 < n:
            r1 = int(np.searchsorted(indptr, indptr[r0] + _EDGE_CHUNK, "right")) - 1
            r1 = min(max(r1, r0 + 1), n)
            s, e = int(indptr[r0]), int(indptr[r1])
            seg = np.asarray(idx[s:e]).astype(np.int64)
            rows = np.repeat(np.arange(r1 - r0, dtype=np.int64), deg[r0:r1])
            key = rows * n + seg
            key.sort()
            if dedupe:
                keep = np.r_[True, key[1:] != key[:-1]]
                key = key[keep]
                new_deg[r0:r1] = np.bincount(key // n, minlength=r1 - r0)
            idx[w : w + key.size] = key % n
            w += key.size
            b.update(e - s)
            r0 = r1
    idx.flush()
    del idx
    if dedupe:
        np.cumsum(new_deg, out=indptr[1:])
        _shrink_npy(out / "indices.npy", w)
    np.save(out / "indptr.npy", indptr)
    return w


def _ogb_files(name: str, root: Path) -> dict[str, Path]:
    from graphlabels.data.ogb import ogb_dataset_dir

    if name not in _OGB_RAW:
        raise ValueError(
            f"unknown OGB node dataset {name!r}: use one of {', '.join(_OGB_RAW)}"
        )
    info = _OGB_RAW[name]
    d = ogb_dataset_dir(root, name)
    raw = d / "raw"
    if info["binary"]:
        files = {"data": raw / "data.npz", "label": raw / "node-label.npz"}
    else:
        files = {
            "edge": raw / "edge.csv.gz",
            "num_nodes": raw / "num-node-list.csv.gz",
            "num_edges": raw / "num-edge-list.csv.gz",
            "feat": raw / "node-feat.csv.gz",
            "label": raw / "node-label.csv.gz",
        }
    for key in ("train", "valid", "test"):
        files[key] = d / "split" / info["split"] / f"{key}.csv.gz"
    for path in files.values():
        if not path.is_file():
            from graphlabels.data.ogb import _meta

            raise FileNotFoundError(
                f"{name}: {path} not found. It comes in OGB's archive "
                f"{_meta(name)['url']}: unzip it into {d.parent} and rename its "
                f"folder to {d.name}, so that {path.relative_to(d)} lies under {d}; "
                "or pass the root that holds ogb/"
            )
    return files


def _split_ids(path: Path, n: int) -> np.ndarray:
    ids = np.concatenate([c.reshape(-1) for c in _csv_gz_rows(path, np.int64)] or
                         [np.zeros(0, np.int64)])  # fmt: skip
    if ids.size and (ids.min() < 0 or ids.max() >= n):
        raise ValueError(f"{path} has node ids outside [0, {n})")
    return ids


def convert_ogb(
    name: str,
    root: str | Path,
    out: str | Path,
    *,
    x_dtype: str = "float16",
    index_dtype: str = "auto",
    undirected: bool = False,
    overwrite: bool = False,
    progress: bool = False,
) -> Path:
    """Convert an OGB node dataset from OGB's raw files to the on-disk format, once.

    The files are streamed, so the conversion needs memory for one chunk of
    edges or feature rows plus a few ``[N]`` arrays, not for the graph:

    - ogbn-papers100M: ``raw/data.npz`` (``edge_index`` ``[2, E]``,
      ``node_feat`` ``[N, F]``, ``num_nodes_list``), ``raw/node-label.npz``
      (``node_label``, NaN = unlabelled, stored as ``-1``);
    - ogbn-arxiv, ogbn-products: ``raw/edge.csv.gz``, ``raw/num-node-list.csv.gz``,
      ``raw/num-edge-list.csv.gz``, ``raw/node-feat.csv.gz``,
      ``raw/node-label.csv.gz``;
    - all: ``split/<split>/{train,valid,test}.csv.gz``.

    As OGB's loader, ogbn-products (stored one direction per edge) gets both
    directions. Everything is written into a temporary folder beside ``out`` that
    is renamed to ``out`` at the end: an interrupted conversion leaves no
    half-written ``out``.

    Args:
        name: ``"ogbn-arxiv"``, ``"ogbn-products"`` or ``"ogbn-papers100M"``.
        root: data root holding ``ogb/<ogbn_name>/`` (OGB's layout, see
            :func:`graphlabels.data.ogb.ogb_dataset_dir`).
        out: the output folder.
        x_dtype: feature dtype on disk (default: ``"float16"``).
        index_dtype: ``"int32"``, ``"int64"`` or ``"auto"`` (default: ``"auto"``).
        undirected: store every edge in both directions, each pair once, as
            :func:`graphlabels.graph.to_undirected` (arxiv, papers100M)
            (default: ``False``).
        overwrite: replace a non-empty ``out`` (default: :obj:`False`: refuse).
        progress: progress bars (default: :obj:`False`).

    Returns:
        The output folder.
    """
    if x_dtype not in _X_DTYPES:
        raise ValueError(f"x_dtype must be one of {sorted(_X_DTYPES)}, got {x_dtype!r}")
    if index_dtype not in ("auto", "int32", "int64"):
        raise ValueError(
            f"index_dtype must be 'auto', 'int32' or 'int64', got {index_dtype!r}"
        )
    root, out = Path(root), Path(out)
    files = _ogb_files(name, root)
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file: pass a folder for the on-disk graph")
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise ValueError(
            f"{out} is not empty: pass overwrite=True (--force) to replace it, or "
            "choose another output folder"
        )
    info = _OGB_RAW[name]
    if info["binary"]:
        n = int(_NpyStream(files["data"], "num_nodes_list").read().sum())
        edges = _NpyStream(files["data"], "edge_index")
        if len(edges.shape) != 2 or edges.shape[0] != 2:
            raise ValueError(
                f"{files['data']}: edge_index has shape {edges.shape}, expected [2, E]"
            )
        num_edges = edges.shape[1]

        def chunks() -> Iterator[tuple[np.ndarray, np.ndarray]]:
            if edges.fortran:  # [2, E] in Fortran order: (src, dst) pairs
                for p in edges.rows(chunk=_EDGE_CHUNK, shape=(num_edges, 2)):
                    yield p[:, 0].astype(np.int64), p[:, 1].astype(np.int64)
                return
            flat = (2 * num_edges,)
            srcs = edges.rows(0, num_edges, _EDGE_CHUNK, flat)
            dsts = edges.rows(num_edges, 2 * num_edges, _EDGE_CHUNK, flat)
            for s, d in zip(srcs, dsts, strict=True):
                yield s.astype(np.int64), d.astype(np.int64)

        feat = _NpyStream(files["data"], "node_feat")
        num_features = int(feat.shape[1])
        feat_rows: Callable[[], Iterator[np.ndarray]] = feat.rows
        label_stream = _NpyStream(files["label"], "node_label")
        y = np.concatenate(
            [
                np.nan_to_num(c.reshape(-1).astype(np.float64), nan=-1.0).astype(
                    np.int64
                )
                for c in label_stream.rows()
            ]  # fmt: skip
        )
    else:
        n = int(next(_csv_gz_rows(files["num_nodes"], np.int64)).sum())
        num_edges = int(next(_csv_gz_rows(files["num_edges"], np.int64)).sum())

        def chunks() -> Iterator[tuple[np.ndarray, np.ndarray]]:
            for pairs in _csv_gz_rows(files["edge"], np.int64, _EDGE_CHUNK):
                yield pairs[:, 0].copy(), pairs[:, 1].copy()

        with gzip.open(files["feat"], "rt") as f:
            num_features = len(f.readline().split(","))

        def feat_rows() -> Iterator[np.ndarray]:
            return _csv_gz_rows(files["feat"], np.float32)

        y = np.concatenate([c.reshape(-1) for c in _csv_gz_rows(files["label"],
                            np.float64)]).astype(np.int64)  # fmt: skip
    if y.shape[0] != n:
        raise ValueError(f"{files['label']} has {y.shape[0]} labels for {n} nodes")
    if index_dtype == "auto":
        index_dtype = "int32" if n < 2**31 else "int64"
    out.absolute().parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.absolute().parent, prefix=f".{out.name}."))
    try:
        stored = _write_csr_streaming(
            tmp,
            n,
            chunks,
            num_edges,
            both_directions=info["inverse"] or undirected,
            dedupe=undirected,
            index_dtype=index_dtype,
            progress=progress,
        )
        from tqdm.auto import tqdm

        rows = tqdm(feat_rows(), total=-(-n // _CHUNK_ROWS), desc="features",
                    disable=not progress)  # fmt: skip
        _write_x_chunks(tmp / "x.npy", n, num_features, rows, x_dtype)
        np.save(tmp / "y.npy", y)
        for key in ("train", "valid", "test"):
            np.save(tmp / f"{key}_idx.npy", _split_ids(files[key], n))
        meta = {
            "format_version": FORMAT_VERSION,
            "name": name,
            "num_nodes": n,
            "num_edges": stored,
            "index_dtype": index_dtype,
            "x_dtype": x_dtype,
            "num_features": num_features,
            "num_classes": int(y.max()) + 1 if y.size else 0,
            "weighted": False,
            "undirected": bool(undirected),
        }
        (tmp / "meta.json").write_text(json.dumps(meta, indent=1) + "\n")
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out
