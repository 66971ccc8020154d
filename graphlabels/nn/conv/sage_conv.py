"""GraphSAGE convolution (Hamilton et al., NeurIPS 2017) on the sparse kernels."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn

from graphlabels.nn.conv._utils import to_csr
from graphlabels.nn.linear import Linear
from graphlabels.ops import CSR, linear, spmm
from graphlabels.ops.linear import first_rows

__all__ = ["SAGEConv"]


class SAGEConv(nn.Module):
    r"""GraphSAGE layer, as PyG's ``SAGEConv``.

    From *Inductive Representation Learning on Large Graphs* (Hamilton et al.,
    NeurIPS 2017).

    .. math::
        x'_i = W_1 x_i + W_2 \cdot \mathrm{aggr}_{j \in N(i)} x_j

    Parameter names and initialisation match PyG's ``SAGEConv`` (``lin_l`` with
    the bias acts on the aggregate, ``lin_r`` on the root). Edge values are ignored.

    Args:
        in_channels: input feature size.
        out_channels: output feature size.
        aggr: ``"mean"``, ``"sum"`` or ``"max"`` (default: ``"mean"``).
        normalize: L2-normalise the output rows (default: ``False``).
        root_weight: add the transformed root features (default: ``True``).
        bias: learn a bias in ``lin_l`` (default: ``True``).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        aggr: str = "mean",
        normalize: bool = False,
        root_weight: bool = True,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if aggr == "add":
            aggr = "sum"
        if aggr not in ("mean", "sum", "max"):
            raise ValueError(f"SAGEConv: aggr must be mean, sum or max, got {aggr!r}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.aggr = aggr
        self.normalize = normalize
        self.root_weight = root_weight
        self.lin_l = Linear(in_channels, out_channels, bias=bias)
        self.lin_r = (
            Linear(in_channels, out_channels, bias=False) if root_weight else None
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Kaiming-uniform weights (torch/PyG ``Linear`` default)."""
        self.lin_l.reset_parameters()
        if self.lin_r is not None:
            self.lin_r.reset_parameters()

    def forward(self, x: Tensor, adj: CSR | Tensor) -> Tensor:
        """Apply the layer to ``x`` (``[N, in_channels]``) over ``adj``.

        ``adj`` may be a sampled block (``R x N``); the output then has ``R`` rows.
        """
        A = to_csr(adj, x, None, "SAGEConv", bipartite=True)
        if A.value is not None:
            A = A.with_value(None)
        if self.aggr != "max" and self.in_channels > self.out_channels:
            # linear maps commute with sum/mean: aggregate the narrower features
            out = spmm(A, linear(x, self.lin_l.weight), self.aggr)
            if self.lin_l.bias is not None:
                out = out + self.lin_l.bias
        else:
            out = self.lin_l(spmm(A, x, self.aggr))
        if self.lin_r is not None:
            # a block's destinations are its first sources
            root = x if A.num_rows == x.size(0) else first_rows(x, A.num_rows)
            out = out + self.lin_r(root)
        if self.normalize:
            out = F.normalize(out, p=2.0, dim=-1)
        return out

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.in_channels}, {self.out_channels}, "
            f"aggr={self.aggr})"
        )
