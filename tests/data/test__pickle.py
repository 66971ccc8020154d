import os
import pickle

import numpy as np
import pytest
import scipy.sparse as sp

from graphlabels.data._pickle import npz_object_array, safe_loads


class _Evil:
    def __reduce__(self):
        return (os.system, ("echo pwned",))


def test_allowed_objects_round_trip():
    m = sp.csr_matrix(np.eye(3, dtype=np.float32))
    out = safe_loads(pickle.dumps(m))
    assert (out != m).nnz == 0
    assert safe_loads(pickle.dumps([np.arange(3)]))[0].tolist() == [0, 1, 2]


def test_code_is_refused():
    with pytest.raises(pickle.UnpicklingError, match="refusing to unpickle"):
        safe_loads(pickle.dumps(_Evil()))


def test_npz_object_array(tmp_path):
    np.savez(tmp_path / "a.npz", names=np.array(["x", "yy"], dtype=object))
    assert npz_object_array(tmp_path / "a.npz", "names").tolist() == ["x", "yy"]
