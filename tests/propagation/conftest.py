"""Fixtures for the propagation tests: small graphs and a dense reference."""

import pytest
import torch


def dense_adjacency(edge_index, n, edge_weight=None, norm="sym"):
    """Dense normalised adjacency; ``A[i, j]`` = weight of the edge ``j -> i``."""
    w = torch.ones(edge_index.size(1), dtype=torch.float64)
    if edge_weight is not None:
        w = edge_weight.double()
    A = torch.zeros(n, n, dtype=torch.float64)
    A.index_put_((edge_index[1], edge_index[0]), w, accumulate=True)
    deg = A.sum(1)
    inv = torch.where(deg > 0, 1.0 / deg, torch.zeros_like(deg))
    if norm == "sym":
        d = inv.sqrt()
        return d[:, None] * A * d[None, :]
    if norm == "row":
        return inv[:, None] * A
    return A * inv[None, :]


def dense_propagate(A, y0, num_layers, alpha, clamp=None, reset_idx=None, reset=None):
    """The textbook loop, in float64."""
    out = y0.clone()
    for _ in range(num_layers):
        out = alpha * (A @ out) + (1 - alpha) * y0
        if clamp is not None:
            out = out.clamp(*clamp)
        if reset_idx is not None:
            out[reset_idx] = reset
    return out


@pytest.fixture
def random_graph():
    """A random undirected graph with 300 nodes, 4 classes and 30% labelled."""
    g = torch.Generator().manual_seed(1)
    n, e = 300, 1500
    ei = torch.randint(0, n, (2, e), generator=g)
    ei = ei[:, ei[0] != ei[1]]
    ei = torch.cat([ei, ei.flip(0)], 1)
    y = torch.randint(0, 4, (n,), generator=g)
    mask = torch.rand(n, generator=g) < 0.3
    return ei, y, mask


@pytest.fixture
def star_graph():
    """Hub 0 with 6 class-0 and 2 class-1 labelled leaves (PyG issue #10627)."""
    leaves = torch.arange(1, 9)
    hub = torch.zeros(8, dtype=torch.long)
    ei = torch.cat([torch.stack([leaves, hub]), torch.stack([hub, leaves])], 1)
    y = torch.tensor([0, 0, 0, 0, 0, 0, 0, 1, 1])
    mask = torch.ones(9, dtype=torch.bool)
    mask[0] = False
    return ei, y, mask


@pytest.fixture(scope="session")
def cora(data_root):
    from graphlabels.data import load

    return load("cora", root=data_root)


class _Dense:
    adjacency = staticmethod(dense_adjacency)
    propagate = staticmethod(dense_propagate)


@pytest.fixture
def dense():
    """``dense.adjacency(...)`` and ``dense.propagate(...)``: the float64 reference."""
    return _Dense


@pytest.fixture(autouse=True)
def _one_thread(one_thread):
    """Every propagation test runs on one thread (see ``one_thread``)."""
