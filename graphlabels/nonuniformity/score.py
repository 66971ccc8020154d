r"""The label non-uniformity score of Ji et al. (ICML 2023).

For a node :math:`v` with predicted class distribution :math:`\mu_v` over :math:`C`
classes, the score is the :math:`L_1` distance to the uniform distribution,

.. math::
    w(v) = \sum_{i=1}^{C} \left| \mu_v(i) - \tfrac{1}{C} \right|,

which is twice the total variation distance to uniform and equals the Wasserstein
distance under the 0-1 ground metric up to a factor. Nodes with a low score are
close to uniform ("label non-uniformity is low") and are the hard ones.
"""

from __future__ import annotations

import torch
from torch import Tensor

__all__ = ["NonUniformity", "max_non_uniformity", "non_uniformity"]

#: rows processed at once when ``chunk_size`` is not given.
DEFAULT_CHUNK = 1 << 20


def max_non_uniformity(num_classes: int) -> float:
    r"""The largest possible score, reached by a one-hot distribution.

    .. math::
        \max_\mu w = (1 - \tfrac{1}{C}) + (C - 1) \tfrac{1}{C} = 2 (1 - \tfrac{1}{C})

    Args:
        num_classes: number of classes :math:`C \ge 2`.
    """
    if num_classes < 2:
        raise ValueError(f"need at least 2 classes, got {num_classes}")
    return 2.0 * (1.0 - 1.0 / num_classes)


def _check(logits: Tensor, probabilities: bool) -> None:
    if not isinstance(logits, Tensor):
        raise TypeError(
            f"logits must be a torch.Tensor, got {type(logits).__name__}: "
            "convert with torch.as_tensor(logits, dtype=torch.float)"
        )
    if logits.dim() != 2:
        raise ValueError(
            f"logits must have shape [num_nodes, num_classes], got "
            f"{list(logits.shape)}: for a single node use logits.unsqueeze(0)"
        )
    if not logits.is_floating_point():
        raise TypeError(
            f"logits must be a floating-point tensor, got {logits.dtype}: "
            "use logits.float() (for class ids use one_hot(y).float() with "
            "probabilities=True)"
        )
    if logits.size(1) < 2:
        raise ValueError(
            f"logits has {logits.size(1)} class column(s): the score needs "
            "num_classes >= 2"
        )
    finite = torch.isfinite(logits).all(dim=1)
    if not bool(finite.all()):
        bad = (~finite).nonzero().view(-1)
        raise ValueError(
            f"logits contain NaN or inf in {bad.numel()} row(s) (first: node "
            f"{int(bad[0])}): check the model output (e.g. lower the learning rate) "
            "or mask those nodes out"
        )
    if probabilities:
        if bool((logits < 0).any()) or bool((logits > 1).any()):
            raise ValueError(
                "probabilities must lie in [0, 1]: pass probabilities=False for "
                "raw logits"
            )
        sums = logits.double().sum(dim=1)
        err = float((sums - 1.0).abs().max()) if sums.numel() else 0.0
        tol = 1e-2 if logits.element_size() <= 2 else 1e-4
        if err > tol:
            raise ValueError(
                f"probability rows must sum to 1 (largest deviation {err:.3g}): "
                "pass probabilities=False for raw logits, or normalise the rows"
            )


def non_uniformity(
    logits: Tensor,
    *,
    probabilities: bool = False,
    normalize: bool = False,
    chunk_size: int | None = None,
) -> Tensor:
    r"""The label non-uniformity of every node, from Ji et al. (ICML 2023).

    .. math::
        w(v) = \sum_{i=1}^{C} \left| \operatorname{softmax}(z_v)_i
        - \tfrac{1}{C} \right|

    With ``normalize=True`` the score is divided by its maximum
    :math:`2(1 - 1/C)` so that it lies in :math:`[0, 1]` (0: uniform, 1: one-hot),
    which makes scores comparable across datasets with different :math:`C`.

    The computation runs on the device of ``logits``, in at least float32 (half and
    bfloat16 inputs are up-cast per chunk), and the result has the dtype of
    ``logits``. Rows are processed ``chunk_size`` at a time, so the temporary
    memory stays bounded for very large graphs.

    Args:
        logits: ``[N, C]`` raw class scores :math:`z_v` (or probabilities, see
            ``probabilities``).
        probabilities: the input already holds class probabilities
            :math:`\mu_v` (rows summing to 1), so no softmax is applied
            (default: :obj:`False`).
        normalize: divide by :math:`2(1 - 1/C)` to map the score to [0, 1]
            (default: :obj:`False`).
        chunk_size: rows per chunk (default: :obj:`None`, meaning
            :math:`2^{20}` rows).

    Returns:
        ``[N]`` scores in :math:`[0, 2(1 - 1/C)]`, or :math:`[0, 1]` if normalised.

    Raises:
        ValueError: for a tensor that is not 2-D, fewer than 2 classes, NaN or
            inf values, or (with ``probabilities=True``) rows that are not
            distributions.
        TypeError: for a non-float tensor.
    """
    _check(logits, probabilities)
    n, c = logits.shape
    step = DEFAULT_CHUNK if chunk_size is None else int(chunk_size)
    if step < 1:
        raise ValueError(f"chunk_size must be a positive integer, got {chunk_size}")
    work = torch.promote_types(logits.dtype, torch.float32)
    out = torch.empty(n, dtype=logits.dtype, device=logits.device)
    scale = 1.0 / max_non_uniformity(c) if normalize else 1.0
    for start in range(0, n, step):
        z = logits[start : start + step].to(work)
        mu = z if probabilities else torch.softmax(z, dim=1)
        w = (mu - 1.0 / c).abs_().sum(dim=1)
        if normalize:
            w = w.mul_(scale).clamp_(0.0, 1.0)
        out[start : start + step] = w.to(logits.dtype)
    return out


class NonUniformity(torch.nn.Module):
    r"""Module form of :func:`non_uniformity`.

    .. math::
        w(v) = \sum_{i=1}^{C} \left| \operatorname{softmax}(z_v)_i
        - \tfrac{1}{C} \right|

    Args:
        probabilities: inputs are probabilities, not logits (default: :obj:`False`).
        normalize: map the score to [0, 1] (default: :obj:`False`).
        chunk_size: rows per chunk (default: :obj:`None`).
    """

    def __init__(
        self,
        probabilities: bool = False,
        normalize: bool = False,
        chunk_size: int | None = None,
    ) -> None:
        super().__init__()
        self.probabilities = probabilities
        self.normalize = normalize
        self.chunk_size = chunk_size

    def forward(self, logits: Tensor) -> Tensor:
        """Score every row of ``logits`` (``[N, C]`` -> ``[N]``)."""
        return non_uniformity(
            logits,
            probabilities=self.probabilities,
            normalize=self.normalize,
            chunk_size=self.chunk_size,
        )

    def extra_repr(self) -> str:
        """Hyperparameters shown in ``repr``."""
        return f"probabilities={self.probabilities}, normalize={self.normalize}"
