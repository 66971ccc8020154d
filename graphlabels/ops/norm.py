"""Self loops and the symmetric GCN normalisation on a :class:`CSR`."""

from __future__ import annotations

import torch
from torch import Tensor

from graphlabels.ops._dispatch import check_csr
from graphlabels.ops.csr import CSR

__all__ = ["add_self_loops", "gcn_norm"]


def _loop_structure(A: CSR) -> tuple[CSR, Tensor, Tensor]:
    """``A`` without its self loops plus exactly one loop per row (cached).

    Returns ``(B, src, loop_src)``: ``B`` is the structure (no values), ``src[p]``
    the position in ``A`` of ``B``'s entry ``p`` (``-1`` for an added loop), and
    ``loop_src[i]`` the position in ``A`` of row ``i``'s last self loop (or ``-1``).
    Added loops get ``perm`` ids ``nnz + i``.
    """
    hit = A._struct.get("loops")
    if hit is not None:
        return hit
    if A.num_rows != A.num_cols:
        raise ValueError(
            f"self loops need a square matrix, A is {A.num_rows}x{A.num_cols}"
        )
    N, dev = A.num_rows, A.device
    row, col = A.row(), A.col
    pos = torch.arange(A.nnz, device=dev)
    keep = col != row
    loop = ~keep
    ck = torch.zeros(A.nnz + 1, dtype=torch.long, device=dev)
    torch.cumsum(keep.long(), 0, out=ck[1:])  # kept entries before each position
    rank = ck[:-1] - ck.index_select(0, A.rowptr[:-1])[row]  # rank within the row
    kept_row = row[keep]
    counts = torch.bincount(kept_row, minlength=N) + 1
    rowptr = torch.zeros(N + 1, dtype=torch.long, device=dev)
    torch.cumsum(counts, 0, out=rowptr[1:])
    lt = torch.bincount(row[keep & (col < row)], minlength=N)
    loop_pos = rowptr[:-1] + lt
    kept_pos = rowptr[kept_row] + rank[keep] + (col[keep] > kept_row).long()
    nnz = int(rowptr[-1])
    src = torch.full((nnz,), -1, dtype=torch.long, device=dev)
    src[kept_pos] = pos[keep]
    new_col = torch.empty(nnz, dtype=torch.long, device=dev)
    new_col[kept_pos] = col[keep]
    ar = torch.arange(N, device=dev)
    new_col[loop_pos] = ar
    perm = torch.empty(nnz, dtype=torch.long, device=dev)
    perm[kept_pos] = A.perm[keep]
    perm[loop_pos] = A.nnz + ar
    loop_src = torch.full((N,), -1, dtype=torch.long, device=dev)
    if bool(loop.any()):
        loop_src.scatter_reduce_(0, row[loop], pos[loop], "amax")
    B = CSR(rowptr, new_col, None, N, perm, check=False)
    out = (B, src, loop_src)
    A._struct["loops"] = out
    return out


def _loop_values(A: CSR, fill_value: float) -> Tensor | None:
    B, src, loop_src = _loop_structure(A)
    if A.value is None:
        return None
    w = A.value
    if w.dim() != 1:
        raise ValueError("self loops with multi-column values are not supported")
    fill = torch.full((A.num_rows,), float(fill_value), dtype=w.dtype, device=w.device)
    wpad = torch.cat([w, w.new_zeros(1)])  # index -1 -> the padding zero
    loop_w = torch.where(loop_src >= 0, wpad[loop_src], fill)
    return torch.where(src >= 0, wpad[src], loop_w.index_select(0, B.col))


def add_self_loops(A: CSR, fill_value: float = 1.0) -> CSR:
    """Replace ``A``'s self loops by exactly one loop per row (PyG semantics).

    Like PyG's ``add_remaining_self_loops``: a row that had self loops keeps the
    weight of its last one; other rows get ``fill_value``. The structure is cached.

    Args:
        A: a square :class:`CSR`.
        fill_value: weight of new loops when ``A`` has values (default: ``1.0``).
    """
    A = check_csr(A, "add_self_loops")
    B, _, _ = _loop_structure(A)
    return B.with_value(_loop_values(A, fill_value))


def gcn_norm(A: CSR, add_self_loops: bool = True, fill_value: float = 1.0) -> CSR:
    r"""Symmetric GCN normalisation :math:`D^{-1/2} (A + I) D^{-1/2}`.

    Matches PyG's ``gcn_norm``: degrees are weighted row sums (in-degrees, with
    the loops), and self loops follow :func:`add_self_loops`. The result is cached
    in ``A.cache`` unless ``A.value`` requires grad.

    Args:
        A: a square :class:`CSR` (values, if any, are the edge weights).
        add_self_loops: add one self loop per node (default: ``True``).
        fill_value: weight of added loops; ``2.0`` gives "improved" GCN
            (default: ``1.0``).

    Returns:
        A CSR whose ``value`` holds the normalised weights.
    """
    A = check_csr(A, "gcn_norm")
    if A.num_rows != A.num_cols:
        raise ValueError(
            f"gcn_norm needs a square matrix, A is {A.num_rows}x{A.num_cols}"
        )
    key = ("gcn_norm", bool(add_self_loops), float(fill_value))
    hit = A.cache.get(key)
    if hit is not None:
        return hit
    if add_self_loops:
        B, _, _ = _loop_structure(A)
        w = _loop_values(A, fill_value)
        if w is None:
            w = torch.ones(B.nnz, device=A.device)
    else:
        B = A
        w = A.value if A.value is not None else torch.ones(A.nnz, device=A.device)
    if w.dim() != 1:
        raise ValueError("gcn_norm needs 1-D edge weights")
    row = B.row()
    deg = torch.zeros(B.num_rows, dtype=w.dtype, device=w.device).index_add(0, row, w)
    dinv = deg.pow(-0.5)
    dinv = dinv.masked_fill(torch.isinf(dinv), 0.0)
    out = B.with_value(dinv.index_select(0, row) * w * dinv.index_select(0, B.col))
    if not out.value.requires_grad:
        A.cache[key] = out
    return out
