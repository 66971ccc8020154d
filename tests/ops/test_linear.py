import pytest
import torch
import torch.nn.functional as F

from graphlabels.ops import linear, select_rows
from graphlabels.ops.linear import _CACHE, _CACHE_SIZE, _pattern


def _sparse(seed=0, n=7, d=5):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g)
    x[torch.rand(n, d, generator=g) < 0.6] = 0.0
    x[2] = 0.0  # an empty row
    x[:, 3] = 0.0  # an empty column
    return x


def test_values_and_gradients_match_dense():
    x = _sparse()
    w = torch.randn(4, 5, requires_grad=True)
    b = torch.randn(4, requires_grad=True)
    out = linear(x.to_sparse_csr(), w, b)
    ref = F.linear(x, w, b)
    torch.testing.assert_close(out, ref)
    G = torch.randn_like(ref)
    g1 = torch.autograd.grad(out, (w, b), G)
    g2 = torch.autograd.grad(ref, (w, b), G)
    torch.testing.assert_close(g1[0], g2[0])
    torch.testing.assert_close(g1[1], g2[1])


def test_transpose_by_hand():
    # x = [[1, 0, 2], [0, 0, 0], [3, 4, 0]] -> x^T rows: [1, 3], [4], [2]
    x = torch.tensor([[1.0, 0, 2], [0, 0, 0], [3, 4, 0]]).to_sparse_csr()
    At = _pattern(x).t()
    assert At.rowptr.tolist() == [0, 2, 3, 4]
    assert At.col.tolist() == [0, 2, 2, 0]
    assert x.values()[_pattern(x).transpose_perm()].tolist() == [1.0, 3.0, 4.0, 2.0]


def test_new_values_on_the_same_structure_reuse_the_transpose():
    # input dropout keeps crow/col and changes the values: the cached structure
    # must serve, and the gradient must use the new values
    x = _sparse(1).to_sparse_csr()
    w = torch.randn(3, 5, requires_grad=True)
    linear(x, w).sum().backward()
    size = len(_CACHE)
    vals = x.values() * torch.rand(x.values().shape)
    x2 = torch.sparse_csr_tensor(x.crow_indices(), x.col_indices(), vals, x.shape)
    w.grad = None
    G = torch.randn(7, 3)
    linear(x2, w).backward(G)
    assert len(_CACHE) == size
    torch.testing.assert_close(w.grad, G.t() @ x2.to_dense())


def test_cache_stays_small():
    w = torch.randn(2, 5, requires_grad=True)
    for seed in range(_CACHE_SIZE + 3):
        linear(_sparse(seed).to_sparse_csr(), w).sum().backward()
    assert len(_CACHE) <= _CACHE_SIZE


def test_dense_input_is_plain_linear():
    x = torch.randn(3, 5, requires_grad=True)
    w = torch.randn(2, 5)
    torch.testing.assert_close(linear(x, w), x @ w.t())


def test_bad_inputs():
    w = torch.randn(2, 5)
    with pytest.raises(ValueError, match=r"sparse x has shape \[7, 4\]"):
        linear(torch.randn(7, 4).to_sparse_csr(), w)
    x = _sparse().to_sparse_csr().requires_grad_(True)
    with pytest.raises(ValueError, match="must not require grad"):
        linear(x, w)


def test_select_rows_of_dense_and_sparse():
    x = _sparse(3, n=9, d=6)
    index = torch.tensor([2, 0, 8, 0, 5])  # an empty row, repeats
    torch.testing.assert_close(select_rows(x, index), x[index])
    out = select_rows(x.to_sparse_csr(), index)
    assert out.layout == torch.sparse_csr and out.shape == (5, 6)
    torch.testing.assert_close(out.to_dense(), x[index])
    empty = select_rows(x.to_sparse_csr(), torch.tensor([], dtype=torch.long))
    assert empty.shape == (0, 6) and empty.values().numel() == 0
