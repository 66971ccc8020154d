"""Graph convolution (Kipf & Welling, ICLR 2017) on the sparse kernels."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphlabels.nn.conv._utils import glorot, is_block, to_csr
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
            ``[N, out_channels]`` (``[R, out_channels]`` for a sampled block with
            ``R`` destinations).
        """
        if is_block(adj):
            return self._block_forward(x, adj, edge_weight)
        A = self.normalized(adj, x, edge_weight)
        if self.in_channels <= self.out_channels:
            # the bias rides in the matrix product (one pass over the output)
            return F.linear(spmm(A, x), self.lin.weight, self.bias)
        out = spmm(A, self.lin(x))
        if self.bias is not None:
            out = out + self.bias
        return out

    def block_weights(self, block: CSR, edge_weight: Tensor | None = None):
        r"""Edge weights and loop coefficients of this layer on a sampled block.

        With the full graph's degrees :math:`\hat{d}` (carried by the block), a
        destination :math:`i` with :math:`n_i` in-edges of which :math:`k_i` were
        sampled gets

        .. math::
            x'_i = \frac{n_i}{k_i} \sum_{j \in S(i), j \ne i}
            \frac{w_{ij}}{\sqrt{\hat{d}_i \hat{d}_j}} x_j
            + \frac{1}{\hat{d}_i} x_i,

        an unbiased estimate of the full layer, and exactly the full layer when
        every in-edge is in the block (layer-wise inference). A self loop of the
        graph counts with weight 1.

        Returns:
            ``(values [nnz], loop [R])``.
        """
        if self.improved or not self.add_self_loops:
            raise ValueError(
                "GCNConv on sampled blocks supports improved=False and "
                "add_self_loops=True only: train this layer full-batch"
            )
        key = ("gcn_block", edge_weight is None)
        hit = block.cache.get(key) if edge_weight is None else None
        if hit is not None:
            return hit
        w = block.value if edge_weight is None else edge_weight
        R = block.num_rows
        dinv = block.gcn_degree.pow(-0.5)
        dinv = dinv.masked_fill(torch.isinf(dinv), 0.0)
        row, col = block.row(), block.col
        count = block.degree().clamp(min=1).to(dinv.dtype)
        scale = block.in_degree.to(dinv.dtype) / count * dinv[:R]
        val = scale.index_select(0, row) * dinv.index_select(0, col)
        if w is not None:
            val = val * w
        val = val.masked_fill(col == row, 0.0)
        out = (val, dinv[:R].square())
        if edge_weight is None:
            block.cache[key] = out
        return out

    def _block_forward(self, x: Tensor, block: CSR, edge_weight=None) -> Tensor:
        R = block.num_rows
        if x.size(0) != block.num_cols:
            raise ValueError(
                f"GCNConv: the block has {block.num_cols} sources but x has "
                f"{x.size(0)} rows: pass the features of block.n_id"
            )
        if not self.normalize:
            w = block.value if edge_weight is None else edge_weight
            val, loop = w, None
        else:
            val, loop = self.block_weights(block, edge_weight)

        def prop(h: Tensor) -> Tensor:
            out = spmm(block, h, "sum", val)
            return out if loop is None else out + loop.unsqueeze(1) * h[:R]

        if self.in_channels <= self.out_channels:
            return F.linear(prop(x), self.lin.weight, self.bias)
        out = prop(self.lin(x))
        if self.bias is not None:
            out = out + self.bias
        return out

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.in_channels}, {self.out_channels})"
