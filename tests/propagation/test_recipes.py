import pytest
import torch

from graphlabels.data.synthetic import csbm
from graphlabels.graph import remove_self_loops, to_undirected
from graphlabels.propagation import CorrectAndSmooth
from graphlabels.propagation.recipes import (
    BASE_PRESETS,
    CS_PRESETS,
    diffusion_features,
    spectral_embedding,
)


def test_presets_cover_both_datasets_and_build():
    for ds in ("ogbn-arxiv", "ogbn-products"):
        for base in ("linear", "mlp"):
            cs = CorrectAndSmooth(**CS_PRESETS[(ds, base)])
            assert cs.num_correction_layers == 50 and not cs.reset_labels
            assert BASE_PRESETS[(ds, base)]["num_layers"] in (1, 3)


def test_diffusion_features_match_dense(dense):
    g = csbm(60, 2, num_features=5, seed=1, as_graph=True)
    n = g.num_nodes
    out = diffusion_features(g.x, g.edge_index, num_layers=4, alpha=0.5)
    ei, _ = to_undirected(g.edge_index, None, n)
    ei, _ = remove_self_loops(ei)
    ei = torch.cat([ei, torch.arange(n).repeat(2, 1)], dim=1)  # one loop per node
    A = dense.adjacency(ei, n)
    x = g.x.double()
    for _ in range(4):
        x = x - 0.5 * (x - A @ x)
    torch.testing.assert_close(out.double(), x, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("n", [40, 2100])
def test_spectral_embedding_is_top_eigenvectors(dense, n):
    g = csbm(n, 2, avg_degree=6, seed=2, as_graph=True)
    emb = spectral_embedding(g.edge_index, n, dim=8)
    assert emb.shape == (n, 8) and emb.dtype == torch.float32
    ei, _ = to_undirected(g.edge_index, None, n)
    A = dense.adjacency(ei, n)
    vals = torch.linalg.eigvalsh(A).flip(0)[:8]
    v = emb.double()
    # Orthonormal columns spanning eigenvectors of the 8 largest eigenvalues.
    torch.testing.assert_close(v.T @ v, torch.eye(8, dtype=torch.float64),
                               atol=1e-4, rtol=0)  # fmt: skip
    rayleigh = torch.diag(v.T @ A @ v)
    torch.testing.assert_close(rayleigh.sort(descending=True).values, vals,
                               atol=1e-4, rtol=0)  # fmt: skip


def test_spectral_embedding_pads_small_graphs():
    ei = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    emb = spectral_embedding(ei, 3, dim=5)
    assert emb.shape == (3, 5)
    assert torch.equal(emb[:, 3:], torch.zeros(3, 2))
