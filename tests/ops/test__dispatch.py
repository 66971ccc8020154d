import pytest
import torch

from graphlabels.ops import CSR, use_backend
from graphlabels.ops._dispatch import check_features, check_weight, kernels


def test_kernels_per_backend():
    with use_backend("reference"):
        assert kernels(torch.device("cpu")) == ("reference", None)
    with use_backend("cpu"):
        name, mod = kernels(torch.device("cpu"))
        assert name == "cpu" and hasattr(mod, "spmm_sum")


def test_kernels_compiled_backend():
    pytest.importorskip("numba")
    with use_backend("cpu-compiled"):
        name, mod = kernels(torch.device("cpu"))
    assert name == "cpu-compiled" and mod.__name__ == "graphlabels.ops._numba"
    assert hasattr(mod, "gat_aggregate") and mod.FUSED_MEAN


def test_checks():
    A = CSR.from_edge_index(torch.tensor([[0, 1], [1, 0]]), 2)
    X = torch.randn(2, 3, 4)
    assert check_weight(A, torch.ones(2, 3), X, "op").shape == (2, 3)
    assert check_weight(A, torch.ones(2, dtype=torch.long), X, "op").is_floating_point()
    with pytest.raises(ValueError, match=r"expected \[2\] or \[2, 3\]"):
        check_weight(A, torch.ones(2, 4), X, "op")
    with pytest.raises(ValueError, match="X has 3 rows but A has 2 rows"):
        check_features(A, torch.randn(3, 1), "op", rows=True)
