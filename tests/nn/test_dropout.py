import pytest
import torch
import torch.nn.functional as F

from graphlabels.nn.dropout import dropout, relu_dropout


def test_dropout_matches_torch_semantics():
    x = torch.ones(200, 50, requires_grad=True)
    torch.manual_seed(0)
    out = dropout(x, 0.3, True)
    vals = out.detach().unique()
    # p is rounded to 19661 / 65536; the scale is the inverse of the rounded keep
    assert len(vals) == 2 and vals[0] == 0.0
    assert float(vals[1]) == pytest.approx(65536 / (65536 - 19661), rel=1e-6)
    assert abs(float((out.detach() == 0).float().mean()) - 0.3) < 0.02
    out.sum().backward()
    assert torch.equal(x.grad, out.detach())  # gradient is the scaled mask
    assert dropout(x, 0.3, False) is x and dropout(x, 0.0, True) is x
    assert float(dropout(x.detach(), 1.0, True).abs().sum()) == 0.0


@pytest.mark.parametrize("p", [0.1, 0.25, 0.5, 0.9])  # 16, 8, 8, 16 random bits
def test_drop_fraction_and_expectation(p):
    torch.manual_seed(1)
    x = torch.ones(1_000_003)  # not a multiple of the 4 values per random word
    out = dropout(x, p)
    # binomial std is below 5e-4 here; every 16-bit lane of the random words is
    # uniform (a zero top bit in one lane of four would move p=0.5 by 1/8)
    assert abs(float((out == 0).float().mean()) - p) < 3e-3
    assert abs(float(out.mean()) - 1.0) < 0.01
    for lane in range(8):  # the 4 or 8 lanes of a word separately
        assert abs(float((out[lane::8] == 0).float().mean()) - p) < 8e-3
    if p * 256 == int(p * 256):  # 8-bit masks: p and the scale are exact
        assert float(out.max()) == pytest.approx(1 / (1 - p), rel=1e-7)


def test_relu_dropout_equals_dropout_of_relu_values_and_gradients():
    x = torch.randn(300, 40)
    x[::7, ::3] = 0.0  # exact zeros: the gradient there is 0, as for F.relu
    G = torch.randn(300, 40)
    a = x.clone().requires_grad_()
    b = x.clone().requires_grad_()
    torch.manual_seed(3)
    out_a = relu_dropout(a, 0.4)
    torch.manual_seed(3)
    out_b = dropout(F.relu(b), 0.4)
    assert torch.equal(out_a, out_b)
    out_a.backward(G)
    out_b.backward(G)
    assert torch.equal(a.grad, b.grad)
    assert torch.equal(relu_dropout(x, 0.4, False), F.relu(x))
    assert torch.equal(relu_dropout(x, 0.0), F.relu(x))
    assert float(relu_dropout(x, 1.0).abs().sum()) == 0.0


def test_seeded_dtypes_layouts_and_empty():
    x = torch.randn(64, 33)
    torch.manual_seed(5)
    a = dropout(x, 0.5)
    torch.manual_seed(5)
    assert torch.equal(a, dropout(x, 0.5))
    for dtype in (torch.float64, torch.bfloat16, torch.float16):
        assert dropout(x.to(dtype), 0.5).dtype == dtype
        assert relu_dropout(x.to(dtype), 0.5).dtype == dtype
    xt = x.t()  # non-contiguous
    torch.manual_seed(5)
    out = relu_dropout(xt, 0.5)
    torch.manual_seed(5)
    assert torch.equal(out, dropout(F.relu(xt.contiguous()), 0.5))
    assert dropout(torch.empty(0, 4), 0.5).shape == (0, 4)


def test_bad_probability():
    x = torch.ones(3)
    for fn in (dropout, relu_dropout):
        with pytest.raises(ValueError, match=r"must be in \[0, 1\], got 1.5"):
            fn(x, 1.5)
        with pytest.raises(ValueError, match=r"must be in \[0, 1\], got -0.1"):
            fn(x, -0.1, False)


@pytest.mark.gpu
def test_cuda_drop_fraction():
    x = torch.randn(1000, 1001, device="cuda")
    out = relu_dropout(x, 0.5)
    assert out.device.type == "cuda"
    dropped = (out[x > 0] == 0).float().mean()
    assert abs(float(dropped) - 0.5) < 5e-3
