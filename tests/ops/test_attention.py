import pytest
import torch
import torch.nn.functional as F

from graphlabels.ops import CSR, add_self_loops, gat_aggregate, use_backend

from .conftest import CPU_BACKENDS


def dense_gat(A, x, a_s, a_d, slope):
    mask = A.to_dense() > 0
    e = F.leaky_relu(a_d[:, None, :] + a_s[None, :, :], slope)  # [N, M, H]
    e = e.masked_fill(~mask[..., None], float("-inf"))
    att = torch.softmax(e, dim=1).nan_to_num(0.0)
    return torch.einsum("ijh,jhc->ihc", att, x)


@pytest.mark.parametrize("backend", CPU_BACKENDS)
@pytest.mark.parametrize("H, C", [(1, 4), (3, 5)])
def test_gat_aggregate_matches_dense(backend, H, C):
    # no duplicate edges here: the dense form cannot represent them
    ei = torch.randint(0, 15, (2, 60))
    A = add_self_loops(CSR.from_edge_index(torch.unique(ei, dim=1), 16))
    x = torch.randn(16, H, C, dtype=torch.float64, requires_grad=True)
    a_s = torch.randn(16, H, dtype=torch.float64, requires_grad=True)
    a_d = torch.randn(16, H, dtype=torch.float64, requires_grad=True)
    with use_backend(backend):
        out = gat_aggregate(A, x, a_s, a_d, 0.2)
    ref = dense_gat(A, x, a_s, a_d, 0.2)
    torch.testing.assert_close(out, ref)
    g = torch.randn_like(ref)
    got = torch.autograd.grad(out, (x, a_s, a_d), g)
    want = torch.autograd.grad(ref, (x, a_s, a_d), g)
    for a, b in zip(got, want, strict=True):
        torch.testing.assert_close(a, b)


def test_gat_aggregate_empty_rows_and_dropout():
    A = CSR.from_edge_index(torch.tensor([[0, 1], [1, 1]]), 3)
    x = torch.randn(3, 2, 4)
    a = torch.randn(3, 2)
    out = gat_aggregate(A, x, a, a)
    assert out[0].abs().sum() == 0 and out[2].abs().sum() == 0
    torch.manual_seed(0)
    dropped = gat_aggregate(A, x, a, a, dropout=0.99, training=True)
    assert not torch.allclose(dropped, out)
    same = gat_aggregate(A, x, a, a, dropout=0.99, training=False)
    torch.testing.assert_close(same, out)


def test_gat_aggregate_errors():
    A = CSR.from_edge_index(torch.tensor([[0, 1], [1, 1]]), 3)
    with pytest.raises(ValueError, match=r"x must be \[N, H, F\]"):
        gat_aggregate(A, torch.randn(3, 4), torch.randn(3, 1), torch.randn(3, 1))
    with pytest.raises(ValueError, match=r"alpha_src has shape \[3, 1\]"):
        gat_aggregate(A, torch.randn(3, 2, 4), torch.randn(3, 1), torch.randn(3, 2))
    with pytest.raises(ValueError, match=r"alpha_dst has shape \[2, 2\]"):
        gat_aggregate(A, torch.randn(3, 2, 4), torch.randn(3, 2), torch.randn(2, 2))
