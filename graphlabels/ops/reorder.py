"""Node reorderings that improve the memory locality of SpMM.

``perm[new] = old``: apply to features with ``x[perm]``, and map results back
with ``out_new[inverse(perm)]``.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from graphlabels.ops.csr import CSR

__all__ = ["degree_order", "inverse_permutation", "permute", "rcm_order", "reorder"]


def _check_square(A: CSR, what: str) -> None:
    if not isinstance(A, CSR):
        raise TypeError(f"{what}: A must be a graphlabels.ops.CSR")
    if A.num_rows != A.num_cols:
        raise ValueError(f"{what} needs a square matrix, A is {A.shape}")


def inverse_permutation(perm: Tensor) -> Tensor:
    """``inv`` with ``inv[perm[i]] = i``."""
    inv = torch.empty_like(perm)
    inv[perm] = torch.arange(perm.numel(), device=perm.device)
    return inv


def rcm_order(A: CSR) -> Tensor:
    """Reverse Cuthill-McKee order of the symmetrised pattern (scipy).

    Bandwidth reduction: neighbours get nearby ids, so the rows of ``X`` that a
    row of ``A`` gathers tend to share cache lines and pages.
    """
    _check_square(A, "rcm_order")
    import scipy.sparse as sp
    from scipy.sparse.csgraph import reverse_cuthill_mckee

    n = A.num_rows
    row = A.row().cpu().numpy()
    col = A.col.cpu().numpy()
    data = np.ones(row.size, dtype=np.int8)
    M = sp.csr_matrix((data, (row, col)), shape=(n, n))
    M = (M + M.T).tocsr()
    perm = reverse_cuthill_mckee(M, symmetric_mode=True)
    return torch.as_tensor(perm.astype(np.int64), device=A.device)


def degree_order(A: CSR, descending: bool = True) -> Tensor:
    """Nodes sorted by total degree (in + out), hubs first by default.

    Hubs, whose feature rows are gathered most often, then share a compact
    region of ``X``; the sort is stable.
    """
    _check_square(A, "degree_order")
    deg = A.degree() + torch.bincount(A.col, minlength=A.num_cols)
    return torch.sort(deg, descending=descending, stable=True).indices


def permute(A: CSR, perm: Tensor) -> CSR:
    """Relabel nodes: ``P A P^T`` with ``perm[new] = old`` (values follow)."""
    _check_square(A, "permute")
    if perm.numel() != A.num_rows:
        raise ValueError(
            f"perm has {perm.numel()} entries but A has {A.num_rows} rows: pass a "
            "permutation of all nodes"
        )
    inv = inverse_permutation(perm.to(A.device))
    row, col = inv[A.row()], inv[A.col]
    return CSR.from_edge_index(torch.stack([col, row]), A.num_rows, A.value)


def reorder(A: CSR, method: str = "rcm") -> tuple[CSR, Tensor]:
    """Reorder ``A`` for locality; returns ``(permuted A, perm)``.

    Args:
        A: a square :class:`CSR`.
        method: ``"rcm"`` (reverse Cuthill-McKee), ``"degree"`` (hubs first) or
            ``"none"``.

    Returns:
        ``(B, perm)`` with ``spmm(B, x[perm]) == spmm(A, x)[perm]``.
    """
    if method == "rcm":
        perm = rcm_order(A)
    elif method == "degree":
        perm = degree_order(A)
    elif method == "none":
        perm = torch.arange(A.num_rows, device=A.device)
    else:
        raise ValueError(f"unknown reorder method {method!r}: rcm, degree or none")
    return permute(A, perm), perm
