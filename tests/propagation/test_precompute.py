import numpy as np
import pytest
import torch

from graphlabels.graph import Graph
from graphlabels.propagation.precompute import (
    gcn_inv_sqrt_degree,
    propagate_chunked,
    sgc_precompute,
)


def _graph():
    """23 nodes, directed edges with repeats and a self loop; 20..22 isolated."""
    gen = torch.Generator().manual_seed(0)
    ei = torch.randint(0, 20, (2, 70), generator=gen)
    ei = torch.cat([ei, ei[:, :5], torch.tensor([[4], [4]])], 1)
    x = torch.randn(23, 5, generator=gen, dtype=torch.float64)
    A = Graph(ei, 23).csr()
    return A.rowptr.numpy(), A.col.numpy().astype(np.int32), ei, x.numpy()


def _dense_reference(ei, x, k):
    n = x.shape[0]
    A = np.zeros((n, n))
    np.add.at(A, (ei[1].numpy(), ei[0].numpy()), 1.0)  # A[i, j]: edges j -> i
    A += np.eye(n)
    dinv = 1 / np.sqrt(A.sum(1))
    Ahat = dinv[:, None] * A * dinv[None, :]
    return np.linalg.matrix_power(Ahat, k) @ x


@pytest.mark.parametrize("k", [0, 1, 2, 3])
@pytest.mark.parametrize("chunk_size", [1, 4, 7, 100])
@pytest.mark.parametrize("x_dtype", [np.float32, np.float16])
def test_sgc_precompute_matches_dense(tmp_path, k, chunk_size, x_dtype):
    indptr, indices, ei, x = _graph()
    xin = x.astype(x_dtype)
    mm = np.lib.format.open_memmap(tmp_path / "x.npy", "w+", x_dtype, xin.shape)
    mm[:] = xin
    mm.flush()
    x_map = np.load(tmp_path / "x.npy", mmap_mode="r")
    out = sgc_precompute(
        indptr, indices, x_map, k, tmp_path / "sgc.npy", dtype="float32",
        chunk_size=chunk_size,
    )  # fmt: skip
    assert isinstance(out, np.memmap) and out.dtype == np.float32
    ref = _dense_reference(ei, xin.astype(np.float64), k)
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)
    # isolated nodes keep their features: degree 1 (the self loop)
    np.testing.assert_allclose(out[20:], xin[20:].astype(np.float64), atol=1e-6)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sgc.npy", "x.npy"]
    half = sgc_precompute(indptr, indices, x_map, k, tmp_path / "h.npy")
    assert half.dtype == np.float16
    np.testing.assert_allclose(half, ref, rtol=2e-3, atol=2e-3)


def test_propagate_chunked_takes_tensors_and_checks_inputs():
    indptr, indices, ei, x = _graph()
    x32 = x.astype(np.float32)
    t = torch.from_numpy
    out = propagate_chunked(
        t(indptr), t(indices), t(x32), np.zeros_like(x32), chunk_size=5
    )
    np.testing.assert_allclose(out, _dense_reference(ei, x, 1), rtol=1e-5, atol=1e-5)
    x0 = np.ones_like(x32)
    mix = propagate_chunked(indptr, indices, x32, np.zeros_like(x32), alpha=0.8, x0=x0)
    np.testing.assert_allclose(
        mix, 0.8 * _dense_reference(ei, x, 1) + 0.2, rtol=1e-5, atol=1e-5
    )
    clipped = propagate_chunked(
        indptr, indices, x32, np.zeros_like(x32), clip=(-0.1, 0.2)
    )
    np.testing.assert_allclose(
        clipped, _dense_reference(ei, x, 1).clip(-0.1, 0.2), rtol=1e-5, atol=1e-5
    )
    with pytest.raises(ValueError, match="alpha=0.5 needs x0"):
        propagate_chunked(indptr, indices, x32, np.zeros_like(x32), alpha=0.5)
    d = gcn_inv_sqrt_degree(indptr)
    assert d[20] == 1.0 and d.dtype == np.float64
    with pytest.raises(ValueError, match="out must not be x"):
        propagate_chunked(indptr, indices, x32, x32)
    with pytest.raises(ValueError, match=r"x must be \[num_nodes, F\] = \[23, F\]"):
        propagate_chunked(indptr, indices, x32[:5], np.zeros((5, 5)))
    with pytest.raises(ValueError, match="indptr must end at len"):
        propagate_chunked(indptr, indices[:-1], x32, np.zeros_like(x32))
    with pytest.raises(ValueError, match="k must be >= 0"):
        sgc_precompute(indptr, indices, x32, -1, "unused.npy")
    with pytest.raises(ValueError, match="dtype must be one of"):
        sgc_precompute(indptr, indices, x32, 1, "unused.npy", dtype="int8")
