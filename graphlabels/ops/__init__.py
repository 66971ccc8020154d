"""Sparse message-passing operators with autograd.

Everything works on a :class:`CSR` whose row ``i`` holds the incoming edges of node
``i``. Kernels: compiled CPU kernels (``cpu-compiled``, numba, the default on CPU
when numba imports), torch's CSR operators (``cpu`` backend, any device), Triton
(CUDA), and a pure-torch ``reference``; choose with :func:`set_backend` or the
environment variable ``GRAPHLABELS_BACKEND`` (``auto`` | ``reference`` | ``cpu`` |
``cpu-compiled`` | ``triton``).
"""

from graphlabels.ops._backend import (
    BACKENDS,
    get_backend,
    numba_available,
    set_backend,
    triton_available,
    use_backend,
)
from graphlabels.ops.attention import gat_aggregate
from graphlabels.ops.csr import CSR, as_csr
from graphlabels.ops.linear import linear, select_rows
from graphlabels.ops.norm import add_self_loops, gcn_norm
from graphlabels.ops.reorder import reorder
from graphlabels.ops.sddmm import sddmm
from graphlabels.ops.softmax import segment_softmax
from graphlabels.ops.spmm import spmm

__all__ = [
    "BACKENDS",
    "CSR",
    "add_self_loops",
    "as_csr",
    "gat_aggregate",
    "numba_available",
    "gcn_norm",
    "get_backend",
    "linear",
    "reorder",
    "sddmm",
    "segment_softmax",
    "select_rows",
    "set_backend",
    "spmm",
    "triton_available",
    "use_backend",
]
