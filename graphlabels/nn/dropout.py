"""Inverted dropout, and ReLU fused with it, drawn from random bits.

``F.dropout`` draws its mask with ``bernoulli_``, which on CPU runs on one thread
at about 75 M values per second: on a 169k x 256 hidden layer that is more than half
a second, longer than the layer's sparse product and dense matmul together. Here
the mask comes from 16 random bits per value (``random_`` on ``int64`` words, about
ten times faster; 8 bits when ``p`` is a multiple of 1/256), so the drop probability
is ``p`` rounded to a multiple of :math:`2^{-16}`; the kept values are scaled by the
inverse of that rounded keep probability, so the expectation is exact.

:func:`relu_dropout` applies ReLU and dropout in one autograd node that saves one
``bool`` mask (a quarter of a float tensor) instead of ReLU's output and a float
dropout mask, and allocates one output instead of three.
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["dropout", "relu_dropout"]

_LEVELS = 1 << 16


def _check(p: float) -> None:
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout probability must be in [0, 1], got {p}")


def _drop_mask(x: Tensor, p: float) -> tuple[Tensor, float]:
    """A ``bool`` mask of the dropped values of ``x``, and the scale of the kept.

    8 random bits per value when ``p`` is a multiple of 1/256 (0.5, 0.25, ...: the
    same distribution from half the bits), 16 otherwise.
    """
    exact8 = p * 256 == round(p * 256)
    levels, lanes, dtype = (256, 8, torch.int8) if exact8 else (_LEVELS, 4, torch.int16)
    dropped = round(p * levels)
    n = x.numel()
    words = torch.empty((n + lanes - 1) // lanes, dtype=torch.int64, device=x.device)
    words.random_(-(2**63), 2**63 - 1)  # the whole range: every bit is uniform
    bits = words.view(dtype)[:n].view(x.shape)
    return bits < dropped - levels // 2, levels / (levels - dropped)


class _MaskScale(torch.autograd.Function):
    """``x * scale`` with the masked entries set to 0, in one output buffer."""

    @staticmethod
    def forward(ctx, x: Tensor, mask: Tensor, scale: float) -> Tensor:  # type: ignore[override]
        ctx.save_for_backward(mask)
        ctx.scale = scale
        return x.mul(scale).masked_fill_(mask, 0.0)

    @staticmethod
    def backward(ctx, grad: Tensor):  # type: ignore[override]
        (mask,) = ctx.saved_tensors
        return grad.mul(ctx.scale).masked_fill_(mask, 0.0), None, None


def dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Inverted dropout, as ``F.dropout(x, p, training)``.

    Args:
        x: input of any shape and floating dtype.
        p: drop probability, rounded to a multiple of :math:`2^{-16}`
            (default: ``0.5``).
        training: apply dropout; otherwise return ``x`` (default: :obj:`True`).

    Returns:
        ``x`` with each value zeroed with probability ``p`` and the others scaled
        by the inverse keep probability.
    """
    _check(p)
    if not training or round(p * _LEVELS) == 0:
        return x
    if round(p * _LEVELS) == _LEVELS:
        return x * 0.0
    mask, scale = _drop_mask(x, p)
    return _MaskScale.apply(x, mask, scale)


def relu_dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """``dropout(relu(x), p, training)`` in one step (same values and gradients).

    The gradient at ``x == 0`` is 0, as for ``F.relu``.
    """
    _check(p)
    if not training or round(p * _LEVELS) == 0:
        return torch.relu(x)
    if round(p * _LEVELS) == _LEVELS:
        return torch.relu(x) * 0.0
    mask, scale = _drop_mask(x, p)
    mask |= x <= 0
    return _MaskScale.apply(x, mask, scale)
