import math

import pytest
import torch

from graphlabels.nonuniformity import NonUniformity, max_non_uniformity, non_uniformity


def test_hand_computed_probabilities():
    p = torch.tensor(
        [
            [1.0, 0.0, 0.0, 0.0],  # one-hot: 3/4 + 3 * 1/4 = 1.5
            [0.25, 0.25, 0.25, 0.25],  # uniform: 0
            [0.5, 0.5, 0.0, 0.0],  # 1/4 + 1/4 + 1/4 + 1/4 = 1.0
            [0.7, 0.1, 0.1, 0.1],  # 0.45 + 3 * 0.15 = 0.9
        ]
    )
    w = non_uniformity(p, probabilities=True)
    assert torch.allclose(w, torch.tensor([1.5, 0.0, 1.0, 0.9]), atol=1e-6)
    wn = non_uniformity(p, probabilities=True, normalize=True)
    assert torch.allclose(wn, torch.tensor([1.0, 0.0, 1.0 / 1.5, 0.6]), atol=1e-6)
    assert max_non_uniformity(4) == pytest.approx(1.5)


def test_hand_computed_logits():
    # softmax([0, ln 3]) = [1/4, 3/4] -> |1/4 - 1/2| + |3/4 - 1/2| = 0.5
    z = torch.tensor([[0.0, math.log(3.0)], [2.0, 2.0]])
    assert torch.allclose(non_uniformity(z), torch.tensor([0.5, 0.0]), atol=1e-6)
    # invariant to adding a constant to the logits
    assert torch.allclose(non_uniformity(z + 7.0), non_uniformity(z), atol=1e-6)


@pytest.mark.parametrize(
    "dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64]
)
def test_dtypes(dtype):
    z = torch.randn(50, 6, dtype=torch.float64)
    ref = non_uniformity(z)
    out = non_uniformity(z.to(dtype))
    assert out.dtype == dtype
    tol = 3e-2 if dtype in (torch.float16, torch.bfloat16) else 1e-5
    assert torch.allclose(out.double(), ref, atol=tol)


def test_chunking_matches_and_module():
    z = torch.randn(1003, 7)
    full = non_uniformity(z, normalize=True)
    chunked = non_uniformity(z, normalize=True, chunk_size=10)
    assert torch.allclose(full, chunked)
    assert torch.allclose(NonUniformity(normalize=True)(z), full)
    assert full.min() >= 0 and full.max() <= 1


def test_bounds_random():
    z = torch.randn(200, 5) * 5
    w = non_uniformity(z)
    assert (w >= 0).all() and (w <= max_non_uniformity(5) + 1e-6).all()


@pytest.mark.gpu
def test_cuda_matches_cpu():
    z = torch.randn(100, 4)
    assert torch.allclose(non_uniformity(z.cuda()).cpu(), non_uniformity(z), atol=1e-6)


@pytest.mark.parametrize(
    "bad, exc, msg",
    [
        (torch.tensor([[0.0, float("nan")]]), ValueError, "NaN or inf"),
        (torch.tensor([[0.0, float("inf")], [1.0, 2.0]]), ValueError, "node 0"),
        (torch.zeros(4, 1), ValueError, "num_classes >= 2"),
        (torch.zeros(4), ValueError, r"shape \[num_nodes, num_classes\]"),
        (torch.zeros(2, 3, 4), ValueError, "unsqueeze"),
        (torch.zeros(4, 3, dtype=torch.long), TypeError, "floating-point"),
    ],
)
def test_bad_inputs(bad, exc, msg):
    with pytest.raises(exc, match=msg):
        non_uniformity(bad)


def test_bad_probabilities_and_chunk():
    with pytest.raises(ValueError, match="sum to 1"):
        non_uniformity(torch.tensor([[0.3, 0.3]]), probabilities=True)
    with pytest.raises(ValueError, match=r"lie in \[0, 1\]"):
        non_uniformity(torch.tensor([[2.0, -1.0]]), probabilities=True)
    with pytest.raises(ValueError, match="chunk_size"):
        non_uniformity(torch.zeros(2, 2), chunk_size=0)
    with pytest.raises(TypeError, match="torch.Tensor"):
        non_uniformity([[0.0, 1.0]])
