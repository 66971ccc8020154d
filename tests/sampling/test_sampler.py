import pytest
import torch

from graphlabels.graph import Graph
from graphlabels.ops import CSR
from graphlabels.sampling import NeighborSampler, full_degrees


def random_graph(n=40, e=300, seed=0, weighted=False, loops=False):
    g = torch.Generator().manual_seed(seed)
    src = torch.randint(0, n, (e,), generator=g)
    dst = torch.randint(0, n, (e,), generator=g)
    # a high-degree hub and an isolated node
    src = torch.cat([src, torch.arange(1, 31)])
    dst = torch.cat([dst, torch.zeros(30, dtype=torch.long)])
    keep = (src != n - 1) & (dst != n - 1)
    if not loops:
        keep &= src != dst
    ei = torch.stack([src[keep], dst[keep]])
    w = torch.rand(ei.size(1), generator=g) + 0.1 if weighted else None
    return Graph(ei, n, edge_weight=w)


def in_neighbours(graph):
    out = {i: [] for i in range(graph.num_nodes)}
    for s, t in graph.edge_index.t().tolist():
        out[t].append(s)
    return out


def check_blocks(graph, batch, fanouts, replace):
    csr = graph.csr()
    nbrs = in_neighbours(graph)
    blocks = batch.blocks
    assert len(blocks) == len(fanouts)
    # seeds first, and every block's destinations are a prefix of its sources
    assert torch.equal(blocks[-1].dst_n_id, batch.seeds)
    assert torch.equal(blocks[0].n_id, batch.n_id)
    for inner, outer in zip(blocks[1:], blocks[:-1], strict=True):
        assert torch.equal(outer.n_id[: outer.num_dst], inner.n_id)
    for block, k in zip(reversed(blocks), fanouts, strict=True):
        assert torch.equal(block.n_id[: block.num_dst], block.dst_n_id)
        assert torch.unique(block.n_id).numel() == block.num_src
        row = block.row()
        for i in range(block.num_dst):
            v = int(block.n_id[i])
            a, b = int(block.rowptr[i]), int(block.rowptr[i + 1])
            got = block.n_id[block.col[a:b]].tolist()
            deg = len(nbrs[v])
            # each sampled neighbour is a real in-neighbour, found at e_id
            assert all(u in nbrs[v] for u in got)
            eid = block.e_id[a:b]
            assert torch.equal(csr.col[eid], block.n_id[block.col[a:b]])
            assert bool((eid >= csr.rowptr[v]).all() & (eid < csr.rowptr[v + 1]).all())
            if replace:
                assert b - a == (k if deg else 0)
            else:
                assert b - a == min(deg, k)
                assert torch.unique(eid).numel() == b - a  # distinct draws
        assert torch.equal(
            row,
            torch.repeat_interleave(torch.arange(block.num_dst), block.rowptr.diff()),
        )


@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_sampled_neighbours_are_real_and_fanout_respected(replace, weighted):
    graph = random_graph(weighted=weighted)
    fanouts = [4, 3]
    sampler = NeighborSampler(graph, fanouts, replace=replace, weighted=weighted)
    seeds = torch.tensor([0, 5, 7, 39, 12])
    batch = sampler.sample(seeds, torch.Generator().manual_seed(1))
    check_blocks(graph, batch, fanouts, replace)
    assert batch.batch_size == 5
    if weighted:
        w = graph.csr().value
        for block in batch.blocks:
            assert torch.equal(block.value, w[block.e_id])


def test_all_neighbours_with_minus_one():
    graph = random_graph()
    sampler = NeighborSampler(graph, [-1])
    block = sampler.full_block(torch.arange(graph.num_nodes))
    csr = graph.csr()
    assert torch.equal(block.rowptr, csr.rowptr)
    assert torch.equal(block.n_id[block.col], csr.col)
    assert block.num_dst == graph.num_nodes


def test_deterministic_under_a_seed():
    graph = random_graph()
    sampler = NeighborSampler(graph, [5, 5])
    seeds = torch.arange(0, 20, 3)
    a = sampler.sample(seeds, torch.Generator().manual_seed(3))
    b = sampler.sample(seeds, torch.Generator().manual_seed(3))
    c = sampler.sample(seeds, torch.Generator().manual_seed(4))
    assert torch.equal(a.n_id, b.n_id)
    for x, y in zip(a.blocks, b.blocks, strict=True):
        assert torch.equal(x.e_id, y.e_id) and torch.equal(x.col, y.col)
    assert any(
        not torch.equal(x.e_id, y.e_id) for x, y in zip(a.blocks, c.blocks, strict=True)
    )


def test_without_replacement_is_uniform_over_subsets():
    # node 0 has in-neighbours 1..5; draw 2 of 5: each of the 10 pairs ~ 1/10
    ei = torch.tensor([[1, 2, 3, 4, 5], [0, 0, 0, 0, 0]])
    sampler = NeighborSampler(Graph(ei, 6), [2])
    g = torch.Generator().manual_seed(0)
    counts: dict[tuple, int] = {}
    trials = 4000
    for _ in range(trials):
        b = sampler.sample(torch.tensor([0]), g).blocks[0]
        pair = tuple(sorted(b.n_id[b.col].tolist()))
        assert len(set(pair)) == 2
        counts[pair] = counts.get(pair, 0) + 1
    assert len(counts) == 10
    freq = torch.tensor(list(counts.values()), dtype=torch.float) / trials
    assert float((freq - 0.1).abs().max()) < 0.025


def test_weighted_sampling_follows_the_weights():
    ei = torch.tensor([[1, 2, 3], [0, 0, 0]])
    w = torch.tensor([1.0, 3.0, 0.0])
    sampler = NeighborSampler(
        Graph(ei, 4, edge_weight=w), [1], replace=True, weighted=True
    )
    g = torch.Generator().manual_seed(0)
    hits = torch.zeros(4)
    for _ in range(2000):
        b = sampler.sample(torch.tensor([0]), g).blocks[0]
        hits[b.n_id[b.col]] += 1
    assert hits[3] == 0  # zero weight: never drawn
    assert abs(float(hits[2] / hits[1:].sum()) - 0.75) < 0.04
    # without replacement, two of three: the zero-weight edge is never taken
    sampler = NeighborSampler(Graph(ei, 4, edge_weight=w), [2], weighted=True)
    for _ in range(50):
        b = sampler.sample(torch.tensor([0]), g).blocks[0]
        assert sorted(b.n_id[b.col].tolist()) == [1, 2]


def test_sampler_on_raw_int32_csr():
    graph = random_graph()
    csr = graph.csr()
    raw = CSR(csr.rowptr, csr.col, num_cols=csr.num_cols)
    raw.rowptr, raw.col = csr.rowptr.int(), csr.col.int()
    s32 = NeighborSampler(raw, [3, 3])
    s64 = NeighborSampler(graph, [3, 3])
    seeds = torch.tensor([0, 1, 2])
    a = s32.sample(seeds, torch.Generator().manual_seed(0))
    b = s64.sample(seeds, torch.Generator().manual_seed(0))
    assert torch.equal(a.n_id, b.n_id)


def test_full_degrees_match_gcn_norm():
    from graphlabels.ops import gcn_norm

    graph = random_graph(weighted=True, loops=True)
    csr = graph.csr()
    in_deg, gdeg = full_degrees(csr.rowptr, csr.col, csr.value)
    assert torch.equal(in_deg, csr.rowptr.diff())
    nonloop = csr.col != csr.row()
    ref_deg = torch.zeros(graph.num_nodes).index_add_(
        0, csr.row()[nonloop], csr.value[nonloop]
    )
    last_loop = torch.ones(graph.num_nodes)
    for p in torch.nonzero(~nonloop).view(-1).tolist():
        last_loop[csr.row()[p]] = csr.value[p]
    torch.testing.assert_close(gdeg, ref_deg + last_loop)
    # gcn_norm's loop weight of node i is loop_i / d_i with the same degree
    A = gcn_norm(csr)
    row = A.row()
    loop = A.col == row
    torch.testing.assert_close(A.value[loop], last_loop[row[loop]] / gdeg[row[loop]])


def test_bad_inputs_are_rejected():
    graph = random_graph()
    with pytest.raises(ValueError, match="fanouts must be positive or -1"):
        NeighborSampler(graph, [5, 0])
    with pytest.raises(ValueError, match="one fanout per layer"):
        NeighborSampler(graph, [])
    with pytest.raises(ValueError, match="weighted=True needs edge weights"):
        NeighborSampler(graph, [2], weighted=True)
    sampler = NeighborSampler(graph, [2])
    with pytest.raises(ValueError, match=r"seed ids must be in \[0, 40\)"):
        sampler.sample(torch.tensor([0, 40]))
    with pytest.raises(ValueError, match="duplicates"):
        sampler.sample(torch.tensor([1, 1]))
    with pytest.raises(TypeError, match="1-D tensor of node ids"):
        sampler.sample(torch.tensor([0.5]))


def test_both_unique_paths_agree():
    n = 10_000
    ei = torch.randint(0, n, (2, 50_000), generator=torch.Generator().manual_seed(0))
    sampler = NeighborSampler(Graph(ei, n), [3])
    id_map = torch.full((n,), -1)
    nodes = torch.tensor([3, 11])
    id_map[nodes] = torch.arange(2)
    few = torch.tensor([7, 3, 7, 9000, 3])  # 5 * 64 <= n: torch.unique
    many = torch.randint(0, n, (400,))  # 400 * 64 > n: the mark buffer
    assert sampler._new_nodes(few, nodes, id_map).tolist() == [7, 9000]
    want = torch.unique(many)
    want = want[(want != 3) & (want != 11)]
    assert torch.equal(sampler._new_nodes(many, nodes, id_map), want)
    assert not bool(sampler._local.mark.any())  # the buffer is left clean
    batch = sampler.sample(torch.tensor([1, 2]))  # few new nodes: torch.unique
    assert torch.equal(batch.blocks[0].dst_n_id, torch.tensor([1, 2]))


@pytest.mark.parametrize("threads", [1, 2, 3])
def test_nonzero_in_slices_equals_nonzero(threads):
    from graphlabels.sampling.sampler import _nonzero

    mask = torch.rand(3_000_001, generator=torch.Generator().manual_seed(1)) < 0.01
    mask[0] = mask[-1] = True
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(threads)
        assert torch.equal(_nonzero(mask), mask.nonzero().view(-1))
    finally:
        torch.set_num_threads(before)


def test_samples_do_not_depend_on_the_thread_count():
    n = 300_000  # large enough for the sliced mark buffer
    ei = torch.randint(0, n, (2, 3_000_000), generator=torch.Generator().manual_seed(0))
    sampler = NeighborSampler(Graph(ei, n), [15, 10])
    seeds = torch.arange(0, n, 97)
    before = torch.get_num_threads()
    out = []
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            out.append(sampler.sample(seeds, torch.Generator().manual_seed(5)))
    finally:
        torch.set_num_threads(before)
    assert torch.equal(out[0].n_id, out[1].n_id)
    for x, y in zip(out[0].blocks, out[1].blocks, strict=True):
        assert torch.equal(x.e_id, y.e_id) and torch.equal(x.col, y.col)
        assert torch.equal(x.rowptr, y.rowptr)
