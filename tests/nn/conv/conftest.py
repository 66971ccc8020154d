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


def compare(ours, theirs, x, call1, call2):
    """Outputs and gradients (input, then parameters) of two layers agree."""
    x1 = x.clone().requires_grad_()
    x2 = x.clone().requires_grad_()
    o1, o2 = call1(x1), call2(x2)
    torch.testing.assert_close(o1, o2, atol=1e-5, rtol=1e-5)
    g = torch.randn_like(o1)
    p1 = [x1] + list(ours.parameters())
    p2 = [x2] + list(theirs.parameters())
    for a, b in zip(
        torch.autograd.grad(o1, p1, g), torch.autograd.grad(o2, p2, g), strict=True
    ):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)
