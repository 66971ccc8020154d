"""Triton tests: compiled on CUDA when present, else the interpreter on CPU.

``TRITON_INTERPRET=1`` must be set before the kernels are defined, so it is set
here, at collection, and only when there is no CUDA device. Autotuning is off in
tests (``GRAPHLABELS_TRITON_AUTOTUNE=0``). Triton 3.9's
interpreter accepts CPU tensors (checked by these tests); it is about 10,000x
slower than a GPU, so the graphs here are tiny.
"""

import os

import pytest
import torch

if not torch.cuda.is_available():
    os.environ.setdefault("TRITON_INTERPRET", "1")
# tests check values, not speed: skip autotuning (it compiles every configuration)
os.environ.setdefault("GRAPHLABELS_TRITON_AUTOTUNE", "0")

pytest.importorskip("triton")


@pytest.fixture
def device() -> torch.device:
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def tiny_graph(device, n=12, m=40, hub=0, seed=0):
    from graphlabels.ops import CSR

    g = torch.Generator().manual_seed(seed)
    ei = torch.randint(0, n - 2, (2, m), generator=g)  # two isolated nodes
    ei = torch.cat([ei, torch.tensor([[3, 3, 5], [3, 3, 6]])], 1)  # loops, dup
    if hub:
        src = torch.randint(0, n, (hub,), generator=g)
        ei = torch.cat([ei, torch.stack([src, torch.ones_like(src)])], 1)
    return CSR.from_edge_index(ei.to(device), n)
