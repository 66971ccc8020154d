r"""Algorithm 1 of Ji et al. (ICML 2023): training-set enhancement.

The fraction :math:`\eta_3` of candidate nodes (unlabelled, by default neither
training nor validation nodes) with the *highest* label non-uniformity receive the
base model's prediction as a pseudo-label and join the training set:

.. math::
    V_{\text{new}} = \operatorname{top}_{\lfloor \eta_3 |V_c| \rfloor}
    \bigl\{ w(v) : v \in V_c \bigr\}, \qquad
    \tilde{y}_v = \arg\max_i \mu_v(i) \quad (v \in V_{\text{new}}).

Only the labels of training nodes are read; every other entry of ``y`` is ignored,
so ground truth of validation or test nodes cannot leak into training.
"""

from __future__ import annotations

import torch
from torch import Tensor

from graphlabels.graph import as_node_mask
from graphlabels.nonuniformity.edge_drop import _check_fraction, _floor_fraction
from graphlabels.nonuniformity.score import non_uniformity

__all__ = ["TrainSetEnhancement", "enhance_train_set"]


def _as_mask(mask: Tensor | None, n: int, name: str) -> Tensor | None:
    if mask is None:
        return None
    m = torch.as_tensor(mask)
    if m.dtype == torch.bool and m.shape != (n,):
        raise ValueError(
            f"{name} has shape {list(m.shape)} but logits has {n} rows: pass a "
            "1-D mask for one split (use graph.split(s) for multi-split graphs)"
        )
    return as_node_mask(m, n, name)


def enhance_train_set(
    logits: Tensor,
    y: Tensor,
    train_mask: Tensor,
    eta3: float,
    *,
    val_mask: Tensor | None = None,
    candidate_mask: Tensor | None = None,
    score: Tensor | None = None,
    probabilities: bool = False,
) -> tuple[Tensor, Tensor]:
    r"""Algorithm 1 of Ji et al. (ICML 2023): add confident pseudo-labels.

    .. math::
        V_{\text{new}} = \operatorname{top}_{\lfloor \eta_3 |V_c| \rfloor}
        \bigl\{ w(v) : v \in V_c \bigr\}, \quad
        \tilde{y}_v = \arg\max_i z_v(i)

    Candidates :math:`V_c` are ``candidate_mask`` if given, otherwise every node
    that is in neither ``train_mask`` nor ``val_mask`` (validation nodes stay out
    of training; the official code uses test nodes). ``candidate_mask=~train_mask``
    treats validation nodes like test nodes instead (the wrapper's
    ``exclude_val=False``). Ties in the score are broken by node id.

    Only ``y[train_mask]`` is read. The returned labels are ``-1`` outside the new
    training set, so no held-out label can reach a loss by accident.

    Args:
        logits: ``[N, C]`` base-model logits (or probabilities, see
            ``probabilities``).
        y: ``[N]`` long labels (or ``[N, C]`` one-hot); only training entries are
            read.
        train_mask: bool ``[N]`` mask or node ids of the labelled training set.
        eta3: fraction :math:`\eta_3` of the candidates to pseudo-label.
        val_mask: validation nodes, excluded from the candidates
            (default: :obj:`None`; then ``candidate_mask`` is required).
        candidate_mask: explicit candidate nodes; training nodes are always
            removed from it (default: :obj:`None`).
        score: precomputed non-uniformity (default: :obj:`None`: computed from
            ``logits``).
        probabilities: ``logits`` holds probabilities (default: :obj:`False`).

    Returns:
        ``(y, train_mask)``: labels with pseudo-labels filled in (``-1`` elsewhere
        outside training) and the enlarged bool training mask. The added nodes are
        ``train_mask_new & ~train_mask``.
    """
    eta3 = _check_fraction("eta3", eta3)
    if not isinstance(logits, Tensor) or logits.dim() != 2:
        raise ValueError(
            "logits must be a [num_nodes, num_classes] tensor: pass the base "
            "model's output for all nodes"
        )
    n = logits.size(0)
    if not isinstance(y, Tensor):
        raise TypeError(f"y must be a torch.Tensor, got {type(y).__name__}")
    if y.dim() == 2:
        y = y.argmax(dim=1)
    if y.dim() != 1 or y.numel() != n:
        raise ValueError(
            f"y has shape {list(y.shape)} but logits has {n} rows: pass one label "
            "per node (any value for unlabelled nodes; they are never read)"
        )
    train = _as_mask(train_mask, n, "train_mask")
    if train is None:
        raise ValueError("train_mask is required")
    val = _as_mask(val_mask, n, "val_mask")
    cand = _as_mask(candidate_mask, n, "candidate_mask")
    if cand is None:
        if val is None:
            raise ValueError(
                "pass val_mask (validation nodes are excluded from the candidates "
                "by default) or candidate_mask (e.g. ~train_mask to allow every "
                "unlabelled node)"
            )
        cand = ~val
    cand = cand & ~train
    if score is None:
        score = non_uniformity(logits.detach(), probabilities=probabilities)
    elif score.shape != (n,):
        raise ValueError(
            f"score has shape {list(score.shape)} but logits has {n} rows: pass "
            "one score per node"
        )
    device = logits.device
    train = train.to(device)
    cand = cand.to(device)
    y_train = y.to(device)[train].long()
    if y_train.numel() and int(y_train.min()) < 0:
        raise ValueError("training nodes have negative labels: fix y or train_mask")
    c = logits.size(1)
    if y_train.numel() and int(y_train.max()) >= c:
        raise ValueError(
            f"training nodes have label {int(y_train.max())} but logits has {c} "
            f"columns (classes 0..{c - 1}): pass logits with one column per class, "
            "or fix y"
        )
    idx = cand.nonzero().view(-1)
    k = _floor_fraction(eta3, idx.numel())
    s = score.detach().to(device)[idx].double()
    # highest score first; stable sort keeps ties in node-id order
    order = torch.sort(-s, stable=True).indices[:k]
    chosen = idx[order]
    new_y = torch.full((n,), -1, dtype=torch.long, device=device)
    new_y[train] = y_train
    new_y[chosen] = logits.detach()[chosen].argmax(dim=1)
    new_mask = train.clone()
    new_mask[chosen] = True
    return new_y, new_mask


class TrainSetEnhancement(torch.nn.Module):
    r"""Module form of :func:`enhance_train_set` (Algorithm 1 of Ji et al.).

    .. math::
        V_{\text{new}} = \operatorname{top}_{\lfloor \eta_3 |V_c| \rfloor}
        \bigl\{ w(v) : v \in V_c \bigr\}

    Args:
        eta3: fraction of candidates to pseudo-label (default: ``0.5``).
    """

    def __init__(self, eta3: float = 0.5) -> None:
        super().__init__()
        self.eta3 = _check_fraction("eta3", eta3)

    def forward(
        self,
        logits: Tensor,
        y: Tensor,
        train_mask: Tensor,
        val_mask: Tensor | None = None,
        candidate_mask: Tensor | None = None,
    ) -> tuple[Tensor, Tensor]:
        """Return ``(y, train_mask)``; see :func:`enhance_train_set`."""
        return enhance_train_set(
            logits,
            y,
            train_mask,
            self.eta3,
            val_mask=val_mask,
            candidate_mask=candidate_mask,
        )

    def extra_repr(self) -> str:
        """Hyperparameters shown in ``repr``."""
        return f"eta3={self.eta3}"
