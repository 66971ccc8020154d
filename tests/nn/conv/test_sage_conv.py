import pytest
import torch

from graphlabels.nn.conv import SAGEConv
from graphlabels.ops import CSR

from .conftest import compare


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
    compare(ours, theirs, x, lambda x1: ours(x1, adj), lambda x2: theirs(x2, ei))


def test_ignores_edge_values_and_checks_aggr(graph):
    x, ei = graph
    conv = SAGEConv(12, 3).double()
    A = CSR.from_edge_index(ei, 30)
    Aw = A.with_value(torch.rand(A.nnz, dtype=torch.float64))
    torch.testing.assert_close(conv(x, A), conv(x, Aw))
    with pytest.raises(ValueError, match="aggr must be mean, sum or max"):
        SAGEConv(3, 3, aggr="lstm")
    assert "aggr=mean" in repr(conv)
