"""Datasets: one entry point, :func:`load`, over a registry of loaders.

>>> from graphlabels.data import load, list_datasets
>>> g = load("cora")

The data root is the ``root`` argument, else ``$GRAPHLABELS_DATA``, else the user
cache ``~/.cache/graphlabels`` (``$GRAPHLABELS_CACHE``), into which missing files are
downloaded from their canonical source. Every file read is checked against its sha256
(recorded in the package data file ``graphlabels/data/files.json``) unless
``verify=False``; a stamp in the user cache avoids hashing it again until it changes.
``datasets/README.md`` lists every name, its source and the layout under the root.
"""

from graphlabels.data.download import DataFileError, cache_dir, resolve_root
from graphlabels.data.info import DatasetInfo
from graphlabels.data.registry import (
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
