import networkx as nx
import pytest
import torch

from graphlabels.labelfree import selection as S
from graphlabels.labelfree.selection import SELECTORS, select


def star(n_leaves: int = 6):
    leaves = torch.arange(1, n_leaves + 1)
    return torch.stack([torch.zeros(n_leaves, dtype=torch.long), leaves])


def two_blobs():
    # two disconnected paths 0-1-2 and 3-4-5; features on a line per blob
    ei = torch.tensor([[0, 1, 3, 4], [1, 2, 4, 5]])
    x = torch.tensor(
        [[0.0, 0.0], [0.0, 1.0], [0.0, 2.0], [9.0, 9.0], [9.0, 10.0], [9.0, 11.0]]
    )
    return ei, x


def random_graph(n=300, e=1200, f=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randint(n, (2, e), generator=g), torch.randn(n, f, generator=g)


def test_percentile_rank():
    r = S.percentile_rank(torch.tensor([3.0, 1.0, 2.0, 1.0]))
    assert r.tolist() == [0.75, 0.0, 0.5, 0.25]  # ties: smaller id ranks lower


def test_degree_and_pagerank_pick_the_hub():
    ei = star()
    x = torch.randn(7, 3)
    assert select("degree", ei, x, 1).tolist() == [0]
    assert select("pagerank", ei, x, 1).tolist() == [0]


def test_pagerank_matches_networkx():
    ei, _ = random_graph(80, 200)
    g = nx.Graph()
    g.add_nodes_from(range(80))
    g.add_edges_from((int(a), int(b)) for a, b in ei.t() if a != b)
    ref = nx.pagerank(g, alpha=0.85, tol=1e-12)
    ours = S.pagerank(ei, 80)
    assert torch.allclose(
        ours, torch.tensor([ref[i] for i in range(80)], dtype=torch.float64), atol=1e-8
    )
    assert abs(float(ours.sum()) - 1.0) < 1e-9


def test_density_formula_on_two_clusters():
    x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [10.0, 10.0], [10.0, 12.0]])
    d = S.density(x, 2, seed=0)
    expected = torch.tensor([1 / 1.5, 1 / 1.5, 1 / 2.0, 1 / 2.0], dtype=torch.float64)
    assert torch.allclose(d, expected)
    assert torch.allclose(S.c_density(x, 2, seed=3), expected)


def test_kmeans_recovers_blobs():
    g = torch.Generator().manual_seed(0)
    centers = torch.tensor([[0.0, 0.0], [20.0, 0.0], [0.0, 20.0]])
    y = torch.arange(3).repeat_interleave(50)
    x = centers[y] + torch.randn(150, 2, generator=g)
    c, labels, _ = S.kmeans(x, 3, seed=1)
    # every true blob maps to exactly one cluster
    for k in range(3):
        assert labels[y == k].unique().numel() == 1
    assert labels.unique().numel() == 3


def test_aax_is_two_gcn_steps():
    ei = torch.tensor([[0, 1], [1, 2]])
    x = torch.eye(3)
    a = torch.zeros(3, 3)
    und = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    a[und[1], und[0]] = 1.0
    a = a + torch.eye(3)
    dinv = a.sum(1).pow(-0.5)
    a_hat = dinv[:, None] * a * dinv[None]
    assert torch.allclose(S.aax(x, ei), a_hat @ a_hat @ x, atol=1e-6)


def test_featprop_takes_one_medoid_per_component():
    ei, x = two_blobs()
    picked = sorted(select("featprop", ei, x, 2, seed=0).tolist())
    assert picked[0] in (0, 1, 2) and picked[1] in (3, 4, 5)
    h = S.aax(x, ei)
    for m, comp in zip(picked, ([0, 1, 2], [3, 4, 5]), strict=True):
        cost = torch.cdist(h[comp], h[comp]).sum(0)
        assert comp[int(cost.argmin())] == m  # the medoid of ÂÂX in its component


def test_kmedoids_medoid_minimises_total_distance():
    x = torch.tensor([[0.0], [1.0], [2.0], [10.0], [30.0], [31.0], [32.0]])
    medoids, labels, d = S.kmedoids(x, 2, seed=0)
    assert sorted(medoids.tolist()) in ([2, 5], [1, 5])
    cluster = (labels == labels[0]).nonzero().view(-1)
    m = medoids[labels[0]]
    cost = torch.cdist(x[cluster], x[cluster]).sum(0)
    assert float(torch.cdist(x[m][None], x[cluster]).sum()) == pytest.approx(
        float(cost.min())
    )


def test_age_formula():
    ei, x = random_graph(200, 800)
    b = 10
    got = select("age", ei, x, b, seed=2, alpha=0.3)
    dens = S.density(S.aax(x, ei), b, seed=2)
    score = 0.3 * S.percentile_rank(dens) + 0.7 * S.percentile_rank(S.pagerank(ei, 200))
    assert (
        got.tolist() == torch.argsort(score, descending=True, stable=True)[:b].tolist()
    )


@pytest.mark.parametrize("base", ["degree", "pagerank", "density", "age"])
def test_da_mixes_ranks_with_c_density(base):
    ei, x = random_graph(200, 800)
    b, c = 12, 4
    got = select(f"da-{base}", ei, x, b, num_classes=c, seed=1)
    s = S._scores(base, ei, x, b, 200, c, 1, None, 0.5)
    cd = S.c_density(x, c, seed=1)
    score = 0.5 * S.percentile_rank(s) + 0.5 * S.percentile_rank(cd)
    assert (
        got.tolist() == torch.argsort(score, descending=True, stable=True)[:b].tolist()
    )


def test_da_featprop_picks_one_per_cluster():
    ei, x = random_graph(200, 800)
    got = select("da-featprop", ei, x, 8, num_classes=3, seed=0)
    _, labels, _ = S.kmedoids(S.aax(x, ei), 8, seed=0)
    assert labels[got].unique().numel() == 8


@pytest.mark.parametrize("name", sorted(SELECTORS))
def test_contract_every_selector(name):
    ei, x = random_graph()
    cand = torch.rand(300, generator=torch.Generator().manual_seed(5)) < 0.4
    a = select(name, ei, x, 15, num_classes=4, seed=7, candidates=cand)
    b = select(name, ei, x, 15, num_classes=4, seed=7, candidates=cand)
    assert a.dtype == torch.long and a.shape == (15,)
    assert a.unique().numel() == 15
    assert bool(cand[a].all()), "selected a node outside candidates"
    assert torch.equal(a, b), "not deterministic for a fixed seed"


def test_random_depends_on_seed_and_names_are_normalised():
    ei, x = random_graph()
    assert not torch.equal(
        select("random", ei, x, 20, seed=0), select("random", ei, x, 20, seed=1)
    )
    assert torch.equal(
        select("DA_PageRank", ei, x, 5, num_classes=3),
        select("da-pagerank", ei, x, 5, num_classes=3),
    )


def test_errors_name_the_fix():
    ei, x = random_graph()
    with pytest.raises(ValueError, match="choose one of"):
        select("nope", ei, x, 5)
    with pytest.raises(ValueError, match="budget must be in"):
        select("degree", ei, x, 301)
    with pytest.raises(ValueError, match="num_classes"):
        select("c-density", ei, x, 5)
    with pytest.raises(ValueError, match="pass x"):
        select("featprop", ei, None, 5, num_nodes=300)
