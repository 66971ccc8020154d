import pytest
import torch

from graphlabels.graph import Graph
from graphlabels.ops import CSR
from graphlabels.sampling import Block, NeighborSampler


def line_graph():
    # in-edges: 0 <- 1, 2; 1 <- 3; 2 <- 3, 4; 3 <- 5; 4 <- 0
    src = torch.tensor([1, 2, 3, 3, 4, 5, 0])
    dst = torch.tensor([0, 0, 1, 2, 2, 3, 4])
    return Graph(torch.stack([src, dst]), 6)


def test_pyg_view_expands_each_node_once():
    graph = line_graph()
    batch = NeighborSampler(graph, [-1, -1]).sample(torch.tensor([0]))
    n_id = batch.n_id
    assert n_id[0] == 0 and batch.hop_sizes == [1, 3, 5]
    edges = {(int(n_id[s]), int(n_id[t])) for s, t in batch.edge_index.t().tolist()}
    # hop 1 expands 0 (from 1, 2); hop 2 expands 1 and 2 (from 3, 4), not 0 again
    assert edges == {(1, 0), (2, 0), (3, 1), (3, 2), (4, 2)}
    assert batch.edge_index.size(1) == 5
    # the blocks, unlike the PyG view, re-expand the seeds at every layer
    assert batch.blocks[0].num_dst == 3 and batch.blocks[0].nnz == 5
    assert batch.blocks[1].num_dst == 1 and batch.blocks[1].nnz == 2


def test_block_is_a_bipartite_csr_and_moves():
    graph = line_graph()
    batch = NeighborSampler(graph, [-1]).sample(torch.tensor([2, 0]))
    b = batch.blocks[0]
    assert isinstance(b, CSR) and b.shape == (2, b.num_src)
    assert torch.equal(b.dst_n_id, torch.tensor([2, 0]))
    assert torch.equal(b.in_degree, torch.tensor([2, 2]))
    assert torch.equal(b.gcn_degree[:2], torch.tensor([3.0, 3.0]))
    moved = batch.to("cpu")
    assert torch.equal(moved.blocks[0].col, b.col)
    assert "num_dst=2" in repr(b) and "batch_size=2" in repr(batch)


def test_block_without_degrees_says_how_to_get_them():
    b = Block(torch.tensor([0, 1]), torch.tensor([1]), None, 2, torch.tensor([5, 6]))
    with pytest.raises(ValueError, match="build blocks with graphlabels.sampling"):
        _ = b.gcn_degree
    with pytest.raises(ValueError, match="at least as many sources"):
        Block(
            torch.tensor([0, 0, 0]),
            torch.tensor([], dtype=torch.long),
            None,
            1,
            torch.tensor([1]),
        )
