"""APPNP propagation (Gasteiger et al., ICLR 2019) on the sparse kernels."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from graphlabels.nn.conv._utils import to_csr
from graphlabels.ops import CSR, gcn_norm, spmm

__all__ = ["APPNPProp"]


class APPNPProp(nn.Module):
    r"""Personalised-PageRank propagation (APPNP), as PyG's ``APPNP``.

    From *Predict then Propagate* (Gasteiger et al., ICLR 2019).

    .. math::
        X^{(0)} = X, \qquad
        X^{(k)} = (1 - \alpha) \hat{D}^{-1/2} \hat{A} \hat{D}^{-1/2} X^{(k-1)}
        + \alpha X

    Args:
        K: number of propagation steps (default: ``10``).
        alpha: teleport probability (default: ``0.1``).
        dropout: dropout on the edge weights at each step in training
            (default: ``0.0``).
        cached: cache the normalised matrix of the first call (default: ``False``).
        add_self_loops: add self loops (default: ``True``).
        normalize: apply the symmetric normalisation (default: ``True``).
    """

    def __init__(
        self,
        K: int = 10,
        alpha: float = 0.1,
        dropout: float = 0.0,
        cached: bool = False,
        add_self_loops: bool = True,
        normalize: bool = True,
    ) -> None:
        super().__init__()
        if K < 0:
            raise ValueError(f"APPNPProp: K must be >= 0, got {K}")
        if not 0.0 <= alpha <= 1.0:
            raise ValueError(f"APPNPProp: alpha must be in [0, 1], got {alpha}")
        self.K = K
        self.alpha = alpha
        self.dropout = dropout
        self.cached = cached
        self.add_self_loops = add_self_loops
        self.normalize = normalize
        self._cached_adj: CSR | None = None

    def reset_parameters(self) -> None:
        """No parameters; drops the cached matrix."""
        self._cached_adj = None

    def forward(
        self, x: Tensor, adj: CSR | Tensor, edge_weight: Tensor | None = None
    ) -> Tensor:
        """Propagate ``x`` (``[N, F]``) ``K`` times over ``adj``."""
        if self.cached and self._cached_adj is not None:
            A = self._cached_adj
        else:
            A = to_csr(adj, x, edge_weight, "APPNPProp")
            if self.normalize:
                A = gcn_norm(A, self.add_self_loops)
            if self.cached:
                self._cached_adj = A
        h = x
        for _ in range(self.K):
            w = A.value
            if self.dropout > 0 and self.training:
                if w is None:
                    w = x.new_ones(A.nnz)
                w = F.dropout(w, p=self.dropout)
            x = spmm(A, x, "sum", w) * (1 - self.alpha) + self.alpha * h
        return x

    def __repr__(self) -> str:
        return f"{type(self).__name__}(K={self.K}, alpha={self.alpha})"
