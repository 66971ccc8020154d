import dgl
import pytest
import torch
from dgl.nn import GraphConv
from torch import nn
from torch_geometric.nn import GCNConv as PyGGCNConv

from graphlabels.nn import GCN, as_graph_module, input_kind
from graphlabels.train import fit


class PyGNet(nn.Module):
    def __init__(self, d: int, c: int):
        super().__init__()
        self.conv1, self.conv2 = PyGGCNConv(d, 16), PyGGCNConv(16, c)

    def forward(self, x, edge_index):
        return self.conv2(self.conv1(x, edge_index).relu(), edge_index)


class DGLNet(nn.Module):
    def __init__(self, d: int, c: int):
        super().__init__()
        self.conv1 = GraphConv(d, 16, allow_zero_in_degree=True)
        self.conv2 = GraphConv(16, c, allow_zero_in_degree=True)

    def forward(self, g, x):
        return self.conv2(g, self.conv1(g, x).relu())


def test_input_kind_detection():
    assert input_kind(GCN(4, 2)) == "adj"
    assert input_kind(PyGNet(4, 2)) == "pyg"
    assert input_kind(PyGGCNConv(4, 2)) == "pyg"
    assert input_kind(DGLNet(4, 2)) == "dgl"
    assert input_kind(lambda graph: graph.x) == "graph"
    with pytest.raises(TypeError, match="cannot tell how to call"):
        input_kind(lambda a, b, c: a)


def test_wrappers_return_logits_for_every_kind(blobs):
    for model in (GCN(4, 2), PyGNet(4, 2), DGLNet(4, 2)):
        out = as_graph_module(model)(blobs)
        assert out.shape == (blobs.num_nodes, 2)
    lin = nn.Linear(4, 2)
    out = as_graph_module(lambda graph: lin(graph.x))(blobs)
    assert out.shape == (blobs.num_nodes, 2)
    wrapped = as_graph_module(GCN(4, 2))
    assert as_graph_module(wrapped) is wrapped
    with pytest.raises(TypeError, match="expected a model or a callable"):
        as_graph_module(3)


def test_features_given_apart_from_the_graph(blobs):
    other = torch.randn(blobs.num_nodes, 4, generator=torch.Generator().manual_seed(0))
    lin = nn.Linear(4, 2)
    for model in (GCN(4, 2), PyGNet(4, 2), DGLNet(4, 2), lambda graph: lin(graph.x)):
        net = as_graph_module(model).eval()
        want = net(blobs.replace(x=other))
        torch.testing.assert_close(net(blobs, x=other), want)
        assert not torch.allclose(net(blobs), want)


def test_dgl_graph_is_built_once_per_graph(blobs):
    net = as_graph_module(DGLNet(4, 2))
    net(blobs)
    first = blobs._cache["dgl"]
    net(blobs)
    assert blobs._cache["dgl"] is first and isinstance(first, dgl.DGLGraph)


def test_pyg_and_dgl_models_train_through_the_trainer(blobs):
    for model in (PyGNet(4, 2), DGLNet(4, 2)):
        res = fit(model, blobs, epochs=60, seed=0)
        assert res.test_acc > 75.0


def test_reset_parameters_reaches_children():
    net = as_graph_module(PyGNet(4, 2))
    before = net.inner.conv1.lin.weight.clone()
    torch.manual_seed(123)
    net.reset_parameters()
    assert not torch.equal(before, net.inner.conv1.lin.weight)


# -- sampled mini-batches as PyG / DGL objects --------------------------------------
def _sampled_batch():
    from graphlabels.graph import Graph
    from graphlabels.sampling import NeighborLoader

    g = torch.Generator().manual_seed(0)
    ei = torch.randint(0, 20, (2, 80), generator=g)
    w = torch.rand(80, generator=g)
    graph = Graph(
        ei, 20, x=torch.randn(20, 3, generator=g), y=torch.arange(20) % 2, edge_weight=w
    )
    loader = NeighborLoader(graph, [3, 2], batch_size=5, seed=0, prefetch=0)
    return graph, next(iter(loader))


def test_minibatch_to_pyg_has_neighbor_loader_fields():
    from graphlabels.nn.adapters import minibatch_to_pyg

    graph, batch = _sampled_batch()
    data = minibatch_to_pyg(batch)
    assert data.batch_size == 5 and data.num_nodes == batch.num_nodes
    assert torch.equal(data.edge_index, batch.edge_index)
    assert torch.equal(data.y[:5], graph.y[batch.seeds])
    assert bool((data.y[5:] == -1).all())
    assert torch.equal(data.x, graph.x[data.n_id])


def test_minibatch_to_dgl_blocks_matches_the_blocks():
    dgl = pytest.importorskip("dgl")
    from graphlabels.nn.adapters import minibatch_to_dgl_blocks

    graph, batch = _sampled_batch()
    blocks = minibatch_to_dgl_blocks(batch)
    for ours, theirs in zip(batch.blocks, blocks, strict=True):
        assert theirs.num_src_nodes() == ours.num_src
        assert theirs.num_dst_nodes() == ours.num_dst
        src, dst = theirs.edges(order="eid")
        assert torch.equal(src, ours.col) and torch.equal(dst, ours.row())
        assert torch.equal(theirs.srcdata[dgl.NID], ours.n_id)
        assert torch.equal(theirs.edata["w"], ours.value)
    assert torch.equal(blocks[0].srcdata["feat"], batch.x)
