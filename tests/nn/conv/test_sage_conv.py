import pytest
import torch

from graphlabels.nn.conv import SAGEConv
from graphlabels.ops import CSR


@pytest.mark.parametrize("aggr", ["mean", "sum", "max"])
@pytest.mark.parametrize("in_c, out_c", [(12, 5), (12, 20)])
@pytest.mark.parametrize("normalize, root_weight", [(False, True), (True, False)])
@pytest.mark.parametrize("as_csr", [False, True])
def test_matches_pyg(graph, aggr, in_c, out_c, normalize, root_weight, as_csr):
    pyg = pytest.importorskip("torch_geometric.nn")
    x, ei = graph
    x = x[:, :in_c]
    kw = dict(normalize=normalize, root_weight=root_weight)
    theirs = pyg.SAGEConv(in_c, out_c, aggr="add" if aggr == "sum" else aggr, **kw)
    theirs = theirs.double()
    ours = SAGEConv(in_c, out_c, aggr=aggr, **kw).double()
    ours.load_state_dict(theirs.state_dict())
    adj = CSR.from_edge_index(ei, x.size(0)) if as_csr else ei
    x1, x2 = x.clone().requires_grad_(), x.clone().requires_grad_()
    o1, o2 = ours(x1, adj), theirs(x2, ei)
    torch.testing.assert_close(o1, o2, atol=1e-5, rtol=1e-5)
    g = torch.randn_like(o1)
    p1, p2 = [x1, *ours.parameters()], [x2, *theirs.parameters()]
    for a, b in zip(
        torch.autograd.grad(o1, p1, g), torch.autograd.grad(o2, p2, g), strict=True
    ):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-5)


def test_ignores_edge_values_and_checks_aggr(graph):
    x, ei = graph
    conv = SAGEConv(12, 3).double()
    A = CSR.from_edge_index(ei, 30)
    Aw = A.with_value(torch.rand(A.nnz, dtype=torch.float64))
    torch.testing.assert_close(conv(x, A), conv(x, Aw))
    with pytest.raises(ValueError, match="aggr must be mean, sum or max"):
        SAGEConv(3, 3, aggr="lstm")
    assert "aggr=mean" in repr(conv)
