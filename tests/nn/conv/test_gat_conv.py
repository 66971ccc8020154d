import pytest
import torch

from graphlabels.nn.conv import GATConv
from graphlabels.ops import CSR


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
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    with use_backend(backend):
        o1 = ours(x1, adj)
    o2 = theirs(x2, ei)
    torch.testing.assert_close(o1, o2, atol=1e-5, rtol=1e-5)
    g = torch.randn_like(o1)
    p1, p2 = [x1, *ours.parameters()], [x2, *theirs.parameters()]
    for a, b in zip(
        torch.autograd.grad(o1, p1, g), torch.autograd.grad(o2, p2, g), strict=True
    ):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)


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
