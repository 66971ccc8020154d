"""Users' own graphs from local files, and :func:`resolve` (a name or a path).

:func:`load_local` reads five formats:

- a ``.npz`` file in the format of Shchur et al. (``adj_*``, ``attr_*``, ``labels``;
  read by :func:`graphlabels.data.npz.read_npz`) or of Platonov et al.
  (``node_features``, ``node_labels``, ``edges`` ``[E, 2]`` and optionally
  ``train_masks``/``val_masks``/``test_masks`` ``[S, N]`` or ``[N]``); both are made
  undirected, as their registry loaders do;
- a PyG ``Data`` saved with ``torch.save`` (``.pt`` or ``.pth``), converted by
  :meth:`Graph.from_pyg <graphlabels.graph.Graph.from_pyg>`;
- an OGB node property prediction folder (``raw/`` and ``split/<name>/``), read by
  OGB's own code as :mod:`graphlabels.data.ogb` runs it (offline, no prompts);
- a folder in the on-disk format (``meta.json`` and ``.npy`` files, written by
  ``graphlabels convert`` or :func:`graphlabels.data.ondisk.write_ondisk`), read
  into memory (:meth:`OnDiskGraph.to_graph
  <graphlabels.data.ondisk.OnDiskGraph.to_graph>`);
- a folder with ``edges.csv`` (two integer columns, source and target, comma or
  whitespace separated, an optional header line), ``features.npy`` ``[N, F]`` and
  ``labels.npy`` ``[N]`` (``-1`` = unlabelled), optionally the split as
  ``train_idx.npy``/``val_idx.npy``/``test_idx.npy`` (node indices) or
  ``train_mask.npy``/``val_mask.npy``/``test_mask.npy`` (bool ``[N]`` or
  ``[N, S]``), ``class_names.json`` (a list of ``C`` strings) and ``texts.json`` (a
  list of ``N`` strings, for label-free classification). Edges are kept as given
  (add both directions for an undirected graph, or call
  :meth:`Graph.to_undirected <graphlabels.graph.Graph.to_undirected>`).

When the files carry no split, a seeded stratified one is made with
:func:`graphlabels.data.splits.per_class_split`: per class 20 training and 30
validation nodes, every other labelled node for testing -- the protocol of Shchur et
al. (*Pitfalls of GNN Evaluation*, 2018) that :func:`graphlabels.data.load` uses for
the Amazon and Coauthor graphs, and the 20 labels per class of the Planetoid
splits that PyG users know. ``graph.split_info`` records where the split came from
and, for a generated one, its recipe and seeds; the CLI writes it to its JSON.
"""

from __future__ import annotations

import inspect
import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import torch

from graphlabels.data.splits import per_class_split, resolve_split
from graphlabels.graph import Graph, to_undirected

__all__ = [
    "DEFAULT_TRAIN_PER_CLASS",
    "DEFAULT_VAL_PER_CLASS",
    "load_local",
    "resolve",
]

#: Training nodes per class of a generated split.
DEFAULT_TRAIN_PER_CLASS = 20
#: Validation nodes per class of a generated split.
DEFAULT_VAL_PER_CLASS = 30

_PARTS = ("train", "val", "test")
_SHCHUR_KEYS = ("adj_data", "adj_indices", "adj_indptr", "adj_shape", "labels")
_YANDEX_KEYS = ("node_features", "node_labels", "edges")


def load_local(
    path: str | os.PathLike[str],
    *,
    seed: int = 0,
    num_splits: int = 1,
    train_per_class: int = DEFAULT_TRAIN_PER_CLASS,
    val_per_class: int = DEFAULT_VAL_PER_CLASS,
    name: str | None = None,
) -> Graph:
    """Load a graph from a local file or folder (formats in the module docstring).

    A ``.pt``/``.pth`` file is read with ``torch.load(weights_only=False)``, which
    runs Python's pickle: it can execute code, so load only files you trust.

    Args:
        path: the file or folder.
        seed: seed of the first generated split, used only when the files carry
            no split (default: ``0``).
        num_splits: generated splits, seeds ``seed .. seed + num_splits - 1``; more
            than one gives ``[N, S]`` masks, and run ``r`` of
            :func:`graphlabels.train.run_seeds` uses split ``r % S`` (default:
            ``1``).
        train_per_class: training nodes per class of a generated split
            (default: ``20``).
        val_per_class: validation nodes per class of a generated split
            (default: ``30``); the other labelled nodes are the test set.
        name: the graph's name (default: the file or folder name without suffix).

    Returns:
        The graph, with ``split_info`` set.

    Raises:
        FileNotFoundError: the path, or a file the format needs, does not exist.
        ValueError: the content is not understood or has wrong shapes; the message
            names the file.
    """
    p = Path(path).expanduser()
    if num_splits < 1:
        raise ValueError(f"num_splits must be >= 1, got {num_splits}")
    if train_per_class < 1 or val_per_class < 0:
        raise ValueError(
            f"train_per_class={train_per_class}, val_per_class={val_per_class}: "
            "need train_per_class >= 1 and val_per_class >= 0"
        )
    if not p.exists():
        raise FileNotFoundError(f"{p} does not exist: pass an existing file or folder")
    if p.is_dir():
        if (p / "edges.csv").exists():
            reader = _read_folder
        elif (p / "raw").is_dir():
            reader = _read_ogb
        elif (p / "meta.json").is_file():
            reader = _read_ondisk
        else:
            raise ValueError(
                f"{p} is a folder without edges.csv, raw/ or meta.json: use a folder "
                "with edges.csv, features.npy and labels.npy, an OGB dataset folder "
                "(raw/, split/), or one written by graphlabels convert"
            )
    elif p.suffix == ".npz":
        reader = _read_npz
    elif p.suffix in (".pt", ".pth"):
        reader = _read_pyg
    else:
        raise ValueError(
            f"{p}: unknown file type {p.suffix!r}: use a .npz file (Shchur et al. or "
            "Platonov et al. format), a .pt/.pth file with a PyG Data, or a folder"
        )
    try:
        graph = reader(p)
    except ValueError as exc:
        msg = str(exc)
        raise ValueError(msg if str(p) in msg else f"{p}: {msg}") from exc
    graph = graph.replace(name=name or p.stem, _keep_cache=True)
    if graph.train_mask is not None:
        return graph.replace(
            split_info={
                "source": "file",
                "path": str(p),
                "num_splits": graph.num_splits,
            },
            _keep_cache=True,
        )
    if graph.y is None:
        raise ValueError(f"{p} has no labels: node classification needs them")
    seeds = list(range(seed, seed + num_splits))
    y = graph.y
    train, val, test = resolve_split(
        seeds if num_splits > 1 else seed,
        seed,
        lambda s: per_class_split(y, s, train_per_class, val_per_class),
    )
    for part, m in (("validation", val), ("test", test)):
        if not bool(m.any(0).all()):  # every split has some
            raise ValueError(
                f"{p}: a split with {train_per_class} training and {val_per_class} "
                f"validation nodes per class leaves no {part} nodes (the graph has "
                f"{int((y >= 0).sum())} labelled nodes in {graph.num_classes} "
                "classes): store a split in the files, or ask for fewer nodes per "
                "class (load_local's train_per_class and val_per_class; on the "
                "command line --split-per-class TRAIN,VAL)"
            )
    info = {
        "source": "generated",
        "method": "per_class",
        "train_per_class": train_per_class,
        "val_per_class": val_per_class,
        "test": "every other labelled node",
        "seeds": seeds,
        "function": "graphlabels.data.splits.per_class_split",
    }
    return graph.replace(
        train_mask=train,
        val_mask=val,
        test_mask=test,
        split_info=info,
        _keep_cache=True,
    )


# -- .npz ------------------------------------------------------------------------
def _read_npz(path: Path) -> Graph:
    with np.load(path, allow_pickle=False) as f:
        keys = set(f.files)
    if "adj_data" in keys:
        missing = [k for k in _SHCHUR_KEYS if k not in keys]
        if missing:
            raise ValueError(f"{path} lacks the arrays {missing} of Shchur et al.")
        from graphlabels.data.npz import read_npz

        return read_npz(path)
    if "node_features" in keys:
        missing = [k for k in _YANDEX_KEYS if k not in keys]
        if missing:
            raise ValueError(f"{path} lacks the arrays {missing} of Platonov et al.")
        return _read_yandex(path, keys)
    raise ValueError(
        f"{path} is not a graph .npz: expected the arrays of Shchur et al. "
        f"({', '.join(_SHCHUR_KEYS)}, attr_*) or of Platonov et al. "
        f"({', '.join(_YANDEX_KEYS)}); found {sorted(keys)}"
    )


def _read_yandex(path: Path, keys: set[str]) -> Graph:
    with np.load(path, allow_pickle=False) as f:
        x = torch.from_numpy(f["node_features"].astype(np.float32))
        y = torch.from_numpy(f["node_labels"].astype(np.int64))
        edges = f["edges"]
        masks = {}
        for part in _PARTS:
            key = f"{part}_masks"
            if key in keys:
                m = f[key].astype(bool)
                m = m.T.copy() if m.ndim == 2 else m  # [S, N] -> [N, S]
                masks[f"{part}_mask"] = torch.from_numpy(m)
    if edges.ndim != 2 or edges.shape[1] != 2:
        raise ValueError(
            f"{path}: edges has shape {list(edges.shape)}: expected [E, 2] pairs "
            "(source, target)"
        )
    if masks and len(masks) != 3:
        raise ValueError(
            f"{path} has only {sorted(k + 's' for k in masks)}: store all of "
            "train_masks, val_masks and test_masks, or none"
        )
    n = int(x.size(0))
    edge_index = torch.from_numpy(edges.astype(np.int64).T.copy())
    if edge_index.numel() and int(edge_index.max()) >= n:
        raise ValueError(
            f"{path}: edges has node id {int(edge_index.max())} but node_features "
            f"has {n} rows: pass one feature row per node"
        )
    edge_index, _ = to_undirected(edge_index, num_nodes=n)
    return Graph(edge_index, n, x=x, y=y, **masks)


# -- PyG Data ----------------------------------------------------------------------
def _read_pyg(path: Path) -> Graph:
    try:
        obj = torch.load(path, map_location="cpu", weights_only=False)
    except ModuleNotFoundError as exc:
        raise ImportError(
            f"{path} needs the package {exc.name!r} to be read (it holds objects "
            f"of that package): install it (PyG: pip install torch-geometric)"
        ) from exc
    if isinstance(obj, list | tuple) and obj and hasattr(obj[0], "edge_index"):
        obj = obj[0]
    if getattr(obj, "edge_index", None) is None:
        raise ValueError(
            f"{path} holds a {type(obj).__name__}, not a PyG Data with edge_index: "
            "save the graph with torch.save(data, path)"
        )
    y = getattr(obj, "y", None)
    fields: dict[str, Any] = {}
    if y is not None and y.dim() == 2 and y.size(1) == 1:  # OGB-style [N, 1]
        fields["y"] = y.view(-1)
    return Graph.from_pyg(obj, **fields)


# -- OGB folder --------------------------------------------------------------------
def _read_ogb(path: Path) -> Graph:
    from graphlabels.data.ogb import OGB_NODE, ogb_offline

    raw = path / "raw"
    binary = (raw / "data.npz").is_file()
    if not binary and not (raw / "edge.csv.gz").is_file():
        raise FileNotFoundError(
            f"{raw} has neither edge.csv.gz nor data.npz: an OGB node dataset "
            "folder holds raw/edge.csv.gz (or raw/data.npz), raw/node-label.csv.gz "
            "and split/<name>/{train,valid,test}.csv.gz"
        )
    splits = sorted(d.name for d in (path / "split").glob("*") if d.is_dir())
    if len(splits) != 1:
        raise FileNotFoundError(
            f"{path / 'split'} must hold exactly one split folder with "
            f"train.csv.gz, valid.csv.gz and test.csv.gz; found {splits}"
        )
    releases = sorted(path.glob("RELEASE_v*.txt"))
    version = releases[0].stem.removeprefix("RELEASE_v") if releases else "1"
    ogb_name = path.name.replace("_", "-")
    try:
        (path / "processed").mkdir(exist_ok=True)
    except OSError as exc:
        raise ValueError(
            f"OGB saves a cache in {path / 'processed'} and cannot create it "
            f"({exc}): create it or copy the dataset somewhere writable"
        ) from exc
    with ogb_offline() as module:
        if ogb_name in OGB_NODE:  # OGB's own metadata (ogbn-products adds reverses)
            dataset = module.NodePropPredDataset(name=ogb_name, root=str(path.parent))
        else:
            meta = {
                "dir_path": str(path),
                "version": version,
                "download_name": path.name,
                "url": "",
                "num tasks": "1",
                "task type": "multiclass classification",
                "eval metric": "acc",
                "num classes": "-1",
                "is hetero": "False",
                "binary": str(binary),
                "add_inverse_edge": "False",
                "additional node files": "None",
                "additional edge files": "None",
                "split": splits[0],
                "has_node_attr": "True",
                "has_edge_attr": "False",
            }
            dataset = module.NodePropPredDataset(name=path.name, meta_dict=meta)
        idx = dataset.get_idx_split()
    graph, labels = dataset[0]
    n = int(graph["num_nodes"])
    y = np.asarray(labels).reshape(n, -1)[:, 0]
    if np.issubdtype(y.dtype, np.floating):
        y = np.where(np.isnan(y), -1, y)
    x = graph.get("node_feat")
    return Graph(
        torch.from_numpy(np.asarray(graph["edge_index"], dtype=np.int64)),
        n,
        x=None if x is None else torch.from_numpy(np.asarray(x, dtype=np.float32)),
        y=torch.from_numpy(y.astype(np.int64)),
        train_mask=torch.from_numpy(np.array(idx["train"], dtype=np.int64)),
        val_mask=torch.from_numpy(np.array(idx["valid"], dtype=np.int64)),
        test_mask=torch.from_numpy(np.array(idx["test"], dtype=np.int64)),
    )


def _read_ondisk(path: Path) -> Graph:
    from graphlabels.data.ondisk import open_ondisk

    return open_ondisk(path).to_graph()


# -- edges.csv folder --------------------------------------------------------------
def _read_edges_csv(path: Path) -> np.ndarray:
    with path.open() as f:
        first = f.readline()
    delimiter = "," if "," in first else None
    cells = first.replace(",", " ").split()
    try:
        [int(c) for c in cells]
        header = 0
    except ValueError:
        header = 1
    if header and len(cells) != 2:
        raise ValueError(
            f"{path}: the first line {first.strip()!r} is neither a header of two "
            "columns nor an edge: write one 'source,target' pair per line"
        )
    try:
        edges = np.loadtxt(
            path, delimiter=delimiter, skiprows=header, dtype=np.int64, ndmin=2
        )
    except ValueError as exc:
        raise ValueError(
            f"{path}: {exc}: write two integer columns, source and target"
        ) from exc
    if edges.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if edges.shape[1] != 2:
        raise ValueError(
            f"{path} has {edges.shape[1]} columns: write two, source and target"
        )
    return edges


def _load_npy(path: Path) -> np.ndarray:
    try:
        return np.load(path, allow_pickle=False)
    except ValueError as exc:
        raise ValueError(f"{path} could not be read as a .npy array: {exc}") from exc


def _read_folder(path: Path) -> Graph:
    for required in ("features.npy", "labels.npy"):
        if not (path / required).is_file():
            raise FileNotFoundError(
                f"{path / required} is missing: a graph folder holds edges.csv, "
                "features.npy [N, F] and labels.npy [N]"
            )
    x = _load_npy(path / "features.npy")
    y = _load_npy(path / "labels.npy")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(
            f"{path / 'labels.npy'} has shape {list(y.shape)}: store one class id "
            "per node, shape [N]"
        )
    if not np.issubdtype(y.dtype, np.integer):
        if np.issubdtype(y.dtype, np.floating) and np.all(y == np.round(y)):
            y = y.astype(np.int64)
        else:
            raise ValueError(
                f"{path / 'labels.npy'} holds {y.dtype} values: store integer class "
                "ids (-1 for unlabelled nodes)"
            )
    n = y.shape[0]
    if x.ndim != 2 or x.shape[0] != n:
        raise ValueError(
            f"{path / 'features.npy'} has shape {list(x.shape)} but labels.npy has "
            f"{n} entries: store one feature row per node, shape [{n}, F]"
        )
    edges = _read_edges_csv(path / "edges.csv")
    if edges.size and (edges.min() < 0 or edges.max() >= n):
        bad = int(edges.max()) if edges.max() >= n else int(edges.min())
        raise ValueError(
            f"{path / 'edges.csv'} has node id {bad} but labels.npy has {n} nodes: "
            f"node ids run from 0 to {n - 1}"
        )
    fields: dict[str, Any] = {}
    for kind in ("idx", "mask"):
        found = {p: path / f"{p}_{kind}.npy" for p in _PARTS}
        present = [p for p, f in found.items() if f.is_file()]
        if not present:
            continue
        if len(present) < 3:
            missing = [found[p].name for p in _PARTS if p not in present]
            raise FileNotFoundError(
                f"{path} has {', '.join(found[p].name for p in present)} but not "
                f"{', '.join(missing)}: store all three or none"
            )
        if fields:
            raise ValueError(
                f"{path} has both *_idx.npy and *_mask.npy: keep one of the two"
            )
        for p in _PARTS:
            arr = _load_npy(found[p])
            if kind == "mask" and arr.dtype != np.bool_:
                raise ValueError(
                    f"{found[p]} holds {arr.dtype} values: a mask is bool [N] or "
                    "[N, S] (use *_idx.npy for node indices)"
                )
            if kind == "idx" and not np.issubdtype(arr.dtype, np.integer):
                raise ValueError(
                    f"{found[p]} holds {arr.dtype} values: store integer node ids"
                )
            if kind == "idx" and arr.size and (arr.min() < 0 or arr.max() >= n):
                raise ValueError(
                    f"{found[p]} has node id outside [0, {n}): node ids run from 0 "
                    f"to {n - 1}"
                )
            if kind == "mask" and arr.shape[0] != n:
                raise ValueError(
                    f"{found[p]} has shape {list(arr.shape)}: expected [{n}] or "
                    f"[{n}, S]"
                )
            dtype = np.int64 if kind == "idx" else np.bool_
            fields[f"{p}_mask"] = torch.from_numpy(arr.astype(dtype))
    for key, fname in (("class_names", "class_names.json"), ("texts", "texts.json")):
        f = path / fname
        if not f.is_file():
            continue
        try:
            values = json.loads(f.read_text())
        except json.JSONDecodeError as exc:
            raise ValueError(f"{f} is not valid JSON: {exc}") from exc
        if not isinstance(values, list) or (key == "texts" and len(values) != n):
            what = f"{n} strings, one per node" if key == "texts" else "class names"
            raise ValueError(f"{f} must hold a JSON list of {what}")
        fields[key] = [str(v) for v in values]
    return Graph(
        torch.from_numpy(edges.T.copy()),
        n,
        x=torch.from_numpy(np.asarray(x, dtype=np.float32)),
        y=torch.from_numpy(y.astype(np.int64)),
        **fields,
    )


# -- name or path ------------------------------------------------------------------
def _looks_like_path(text: str) -> bool:
    return (
        "/" in text
        or os.sep in text
        or text.startswith((".", "~"))
        or Path(text).suffix in (".npz", ".pt", ".pth")
    )


def resolve(
    name_or_path: str | os.PathLike[str],
    root: str | os.PathLike[str] | None = None,
    verify: bool = True,
    memory_mapped: bool = False,
    **local_kwargs: Any,
) -> Graph:
    """A registered dataset by name, or a graph from a local file or folder.

    A registered name (see ``graphlabels datasets``) loads with
    :func:`graphlabels.data.load`, unless it is written as a path (``./cora``); an
    existing path loads with :func:`load_local` and its defaults (a generated split
    when the files have none). ``graph.split_info`` says which split the graph
    carries; a registered dataset gets ``{"source": "standard", ...}``, its
    loader's standard split.

    Args:
        name_or_path: dataset name or path.
        root: data root for registered datasets (default: see
            :func:`graphlabels.data.load`).
        verify: check the sha256 of a registered dataset's files before loading
            (default: :obj:`True`, unlike :func:`graphlabels.data.load`, whose
            default skips the check; local files have no recorded hash).
        memory_mapped: open a folder in the on-disk format memory-mapped, as an
            :class:`~graphlabels.data.ondisk.OnDiskGraph` (for mini-batch
            training), instead of reading it into a ``Graph`` (default:
            :obj:`False`).
        **local_kwargs: passed to :func:`load_local` for a path (``seed``,
            ``num_splits``, ``train_per_class``, ``val_per_class``); ignored for
            a registered name.

    Raises:
        FileNotFoundError: a path that does not exist.
        ValueError: neither a registered name nor an existing path.
    """
    from graphlabels.data.registry import get_info, load

    text = os.fspath(name_or_path)
    as_path = isinstance(name_or_path, os.PathLike) or _looks_like_path(text)
    if not as_path:
        try:
            get_info(text)
        except ValueError:
            if Path(text).exists():
                return load_local(text, **local_kwargs)
        else:
            kw = {"verify": verify} if _accepts(load, "verify") else {}
            graph = load(text, root=root, **kw)
            if graph.split_info is None:
                info = {"source": "standard", "dataset": graph.name}
                info["num_splits"] = graph.num_splits
                graph = graph.replace(split_info=info, _keep_cache=True)
            return graph
        try:
            return load(text, root=root)  # raises: unknown name, known ones listed
        except ValueError as exc:
            raise ValueError(
                f"{exc}; or pass the path of a graph file or folder"
            ) from exc
    path = Path(text).expanduser()
    if not path.exists():
        raise FileNotFoundError(
            f"{text} does not exist: pass an existing file or folder, or a dataset "
            "name (see `graphlabels datasets`)"
        )
    if memory_mapped and (path / "meta.json").is_file():
        from graphlabels.data.ondisk import open_ondisk

        return open_ondisk(path)
    return load_local(text, **local_kwargs)


def _accepts(fn: Any, keyword: str) -> bool:
    # not **kwargs: the registry passes those on to the dataset's loader
    return keyword in inspect.signature(fn).parameters
