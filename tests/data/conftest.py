"""Fixtures for the dataset tests: graphs loaded once per session from data_root.

Verification stamps go to a temporary user cache, not the real one.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from graphlabels import Graph
from graphlabels.data import load


@pytest.fixture(scope="session", autouse=True)
def _stamp_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """``$GRAPHLABELS_CACHE`` points at a temporary folder for the session."""
    path = tmp_path_factory.mktemp("graphlabels-cache")
    before = os.environ.get("GRAPHLABELS_CACHE")
    os.environ["GRAPHLABELS_CACHE"] = str(path)
    yield path
    if before is None:
        del os.environ["GRAPHLABELS_CACHE"]
    else:
        os.environ["GRAPHLABELS_CACHE"] = before


@pytest.fixture(scope="session")
def loaded(data_root: Path) -> Callable[..., Graph]:
    """``loaded(name, **kw)``: ``load(name, data_root, **kw)``, cached per session."""
    cache: dict[tuple, Graph] = {}

    def get(name: str, **kw) -> Graph:
        key = (name, repr(sorted(kw.items())))
        if key not in cache:
            cache[key] = load(name, data_root, **kw)
        return cache[key]

    return get
