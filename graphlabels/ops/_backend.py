"""Backend selection: ``auto``, ``reference``, ``cpu``, ``cpu-compiled`` or ``triton``.

The backend is chosen per call from the device of the inputs. ``auto`` (the
default) uses Triton for CUDA tensors when Triton imports, the numba kernels
(``cpu-compiled``) for CPU tensors when numba imports, and torch's CSR kernels
(``cpu``) otherwise. Force one with :func:`set_backend`, the :func:`use_backend` context
manager, or the environment variable ``GRAPHLABELS_BACKEND`` (read at import).
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator

import torch

__all__ = [
    "BACKENDS",
    "get_backend",
    "resolve_backend",
    "numba_available",
    "set_backend",
    "triton_available",
    "use_backend",
]

BACKENDS = ("auto", "reference", "cpu", "cpu-compiled", "triton")


def _validate(name: str) -> str:
    name = str(name).lower()
    if name not in BACKENDS:
        raise ValueError(
            f"unknown backend {name!r}: choose one of {', '.join(BACKENDS)} "
            "(set_backend or the GRAPHLABELS_BACKEND environment variable)"
        )
    return name


_STATE = {"name": _validate(os.environ.get("GRAPHLABELS_BACKEND", "auto") or "auto")}


def set_backend(name: str) -> str:
    """Select the kernel backend for all ops; returns the previous choice.

    Args:
        name: ``"auto"`` (Triton on CUDA when available, numba on CPU when
            available, else torch CSR), ``"reference"`` (pure torch
            gather/scatter, for checking), ``"cpu"`` (torch's CSR kernels; they
            also run on CUDA via cuSPARSE), ``"cpu-compiled"`` (numba kernels,
            CPU tensors; needs ``pip install graphlabels[cpu]``) or ``"triton"``
            (needs CUDA tensors, or ``TRITON_INTERPRET=1`` on CPU).
    """
    prev = _STATE["name"]
    _STATE["name"] = _validate(name)
    return prev


def get_backend() -> str:
    """The backend chosen by :func:`set_backend` (possibly ``"auto"``)."""
    return _STATE["name"]


@contextlib.contextmanager
def use_backend(name: str) -> Iterator[None]:
    """Context manager that selects ``name`` and restores the previous backend."""
    prev = set_backend(name)
    try:
        yield
    finally:
        set_backend(prev)


def _interpret() -> bool:
    return os.environ.get("TRITON_INTERPRET", "0") not in ("", "0")


@functools.cache
def triton_available() -> bool:
    """Whether Triton imports (the kernels are then importable)."""
    try:
        import triton  # noqa: F401
        import triton.language  # noqa: F401
    except Exception:  # pragma: no cover - depends on the environment
        return False
    return True


@functools.cache
def numba_available() -> bool:
    """Whether numba imports (the ``cpu-compiled`` kernels are then usable)."""
    try:
        import numba  # noqa: F401
    except Exception:  # pragma: no cover - depends on the environment
        return False
    return True


def resolve_backend(device: torch.device) -> str:
    """The concrete backend (not ``auto``) for tensors on ``device``."""
    name = _STATE["name"]
    if name == "auto":
        if device.type == "cuda" and triton_available():
            return "triton"
        if device.type == "cpu" and numba_available():
            return "cpu-compiled"
        return "cpu"
    if name == "cpu-compiled":
        if not numba_available():
            raise RuntimeError(
                "backend 'cpu-compiled' was requested but numba does not import: "
                "pip install 'graphlabels[cpu]' (numba), or set_backend('auto')"
            )
        if device.type != "cpu":
            raise RuntimeError(
                f"backend 'cpu-compiled' needs CPU tensors, got {device}: move the "
                "inputs with .cpu(), or set_backend('auto')"
            )
    if name == "triton":
        if not triton_available():
            raise RuntimeError(
                "backend 'triton' was requested but triton does not import: "
                "pip install triton, or set_backend('auto')"
            )
        if device.type != "cuda" and not _interpret():
            raise RuntimeError(
                f"backend 'triton' needs CUDA tensors, got {device}: move the "
                "inputs to CUDA, set TRITON_INTERPRET=1 (slow, for tests), or "
                "set_backend('auto')"
            )
    return name
