"""Optional-dependency flags and shared type aliases."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Union

from torch import Tensor, nn

__all__ = [
    "WITH_DGL",
    "WITH_MATPLOTLIB",
    "WITH_NETWORKX",
    "WITH_OGB",
    "WITH_PYG",
    "WITH_TRITON",
    "Mask",
    "ModelFactory",
    "has_package",
]


def has_package(name: str) -> bool:
    """Whether ``name`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


WITH_PYG = has_package("torch_geometric")
WITH_DGL = has_package("dgl")
WITH_TRITON = has_package("triton")
WITH_OGB = has_package("ogb")
WITH_MATPLOTLIB = has_package("matplotlib")
WITH_NETWORKX = has_package("networkx")

#: A bool mask ``[N]`` or a 1-D tensor of node indices.
Mask = Tensor
#: Something that builds a fresh model: ``make_model(seed)`` or ``make_model()``.
ModelFactory = Union[Callable[[int], nn.Module], Callable[[], nn.Module], nn.Module]  # noqa: UP007
