"""Graph convolution (Kipf & Welling, ICLR 2017) on the sparse kernels."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphlabels.nn.conv._utils import glorot, to_csr
from graphlabels.nn.linear import Linear
from graphlabels.ops import CSR, gcn_norm, spmm

__all__ = ["GCNConv"]


class GCNConv(nn.Module):
    r"""Graph convolution layer, as PyG's ``GCNConv``.

    From *Semi-Supervised Classification with Graph Convolutional Networks*
    (Kipf & Welling, ICLR 2017).

    .. math::
        X' = \hat{D}^{-1/2} \hat{A} \hat{D}^{-1/2} X \Theta + b

    with :math:`\hat{A} = A + I` (weight 2 on the loops if ``improved``). Parameter
    names and initialisation match PyG's ``GCNConv`` (``lin.weight``, ``bias``).
    The product runs in the cheaper order: aggregate first when
    ``in_channels <= out_channels``, transform first otherwise.

    Args:
        in_channels: input feature size.
        out_channels: output feature size.
        improved: loops of weight 2 (default: ``False``).
        cached: cache the normalised matrix of the first call and reuse it
            (transductive use only) (default: ``False``).
        add_self_loops: add self loops (default: ``True``).
        normalize: apply the symmetric normalisation (default: ``True``).
        bias: learn an additive bias (default: ``True``).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        improved: bool = False,
        cached: bool = False,
        add_self_loops: bool = True,
        normalize: bool = True,
        bias: bool = True,
    ) -> None:
        super().__init__()
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.improved = improved
        self.cached = cached
        self.add_self_loops = add_self_loops
        self.normalize = normalize
        self.lin = Linear(in_channels, out_channels, bias=False)
        self.bias = nn.Parameter(torch.empty(out_channels)) if bias else None
        self._cached_adj: CSR | None = None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Glorot weights and zero bias, as in PyG."""
        glorot(self.lin.weight)
        if self.bias is not None:
            nn.init.zeros_(self.bias)
        self._cached_adj = None

    def normalized(self, adj: CSR | Tensor, x: Tensor, edge_weight=None) -> CSR:
        """The (cached) normalised adjacency used by :meth:`forward`."""
        if self.cached and self._cached_adj is not None:
            return self._cached_adj
        A = to_csr(adj, x, edge_weight, "GCNConv")
        if self.normalize:
            A = gcn_norm(A, self.add_self_loops, 2.0 if self.improved else 1.0)
        if self.cached:
            self._cached_adj = A
        return A

    def forward(
        self, x: Tensor, adj: CSR | Tensor, edge_weight: Tensor | None = None
    ) -> Tensor:
        """Apply the layer.

        Args:
            x: ``[N, in_channels]`` node features.
            adj: a :class:`~graphlabels.ops.CSR` or a ``[2, E]`` edge_index.
            edge_weight: optional weights (edge order for an edge_index, CSR order
                for a CSR).

        Returns:
            ``[N, out_channels]``.
        """
        A = self.normalized(adj, x, edge_weight)
        if self.in_channels <= self.out_channels:
            # the bias rides in the matrix product (one pass over the output)
            return F.linear(spmm(A, x), self.lin.weight, self.bias)
        out = spmm(A, self.lin(x))
        if self.bias is not None:
            out = out + self.bias
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.in_channels}, {self.out_channels})"
