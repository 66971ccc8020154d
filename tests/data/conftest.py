"""Fixtures for the dataset tests: graphs loaded once per session from data_root."""

from collections.abc import Callable
from pathlib import Path

import pytest

from graphlabels import Graph
from graphlabels.data import load


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
