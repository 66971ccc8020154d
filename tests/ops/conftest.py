"""Hand-built graphs shared by the ops tests."""

import pytest
import torch

from graphlabels.ops import CSR
from graphlabels.ops._backend import numba_available

#: Backends checked against the dense references (compiled only with numba).
CPU_BACKENDS = [
    "cpu",
    "reference",
    pytest.param(
        "cpu-compiled",
        marks=pytest.mark.skipif(not numba_available(), reason="numba not installed"),
    ),
]


def _edges(pairs):
    return torch.tensor(pairs, dtype=torch.long).t().contiguous()


def make_case(name: str) -> tuple[torch.Tensor, int]:
    """``(edge_index, num_nodes)`` for a named corner case."""
    g = torch.Generator().manual_seed(1)
    if name == "small":  # empty rows, isolated node 5, self loop, duplicate edge
        return _edges([(0, 1), (1, 0), (2, 1), (2, 1), (3, 3), (3, 0), (1, 2)]), 6
    if name == "empty":  # no edges at all
        return torch.empty(2, 0, dtype=torch.long), 4
    if name == "random":
        return torch.randint(0, 40, (2, 200), generator=g), 45
    if name == "hub":  # one row with 10,000 neighbours (duplicates included)
        src = torch.randint(0, 3000, (10_000,), generator=g)
        hub = torch.stack([src, torch.zeros_like(src)])
        rest = torch.stack(
            [
                torch.randint(0, 3000, (500,), generator=g),
                torch.randint(0, 50, (500,), generator=g),
            ]
        )
        return torch.cat([hub, rest], 1), 3000
    raise KeyError(name)


CASES = ["small", "empty", "random"]


@pytest.fixture(params=CASES)
def case(request) -> tuple[CSR, torch.Tensor, int]:
    ei, n = make_case(request.param)
    return CSR.from_edge_index(ei, n), ei, n


@pytest.fixture
def hub() -> tuple[CSR, torch.Tensor, int]:
    ei, n = make_case("hub")
    return CSR.from_edge_index(ei, n), ei, n
