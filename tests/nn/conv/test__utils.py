import pytest
import torch

from graphlabels.nn.conv._utils import glorot, to_csr
from graphlabels.ops import CSR


def test_glorot_bound():
    t = torch.empty(50, 70)
    glorot(t)
    assert t.abs().max() <= (6 / 120) ** 0.5
    glorot(None)


def test_to_csr_weights_and_errors():
    ei = torch.tensor([[0, 1], [1, 0]])
    x = torch.randn(2, 3)
    A = to_csr(ei, x, torch.tensor([2.0, 3.0]))
    assert A.to_dense().tolist() == [[0.0, 3.0], [2.0, 0.0]]
    B = to_csr(CSR.from_edge_index(ei, 2), x, torch.tensor([5.0, 6.0]))
    assert B.value.tolist() == [5.0, 6.0]
    with pytest.raises(ValueError, match="bipartite"):
        to_csr(CSR.from_edge_index(ei, (3, 2)), x, None, "L")
    with pytest.raises(TypeError, match="x must be a tensor"):
        to_csr(ei, [1, 2], None, "L")
