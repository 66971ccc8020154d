"""Base node-classification models built on :mod:`graphlabels.nn.conv`.

Every model is called as ``model(x, adj)`` where ``adj`` is a
:class:`graphlabels.ops.CSR` (``graph.csr()``) or a PyG-style ``edge_index``, and has
``reset_parameters()``. All message passing goes through the conv layers, which go
through :mod:`graphlabels.ops`, so faster kernels need no change here.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from graphlabels.nn.conv import APPNPProp, GATConv, GCNConv, SAGEConv
from graphlabels.nn.dropout import dropout, relu_dropout
from graphlabels.nn.linear import Linear
from graphlabels.ops.linear import first_rows

__all__ = [
    "APPNP",
    "GAT",
    "GCN",
    "MLP",
    "MODELS",
    "SAGE",
    "build_model",
    "count_parameters",
]


def input_dropout(x: Tensor, p: float, training: bool) -> Tensor:
    """Dropout that also takes a sparse CSR ``x`` (dropping its stored values)."""
    if x.layout != torch.sparse_csr:
        return dropout(x, p, training)
    if not training or p == 0.0:
        return x
    values = dropout(x.values(), p, True)
    return torch.sparse_csr_tensor(
        x.crow_indices(), x.col_indices(), values, x.shape, check_invariants=False
    )


def _per_layer(adj: Any, num_layers: int) -> list[Any]:
    """``adj`` repeated per layer, or a list of blocks checked to match the layers."""
    if not isinstance(adj, (list, tuple)):
        return [adj] * num_layers
    if len(adj) != num_layers:
        raise ValueError(
            f"got {len(adj)} blocks for a model with {num_layers} layers: sample "
            "one hop per layer (len(num_neighbors) == num_layers)"
        )
    return list(adj)


class _Stack(nn.Module):
    """Layers with ReLU and dropout between them (and dropout on the input)."""

    graphlabels_input = "adj"
    #: The first layer is linear in ``x`` first, so ``x`` may be a sparse CSR tensor.
    sparse_input = False

    def __init__(self, layers: list[nn.Module], dropout: float, input_dropout: float):
        super().__init__()
        self.layers = nn.ModuleList(layers)
        self.dropout = dropout
        self.input_dropout = input_dropout

    def reset_parameters(self) -> None:
        """Re-initialise every layer."""
        for layer in self.layers:
            layer.reset_parameters()

    def _layer(self, layer: nn.Module, x: Tensor, adj: Any) -> Tensor:
        return layer(x, adj)

    def forward(self, x: Tensor, adj: Any = None) -> Tensor:
        """Logits ``[N, C]`` for features ``x`` and adjacency ``adj``.

        ``adj`` may also be a list of sampled blocks, one per layer, input layer
        first (:class:`graphlabels.sampling.MiniBatch.blocks`): ``x`` then holds
        the features of ``blocks[0]``'s sources and the logits are those of
        ``blocks[-1]``'s destinations.
        """
        x = input_dropout(x, self.input_dropout, self.training)
        adjs = _per_layer(adj, len(self.layers))
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = self._layer(layer, x, adjs[i])
            if i < last:
                x = self._activate_dropout(x)
        return x

    def _activate_dropout(self, x: Tensor) -> Tensor:
        return relu_dropout(x, self.dropout, self.training)


def _widths(in_channels: int, hidden: int, out: int, num_layers: int) -> list[int]:
    if num_layers < 1:
        raise ValueError(f"num_layers must be >= 1, got {num_layers}")
    return [in_channels] + [hidden] * (num_layers - 1) + [out]


class _ConvStack(_Stack):
    """``num_layers`` layers of ``conv`` from ``in_channels`` to ``out_channels``."""

    conv: type[nn.Module]

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int = 64,
        num_layers: int = 2,
        dropout: float = 0.5,
    ):
        w = _widths(in_channels, hidden_channels, out_channels, num_layers)
        layers = [self.conv(a, b) for a, b in zip(w[:-1], w[1:], strict=True)]
        super().__init__(layers, dropout, dropout)


class GCN(_ConvStack):
    """Graph Convolutional Network (Kipf & Welling, ICLR 2017).

    Args:
        in_channels: input feature size.
        out_channels: number of classes.
        hidden_channels: hidden size (default: ``64``).
        num_layers: number of GCN layers (default: ``2``).
        dropout: dropout on the input and between layers (default: ``0.5``).
    """

    conv = GCNConv

    @property
    def sparse_input(self) -> bool:  # type: ignore[override]
        """Sparse ``x`` is welcome when the first layer shrinks the width.

        GCNConv then applies its linear map before propagating.
        """
        first = self.layers[0]
        return first.out_channels < first.in_channels


class SAGE(_ConvStack):
    """GraphSAGE with mean aggregation (Hamilton et al., NeurIPS 2017).

    Args:
        in_channels: input feature size.
        out_channels: number of classes.
        hidden_channels: hidden size (default: ``64``).
        num_layers: number of layers (default: ``2``).
        dropout: dropout on the input and between layers (default: ``0.5``).
    """

    conv = SAGEConv

    @property
    def sparse_input(self) -> bool:  # type: ignore[override]
        """Sparse ``x`` is welcome when the first layer shrinks the width.

        SAGEConv then applies its linear maps before aggregating (sum and mean
        commute with them); max aggregates the features themselves.
        """
        first = self.layers[0]
        return first.out_channels < first.in_channels and first.aggr != "max"


class GAT(_Stack):
    """Graph Attention Network (Veličković et al., ICLR 2018).

    Hidden layers concatenate ``heads`` heads of size ``hidden_channels``; the output
    layer averages ``out_heads`` heads. ELU between layers, as in the paper.

    Args:
        in_channels: input feature size.
        out_channels: number of classes.
        hidden_channels: size of each hidden head (default: ``8``).
        heads: hidden heads (default: ``8``).
        out_heads: output heads (default: ``1``).
        num_layers: number of layers (default: ``2``).
        dropout: dropout on features and attention (default: ``0.6``).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int = 8,
        heads: int = 8,
        out_heads: int = 1,
        num_layers: int = 2,
        dropout: float = 0.6,
    ):
        if num_layers < 1:
            raise ValueError(f"num_layers must be >= 1, got {num_layers}")
        layers: list[nn.Module] = []
        d = in_channels
        for _ in range(num_layers - 1):
            layers.append(GATConv(d, hidden_channels, heads=heads, dropout=dropout))
            d = hidden_channels * heads
        layers.append(
            GATConv(d, out_channels, heads=out_heads, concat=False, dropout=dropout)
        )
        super().__init__(layers, dropout, dropout)
        self.sparse_input = True

    def _activate_dropout(self, x: Tensor) -> Tensor:
        return dropout(F.elu(x), self.dropout, self.training)


class MLP(_Stack):
    """Multi-layer perceptron on node features; ignores the graph.

    Args:
        in_channels: input feature size.
        out_channels: number of classes.
        hidden_channels: hidden size (default: ``64``).
        num_layers: number of linear layers; ``1`` is a linear model (default: ``2``).
        dropout: dropout between layers (default: ``0.5``).
        batch_norm: batch norm after each hidden layer (default: ``False``).
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int = 64,
        num_layers: int = 2,
        dropout: float = 0.5,
        batch_norm: bool = False,
    ):
        w = _widths(in_channels, hidden_channels, out_channels, num_layers)
        layers = [Linear(a, b) for a, b in zip(w[:-1], w[1:], strict=True)]
        super().__init__(layers, dropout, 0.0)
        norms = [nn.BatchNorm1d(b) for b in w[1:-1]] if batch_norm else []
        self.norms = nn.ModuleList(norms)
        self.sparse_input = True

    def reset_parameters(self) -> None:
        """Re-initialise every layer."""
        super().reset_parameters()
        for norm in self.norms:
            norm.reset_parameters()

    def forward(self, x: Tensor, adj: Any = None) -> Tensor:
        """Logits ``[N, C]``; ``adj`` is ignored except for a list of blocks.

        With sampled blocks, the logits of the last block's destinations (the
        first rows of ``x``) are returned.
        """
        if isinstance(adj, (list, tuple)) and adj:
            x = first_rows(x, adj[-1].num_rows)
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < last:
                if self.norms:
                    x = self.norms[i](x)
                x = relu_dropout(x, self.dropout, self.training)
        return x


class APPNP(nn.Module):
    r"""Predict then propagate (Gasteiger et al., ICLR 2019).

    .. math::
        Z^{(0)} = H = f_\theta(X), \quad
        Z^{(k+1)} = (1 - \alpha) \hat{A} Z^{(k)} + \alpha H

    Args:
        in_channels: input feature size.
        out_channels: number of classes.
        hidden_channels: hidden size of the MLP (default: ``64``).
        K: propagation steps (default: ``10``).
        alpha: teleport probability (default: ``0.1``).
        dropout: dropout in the MLP (default: ``0.5``).
    """

    graphlabels_input = "adj"
    sparse_input = True

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        hidden_channels: int = 64,
        K: int = 10,
        alpha: float = 0.1,
        dropout: float = 0.5,
    ):
        super().__init__()
        self.mlp = MLP(in_channels, out_channels, hidden_channels, 2, dropout)
        self.dropout = dropout
        self.prop = APPNPProp(K=K, alpha=alpha)

    def reset_parameters(self) -> None:
        """Re-initialise the MLP."""
        self.mlp.reset_parameters()

    def forward(self, x: Tensor, adj: Any = None) -> Tensor:
        """Logits ``[N, C]``."""
        x = input_dropout(x, self.dropout, self.training)
        return self.prop(self.mlp(x), adj)


MODELS: dict[str, type[nn.Module]] = {
    "gcn": GCN,
    "gat": GAT,
    "sage": SAGE,
    "appnp": APPNP,
    "mlp": MLP,
}


def build_model(
    name: str, in_channels: int, num_classes: int, **kwargs: Any
) -> nn.Module:
    """Build a model by name (``gcn``, ``gat``, ``sage``, ``appnp``, ``mlp``).

    Args:
        name: model name, case-insensitive.
        in_channels: input feature size.
        num_classes: number of output classes.
        **kwargs: passed to the model's constructor.
    """
    key = name.lower()
    if key not in MODELS:
        raise ValueError(f"unknown model {name!r}: choose one of {sorted(MODELS)}")
    return MODELS[key](in_channels, num_classes, **kwargs)


@torch.no_grad()
def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
