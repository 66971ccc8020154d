"""The dataset registry and :func:`load`, the single entry point.

>>> from graphlabels.data import load
>>> g = load("cora")
>>> g.num_nodes, g.num_edges, int(g.train_mask.sum())
(2708, 10556, 140)

Each :class:`~graphlabels.data.info.DatasetInfo` names its files (relative to the data
root), a loader and its known size, so ``graphlabels datasets`` can list everything
without loading it. The registry starts from the built-in table
(:data:`graphlabels.data._builtin.BUILTIN`); :func:`register` adds to it at run time.
See ``datasets/README.md`` for the names, sources and layout.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from typing import Any

from graphlabels.data._builtin import BUILTIN
from graphlabels.data.download import ensure_files, resolve_root, verify_files
from graphlabels.data.info import DatasetInfo
from graphlabels.data.splits import SplitArg
from graphlabels.graph import Graph

__all__ = [
    "REGISTRY",
    "DatasetInfo",
    "Registry",
    "get_info",
    "list_datasets",
    "load",
    "register",
    "verify_files",
]


def _key(name: str) -> str:
    return name.strip().lower().replace("_", "-")


class Registry:
    """Datasets by name; names match case-insensitively, with ``_`` = ``-``.

    Args:
        infos: the datasets to start with, in listing order (default: none).
    """

    def __init__(self, infos: Iterable[DatasetInfo] = ()) -> None:
        self._infos: dict[str, DatasetInfo] = {}
        for info in infos:
            self.register(info)

    def register(self, info: DatasetInfo, *, overwrite: bool = False) -> DatasetInfo:
        """Add a dataset.

        Raises:
            ValueError: the name is taken and ``overwrite`` is False.
        """
        key = _key(info.name)
        if key in self._infos and not overwrite:
            raise ValueError(
                f"dataset {info.name!r} is already registered: pass overwrite=True "
                "to replace it"
            )
        self._infos[key] = info
        return info

    def get(self, name: str) -> DatasetInfo:
        """The :class:`DatasetInfo` of ``name``.

        Raises:
            ValueError: unknown name; the message lists the known names.
        """
        key = _key(name)
        if key not in self._infos:
            known = [i.name for i in self._infos.values()]
            close = difflib.get_close_matches(key, list(self._infos), n=3)
            hint = (
                f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            )
            raise ValueError(
                f"unknown dataset {name!r}.{hint} Known datasets: {', '.join(known)}"
            )
        return self._infos[key]

    def datasets(self, family: str | None = None) -> list[DatasetInfo]:
        """Datasets (of one ``family``), in registration order."""
        return [i for i in self._infos.values() if family is None or i.family == family]

    def copy(self) -> Registry:
        """An independent registry with the same datasets."""
        return Registry(self._infos.values())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and _key(name) in self._infos

    def __len__(self) -> int:
        return len(self._infos)


#: The registry :func:`load`, :func:`get_info` and :func:`list_datasets` use.
REGISTRY = Registry(BUILTIN)


def register(info: DatasetInfo, *, overwrite: bool = False) -> DatasetInfo:
    """Add a dataset to the registry (see :meth:`Registry.register`).

    Raises:
        ValueError: the name is taken and ``overwrite`` is False.
    """
    return REGISTRY.register(info, overwrite=overwrite)


def list_datasets(family: str | None = None) -> list[DatasetInfo]:
    """Registered datasets (of one ``family``), in registration order."""
    return REGISTRY.datasets(family)


def get_info(name: str) -> DatasetInfo:
    """The :class:`DatasetInfo` of ``name``.

    Raises:
        ValueError: unknown name; the message lists the known names.
    """
    return REGISTRY.get(name)


def load(
    name: str,
    root: str | os.PathLike[str] | None = None,
    split: SplitArg = None,
    *,
    download: bool | None = None,
    verify: bool = True,
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
        verify: check every file it reads against its recorded sha256 before
            reading it (default: ``True``). A file is hashed once; a stamp
            ``(size, mtime_ns, sha256)`` in the user cache (``$GRAPHLABELS_CACHE``)
            skips the hash until the file changes. ``verify=False`` (``--no-verify``
            on the command line) is the explicit way to load files that differ from
            the published ones, e.g. edited copies.
        **kwargs: loader options, e.g. ``normalize_features=False``,
            ``texts=True`` (Planetoid), ``undirected=True`` (geom-gcn, WebKB text),
            ``level=2`` (WikiVitals).

    Returns:
        The graph; ``graph.name`` is the registry name.

    Raises:
        ValueError: unknown name (the known names are listed) or bad option.
        DataFileError: files missing (named, with where to put them), differing
            from their recorded sha256 (named, with both hashes and the fix), or
            failing to parse (named).
    """
    info = get_info(name)
    path, is_cache = resolve_root(root)
    if download is None:
        download = is_cache
    files = info.needed_files(split, kwargs)
    ensure_files(path, files, download=download)
    if verify:
        verify_files(path, files)
    if info.check is not None:
        info.check(path)
    graph = info.loader(path, split, **kwargs)
    if graph.name != info.name:
        graph = graph.replace(name=info.name, _keep_cache=True)
    return graph
