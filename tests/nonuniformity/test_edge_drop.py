import math

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from scipy.sparse import csgraph

from graphlabels.graph import is_undirected, to_undirected
from graphlabels.nonuniformity import (
    LowScoreEdgeDrop,
    drop_low_score_edges,
    low_score_nodes,
)


def _random_graph(n=300, m=1500, seed=0):
    g = torch.Generator().manual_seed(seed)
    ei = torch.randint(0, n, (2, m), generator=g)
    ei, _ = to_undirected(ei, num_nodes=n)
    return ei


def _pairs(ei):
    a = torch.minimum(ei[0], ei[1])
    b = torch.maximum(ei[0], ei[1])
    keep = a != b
    return {(int(u), int(v)) for u, v in zip(a[keep], b[keep], strict=True)}


def _components(pairs, nodes):
    idx = {v: i for i, v in enumerate(sorted(nodes))}
    if not pairs:
        return len(nodes)
    a = np.array([idx[u] for u, _ in pairs])
    b = np.array([idx[v] for _, v in pairs])
    adj = sp.coo_array((np.ones(a.size), (a, b)), shape=(len(idx), len(idx)))
    return csgraph.connected_components(adj, directed=False)[0]


@pytest.mark.parametrize("forest", ["bfs", "random"])
@pytest.mark.parametrize("eta1, eta2", [(0.5, 0.5), (0.3, 1.0), (0.9, 0.37)])
def test_invariants(forest, eta1, eta2):
    n = 300
    ei = _random_graph(n)
    score = torch.rand(n, generator=torch.Generator().manual_seed(1))
    out, mask = drop_low_score_edges(ei, score, eta1, eta2, seed=3, forest=forest)
    assert mask.dtype == torch.bool and mask.shape == (ei.size(1),)
    assert torch.equal(out, ei[:, mask])

    sub = set(low_score_nodes(score, eta1).tolist())
    assert len(sub) == math.floor(eta1 * n)
    before, after = _pairs(ei), _pairs(out)
    inside = {p for p in before if p[0] in sub and p[1] in sub}
    dropped = before - after
    # only edges with both endpoints in V' are dropped
    assert dropped <= inside
    # the spanning forest is kept: same number of components of G[V']
    kept_inside = inside - dropped
    assert _components(kept_inside, sub) == _components(inside, sub)
    # exactly floor(eta2 * |E_c|) undirected edges go, |E_c| = |inside| - forest
    forest_size = len(sub) - _components(inside, sub)
    e_c = len(inside) - forest_size
    assert len(dropped) == math.floor(eta2 * e_c + 1e-9)
    # eta2 = 1 leaves exactly a spanning forest inside V'
    if eta2 == 1.0:
        assert len(kept_inside) == forest_size
    # undirected stays undirected
    assert is_undirected(out, n)


def test_reverse_dropped_together_and_duplicates():
    # a 4-clique among low-score nodes, both directions and a duplicate column
    pairs = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
    cols = pairs + [(v, u) for u, v in pairs] + [(1, 0), (2, 2)]
    ei = torch.tensor(cols).t()
    score = torch.tensor([0.0, 0.1, 0.2, 0.3, 1.0, 1.0])
    out, mask = drop_low_score_edges(ei, score, 4 / 6, 1.0, seed=0)
    # K4 has 6 edges, a spanning tree 3, so 3 pairs (and all their copies) go
    assert len(_pairs(out)) == 3
    present = set(map(tuple, out.t().tolist()))
    for u, v in _pairs(out):
        assert (u, v) in present and (v, u) in present
    assert (2, 2) in present  # self-loops are never dropped
    # the three kept edges span the four nodes
    assert _components(_pairs(out), {0, 1, 2, 3}) == 1


def test_bfs_forest_is_bfs_tree_from_smallest_id():
    # a triangle plus pendant: BFS from node 0 keeps (0,1), (0,2), (2,3)
    ei, _ = to_undirected(torch.tensor([[0, 0, 1, 2], [1, 2, 2, 3]]), num_nodes=4)
    score = torch.zeros(4)
    out, _ = drop_low_score_edges(ei, score, 1.0, 1.0, seed=0)
    assert _pairs(out) == {(0, 1), (0, 2), (2, 3)}


def test_edges_outside_subset_untouched():
    n = 200
    ei = _random_graph(n, 800)
    score = torch.arange(n, dtype=torch.float)  # V' = the smallest ids
    out, mask = drop_low_score_edges(ei, score, 0.4, 0.8, seed=0)
    outside = (ei[0] >= 80) | (ei[1] >= 80)
    assert mask[outside].all()
    assert not mask.all()


def test_determinism_by_seed():
    n = 300
    ei = _random_graph(n)
    score = torch.rand(n)
    a = drop_low_score_edges(ei, score, 0.6, 0.5, seed=7)[1]
    b = drop_low_score_edges(ei, score, 0.6, 0.5, seed=7)[1]
    c = drop_low_score_edges(ei, score, 0.6, 0.5, seed=8)[1]
    assert torch.equal(a, b)
    assert not torch.equal(a, c)
    assert int((~a).sum()) == int((~c).sum())
    g1 = torch.Generator().manual_seed(5)
    g2 = torch.Generator().manual_seed(5)
    assert torch.equal(
        drop_low_score_edges(ei, score, 0.6, 0.5, generator=g1)[1],
        drop_low_score_edges(ei, score, 0.6, 0.5, generator=g2)[1],
    )
    mod = LowScoreEdgeDrop(0.6, 0.5)
    assert torch.equal(mod(ei, score, seed=7)[1], a)


def test_noop_cases():
    ei = _random_graph(50, 100)
    score = torch.rand(50)
    for eta1, eta2 in [(0.0, 0.5), (0.5, 0.0), (0.01, 0.5)]:
        out, mask = drop_low_score_edges(ei, score, eta1, eta2, seed=0)
        assert mask.all() and torch.equal(out, ei)
    empty = torch.empty(2, 0, dtype=torch.long)
    out, mask = drop_low_score_edges(empty, score, 0.5, 0.5)
    assert out.shape == (2, 0) and mask.numel() == 0


def test_directed_input_dropped_as_pairs():
    # one direction only: a dropped pair removes just that column
    ei = torch.tensor([[0, 0, 1, 2, 0], [1, 2, 2, 3, 3]])
    out, mask = drop_low_score_edges(ei, torch.zeros(4), 1.0, 1.0, seed=0)
    assert int((~mask).sum()) == 2  # 5 edges - tree of 3


@pytest.mark.parametrize(
    "kwargs, exc, msg",
    [
        ({"eta1": 1.5}, ValueError, r"eta1 must be a fraction in \[0, 1\]"),
        ({"eta2": -0.1}, ValueError, "eta2 must be a fraction"),
        ({"eta1": "a"}, TypeError, "eta1 must be a number"),
        ({"forest": "dfs"}, ValueError, "forest must be one of"),
        ({"edge_index": torch.zeros(3, 4, dtype=torch.long)}, ValueError, r"\[2, E\]"),
        ({"edge_index": torch.zeros(2, 4)}, TypeError, "integers"),
        ({"edge_index": torch.tensor([[0], [9]])}, ValueError, "outside"),
        ({"score": torch.zeros(5, 2)}, ValueError, "1-D tensor"),
        ({"num_nodes": 7}, ValueError, "one score per node"),
    ],
)
def test_bad_inputs(kwargs, exc, msg):
    args = {
        "edge_index": torch.tensor([[0, 1], [1, 0]]),
        "score": torch.zeros(5),
        "eta1": 0.5,
        "eta2": 0.5,
    }
    args.update(kwargs)
    with pytest.raises(exc, match=msg):
        drop_low_score_edges(**args)


def test_nan_score_rejected():
    with pytest.raises(ValueError, match="NaN or inf"):
        low_score_nodes(torch.tensor([0.0, float("nan")]), 0.5)
