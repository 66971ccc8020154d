"""Pick the kernel module for a device and check inputs once, in Python."""

from __future__ import annotations

from types import ModuleType

import torch
from torch import Tensor

from graphlabels.ops._backend import resolve_backend
from graphlabels.ops.csr import CSR

__all__ = ["check_csr", "check_features", "check_weight", "kernels"]

REDUCES = ("sum", "mean", "max")


def kernels(device: torch.device) -> tuple[str, ModuleType | None]:
    """``(backend name, kernel module)``; the module is ``None`` for ``reference``."""
    name = resolve_backend(device)
    if name == "reference":
        return name, None
    if name == "triton":
        from graphlabels.ops import _triton

        return name, _triton
    if name == "cpu-compiled":
        from graphlabels.ops import _numba

        return name, _numba
    from graphlabels.ops import _cpu

    return name, _cpu


def check_csr(A: object, op: str) -> CSR:
    """Raise a clear error unless ``A`` is a :class:`CSR`."""
    if not isinstance(A, CSR):
        raise TypeError(
            f"{op}: A must be a graphlabels.ops.CSR, got {type(A).__name__}: build "
            "one with CSR.from_edge_index(edge_index, num_nodes)"
        )
    return A


def check_features(A: CSR, X: object, op: str, *, rows: bool = False) -> Tensor:
    """Check that ``X`` is a float tensor matching ``A``'s columns (or rows)."""
    name = "rows" if rows else "columns"
    size = A.num_rows if rows else A.num_cols
    if not isinstance(X, Tensor):
        raise TypeError(f"{op}: X must be a torch.Tensor, got {type(X).__name__}")
    if not X.is_floating_point():
        raise TypeError(f"{op}: X must be floating point, got {X.dtype}: use X.float()")
    if X.dim() not in (2, 3):
        raise ValueError(
            f"{op}: X must be [N, F] or [N, H, F], got shape {list(X.shape)}"
        )
    if X.size(0) != size:
        raise ValueError(
            f"X has {X.size(0)} rows but A has {size} {name}: X must have one row "
            f"per node (A is {A.num_rows}x{A.num_cols})"
        )
    if X.device != A.device:
        raise ValueError(
            f"{op}: X is on {X.device} but A is on {A.device}: move both with "
            ".to(device)"
        )
    return X


def check_weight(A: CSR, w: Tensor | None, X: Tensor, op: str) -> Tensor | None:
    """Check a per-edge weight in CSR order: ``[nnz]``, or ``[nnz, H]`` for 3-D X."""
    if w is None:
        return None
    if not isinstance(w, Tensor):
        raise TypeError(f"{op}: edge_weight must be a tensor, got {type(w).__name__}")
    heads = X.size(1) if X.dim() == 3 else None
    ok = (w.dim() == 1 and w.size(0) == A.nnz) or (
        heads is not None and w.dim() == 2 and tuple(w.shape) == (A.nnz, heads)
    )
    if not ok:
        want = f"[{A.nnz}]" + ("" if heads is None else f" or [{A.nnz}, {heads}]")
        raise ValueError(
            f"edge_weight has shape {list(w.shape)} but A has {A.nnz} nonzeros: "
            f"expected {want}, one weight per edge in CSR order (use w[A.perm] to "
            "reorder edge-order weights)"
        )
    if w.device != A.device:
        raise ValueError(f"{op}: edge_weight is on {w.device} but A on {A.device}")
    if not w.is_floating_point():
        w = w.to(X.dtype)
    return w
