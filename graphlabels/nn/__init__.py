"""Neural-network layers and base models on :mod:`graphlabels.ops`."""

from graphlabels.nn.adapters import GraphModule, as_graph_module, input_kind
from graphlabels.nn.conv import APPNPProp, GATConv, GCNConv, SAGEConv
from graphlabels.nn.dropout import dropout, relu_dropout
from graphlabels.nn.linear import Linear
from graphlabels.nn.models import (
    APPNP,
    GAT,
    GCN,
    MLP,
    MODELS,
    SAGE,
    build_model,
    count_parameters,
)

__all__ = [
    "APPNP",
    "GAT",
    "GCN",
    "MLP",
    "MODELS",
    "SAGE",
    "APPNPProp",
    "GATConv",
    "GCNConv",
    "GraphModule",
    "Linear",
    "SAGEConv",
    "as_graph_module",
    "build_model",
    "count_parameters",
    "dropout",
    "input_kind",
    "relu_dropout",
]
