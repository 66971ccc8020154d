"""The ``cpu-compiled`` backend: numba kernels for CPU tensors.

Importing this package imports numba; :mod:`graphlabels.ops` does so only when
the backend is used (``auto`` on CPU tensors when numba imports, or
``set_backend("cpu-compiled")``).
"""

from graphlabels.ops._numba.ops import (
    FUSED_MEAN,
    gat_aggregate,
    gather_bound,
    sddmm,
    segment_softmax_backward,
    segment_softmax_forward,
    spmm_max,
    spmm_sum,
    spmm_sum_heads,
    threads,
)

__all__ = [
    "FUSED_MEAN",
    "gat_aggregate",
    "gather_bound",
    "sddmm",
    "segment_softmax_backward",
    "segment_softmax_forward",
    "spmm_max",
    "spmm_sum",
    "spmm_sum_heads",
    "threads",
]
