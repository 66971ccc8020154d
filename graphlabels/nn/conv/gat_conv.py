"""Graph attention (Velickovic et al., ICLR 2018) on the fused attention kernel."""

from __future__ import annotations

import torch
from torch import Tensor, nn

from graphlabels.nn.conv._utils import block_self_loops, glorot, to_csr
from graphlabels.nn.linear import Linear
from graphlabels.ops import CSR, add_self_loops, gat_aggregate

__all__ = ["GATConv"]


class GATConv(nn.Module):
    r"""Graph attention layer, as PyG's ``GATConv``.

    From *Graph Attention Networks* (Velickovic et al., ICLR 2018).

    .. math::
        x'_i = \big\Vert_{h} \sum_{j \in N(i) \cup \{i\}} \alpha^h_{ij}
        \Theta^h x_j, \quad \alpha^h_{ij} = \mathrm{softmax}_j \big(
        \mathrm{LeakyReLU}(a_{src}^{h\top} \Theta^h x_j +
        a_{dst}^{h\top} \Theta^h x_i)\big)

    Parameter names and initialisation match PyG's ``GATConv`` (``lin.weight``,
    ``att_src``, ``att_dst``, ``bias``). The aggregation never materialises an
    ``E x H x F`` tensor. Edge values are ignored.

    Args:
        in_channels: input feature size.
        out_channels: size per head.
        heads: number of attention heads (default: ``1``).
        concat: concatenate the heads, else average them (default: ``True``).
        negative_slope: LeakyReLU slope (default: ``0.2``).
        dropout: dropout on the attention weights (default: ``0.0``).
        add_self_loops: replace self loops by one loop per node (default: ``True``).
        bias: learn an additive bias (default: ``True``).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        heads: int = 1,
        concat: bool = True,
        negative_slope: float = 0.2,
        dropout: float = 0.0,
        add_self_loops: bool = True,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if not isinstance(in_channels, int):
            raise TypeError(
                "GATConv: in_channels must be an int (bipartite inputs are not "
                "supported)"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.heads = heads
        self.concat = concat
        self.negative_slope = negative_slope
        self.dropout = dropout
        self.add_self_loops = add_self_loops
        self.lin = Linear(in_channels, heads * out_channels, bias=False)
        self.att_src = nn.Parameter(torch.empty(1, heads, out_channels))
        self.att_dst = nn.Parameter(torch.empty(1, heads, out_channels))
        total = heads * out_channels if concat else out_channels
        self.bias = nn.Parameter(torch.empty(total)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Glorot weights and attention vectors, zero bias (as in PyG)."""
        glorot(self.lin.weight)
        glorot(self.att_src)
        glorot(self.att_dst)
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def att_matrix(self) -> Tensor:
        """``[H*C, 2H]`` block-diagonal matrix: ``h @ M`` gives both logits."""
        H, C = self.heads, self.out_channels
        eye = torch.eye(H, dtype=self.att_src.dtype, device=self.att_src.device)
        blocks = [
            (att.view(H, C, 1) * eye.view(H, 1, H)).reshape(H * C, H)
            for att in (self.att_src, self.att_dst)
        ]
        return torch.cat(blocks, dim=1)

    def forward(self, x: Tensor, adj: CSR | Tensor) -> Tensor:
        """Apply the layer to ``x`` (``[N, in_channels]``) over ``adj``.

        ``adj`` may be a sampled block (``R x N``); the output then has ``R`` rows.
        """
        A = to_csr(adj, x, None, "GATConv", bipartite=True)
        A = A.with_value(None)
        if self.add_self_loops:
            square = A.num_rows == A.num_cols
            A = add_self_loops(A) if square else block_self_loops(A)
        H, C = self.heads, self.out_channels
        h = self.lin(x)
        # both attention logits in one [N, H*C] x [H*C, 2H] product: h is read
        # once, and its gradient gets one term instead of two broadcast products
        a = h @ self.att_matrix()
        a_src, a_dst = a[:, :H].contiguous(), a[: A.num_rows, H:].contiguous()
        h = h.view(-1, H, C)
        out = gat_aggregate(
            A, h, a_src, a_dst, self.negative_slope, self.dropout, self.training
        )
        out = out.reshape(-1, H * C) if self.concat else out.mean(dim=1)
        if self.bias is not None:
            out = out + self.bias
        return out

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.in_channels}, {self.out_channels}, "
            f"heads={self.heads})"
        )
