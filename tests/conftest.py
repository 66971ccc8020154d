"""Shared fixtures. Real datasets come from ../shared/datasets or GRAPHLABELS_DATA."""

import os
from pathlib import Path

import pytest
import torch

# Triton kernels run in the interpreter on CPU-only machines. The variable must be
# set before any kernel is defined, i.e. before any test module imports
# graphlabels.ops._triton, so it is set here, in the first conftest pytest loads.
if not torch.cuda.is_available():
    os.environ.setdefault("TRITON_INTERPRET", "1")

from graphlabels.graph import Graph, to_undirected  # noqa: E402

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


@pytest.fixture
def one_thread():
    """Tiny graphs: one thread avoids OpenMP stalls on a busy machine."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA device")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


def make_blobs(n: int = 60, seed: int = 0) -> Graph:
    """Two noisy feature clusters with mostly intra-class edges, 10/20/30 split."""
    gen = torch.Generator().manual_seed(seed)
    y = torch.arange(n) % 2
    x = torch.randn(n, 4, generator=gen) + 1.5 * y[:, None].float()
    src = torch.randint(0, n, (4 * n,), generator=gen)
    dst = (src + 2 * torch.randint(1, 5, (4 * n,), generator=gen)) % n
    ei, _ = to_undirected(torch.stack([src, dst]), num_nodes=n)
    perm = torch.randperm(n, generator=gen)
    masks = [torch.zeros(n, dtype=torch.bool) for _ in range(3)]
    masks[0][perm[:10]] = True
    masks[1][perm[10:30]] = True
    masks[2][perm[30:]] = True
    return Graph(
        ei, x=x, y=y, train_mask=masks[0], val_mask=masks[1], test_mask=masks[2]
    )


@pytest.fixture
def blobs() -> Graph:
    """A small two-class graph that simple models can learn."""
    return make_blobs()
