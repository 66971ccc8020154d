"""``graphlabels env``: versions of Python, torch, the optional packages and CUDA."""

from __future__ import annotations

import argparse
import importlib.metadata
import platform

import torch

from graphlabels.typing import OPTIONAL_PACKAGES

#: Core dependencies, then the optional ones of :data:`OPTIONAL_PACKAGES`.
PACKAGES = ("numpy", "scipy", "tqdm") + tuple(
    pkg.distribution for pkg in OPTIONAL_PACKAGES.values()
)


def collect() -> dict[str, str]:
    """Name -> version (or ``"not installed"``) for everything that matters."""
    info = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch": torch.__version__,
        "cuda": torch.version.cuda or "none (CPU build)",
        "cuda available": str(torch.cuda.is_available()),
    }
    if torch.cuda.is_available():
        info["gpu"] = torch.cuda.get_device_name(0)
    for name in PACKAGES:
        try:
            info[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            info[name] = "not installed"
    from graphlabels import __version__

    info["graphlabels"] = __version__
    return info


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register ``env``."""
    p = subparsers.add_parser("env", help="print versions of the software stack")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print one ``name: version`` line per package."""
    info = collect()
    width = max(map(len, info))
    for key, value in info.items():
        print(f"{key:<{width}}  {value}")
    return 0
