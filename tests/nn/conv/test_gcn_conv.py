import pytest
import torch

from graphlabels.nn.conv import GCNConv
from graphlabels.ops import CSR

from .conftest import compare


@pytest.mark.parametrize("in_c, out_c", [(12, 5), (12, 20)])
@pytest.mark.parametrize("improved", [False, True])
@pytest.mark.parametrize("as_csr", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_pyg(graph, in_c, out_c, improved, as_csr, weighted):
    pyg = pytest.importorskip("torch_geometric.nn")
    x, ei = graph
    x = x[:, :in_c]
    theirs = pyg.GCNConv(in_c, out_c, improved=improved).double()
    ours = GCNConv(in_c, out_c, improved=improved).double()
    assert [n for n, _ in ours.named_parameters()] == ["bias", "lin.weight"] or [
        n for n, _ in ours.named_parameters()
    ] == ["lin.weight", "bias"]
    ours.load_state_dict(theirs.state_dict())
    w = torch.rand(ei.size(1), dtype=torch.float64) if weighted else None
    adj = CSR.from_edge_index(ei, x.size(0), w) if as_csr else ei
    compare(
        ours,
        theirs,
        x,
        lambda x: ours(x, adj) if as_csr else ours(x, ei, w),
        lambda x: theirs(x, ei, w),
    )


def test_options_and_cache(graph):
    x, ei = graph
    conv = GCNConv(12, 4, cached=True, bias=False, normalize=False).double()
    assert conv.bias is None
    out = conv(x, ei)
    A = CSR.from_edge_index(ei, x.size(0))
    ref = A.to_dense(torch.float64) @ x @ conv.lin.weight.t()
    torch.testing.assert_close(out, ref)
    assert conv(x, torch.empty(2, 0, dtype=torch.long)).shape == out.shape  # cached
    conv.reset_parameters()
    assert conv._cached_adj is None
    assert "GCNConv(12, 4)" == repr(conv)


def test_init_is_glorot_and_zero_bias():
    conv = GCNConv(100, 200)
    bound = (6 / 300) ** 0.5
    assert conv.lin.weight.abs().max() <= bound
    assert conv.lin.weight.abs().max() > 0.8 * bound
    assert torch.count_nonzero(conv.bias) == 0


def test_bad_input_errors(graph):
    x, ei = graph
    conv = GCNConv(12, 4).double()
    with pytest.raises(ValueError, match="values >= num_nodes"):
        conv(x[:10], ei)
    A = CSR.from_edge_index(ei, 30)
    with pytest.raises(ValueError, match="X has 10 rows but A has 30 columns"):
        conv(x[:10], A)
    with pytest.raises(ValueError, match=r"x must be \[N, F\]"):
        conv(x[0], A)
