import pytest
import torch

from graphlabels.data import load
from graphlabels.graph import Graph
from graphlabels.nn.adapters import minibatch_to_pyg
from graphlabels.sampling import NeighborLoader
from graphlabels.train import accuracy


def small_graph(n=30):
    g = torch.Generator().manual_seed(0)
    src = torch.randint(0, n, (150,), generator=g)
    dst = torch.randint(0, n, (150,), generator=g)
    x = torch.randn(n, 4, generator=g).half()
    y = torch.arange(n) % 3
    return Graph(torch.stack([src, dst]), n, x=x.float(), y=y), x


def test_epoch_covers_each_seed_once_and_attaches_data():
    graph, _ = small_graph()
    seeds = torch.arange(0, 30, 2)
    loader = NeighborLoader(graph, [3, 2], seeds, batch_size=4, seed=0)
    assert len(loader) == 4
    got = []
    for batch in loader:
        got.append(batch.seeds)
        assert torch.equal(batch.x, graph.x[batch.n_id])
        assert batch.x.dtype == torch.float32
        assert torch.equal(batch.y, graph.y[batch.seeds])
    got = torch.cat(got)
    assert sorted(got.tolist()) == seeds.tolist()
    assert not torch.equal(got, seeds)  # shuffled
    loader = NeighborLoader(graph, [3], seeds, batch_size=4, drop_last=True)
    assert len(loader) == 3 and [b.batch_size for b in loader] == [4, 4, 4]
    loader = NeighborLoader(graph, [3], seeds, batch_size=4, shuffle=False)
    assert torch.equal(torch.cat([b.seeds for b in loader]), seeds)


def test_features_upcast_per_batch():
    graph, x16 = small_graph()
    graph = graph.replace(x=x16)
    batch = next(iter(NeighborLoader(graph, [2], batch_size=5, prefetch=0)))
    assert batch.x.dtype == torch.float32
    assert torch.equal(batch.x, x16[batch.n_id].float())


@pytest.mark.parametrize("prefetch", [0, 1, 3])
def test_batches_do_not_depend_on_prefetching(prefetch):
    graph, _ = small_graph()
    ref = NeighborLoader(graph, [3, 3], batch_size=7, seed=5, prefetch=0)
    other = NeighborLoader(graph, [3, 3], batch_size=7, seed=5, prefetch=prefetch)
    for _ in range(2):  # two epochs: the second differs from the first
        a, b = list(ref), list(other)
        assert len(a) == len(b) == 5
        for p, q in zip(a, b, strict=True):
            assert torch.equal(p.n_id, q.n_id)
            assert torch.equal(p.edge_index, q.edge_index)
    first = [p.n_id for p in NeighborLoader(graph, [3], batch_size=7, seed=5)]
    loader = NeighborLoader(graph, [3], batch_size=7, seed=5)
    loader.set_epoch(1)
    second = [p.n_id for p in loader]
    assert any(not torch.equal(p, q) for p, q in zip(first, second, strict=True))


def test_errors_in_the_sampling_thread_reach_the_caller():
    graph, _ = small_graph()
    loader = NeighborLoader(graph, [2], batch_size=4, prefetch=2)

    def boom(*a, **k):
        raise RuntimeError("sampling failed")

    loader.sampler.sample = boom
    with pytest.raises(RuntimeError, match="sampling failed"):
        list(loader)


def test_bad_arguments():
    graph, _ = small_graph()
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        NeighborLoader(graph, [2], batch_size=0)
    with pytest.raises(ValueError, match="input_nodes is empty"):
        NeighborLoader(graph, [2], torch.zeros(30, dtype=torch.bool))
    with pytest.raises(ValueError, match="pass features=False"):
        NeighborLoader(Graph(graph.edge_index, 30), [2])


def test_pyg_sage_trains_on_the_pyg_style_batches(data_root):
    """A PyG SAGEConv model trains through the PyG-style view, without pyg-lib."""
    from torch_geometric.nn import SAGEConv

    graph = load("cora", data_root)
    torch.manual_seed(0)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = SAGEConv(graph.num_features, 64)
            self.c2 = SAGEConv(64, graph.num_classes)

        def forward(self, x, edge_index):
            h = torch.relu(self.c1(x, edge_index))
            h = torch.nn.functional.dropout(h, 0.5, self.training)
            return self.c2(h, edge_index)

    model = Net()
    opt = torch.optim.Adam(model.parameters(), lr=0.01, weight_decay=5e-4)
    loader = NeighborLoader(
        graph, [10, 10], graph.train_mask, batch_size=32, seed=0, prefetch=1
    )
    for _ in range(15):
        model.train()
        for batch in loader:
            data = minibatch_to_pyg(batch)
            assert data.n_id is batch.n_id and data.batch_size == batch.batch_size
            opt.zero_grad()
            out = model(data.x, data.edge_index)[: data.batch_size]
            loss = torch.nn.functional.cross_entropy(out, data.y[: data.batch_size])
            loss.backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        logits = model(graph.x, graph.edge_index)
    # PyG's SAGE reaches about 79-80 on Cora's public split
    assert accuracy(logits, graph.y, graph.test_mask) > 74.0
