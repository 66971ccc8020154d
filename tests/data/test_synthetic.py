import pytest
import torch

from graphlabels.data.synthetic import (
    PRESETS,
    csbm,
    power_law_graph,
    random_split_masks,
)


@pytest.mark.parametrize("h", [0.0, 0.2, 0.5, 0.9, 1.0])
def test_csbm_reaches_target_homophily(h):
    ei, x, y = csbm(3000, num_classes=4, avg_degree=10, homophily=h, seed=1)
    assert ei.shape[0] == 2 and x.shape == (3000, 16) and y.shape == (3000,)
    measured = (y[ei[0]] == y[ei[1]]).float().mean().item()
    assert abs(measured - h) < 0.03
    assert bool((ei[0] != ei[1]).all())  # no self loops
    # undirected: the reverse of every edge is present
    fwd = set(map(tuple, ei.t().tolist()))
    assert all((b, a) in fwd for a, b in list(fwd)[:200])


def test_csbm_features_carry_the_signal_and_seed_is_reproducible():
    _, x, y = csbm(2000, num_classes=2, feature_signal=3.0, seed=0)
    m0, m1 = x[y == 0].mean(0), x[y == 1].mean(0)
    assert (m0 - m1).norm() > 2.0
    _, x0, y0 = csbm(2000, num_classes=2, feature_signal=0.0, seed=0)
    assert (x0[y0 == 0].mean(0) - x0[y0 == 1].mean(0)).norm() < 0.3
    a, b = csbm(100, seed=5), csbm(100, seed=5)
    assert all(torch.equal(u, v) for u, v in zip(a, b, strict=True))


def test_csbm_as_graph_and_errors():
    g = csbm(300, num_classes=3, as_graph=True)
    assert g.num_nodes == 300 and g.num_classes == 3 and g.num_features == 16
    assert not bool((g.train_mask & g.test_mask).any())
    with pytest.raises(ValueError, match="num_classes >= 2"):
        csbm(10, num_classes=1)
    with pytest.raises(ValueError, match="homophily must be in"):
        csbm(10, homophily=1.5)


def test_power_law_sizes_and_degree_profile():
    ei = power_law_graph(20_000, 200_000, seed=3)
    assert ei.shape == (2, 200_000)
    assert int(ei.max()) < 20_000 and int(ei.min()) >= 0
    deg = torch.bincount(ei[1], minlength=20_000).sort(descending=True).values
    # Zipf profile with exponent 0.5: degree ratio of ranks 1 and 100 is ~10
    assert 7 < deg[0] / deg[99] < 13
    assert deg.sum() == 200_000
    src_deg = torch.bincount(ei[0], minlength=20_000)
    assert src_deg.max() < 40  # sources are uniform


def test_power_law_presets_and_graph():
    n, m = PRESETS["arxiv"]
    ei = power_law_graph("arxiv", seed=0)
    assert ei.shape == (2, m) and int(ei.max()) < n
    g = power_law_graph(1000, 5000, as_graph=True)
    assert g.num_nodes == 1000 and g.num_edges == 5000
    with pytest.raises(ValueError, match="unknown preset"):
        power_law_graph("papers")
    with pytest.raises(ValueError, match="pass num_edges"):
        power_law_graph(100)


def test_uniform_exponent_gives_near_equal_degrees():
    ei = power_law_graph(100, 1050, exponent=0.0)
    deg = torch.bincount(ei[1], minlength=100)
    assert set(deg.tolist()) <= {10, 11}


def test_random_split_masks():
    tr, va, te = random_split_masks(100, 0.5, 0.25)
    assert tr.sum() == 50 and va.sum() == 25 and te.sum() == 25
    assert not bool((tr & va).any() or (tr & te).any() or (va & te).any())
    with pytest.raises(ValueError, match="train \\+ val <= 1"):
        random_split_masks(10, 0.8, 0.5)


@pytest.mark.slow
def test_power_law_products_size():
    n, m = PRESETS["products"]
    ei = power_law_graph("products")
    assert ei.shape == (2, m) and int(ei.max()) < n
