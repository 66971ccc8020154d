"""Graph-attention aggregation (GAT) without an ``E x H x F`` intermediate."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from graphlabels.ops import _reference
from graphlabels.ops._dispatch import check_csr, check_features, kernels
from graphlabels.ops.softmax import segment_softmax
from graphlabels.ops.spmm import spmm

__all__ = ["gat_aggregate"]


def gat_aggregate(
    A,
    x: Tensor,
    alpha_src: Tensor,
    alpha_dst: Tensor,
    negative_slope: float = 0.2,
    dropout: float = 0.0,
    training: bool = False,
) -> Tensor:
    r"""Attention-weighted aggregation of GAT (Velickovic et al., ICLR 2018).

    .. math::
        \alpha_{ij}^h = \mathrm{softmax}_j\big(\mathrm{LeakyReLU}(a^h_{src,j} +
        a^h_{dst,i})\big), \qquad
        \mathrm{out}_{i}^h = \sum_{j} \alpha_{ij}^h x_j^h

    On CUDA with the Triton backend, scores, softmax and the weighted sum run in
    one fused kernel (forward and backward); elsewhere they run as separate
    kernels over ``[nnz, H]`` scores. Neither path materialises ``nnz x H x F``.

    Args:
        A: a :class:`~graphlabels.ops.CSR`; row ``i`` = incoming edges of ``i``.
        x: ``[num_cols, H, F]`` transformed source features.
        alpha_src: ``[num_cols, H]`` source attention logits.
        alpha_dst: ``[num_rows, H]`` target attention logits.
        negative_slope: LeakyReLU slope (default: ``0.2``).
        dropout: dropout probability on the attention weights (default: ``0.0``).
        training: apply dropout (default: ``False``).

    Returns:
        ``[num_rows, H, F]``.
    """
    A = check_csr(A, "gat_aggregate")
    x = check_features(A, x, "gat_aggregate")
    if x.dim() != 3:
        raise ValueError(f"gat_aggregate: x must be [N, H, F], got {list(x.shape)}")
    H = x.size(1)
    if tuple(alpha_src.shape) != (A.num_cols, H):
        raise ValueError(
            f"gat_aggregate: alpha_src has shape {list(alpha_src.shape)}, expected "
            f"[{A.num_cols}, {H}]"
        )
    if tuple(alpha_dst.shape) != (A.num_rows, H):
        raise ValueError(
            f"gat_aggregate: alpha_dst has shape {list(alpha_dst.shape)}, expected "
            f"[{A.num_rows}, {H}]"
        )
    name, K = kernels(x.device)
    if K is None:
        return _reference.gat_aggregate(
            A, x, alpha_src, alpha_dst, negative_slope, dropout, training
        )
    fused = getattr(K, "gat_aggregate", None)
    if fused is not None and not (training and dropout > 0):
        return fused(A, x, alpha_src, alpha_dst, negative_slope)
    s = alpha_src.index_select(0, A.col) + alpha_dst.index_select(0, A.row())
    a = segment_softmax(A, F.leaky_relu(s, negative_slope))
    if training and dropout > 0:
        a = F.dropout(a, p=dropout, training=True)
    return spmm(A, x, "sum", a)
