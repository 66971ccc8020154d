"""Triton kernels (CUDA; CPU tensors only under ``TRITON_INTERPRET=1``).

Importing this package requires Triton; :mod:`graphlabels.ops` imports it only
when the ``triton`` backend is selected, so graphlabels runs without Triton.
The segment softmax reuses the device-agnostic torch implementation.
"""

from graphlabels.ops._cpu import segment_softmax_backward, segment_softmax_forward
from graphlabels.ops._triton.gat import gat_aggregate
from graphlabels.ops._triton.sddmm import sddmm
from graphlabels.ops._triton.spmm import choose_kernel, spmm_max, spmm_sum

__all__ = [
    "choose_kernel",
    "gat_aggregate",
    "sddmm",
    "segment_softmax_backward",
    "segment_softmax_forward",
    "spmm_max",
    "spmm_sum",
]
