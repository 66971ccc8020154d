"""OGB node property prediction datasets (ogbn-arxiv, ogbn-products, ogbn-papers100M).

Loaded through ``ogb.nodeproppred.NodePropPredDataset`` from a local folder, with its
offline quirks handled inside :func:`ogb_offline`:

- when the dataset folder lacks ``RELEASE_v1.txt`` OGB asks ``input()`` whether to
  delete it; the answer is "no", so nothing blocks and nothing is deleted;
- OGB writes ``processed/data_processed`` on first load but does not create
  ``processed/``; it is created here (or the error says to create it);
- under torch >= 2.6 OGB's ``torch.load`` calls need ``weights_only=False`` (the files
  hold numpy arrays); only OGB's module sees that default, and only inside the
  context;
- a missing dataset never triggers OGB's interactive download: the error names the
  folder and the archive to unzip there.

OGB's package ``__init__`` imports PyG and DGL when installed; to keep the core free of
them, OGB's ``dataset.py`` is loaded on its own unless ``ogb.nodeproppred`` is already
imported. Layout: ``<root>/ogb/<ogbn_name>/`` (OGB's own layout, e.g.
``<root>/ogb/ogbn_arxiv/{raw,processed,split,RELEASE_v1.txt}``). Masks are OGB's split
(1-D); labels OGB leaves empty (papers100M) become ``-1``.

:func:`write_ogb_node_dataset` writes a :class:`Graph` in OGB's on-disk format, for
tests of OGB code paths on tiny graphs.
"""

from __future__ import annotations

import contextlib
import gzip
import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import torch

from graphlabels.data.download import DataFileError
from graphlabels.data.splits import SplitArg
from graphlabels.graph import Graph, to_undirected

__all__ = [
    "OGB_NODE",
    "load_ogb",
    "ogb_dataset_dir",
    "ogb_is_present",
    "ogb_offline",
    "ogb_root",
    "write_ogb_node_dataset",
]

OGB_NODE = ("ogbn-arxiv", "ogbn-products", "ogbn-papers100M")
_META: dict[str, dict[str, Any]] = {
    # name: zip url, binary format, add_inverse_edge, split name, extra node files
    "ogbn-arxiv": {
        "url": "http://snap.stanford.edu/ogb/data/nodeproppred/arxiv.zip",
        "binary": False,
        "inverse": False,
        "split": "time",
        "year": True,
    },
    "ogbn-products": {
        "url": "http://snap.stanford.edu/ogb/data/nodeproppred/products.zip",
        "binary": False,
        "inverse": True,
        "split": "sales_ranking",
        "year": False,
    },
    "ogbn-papers100M": {
        "url": "http://snap.stanford.edu/ogb/data/nodeproppred/papers100M-bin.zip",
        "binary": True,
        "inverse": False,
        "split": "time",
        "year": True,
    },
}
_MODULE: ModuleType | None = None


def _meta(name: str) -> dict[str, Any]:
    if name not in _META:
        raise ValueError(f"unknown OGB node dataset {name!r}: use one of {OGB_NODE}")
    return _META[name]


def ogb_root(root: str | Path) -> Path:
    """The folder OGB's ``root=`` argument gets: ``<root>/ogb``."""
    return Path(root) / "ogb"


def ogb_dataset_dir(root: str | Path, name: str) -> Path:
    """``<root>/ogb/<name with _>``, e.g. ``<root>/ogb/ogbn_arxiv``."""
    _meta(name)
    return ogb_root(root) / name.replace("-", "_")


def _raw_file(name: str) -> str:
    return "data.npz" if _meta(name)["binary"] else "edge.csv.gz"


def ogb_is_present(root: str | Path, name: str) -> bool:
    """Whether the processed or raw files of ``name`` are under ``root``."""
    d = ogb_dataset_dir(root, name)
    return (d / "processed" / "data_processed").is_file() or (
        d / "raw" / _raw_file(name)
    ).is_file()


def _nodeprop_module() -> ModuleType:
    """OGB's ``nodeproppred/dataset.py`` without the package's PyG/DGL imports."""
    global _MODULE
    if "ogb.nodeproppred.dataset" in sys.modules:
        return sys.modules["ogb.nodeproppred.dataset"]
    if _MODULE is None:
        spec = importlib.util.find_spec("ogb")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError(
                "OGB datasets need the ogb package: install graphlabels[ogb]"
            )
        path = Path(spec.submodule_search_locations[0]) / "nodeproppred" / "dataset.py"
        mod_spec = importlib.util.spec_from_file_location(
            "graphlabels.data._ogb_nodeproppred_dataset", path
        )
        assert mod_spec is not None and mod_spec.loader is not None
        module = importlib.util.module_from_spec(mod_spec)
        mod_spec.loader.exec_module(module)
        _MODULE = module
    return _MODULE


class _TorchLoadCompat:
    """``torch`` as OGB's module sees it: ``load`` defaults to weights_only=False."""

    def __init__(self, module: ModuleType) -> None:
        self._torch = module

    def __getattr__(self, name: str) -> Any:
        return getattr(self._torch, name)

    def load(self, *args: Any, **kwargs: Any) -> Any:
        kwargs.setdefault("weights_only", False)
        return self._torch.load(*args, **kwargs)


def _no_download(url: str) -> bool:
    raise DataFileError(
        f"OGB wanted to download {url}: the dataset is not under the given root"
    )


@contextlib.contextmanager
def ogb_offline(module: ModuleType | None = None) -> Iterator[ModuleType]:
    """Run OGB's node dataset code offline and non-interactively.

    Inside the context, OGB's dataset module (only that module) answers "n" to its
    ``input()`` prompts, refuses downloads, and loads its files with
    ``weights_only=False``. Everything is restored on exit.

    Yields:
        The patched module; use its ``NodePropPredDataset``.
    """
    module = module if module is not None else _nodeprop_module()
    saved = {k: module.__dict__.get(k, _MISSING) for k in _PATCHED}
    module.__dict__["input"] = lambda *args: "n"
    module.__dict__["decide_download"] = _no_download
    module.__dict__["torch"] = _TorchLoadCompat(torch)
    try:
        yield module
    finally:
        for k, v in saved.items():
            if v is _MISSING:
                module.__dict__.pop(k, None)
            else:
                module.__dict__[k] = v


_MISSING = object()
_PATCHED = ("input", "decide_download", "torch")


def load_ogb(
    root: Path, name: str, split: SplitArg = None, *, undirected: bool = False
) -> Graph:
    """Load an OGB node property prediction dataset from ``<root>/ogb``.

    Args:
        root: data root.
        name: ``"ogbn-arxiv"``, ``"ogbn-products"`` or ``"ogbn-papers100M"``.
        split: ``None`` or ``0``: OGB's official split (the only one).
        undirected: symmetrise the edges (default: ``False``; arxiv and papers100M
            are directed citations, products is stored undirected).

    Returns:
        The graph with 1-D masks from ``get_idx_split()``.
    """
    meta = _meta(name)
    if split not in (None, 0):
        raise ValueError(f"{name} has one official split: pass split=None or 0")
    d = ogb_dataset_dir(root, name)
    if not ogb_is_present(root, name):
        raise DataFileError(
            f"{name} not found: neither {d / 'processed' / 'data_processed'} nor "
            f"{d / 'raw' / _raw_file(name)} exists. Unzip {meta['url']} into "
            f"{ogb_root(root)} and rename its folder to {d.name}, or point root= "
            "at a folder that has it"
        )
    try:
        (d / "processed").mkdir(exist_ok=True)
    except OSError as exc:
        raise DataFileError(
            f"OGB needs the folder {d / 'processed'} to save its cache and it cannot "
            f"be created ({exc}): create it or copy the dataset somewhere writable"
        ) from exc
    with ogb_offline() as ogb_module:
        dataset = ogb_module.NodePropPredDataset(name=name, root=str(ogb_root(root)))
        idx = dataset.get_idx_split()
    graph, labels = dataset[0]
    n = int(graph["num_nodes"])
    y = np.asarray(labels).reshape(n, -1)[:, 0]
    if np.issubdtype(y.dtype, np.floating):
        y = np.where(np.isnan(y), -1, y)
    edge_index = torch.from_numpy(np.asarray(graph["edge_index"], dtype=np.int64))
    if undirected:
        edge_index, _ = to_undirected(edge_index, num_nodes=n)
    masks = []
    for key in ("train", "valid", "test"):
        m = torch.zeros(n, dtype=torch.bool)
        m[torch.from_numpy(np.array(idx[key], dtype=np.int64))] = True
        masks.append(m)
    x = graph.get("node_feat")
    return Graph(
        edge_index,
        n,
        x=None if x is None else torch.from_numpy(np.asarray(x, dtype=np.float32)),
        y=torch.from_numpy(y.astype(np.int64)),
        train_mask=masks[0],
        val_mask=masks[1],
        test_mask=masks[2],
        name=name,
    )


def _write_csv_gz(path: Path, array: np.ndarray, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wt") as f:
        np.savetxt(f, np.asarray(array).reshape(len(array), -1), fmt=fmt, delimiter=",")


def write_ogb_node_dataset(
    root: str | Path,
    name: str,
    graph: Graph,
    *,
    node_year: np.ndarray | None = None,
) -> Path:
    """Write ``graph`` as OGB dataset ``name`` under ``<root>/ogb`` (OGB's format).

    The result loads with ``load(name, root)`` or
    ``NodePropPredDataset(name, root=ogb_root(root))``. Written: ``raw/`` (CSV
    files, or ``data.npz`` + ``node-label.npz`` for papers100M), ``split/<split>/
    {train,valid,test}.csv.gz`` from the graph's 1-D masks, ``RELEASE_v1.txt`` and
    an empty ``processed/``.

    Args:
        root: data root (the dataset goes to ``ogb_dataset_dir(root, name)``).
        name: one of :data:`OGB_NODE` (OGB reads its metadata by name).
        graph: graph with ``x``, ``y`` and 1-D masks. For ogbn-products, whose
            loader adds reverse edges, it must be undirected; each edge is written
            once.
        node_year: ``[N]`` years for arxiv/papers100M (default: 2018 for training
            nodes, 2019 validation, 2020 test, else 2017).

    Returns:
        The dataset folder.
    """
    meta = _meta(name)
    if graph.x is None or graph.y is None or graph.train_mask is None:
        raise ValueError("write_ogb_node_dataset needs a graph with x, y and masks")
    if graph.train_mask.dim() != 1:
        raise ValueError("OGB has one split: pass graph.split(s) (1-D masks)")
    d = ogb_dataset_dir(root, name)
    raw = d / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    n = graph.num_nodes
    edge_index = graph.edge_index.cpu().numpy()
    if meta["inverse"]:
        if not graph.is_undirected():
            raise ValueError(
                f"{name} stores each undirected edge once and OGB adds the reverse: "
                "pass an undirected graph"
            )
        edge_index = edge_index[:, edge_index[0] < edge_index[1]]
    x = graph.x.cpu().numpy().astype(np.float32)
    y = graph.y.cpu().numpy()
    masks = [graph.train_mask, graph.val_mask, graph.test_mask]
    if node_year is None:
        node_year = np.full(n, 2017, dtype=np.int64)
        for year, m in zip((2018, 2019, 2020), masks, strict=True):
            node_year[m.cpu().numpy()] = year
    if meta["binary"]:
        np.savez_compressed(
            raw / "data.npz",
            edge_index=edge_index,
            num_nodes_list=np.array([n]),
            num_edges_list=np.array([edge_index.shape[1]]),
            node_feat=x,
            node_year=np.asarray(node_year).reshape(n, 1),
        )
        label = np.where(y < 0, np.nan, y).astype(np.float64).reshape(n, 1)
        np.savez_compressed(raw / "node-label.npz", node_label=label)
    else:
        _write_csv_gz(raw / "edge.csv.gz", edge_index.T, "%d")
        _write_csv_gz(raw / "num-node-list.csv.gz", np.array([n]), "%d")
        _write_csv_gz(
            raw / "num-edge-list.csv.gz", np.array([edge_index.shape[1]]), "%d"
        )
        _write_csv_gz(raw / "node-feat.csv.gz", x, "%.8g")
        _write_csv_gz(raw / "node-label.csv.gz", y, "%d")
        if meta["year"]:
            _write_csv_gz(raw / "node_year.csv.gz", np.asarray(node_year), "%d")
    split_dir = d / "split" / meta["split"]
    for key, m in zip(("train", "valid", "test"), masks, strict=True):
        if m is None:
            raise ValueError(f"write_ogb_node_dataset needs the {key} mask")
        _write_csv_gz(split_dir / f"{key}.csv.gz", m.nonzero().view(-1).numpy(), "%d")
    (d / "processed").mkdir(exist_ok=True)
    (d / "RELEASE_v1.txt").write_text(f"{name} written by graphlabels\n")
    return d
