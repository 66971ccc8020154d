""":class:`DatasetInfo`, what the registry knows about a dataset without loading it."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphlabels.data.download import DataFileError, resolve_root
from graphlabels.data.splits import SplitArg
from graphlabels.graph import Graph

__all__ = ["DatasetInfo", "Loader"]

#: ``loader(root, split, **kwargs) -> Graph``.
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

    def needed_files(self, split: SplitArg, kwargs: dict[str, Any]) -> list[str]:
        """The files a load with ``split`` and loader options ``kwargs`` reads."""
        files = list(self.files)
        if self.extra_files is not None:
            files += [f for f in self.extra_files(split, kwargs) if f not in files]
        return files
