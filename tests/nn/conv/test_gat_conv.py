import pytest
import torch

from graphlabels.nn.conv import GATConv
from graphlabels.ops import CSR

from .conftest import compare


@pytest.mark.parametrize("heads, concat", [(1, True), (3, True), (3, False)])
@pytest.mark.parametrize("loops", [True, False])
@pytest.mark.parametrize("as_csr", [False, True])
@pytest.mark.parametrize("backend", ["cpu", "reference"])
def test_matches_pyg(graph, heads, concat, loops, as_csr, backend):
    pyg = pytest.importorskip("torch_geometric.nn")
    from graphlabels.ops import use_backend

    x, ei = graph
    kw = dict(heads=heads, concat=concat, add_self_loops=loops, negative_slope=0.15)
    theirs = pyg.GATConv(12, 4, **kw).double()
    ours = GATConv(12, 4, **kw).double()
    ours.load_state_dict(theirs.state_dict())
    assert {n for n, _ in ours.named_parameters()} == {
        n for n, _ in theirs.named_parameters()
    }
    adj = CSR.from_edge_index(ei, x.size(0)) if as_csr else ei

    def call1(x1):
        with use_backend(backend):
            return ours(x1, adj)

    compare(ours, theirs, x, call1, lambda x2: theirs(x2, ei))


def test_dropout_only_in_training(graph):
    x, ei = graph
    conv = GATConv(12, 4, heads=2, dropout=0.5).double()
    conv.eval()
    torch.testing.assert_close(conv(x, ei), conv(x, ei))
    conv.train()
    assert not torch.allclose(conv(x, ei), conv(x, ei))


def test_init_and_errors():
    conv = GATConv(8, 4, heads=2, bias=False)
    assert conv.bias is None and conv.att_src.shape == (1, 2, 4)
    assert "heads=2" in repr(conv)
    with pytest.raises(TypeError, match="bipartite"):
        GATConv((8, 4), 4)
