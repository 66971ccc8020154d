"""``nn.Linear`` that also takes sparse CSR features (see ``ops.linear``)."""

from __future__ import annotations

from torch import Tensor, nn

from graphlabels.ops.linear import linear

__all__ = ["Linear"]


class Linear(nn.Linear):
    """``torch.nn.Linear`` whose input may also be a sparse CSR tensor.

    Same parameters and initialisation; for a sparse input the transpose that the
    backward pass needs is built once and kept.
    """

    def forward(self, x: Tensor) -> Tensor:
        """``x @ weight.T + bias``."""
        return linear(x, self.weight, self.bias)
