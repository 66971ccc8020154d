import pytest
import torch

from graphlabels.nn.conv import APPNPProp
from graphlabels.ops import CSR


@pytest.mark.parametrize("K, alpha", [(0, 0.1), (1, 0.5), (10, 0.1)])
@pytest.mark.parametrize("as_csr", [False, True])
def test_matches_pyg(graph, K, alpha, as_csr):
    pyg = pytest.importorskip("torch_geometric.nn")
    x, ei = graph
    adj = CSR.from_edge_index(ei, x.size(0)) if as_csr else ei
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    o1 = APPNPProp(K, alpha)(x1, adj)
    o2 = pyg.APPNP(K, alpha)(x2, ei)
    torch.testing.assert_close(o1, o2)
    g = torch.randn_like(o1)
    torch.testing.assert_close(
        torch.autograd.grad(o1, x1, g)[0], torch.autograd.grad(o2, x2, g)[0]
    )


def test_dense_closed_form(graph):
    x, ei = graph
    A = CSR.from_edge_index(ei, x.size(0))
    from graphlabels.ops import gcn_norm

    P = gcn_norm(A).to_dense(torch.float64)
    ref = x
    for _ in range(3):
        ref = 0.8 * P @ ref + 0.2 * x
    torch.testing.assert_close(APPNPProp(3, 0.2)(x, A), ref)


def test_dropout_cache_and_errors(graph):
    x, ei = graph
    prop = APPNPProp(2, 0.1, dropout=0.5, cached=True)
    prop.train()
    assert not torch.allclose(prop(x, ei), prop(x, ei))
    prop.eval()
    torch.testing.assert_close(prop(x, ei), prop(x, ei))
    assert prop._cached_adj is not None
    prop.reset_parameters()
    assert prop._cached_adj is None
    with pytest.raises(ValueError, match="alpha must be in"):
        APPNPProp(2, 1.5)
    with pytest.raises(ValueError, match="K must be"):
        APPNPProp(-1)
    assert "K=2" in repr(prop)
