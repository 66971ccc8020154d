import pytest
import torch

from graphlabels.labelfree.clustering import c_density, density, kmeans, kmedoids


def test_density_formula_on_two_clusters():
    x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 12.0]])
    d = density(x, 2, seed=0)
    expected = torch.tensor([1 / 1.5, 1 / 1.5, 1 / 2.0, 1 / 2.0], dtype=torch.float64)
    assert torch.allclose(d, expected)
    assert torch.allclose(c_density(x, 2, seed=3), expected)


def test_kmeans_recovers_blobs():
    g = torch.Generator().manual_seed(0)
    centers = torch.tensor([[0.0, 0.0], [20.0, 0.0], [0.0, 20.0]])
    y = torch.arange(3).repeat_interleave(50)
    x = centers[y] + torch.randn(150, 2, generator=g)
    c, labels, _ = kmeans(x, 3, seed=1)
    # every true blob maps to exactly one cluster
    for k in range(3):
        assert labels[y == k].unique().numel() == 1
    assert labels.unique().numel() == 3


def test_kmedoids_medoid_minimises_total_distance():
    x = torch.tensor([[0.0], [1.0], [2.0], [10.0], [30.0], [31.0], [32.0]])
    medoids, labels, d = kmedoids(x, 2, seed=0)
    assert sorted(medoids.tolist()) in ([2, 5], [1, 5])
    cluster = (labels == labels[0]).nonzero().view(-1)
    m = medoids[labels[0]]
    cost = torch.cdist(x[cluster], x[cluster]).sum(0)
    assert float(torch.cdist(x[m][None], x[cluster]).sum()) == pytest.approx(
        float(cost.min())
    )
