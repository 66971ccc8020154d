"""A small graph with the corner cases, shared by the layer tests."""

import pytest
import torch


@pytest.fixture
def graph():
    g = torch.Generator().manual_seed(0)
    n = 30
    ei = torch.randint(0, n - 2, (2, 120), generator=g)  # nodes 28, 29 isolated
    ei = torch.cat([ei, torch.tensor([[3, 3, 5], [3, 3, 6]])], 1)  # loops, dup
    x = torch.randn(n, 12, generator=g, dtype=torch.float64)
    return x, ei
