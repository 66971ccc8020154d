"""Shared fixtures: the real datasets live in ../shared/datasets (or GRAPHLABELS_DATA)."""

import os
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]


def _data_root() -> Path:
    env = os.environ.get("GRAPHLABELS_DATA")
    return Path(env) if env else ROOT.parent / "shared" / "datasets"


@pytest.fixture(scope="session")
def data_root() -> Path:
    root = _data_root()
    assert root.is_dir(), (
        f"test datasets not found at {root}: put ../shared/datasets beside the "
        "project or set GRAPHLABELS_DATA"
    )
    return root


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
