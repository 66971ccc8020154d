import torch
from torch import nn

from graphlabels.nn import Linear


def test_same_parameters_and_outputs_as_torch_linear():
    torch.manual_seed(0)
    ours = Linear(6, 3)
    theirs = nn.Linear(6, 3)
    theirs.load_state_dict(ours.state_dict())
    x = torch.randn(5, 6)
    x[x < 0.5] = 0.0
    torch.testing.assert_close(ours(x), theirs(x))
    out = ours(x.to_sparse_csr())
    torch.testing.assert_close(out, theirs(x))
    out.sum().backward()
    theirs(x).sum().backward()
    torch.testing.assert_close(ours.weight.grad, theirs.weight.grad)
    torch.testing.assert_close(ours.bias.grad, theirs.bias.grad)
