"""A restricted unpickler for the pickled data files (Planetoid, npz object arrays).

Only numpy arrays and dtypes, scipy CSR matrices, lists and ``defaultdict`` can be
built, so a tampered file cannot run code on load.
"""

from __future__ import annotations

import codecs
import collections
import io
import pickle
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

__all__ = ["npz_object_array", "safe_loads"]

_ALLOWED: dict[tuple[str, str], Any] = {
    ("numpy", "ndarray"): np.ndarray,
    ("numpy", "dtype"): np.dtype,
    ("scipy.sparse.csr", "csr_matrix"): sp.csr_matrix,
    ("scipy.sparse._csr", "csr_matrix"): sp.csr_matrix,
    ("collections", "defaultdict"): collections.defaultdict,
    ("collections", "OrderedDict"): collections.OrderedDict,
    ("_codecs", "encode"): codecs.encode,  # how Python 3 pickles bytes
    ("__builtin__", "list"): list,
    ("builtins", "list"): list,
}


def _reconstruct() -> Any:
    try:
        from numpy._core.multiarray import _reconstruct as fn
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _reconstruct as fn
    return fn


class _SafeUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _ALLOWED:
            return _ALLOWED[(module, name)]
        if name == "_reconstruct" and module in (
            "numpy.core.multiarray",
            "numpy._core.multiarray",
        ):
            return _reconstruct()
        raise pickle.UnpicklingError(
            f"refusing to unpickle {module}.{name}: data files may hold only numpy "
            "arrays, scipy CSR matrices, lists and dicts; this file is not the one "
            "expected"
        )


def safe_loads(data: bytes) -> Any:
    """Unpickle ``data`` (Python 2 pickles too, as latin1) with the allowlist."""
    return _SafeUnpickler(io.BytesIO(data), encoding="latin1").load()


def npz_object_array(path: str | Path, key: str) -> np.ndarray:
    """Read an object array (e.g. string class names) from an ``.npz`` safely.

    ``numpy.load`` needs ``allow_pickle=True`` for object arrays, which trusts the
    file completely; this reads the member's header and unpickles with the allowlist.
    """
    with zipfile.ZipFile(path) as zf, zf.open(f"{key}.npy") as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            np.lib.format.read_array_header_1_0(f)
        else:
            np.lib.format.read_array_header_2_0(f)
        return np.asarray(safe_loads(f.read()))
