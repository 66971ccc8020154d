"""Message-passing layers on :mod:`graphlabels.ops`; ``forward(x, adj)``.

``adj`` is a :class:`graphlabels.ops.CSR` (row ``i`` = in-edges of ``i``) or a
PyG-style ``edge_index``; an ``edge_index`` is converted once and cached.
"""

from graphlabels.nn.conv.appnp import APPNPProp
from graphlabels.nn.conv.gat_conv import GATConv
from graphlabels.nn.conv.gcn_conv import GCNConv
from graphlabels.nn.conv.sage_conv import SAGEConv

__all__ = ["APPNPProp", "GATConv", "GCNConv", "SAGEConv"]
