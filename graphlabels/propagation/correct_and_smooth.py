"""Correct & Smooth (Huang et al., 2021) on :mod:`graphlabels.ops`."""

from __future__ import annotations

import torch
from torch import Tensor

from graphlabels import ops
from graphlabels.ops import as_csr
from graphlabels.propagation._common import (
    Adjacency,
    check_finite,
    check_layers_alpha,
    check_norm,
    mask_to_index,
    normalized,
    one_hot_labels,
    propagate,
)

__all__ = ["CorrectAndSmooth", "correct_and_smooth"]


def _inputs(
    y_soft: Tensor,
    y_true: Tensor,
    mask: Tensor,
    edge_index: Adjacency,
    edge_weight: Tensor | None,
    norm: str,
    name: str,
) -> tuple[Tensor, Tensor, ops.CSR, Tensor]:
    """Checked inputs of one C&S step.

    Returns:
        The labelled indices, their one-hot labels ``[len(idx), C]``, the
        adjacency as a CSR and its ``norm``-normalised values.
    """
    if not y_soft.is_floating_point() or y_soft.dim() != 2:
        raise ValueError(
            f"y_soft must be float soft predictions [N, C], got {y_soft.dtype} with "
            f"shape {list(y_soft.shape)}: pass model(x).softmax(-1)"
        )
    check_finite(
        y_soft, "y_soft", "the base model diverged; retrain it or clean its outputs"
    )
    if mask is None:
        raise ValueError(f"{name} needs a mask of the training nodes, got None")
    n, c = y_soft.shape
    idx = mask_to_index(mask, n).to(y_soft.device)
    y_true = y_true.to(y_soft.device)
    # y_true holds either one entry per node, or one per masked node (PyG style).
    if y_true.size(0) == n:
        lab = one_hot_labels(y_true, idx, c, y_soft.dtype, name="y_true")
    elif y_true.size(0) == idx.numel():
        ar = torch.arange(idx.numel(), device=idx.device)
        lab = one_hot_labels(y_true, ar, c, y_soft.dtype, name="y_true")
    else:
        raise ValueError(
            f"y_true has {y_true.size(0)} rows but there are {n} nodes and "
            f"{idx.numel()} masked nodes: pass labels for every node or for the "
            "masked nodes only"
        )
    A = as_csr(edge_index, n, edge_weight)
    return idx, lab, A, normalized(A, norm, y_soft.dtype)


@torch.no_grad()
def correct_and_smooth(
    y_soft: Tensor,
    y_true: Tensor,
    mask: Tensor,
    edge_index: Adjacency,
    edge_weight: Tensor | None = None,
    *,
    num_correction_layers: int = 50,
    correction_alpha: float = 1.0,
    num_smoothing_layers: int = 50,
    smoothing_alpha: float = 0.8,
    autoscale: bool = True,
    scale: float = 1.0,
    correction_norm: str = "sym",
    smoothing_norm: str = "sym",
    reset_labels: bool = True,
) -> Tensor:
    """Correct & Smooth, as a function; see :class:`CorrectAndSmooth`.

    Returns:
        The smoothed predictions ``[N, C]``.
    """
    cs = CorrectAndSmooth(
        num_correction_layers,
        correction_alpha,
        num_smoothing_layers,
        smoothing_alpha,
        autoscale,
        scale,
        correction_norm=correction_norm,
        smoothing_norm=smoothing_norm,
        reset_labels=reset_labels,
    )
    return cs(y_soft, y_true, mask, edge_index, edge_weight)


class CorrectAndSmooth(torch.nn.Module):
    r"""The correct and smooth (C&S) post-processing from the `"Combining Label
    Propagation and Simple Models Out-performs Graph Neural Networks"
    <https://arxiv.org/abs/2010.13993>`_ paper.

    Soft predictions :math:`\mathbf{Z}` of a base model are first *corrected* by
    propagating the training residuals,

    .. math::
        \mathbf{E}^{(0)}_i &= \begin{cases} \mathbf{y}_i - \mathbf{z}_i &
        i \text{ labelled} \\ \mathbf{0} & \text{else} \end{cases}, \qquad
        \mathbf{E}^{(\ell)} = \alpha_1 \hat{\mathbf{A}}_1 \mathbf{E}^{(\ell-1)}
        + (1 - \alpha_1) \mathbf{E}^{(0)},

        \hat{\mathbf{Z}} &= \mathbf{Z} + \gamma \odot \mathbf{E}^{(L_1)},

    where the scale :math:`\gamma` is fixed (``autoscale=False``: the labelled
    residuals are reset after every step) or set per node to
    :math:`\gamma_i = \frac{1}{|L|}\sum_{j \in L} \|\mathbf{e}^{(0)}_j\|_1 /
    \|\mathbf{e}^{(L_1)}_i\|_1` (``autoscale=True``: values clamped to
    :math:`[-1, 1]` after every step). Then they are *smoothed* by label
    propagation from :math:`\hat{\mathbf{Z}}` with the labelled rows set to
    their labels:

    .. math::
        \mathbf{G}^{(0)} = \hat{\mathbf{Z}} \text{ with }
        \mathbf{G}^{(0)}_L = \mathbf{Y}_L, \qquad
        \mathbf{G}^{(\ell)} = \alpha_2 \hat{\mathbf{A}}_2 \mathbf{G}^{(\ell-1)}
        + (1 - \alpha_2) \mathbf{G}^{(0)},

    clamped to :math:`[0, 1]` after every step.

    Differences from PyG's ``CorrectAndSmooth`` (on purpose):

    - edge weights are used in *both* steps and for any ``edge_index``, normalised
      like the unweighted adjacency (PyG issue #2619);
    - in smoothing, labelled nodes keep their labels after every step
      (``reset_labels=True``, PyG issue #10627); ``reset_labels=False`` follows
      PyG and the paper's code;
    - the normalisation of each step can be chosen (``"sym"``, ``"row"``
      :math:`D^{-1}A` or ``"col"`` :math:`AD^{-1}`), as in the paper's code.

    Args:
        num_correction_layers: number of correction steps :math:`L_1`.
        correction_alpha: the :math:`\alpha_1` coefficient.
        num_smoothing_layers: number of smoothing steps :math:`L_2`.
        smoothing_alpha: the :math:`\alpha_2` coefficient.
        autoscale: set :math:`\gamma` per node automatically (default: :obj:`True`).
        scale: the fixed scale :math:`\gamma` when ``autoscale=False``
            (default: ``1.0``).
        correction_norm: normalisation :math:`\hat{\mathbf{A}}_1`
            (default: ``"sym"``).
        smoothing_norm: normalisation :math:`\hat{\mathbf{A}}_2`
            (default: ``"sym"``).
        reset_labels: keep labelled nodes at their labels during smoothing
            (default: :obj:`True`).

    Example:
        >>> import torch
        >>> from graphlabels.propagation import CorrectAndSmooth
        >>> edge_index = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
        >>> y_soft = torch.tensor([[0.6, 0.4], [0.5, 0.5], [0.3, 0.7]])
        >>> y = torch.tensor([0, 0, 1])
        >>> mask = torch.tensor([True, False, True])
        >>> cs = CorrectAndSmooth(10, 0.9, 10, 0.8)
        >>> cs(y_soft, y, mask, edge_index).shape
        torch.Size([3, 2])
    """  # noqa: D205

    def __init__(
        self,
        num_correction_layers: int,
        correction_alpha: float,
        num_smoothing_layers: int,
        smoothing_alpha: float,
        autoscale: bool = True,
        scale: float = 1.0,
        *,
        correction_norm: str = "sym",
        smoothing_norm: str = "sym",
        reset_labels: bool = True,
    ):
        super().__init__()
        check_layers_alpha(num_correction_layers, correction_alpha, "correction ")
        check_layers_alpha(num_smoothing_layers, smoothing_alpha, "smoothing ")
        self.num_correction_layers = int(num_correction_layers)
        self.correction_alpha = float(correction_alpha)
        self.num_smoothing_layers = int(num_smoothing_layers)
        self.smoothing_alpha = float(smoothing_alpha)
        self.autoscale = bool(autoscale)
        self.scale = float(scale)
        self.correction_norm = check_norm(correction_norm)
        self.smoothing_norm = check_norm(smoothing_norm)
        self.reset_labels = bool(reset_labels)

    @torch.no_grad()
    def forward(
        self,
        y_soft: Tensor,
        y_true: Tensor,
        mask: Tensor,
        edge_index: Adjacency,
        edge_weight: Tensor | None = None,
    ) -> Tensor:
        r"""Apply :meth:`correct`, then :meth:`smooth`.

        Args:
            y_soft: soft predictions :math:`\mathbf{Z}` ``[N, C]`` of a base model
                (probabilities, e.g. ``logits.softmax(-1)``).
            y_true: labels: class ids or one-hot rows, for every node ``[N]`` or
                for the masked nodes only (in mask order, as in PyG).
            mask: bool mask or indices of the labelled (training) nodes.
            edge_index: ``[2, E]`` edges or a :class:`graphlabels.ops.CSR`.
            edge_weight: optional ``[E]`` non-negative edge weights
                (default: :obj:`None`).

        Returns:
            Final predictions ``[N, C]``.
        """
        n = int(y_soft.size(0))
        A = as_csr(edge_index, n, edge_weight)
        out = self.correct(y_soft, y_true, mask, A)
        return self.smooth(out, y_true, mask, A)

    @torch.no_grad()
    def correct(
        self,
        y_soft: Tensor,
        y_true: Tensor,
        mask: Tensor,
        edge_index: Adjacency,
        edge_weight: Tensor | None = None,
    ) -> Tensor:
        """Correct ``y_soft`` by propagating the residuals of the labelled nodes.

        Args:
            y_soft: soft predictions ``[N, C]`` of a base model.
            y_true: labels for every node ``[N]`` or for the masked nodes only.
            mask: bool mask or indices of the labelled nodes.
            edge_index: ``[2, E]`` edges or a :class:`graphlabels.ops.CSR`.
            edge_weight: optional ``[E]`` edge weights (default: :obj:`None`).

        Returns:
            Corrected predictions ``[N, C]``.
        """
        idx, lab, A, values = _inputs(
            y_soft,
            y_true,
            mask,
            edge_index,
            edge_weight,
            self.correction_norm,
            "correct",
        )
        err0 = lab - y_soft[idx]
        error = torch.zeros_like(y_soft)
        error[idx] = err0
        # Autoscale clamps the propagated error to [-1, 1] and rescales it
        # afterwards; the fixed scale keeps resetting the labelled residuals.
        smoothed = propagate(
            A,
            values,
            error,
            idx,
            num_layers=self.num_correction_layers,
            alpha=self.correction_alpha,
            clamp=(-1.0, 1.0) if self.autoscale else None,
            reset=None if self.autoscale else err0,
            res_zero_outside=True,
        )
        if self.autoscale:
            sigma = err0.abs().sum() / idx.numel()
            scale = sigma / smoothed.abs().sum(dim=1, keepdim=True)
            bad = scale.isinf() | scale.isnan() | (scale > 1000)
            scale.masked_fill_(bad, 1.0)
            return y_soft + scale * smoothed
        return y_soft + self.scale * smoothed

    @torch.no_grad()
    def smooth(
        self,
        y_soft: Tensor,
        y_true: Tensor,
        mask: Tensor,
        edge_index: Adjacency,
        edge_weight: Tensor | None = None,
    ) -> Tensor:
        """Smooth (corrected) predictions by label propagation from the labels.

        Args:
            y_soft: (corrected) predictions ``[N, C]``.
            y_true: labels for every node ``[N]`` or for the masked nodes only.
            mask: bool mask or indices of the labelled nodes.
            edge_index: ``[2, E]`` edges or a :class:`graphlabels.ops.CSR`.
            edge_weight: optional ``[E]`` edge weights (default: :obj:`None`).

        Returns:
            Smoothed predictions ``[N, C]``.
        """
        idx, lab, A, values = _inputs(
            y_soft, y_true, mask, edge_index, edge_weight, self.smoothing_norm, "smooth"
        )
        y0 = y_soft.clone()
        y0[idx] = lab
        return propagate(
            A,
            values,
            y0,
            idx,
            num_layers=self.num_smoothing_layers,
            alpha=self.smoothing_alpha,
            clamp=(0.0, 1.0),
            reset=lab if self.reset_labels else None,
            res_zero_outside=False,
        )

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(\n"
            f"  correct: num_layers={self.num_correction_layers}, "
            f"alpha={self.correction_alpha}, norm={self.correction_norm!r}\n"
            f"  smooth:  num_layers={self.num_smoothing_layers}, "
            f"alpha={self.smoothing_alpha}, norm={self.smoothing_norm!r}\n"
            f"  autoscale={self.autoscale}, scale={self.scale}, "
            f"reset_labels={self.reset_labels}\n)"
        )
