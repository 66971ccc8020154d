"""The dataset registry and :func:`load`, the single entry point.

>>> from graphlabels.data import load
>>> g = load("cora")
>>> g.num_nodes, g.num_edges, int(g.train_mask.sum())
(2708, 10556, 140)

Each :class:`DatasetInfo` names its files (relative to the data root), a loader and
its known size, so ``graphlabels datasets`` can list everything without loading it.
See ``datasets/README.md`` for the names, sources and layout.
"""

from __future__ import annotations

import difflib
import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphlabels.data._files import FILES
from graphlabels.data.download import (
    DataFileError,
    ensure_files,
    resolve_root,
    sha256_file,
)
from graphlabels.data.splits import SplitArg
from graphlabels.graph import Graph

__all__ = [
    "DatasetInfo",
    "get_info",
    "list_datasets",
    "load",
    "register",
    "registry_json",
    "verify_files",
]

Loader = Callable[..., Graph]


@dataclass(frozen=True)
class DatasetInfo:
    """A registered dataset.

    Args:
        name: registry name (matched case-insensitively, ``_`` = ``-``).
        family: loader family (``planetoid``, ``shchur``, ``geom-gcn``, ...).
        loader: ``loader(root, split, **kwargs) -> Graph``.
        files: data files it needs, relative to the root.
        num_nodes: known number of nodes (for listings).
        num_edges: known number of directed edges as loaded.
        num_features: known feature dimension (0: none).
        num_classes: known number of classes.
        description: one line.
        extra_files: files needed for some arguments,
            ``extra_files(split, kwargs) -> list[str]``.
        present: overrides the presence test, ``present(root) -> bool``.
        check: raises :class:`DataFileError` when present files are unusable.
    """

    name: str
    family: str
    loader: Loader
    files: tuple[str, ...] = ()
    num_nodes: int | None = None
    num_edges: int | None = None
    num_features: int | None = None
    num_classes: int | None = None
    description: str = ""
    extra_files: Callable[[SplitArg, dict[str, Any]], list[str]] | None = None
    present: Callable[[Path], bool] | None = field(default=None, repr=False)
    check: Callable[[Path], None] | None = field(default=None, repr=False)

    def missing(self, root: str | os.PathLike[str] | None = None) -> list[str]:
        """Files of this dataset missing under the resolved ``root``."""
        path, _ = resolve_root(root)
        return [f for f in self.files if not (path / f).is_file()]

    def is_present(self, root: str | os.PathLike[str] | None = None) -> bool:
        """Whether the dataset can be loaded from the resolved ``root`` offline."""
        path, _ = resolve_root(root)
        if self.present is not None:
            return self.present(path)
        if self.missing(path):
            return False
        if self.check is not None:
            try:
                self.check(path)
            except DataFileError:
                return False
        return True


_REGISTRY: dict[str, DatasetInfo] = {}


def _key(name: str) -> str:
    return name.strip().lower().replace("_", "-")


def register(info: DatasetInfo, *, overwrite: bool = False) -> DatasetInfo:
    """Add a dataset to the registry.

    Raises:
        ValueError: the name is taken and ``overwrite`` is False.
    """
    key = _key(info.name)
    if key in _REGISTRY and not overwrite:
        raise ValueError(
            f"dataset {info.name!r} is already registered: pass overwrite=True to "
            "replace it"
        )
    _REGISTRY[key] = info
    return info


def list_datasets(family: str | None = None) -> list[DatasetInfo]:
    """Registered datasets (of one ``family``), in registration order."""
    _ensure_builtins()
    return [i for i in _REGISTRY.values() if family is None or i.family == family]


def get_info(name: str) -> DatasetInfo:
    """The :class:`DatasetInfo` of ``name``.

    Raises:
        ValueError: unknown name; the message lists the known names.
    """
    _ensure_builtins()
    key = _key(name)
    if key not in _REGISTRY:
        known = [i.name for i in _REGISTRY.values()]
        close = difflib.get_close_matches(key, list(_REGISTRY), n=3)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(
            f"unknown dataset {name!r}.{hint} Known datasets: {', '.join(known)}"
        )
    return _REGISTRY[key]


_VERIFIED: dict[tuple[str, int, int], str] = {}


def verify_files(root: Path, files: Sequence[str]) -> None:
    """Check present files against their recorded sha256.

    Raises:
        DataFileError: some files differ; the message lists them.
    """
    bad = []
    for rel in files:
        spec = FILES.get(rel)
        path = root / rel
        if spec is None or spec.sha256 is None or not path.is_file():
            continue
        st = path.stat()
        key = (str(path), st.st_size, st.st_mtime_ns)
        if key not in _VERIFIED:
            _VERIFIED[key] = sha256_file(path)
        if _VERIFIED[key] != spec.sha256:
            bad.append(f"  {path}: sha256 {_VERIFIED[key]}, expected {spec.sha256}")
    if bad:
        raise DataFileError(
            "files differ from the published versions:\n"
            + "\n".join(bad)
            + "\nreplace them with the files from their sources (datasets/README.md)"
        )


def load(
    name: str,
    root: str | os.PathLike[str] | None = None,
    split: SplitArg = None,
    *,
    download: bool | None = None,
    verify: bool = False,
    **kwargs: Any,
) -> Graph:
    """Load a registered dataset as a :class:`~graphlabels.graph.Graph`.

    Args:
        name: registry name, e.g. ``"cora"``, ``"amazon-photo"``, ``"texas"``,
            ``"chameleon"``, ``"citeseer-text"``, ``"ogbn-arxiv"`` (see
            ``graphlabels datasets``).
        root: data root (default: ``$GRAPHLABELS_DATA``, then the user cache
            ``~/.cache/graphlabels``).
        split: which split(s): ``None`` is the dataset's standard one; seeds or
            split indices (an int gives 1-D masks, a list ``[N, S]`` masks); some
            families take names (Planetoid: ``"public"``, ``"geom-gcn"``).
        download: fetch missing files from their canonical source, verified by
            sha256 (default: only when ``root`` resolves to the user cache).
        verify: check the sha256 of present files before loading (default:
            ``False``; downloads are always verified).
        **kwargs: loader options, e.g. ``normalize_features=False``,
            ``texts=True`` (Planetoid), ``undirected=True`` (geom-gcn, WebKB text),
            ``level=2`` (WikiVitals).

    Returns:
        The graph; ``graph.name`` is the registry name.

    Raises:
        ValueError: unknown name (the known names are listed) or bad option.
        DataFileError: files missing (named, with where to put them) or corrupt.
    """
    info = get_info(name)
    path, is_cache = resolve_root(root)
    if download is None:
        download = is_cache
    files = list(info.files)
    if info.extra_files is not None:
        files += [f for f in info.extra_files(split, kwargs) if f not in files]
    ensure_files(path, files, download=download)
    if verify:
        verify_files(path, files)
    if info.check is not None:
        info.check(path)
    graph = info.loader(path, split, **kwargs)
    if graph.name != info.name:
        graph = graph.replace(name=info.name, _keep_cache=True)
    return graph


def registry_json() -> str:
    """The registry and its files as JSON (the content of ``datasets/datasets.json``).

    Datasets list their statistics and files; files list their canonical URL,
    sha256, size and licence. Only the built-in datasets are included, not those
    registered at run time.
    """
    datasets = []
    for info in list_datasets():
        if _key(info.name) not in _BUILTIN:
            continue
        datasets.append(
            {
                "name": info.name,
                "family": info.family,
                "description": info.description,
                "num_nodes": info.num_nodes,
                "num_edges": info.num_edges,
                "num_features": info.num_features,
                "num_classes": info.num_classes,
                "files": list(info.files),
            }
        )
    files = {
        rel: {
            "url": FILES[rel].url,
            "sha256": FILES[rel].sha256,
            "bytes": FILES[rel].size,
            "licence": FILES[rel].licence,
        }
        for rel in sorted(FILES)
    }
    return json.dumps({"datasets": datasets, "files": files}, indent=1) + "\n"


_LOADED = False
_BUILTIN: set[str] = set()


def _ensure_builtins() -> None:
    global _LOADED
    if not _LOADED:
        _LOADED = True
        from graphlabels.data import _builtin  # noqa: F401  (registers on import)

        _BUILTIN.update(_REGISTRY)
