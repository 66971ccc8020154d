r"""Out-of-core propagation over a memory-mapped CSR: SGC / SIGN features.

SGC (Wu et al., 2019) and SIGN (Frasca et al., 2020) train a plain classifier on
features propagated once, before training:

.. math::
    \hat{A} = \tilde{D}^{-1/2} (A + I) \tilde{D}^{-1/2}, \qquad
    \tilde{D}_{ii} = 1 + \sum_j A_{ij}, \qquad
    X^{(k)} = \hat{A}^k X,

where :math:`A_{ij}` counts the edges ``j -> i`` (row ``i`` of the in-edge CSR
of :mod:`graphlabels.data.ondisk`; a repeated edge counts twice) and every node
gets one self loop. On an undirected graph :math:`\hat{A}` is GCN's symmetric
normalisation.

:func:`propagate_chunked` computes :math:`\hat{A} X` a block of rows at a time
from arrays that stay memory-mapped: memory holds one block of rows, the edges
of that block and the feature rows they touch, plus the ``[N]`` degrees.
:func:`sgc_precompute` applies it ``k`` times and writes :math:`\hat{A}^k X` to
a memory-mapped ``.npy`` file.

Example:
    >>> import numpy as np
    >>> from graphlabels.propagation.precompute import propagate_chunked
    >>> indptr, indices = np.array([0, 1, 2, 2]), np.array([1, 0])  # 0 <-> 1, 2
    >>> x = np.array([[1.0], [3.0], [5.0]], dtype=np.float32)
    >>> propagate_chunked(indptr, indices, x, np.zeros_like(x), chunk_size=2)[:, 0]
    array([2., 2., 5.], dtype=float32)
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

__all__ = ["gcn_inv_sqrt_degree", "propagate_chunked", "sgc_precompute"]

_DTYPES = {"float16": np.float16, "float32": np.float32}


def _np(a: Any) -> np.ndarray:
    """A numpy view of a numpy array, a memory map or a CPU tensor (no copy)."""
    if hasattr(a, "numpy") and not isinstance(a, np.ndarray):
        import torch

        if a.dtype == torch.bfloat16:
            return a.view(torch.int16).numpy().view(np.uint16)
        return a.numpy()
    return np.asarray(a) if not isinstance(a, np.ndarray) else a


def gcn_inv_sqrt_degree(indptr: Any) -> np.ndarray:
    r""":math:`\tilde{D}^{-1/2}`: ``(1 + in-degree) ** -0.5`` per node, float64."""
    deg = np.diff(_np(indptr).astype(np.int64)).astype(np.float64) + 1.0
    return 1.0 / np.sqrt(deg)


def _check(indptr: np.ndarray, indices: np.ndarray, x: np.ndarray) -> int:
    n = indptr.shape[0] - 1
    if n < 0 or int(indptr[-1]) != indices.shape[0]:
        raise ValueError(
            f"indptr must end at len(indices) = {indices.shape[0]}, got "
            f"{int(indptr[-1]) if n >= 0 else 'an empty indptr'}: pass the CSR's "
            "row offsets and column indices"
        )
    if x.ndim != 2 or x.shape[0] != n:
        raise ValueError(
            f"x must be [num_nodes, F] = [{n}, F], got {list(x.shape)}: pass one "
            "feature row per node"
        )
    if x.dtype == np.uint16:
        raise TypeError("bfloat16 features: convert them to float16 or float32 first")
    return n


def propagate_chunked(
    indptr: Any,
    indices: Any,
    x: Any,
    out: Any,
    *,
    chunk_size: int = 65536,
    inv_sqrt_degree: np.ndarray | None = None,
    alpha: float = 1.0,
    x0: Any = None,
    clip: tuple[float, float] | None = None,
    progress: bool = False,
) -> Any:
    r"""``out = alpha Â x + (1 - alpha) x0`` (see the module), by row blocks.

    With the defaults ``out = Â x``; with ``x0`` one step of label propagation
    or of Correct & Smooth's correction and smoothing.

    Args:
        indptr: ``[N + 1]`` row offsets of the in-edge CSR (may be memory-mapped).
        indices: ``[E]`` source of each edge (int32 or int64, may be mapped).
        x: ``[N, F]`` float16/float32/float64 input (may be memory-mapped; float16
            rows are upcast to float32 as they are read).
        out: ``[N, F]`` output array, e.g. a memory map opened ``w+``; not ``x``.
        chunk_size: destination rows per block (default: ``65536``).
        inv_sqrt_degree: :func:`gcn_inv_sqrt_degree` of ``indptr``, when already
            computed (default: computed here).
        alpha: weight of the propagated term (default: ``1.0``).
        x0: ``[N, F]`` term weighted ``1 - alpha`` (default: none; needed when
            ``alpha != 1``).
        clip: clamp the output to ``(low, high)`` (C&S: ``(-1, 1)`` for the
            error, ``(0, 1)`` for the smoothed labels) (default: none).
        progress: show a progress bar over blocks (default: :obj:`False`).

    Returns:
        ``out``.
    """
    import scipy.sparse as sp

    indptr, indices, x, arr = _np(indptr), _np(indices), _np(x), _np(out)
    n = _check(indptr, indices, x)
    if arr.shape != x.shape:
        raise ValueError(f"out must have x's shape {list(x.shape)}, got {arr.shape}")
    if chunk_size < 1:
        raise ValueError(f"chunk_size must be >= 1, got {chunk_size}")
    if np.shares_memory(arr, x):
        raise ValueError("out must not be x: propagation reads rows it has written")
    if alpha != 1.0 and x0 is None:
        raise ValueError(f"alpha={alpha} needs x0, the term weighted 1 - alpha")
    x0 = None if x0 is None else _np(x0)
    if x0 is not None and x0.shape != x.shape:
        raise ValueError(f"x0 must have x's shape {list(x.shape)}, got {x0.shape}")
    dinv = gcn_inv_sqrt_degree(indptr) if inv_sqrt_degree is None else inv_sqrt_degree
    wide = x.dtype in (np.float32, np.float64)
    blocks = range(0, n, chunk_size)
    for s in tqdm(blocks, desc="propagate", disable=not progress):
        e = min(n, s + chunk_size)
        a, b = int(indptr[s]), int(indptr[e])
        src = np.asarray(indices[a:b]).astype(np.int64)
        local = (np.asarray(indptr[s : e + 1]) - a).astype(np.int64)
        if wide:  # scipy reads the rows it needs straight from the (mapped) x
            cols, rows = src, x
        else:  # gather the touched rows once, upcast
            uniq, cols = np.unique(src, return_inverse=True)
            rows = np.asarray(x[uniq], dtype=np.float32)
        block = sp.csr_matrix((dinv[src], cols, local), shape=(e - s, rows.shape[0]))
        res = block @ rows
        res += dinv[s:e, None] * np.asarray(x[s:e], dtype=res.dtype)
        res *= dinv[s:e, None]
        if x0 is not None:
            res *= alpha
            res += (1.0 - alpha) * np.asarray(x0[s:e], dtype=res.dtype)
        if clip is not None:
            np.clip(res, clip[0], clip[1], out=res)
        arr[s:e] = res
    return out


def sgc_precompute(
    indptr: Any,
    indices: Any,
    x: Any,
    k: int,
    path: str | os.PathLike[str],
    *,
    dtype: str = "float16",
    chunk_size: int = 65536,
    progress: bool = False,
) -> np.ndarray:
    r"""Write :math:`\hat{A}^k X` (see the module) to the ``.npy`` file ``path``.

    Intermediate hops are float32 files beside ``path``, removed at the end;
    the last hop is written in ``dtype``. Memory: one block of rows and its
    edges (:func:`propagate_chunked`) plus ``[N]`` degrees; ``x`` and the
    outputs stay memory-mapped.

    Args:
        indptr: ``[N + 1]`` row offsets of the in-edge CSR.
        indices: ``[E]`` source of each edge.
        x: ``[N, F]`` features (float16/float32, may be memory-mapped).
        k: number of hops, ``>= 0`` (``0`` writes ``X`` itself in ``dtype``).
        path: the output ``.npy`` file.
        dtype: ``"float16"`` or ``"float32"`` (default: ``"float16"``).
        chunk_size: rows per block (default: ``65536``).
        progress: progress bars (default: :obj:`False`).

    Returns:
        The output, memory-mapped read-only.
    """
    if dtype not in _DTYPES:
        raise ValueError(f"dtype must be one of {sorted(_DTYPES)}, got {dtype!r}")
    if k < 0:
        raise ValueError(f"k must be >= 0, got {k}")
    indptr, indices, x = _np(indptr), _np(indices), _np(x)
    n = _check(indptr, indices, x)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    dinv = gcn_inv_sqrt_degree(indptr)
    cur, tmp = x, []
    try:
        for hop in range(1, k + 1):
            last = hop == k
            target = path if last else path.with_name(f".{path.name}.hop{hop}.npy")
            out = np.lib.format.open_memmap(
                target,
                mode="w+",
                dtype=_DTYPES[dtype] if last else np.float32,
                shape=(n, x.shape[1]),
            )
            if not last:
                tmp.append(target)
            propagate_chunked(
                indptr,
                indices,
                cur,
                out,
                chunk_size=chunk_size,
                inv_sqrt_degree=dinv,
                progress=progress,
            )
            out.flush()
            cur = out
        if k == 0:
            out = np.lib.format.open_memmap(
                path, mode="w+", dtype=_DTYPES[dtype], shape=x.shape
            )
            for s in range(0, n, chunk_size):
                out[s : s + chunk_size] = x[s : s + chunk_size]
            out.flush()
        del cur, out
    finally:
        for t in tmp:
            Path(t).unlink(missing_ok=True)
    return np.load(path, mmap_mode="r")
