"""Datasets: one entry point, :func:`load`, over a registry of loaders.

>>> from graphlabels.data import load, list_datasets
>>> g = load("cora")

The data root is the ``root`` argument, else ``$GRAPHLABELS_DATA``, else the user
cache ``~/.cache/graphlabels``, into which missing files are downloaded from their
canonical source and verified by sha256. ``datasets/README.md`` lists every name, its
source and the layout under the root.
"""

from graphlabels.data.download import DataFileError, cache_dir, resolve_root
from graphlabels.data.registry import (
    DatasetInfo,
    get_info,
    list_datasets,
    load,
    register,
)
from graphlabels.data.tag import has_text

__all__ = [
    "DataFileError",
    "DatasetInfo",
    "cache_dir",
    "get_info",
    "has_text",
    "list_datasets",
    "load",
    "register",
    "resolve_root",
]
