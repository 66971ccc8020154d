"""Initialisers and adjacency handling shared by the convolution layers."""

from __future__ import annotations

import math

import torch
from torch import Tensor

from graphlabels.ops import CSR, as_csr

__all__ = ["block_self_loops", "glorot", "is_block", "to_csr"]


def glorot(t: Tensor | None) -> None:
    """Glorot-uniform init over the last two dims, as PyG's ``inits.glorot``."""
    if t is None:
        return
    bound = math.sqrt(6.0 / (t.size(-2) + t.size(-1)))
    with torch.no_grad():
        t.uniform_(-bound, bound)


def is_block(adj: object) -> bool:
    """Whether ``adj`` is a sampled block (a bipartite CSR with global ids).

    See :class:`graphlabels.sampling.Block`: its ``num_rows`` destinations are
    its first ``num_rows`` sources, and ``x`` holds one row per source.
    """
    return isinstance(adj, CSR) and getattr(adj, "n_id", None) is not None


def block_self_loops(A: CSR) -> CSR:
    """``A`` (``R x C``, ``R <= C``) with its loops replaced by one per row.

    The loop of destination ``i`` points at source ``i``; values are dropped.
    """
    row, col = A.row(), A.col
    keep = col != row
    loops = torch.arange(A.num_rows, device=A.device)
    ei = torch.stack([torch.cat([col[keep], loops]), torch.cat([row[keep], loops])])
    return CSR.from_edge_index(ei, (A.num_rows, A.num_cols))


def to_csr(
    adj: CSR | Tensor,
    x: Tensor,
    edge_weight: Tensor | None = None,
    layer: str = "",
    bipartite: bool = False,
) -> CSR:
    """The :class:`CSR` for ``adj`` (a CSR or an ``edge_index``) and features ``x``.

    ``edge_weight`` is in edge order for an ``edge_index`` and in CSR order for a
    CSR (where it replaces ``adj.value``). With ``bipartite``, a CSR may have
    fewer rows than ``x`` (a sampled block: destinations are the first rows).
    """
    if not isinstance(x, Tensor):
        raise TypeError(f"{layer}: x must be a tensor, got {type(x).__name__}")
    if x.dim() != 2:
        raise ValueError(f"{layer}: x must be [N, F], got shape {list(x.shape)}")
    n = x.size(0)
    if isinstance(adj, Tensor) and edge_weight is not None:
        return CSR.from_edge_index(adj, n, edge_weight)
    A = as_csr(adj, n)
    if A.num_rows != n and not (bipartite and A.num_rows < n):
        raise ValueError(
            f"{layer}: A has {A.num_rows} rows but x has {n}: bipartite graphs are "
            "not supported by this layer"
        )
    if edge_weight is not None:
        A = A.with_value(edge_weight)
    return A
