"""Label propagation (Zhou et al., 2004) on :mod:`graphlabels.ops`."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

from graphlabels.ops import as_csr
from graphlabels.propagation._common import (
    Adjacency,
    check_layers_alpha,
    check_norm,
    mask_to_index,
    normalized,
    one_hot_labels,
    propagate,
)

__all__ = ["LabelPropagation", "label_propagation"]


@torch.no_grad()
def label_propagation(
    y: Tensor,
    edge_index: Adjacency,
    mask: Tensor | None = None,
    edge_weight: Tensor | None = None,
    *,
    num_layers: int = 50,
    alpha: float = 0.9,
    norm: str = "sym",
    clamp: bool = True,
    reset_labels: bool = True,
    num_classes: int | None = None,
    post_step: Callable[[Tensor], Tensor] | None = None,
) -> Tensor:
    r"""Label propagation, as a function; see :class:`LabelPropagation`.

    Args:
        y: labels, ``[N]`` class ids or ``[N, C]`` one-hot (or soft) rows. Entries
            outside ``mask`` are ignored (``-1`` is fine there).
        edge_index: ``[2, E]`` edges (row 0 = source, row 1 = target) or a
            :class:`graphlabels.ops.CSR`.
        mask: bool mask ``[N]`` or indices of the labelled nodes
            (default: :obj:`None`, every node is labelled).
        edge_weight: optional non-negative ``[E]`` edge weights; they are
            normalised like the unweighted adjacency (default: :obj:`None`).
        num_layers: number of propagation steps :math:`K` (default: ``50``).
        alpha: the :math:`\alpha` coefficient (default: ``0.9``).
        norm: ``"sym"`` :math:`D^{-1/2} A D^{-1/2}`, ``"row"`` :math:`D^{-1} A` or
            ``"col"`` :math:`A D^{-1}` (default: ``"sym"``).
        clamp: clamp to :math:`[0, 1]` after every step (default: :obj:`True`).
        reset_labels: write the labels of the labelled nodes back after every step
            (default: :obj:`True`).
        num_classes: number of classes (default: :obj:`None`, ``y.max() + 1`` for
            class ids, ``y.size(1)`` for one-hot).
        post_step: optional function applied after every step, after clamping and
            resetting (default: :obj:`None`).

    Returns:
        Soft labels ``[N, C]``; ``argmax(-1)`` gives the predicted classes.
    """
    check_layers_alpha(num_layers, alpha)
    check_norm(norm)
    n = int(y.size(0))
    idx = mask_to_index(mask, n).to(y.device)
    dtype = torch.get_default_dtype()
    if y.is_floating_point() and y.dim() == 2:
        dtype = y.dtype
    if mask is None and not y.is_floating_point() and y.dim() == 1:
        idx = (y >= 0).nonzero().view(-1)
        if idx.numel() == 0:
            raise ValueError(
                "y has no labelled node (all entries are -1): label at least one"
            )
    lab = one_hot_labels(y, idx, num_classes, dtype)
    A = as_csr(edge_index, n, edge_weight)
    values = normalized(A, norm, dtype)
    y0 = torch.zeros(n, lab.size(1), dtype=dtype, device=lab.device)
    y0[idx] = lab
    return propagate(
        A,
        values,
        y0,
        idx,
        num_layers=num_layers,
        alpha=alpha,
        clamp=(0.0, 1.0) if clamp else None,
        reset=lab if reset_labels else None,
        res_zero_outside=True,
        post_step=post_step,
    )


class LabelPropagation(torch.nn.Module):
    r"""The label propagation operator from the `"Learning with Local and Global
    Consistency" <https://proceedings.neurips.cc/paper/2003/hash/
    87682805257e619d49b8e0dfdc14affa-Abstract.html>`_ paper (Zhou et al., 2004),
    in the form used by `"Combining Label Propagation and Simple Models
    Out-performs Graph Neural Networks" <https://arxiv.org/abs/2010.13993>`_.

    .. math::
        \mathbf{Y}^{(0)} &= \mathbf{Y} \odot \mathbf{m}, \qquad
        \mathbf{Y}^{(k+1)} = \alpha \, \hat{\mathbf{A}} \, \mathbf{Y}^{(k)}
        + (1 - \alpha) \, \mathbf{Y}^{(0)},

        \hat{\mathbf{A}} &= \mathbf{D}^{-1/2} \mathbf{A} \mathbf{D}^{-1/2}
        \quad (\text{or } \mathbf{D}^{-1} \mathbf{A}, \ \mathbf{A} \mathbf{D}^{-1}),

    where :math:`\mathbf{m}` marks the labelled nodes. After every step the values
    are clamped to :math:`[0, 1]` and the labelled rows are reset to their labels
    (the clamping of Zhu & Ghahramani, 2002).

    Differences from PyG's ``LabelPropagation`` (on purpose):

    - labelled nodes keep their labels (``reset_labels=True``; PyG issue #10627);
    - clamping to :math:`[0, 1]` can be turned off (``clamp=False``);
    - edge weights are normalised like the unweighted adjacency, rather than used
      as given (PyG issue #2619).

    With ``reset_labels=False`` and no edge weights the result equals PyG's.

    Args:
        num_layers: number of propagation steps :math:`K` (default: ``50``).
        alpha: the :math:`\alpha` coefficient (default: ``0.9``).
        norm: ``"sym"``, ``"row"`` or ``"col"`` normalisation (default: ``"sym"``).
        clamp: clamp to :math:`[0, 1]` after every step (default: :obj:`True`).
        reset_labels: write the labels back after every step (default: :obj:`True`).

    Example:
        >>> import torch
        >>> from graphlabels.propagation import LabelPropagation
        >>> edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
        >>> y = torch.tensor([0, -1, 1])
        >>> out = LabelPropagation(num_layers=10, alpha=0.9)(y, edge_index, y >= 0)
        >>> out.shape
        torch.Size([3, 2])
    """  # noqa: D205

    def __init__(
        self,
        num_layers: int = 50,
        alpha: float = 0.9,
        *,
        norm: str = "sym",
        clamp: bool = True,
        reset_labels: bool = True,
    ):
        super().__init__()
        check_layers_alpha(num_layers, alpha)
        self.num_layers = int(num_layers)
        self.alpha = float(alpha)
        self.norm = check_norm(norm)
        self.clamp = bool(clamp)
        self.reset_labels = bool(reset_labels)

    @torch.no_grad()
    def forward(
        self,
        y: Tensor,
        edge_index: Adjacency,
        mask: Tensor | None = None,
        edge_weight: Tensor | None = None,
        *,
        num_classes: int | None = None,
        post_step: Callable[[Tensor], Tensor] | None = None,
    ) -> Tensor:
        r"""Propagate the labels of the nodes in ``mask``.

        Args:
            y: labels, ``[N]`` class ids or ``[N, C]`` one-hot rows.
            edge_index: ``[2, E]`` edges or a :class:`graphlabels.ops.CSR`.
            mask: bool mask or indices of the labelled nodes
                (default: :obj:`None`, every node with a label ``>= 0``).
            edge_weight: optional ``[E]`` non-negative edge weights
                (default: :obj:`None`).
            num_classes: number of classes (default: :obj:`None`, inferred).
            post_step: optional function applied after every step
                (default: :obj:`None`).

        Returns:
            Soft labels ``[N, C]``.
        """
        return label_propagation(
            y,
            edge_index,
            mask,
            edge_weight,
            num_layers=self.num_layers,
            alpha=self.alpha,
            norm=self.norm,
            clamp=self.clamp,
            reset_labels=self.reset_labels,
            num_classes=num_classes,
            post_step=post_step,
        )

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(num_layers={self.num_layers}, "
            f"alpha={self.alpha}, norm={self.norm!r}, clamp={self.clamp}, "
            f"reset_labels={self.reset_labels})"
        )
