"""Initialisers and adjacency handling shared by the convolution layers."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from graphlabels.ops import CSR, as_csr

__all__ = ["glorot", "to_csr"]


def glorot(t: Tensor | None) -> None:
    """Glorot-uniform init over the last two dims, as PyG's ``inits.glorot``."""
    if t is None:
        return
    bound = math.sqrt(6.0 / (t.size(-2) + t.size(-1)))
    with torch.no_grad():
        t.uniform_(-bound, bound)


def to_csr(
    adj: CSR | Tensor, x: Tensor, edge_weight: Tensor | None = None, layer: str = ""
) -> CSR:
    """The :class:`CSR` for ``adj`` (a CSR or an ``edge_index``) and features ``x``.

    ``edge_weight`` is in edge order for an ``edge_index`` and in CSR order for a
    CSR (where it replaces ``adj.value``).
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"{layer}: x must be a tensor, got {type(x).__name__}")
    if x.dim() != 2:
        raise ValueError(f"{layer}: x must be [N, F], got shape {list(x.shape)}")
    n = x.size(0)
    if isinstance(adj, Tensor) and edge_weight is not None:
        return CSR.from_edge_index(adj, n, edge_weight)
    A = as_csr(adj, n)
    if A.num_rows != n:
        raise ValueError(
            f"{layer}: A has {A.num_rows} rows but x has {n}: bipartite graphs are "
            "not supported by this layer"
        )
    if edge_weight is not None:
        A = A.with_value(edge_weight)
    return A
