import pytest
import torch
from torch import nn

from graphlabels.graph import Graph
from graphlabels.nn import GAT, GCN, MLP, SAGE
from graphlabels.nn.inference import layerwise_inference, supports_blocks
from graphlabels.sampling import NeighborSampler


def make_graph(n=50, e=260, weighted=False, loops=True, seed=0):
    g = torch.Generator().manual_seed(seed)
    src = torch.randint(0, n - 1, (e,), generator=g)
    dst = torch.randint(0, n - 1, (e,), generator=g)
    if not loops:
        keep = src != dst
        src, dst = src[keep], dst[keep]
    # a hub, duplicates, and node n-1 isolated
    src = torch.cat([src, torch.arange(1, 21), torch.tensor([3, 3])])
    dst = torch.cat([dst, torch.zeros(20, dtype=torch.long), torch.tensor([4, 4])])
    ei = torch.stack([src, dst])
    w = torch.rand(ei.size(1), generator=g) + 0.5 if weighted else None
    x = torch.randn(n, 12, generator=g)
    return Graph(ei, n, x=x, edge_weight=w)


MODELS = {
    "gcn": lambda f: GCN(f, 5, hidden_channels=16, num_layers=3),
    "gcn-wide": lambda f: GCN(f, 5, hidden_channels=32, num_layers=2),
    "sage": lambda f: SAGE(f, 5, hidden_channels=16, num_layers=3),
    "sage-wide": lambda f: SAGE(f, 5, hidden_channels=32, num_layers=2),
    "gat": lambda f: GAT(f, 5, hidden_channels=4, heads=3, num_layers=3),
    "mlp": lambda f: MLP(f, 5, hidden_channels=16, num_layers=2),
}


@pytest.mark.parametrize("name", sorted(MODELS))
@pytest.mark.parametrize("chunk", [7, 1000])
def test_layerwise_inference_equals_full_batch(name, chunk):
    # GCN with self loops of weight 1 and duplicates is exact; weighted without loops
    graph = make_graph(loops=True)
    model = MODELS[name](graph.num_features).train()
    with torch.no_grad():
        full = model.eval()(graph.x, graph.csr())
    model.train()
    out = layerwise_inference(model, graph, chunk_size=chunk)
    assert model.training  # the mode is restored
    assert out.shape == (graph.num_nodes, 5)
    torch.testing.assert_close(out, full, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("name", ["gcn", "sage", "gat"])
def test_layerwise_inference_weighted_graph(name):
    graph = make_graph(weighted=True, loops=False)
    model = MODELS[name](graph.num_features).eval()
    with torch.no_grad():
        full = model(graph.x, graph.csr())
    out = layerwise_inference(model, graph, chunk_size=9)
    torch.testing.assert_close(out, full, atol=1e-5, rtol=1e-5)


def test_layerwise_inference_from_half_precision_features():
    graph = make_graph()
    model = MODELS["sage"](graph.num_features).eval()
    x16 = graph.x.half()
    with torch.no_grad():
        full = model(x16.float(), graph.csr())
    out = layerwise_inference(model, graph, chunk_size=11, x=x16)
    torch.testing.assert_close(out, full, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("name", ["gcn", "gcn-wide", "sage", "gat"])
def test_blocks_with_all_neighbours_match_full_batch_values_and_grads(name):
    graph = make_graph(loops=False)
    model = MODELS[name](graph.num_features).eval()
    layers = len(model.layers)
    seeds = torch.tensor([0, 4, 9, 30])
    batch = NeighborSampler(graph, [-1] * layers).sample(seeds)
    out = model(graph.x[batch.n_id], batch.blocks)
    full = model(graph.x, graph.csr())
    torch.testing.assert_close(out, full[seeds], atol=1e-5, rtol=1e-5)
    ga = torch.autograd.grad(out.square().sum(), list(model.parameters()))
    gb = torch.autograd.grad(full[seeds].square().sum(), list(model.parameters()))
    for a, b in zip(ga, gb, strict=True):
        torch.testing.assert_close(a, b, atol=1e-5, rtol=1e-4)


def test_gcn_block_is_unbiased_under_sampling():
    # the sampled GCN layer is an unbiased estimate of the full layer
    graph = make_graph(loops=False)
    conv = GCN(graph.num_features, 3, num_layers=1).layers[0]
    seeds = torch.tensor([0])  # the hub, 20+ in-neighbours
    sampler = NeighborSampler(graph, [5])
    with torch.no_grad():
        full = conv(graph.x, graph.csr())[0]
        g = torch.Generator().manual_seed(0)
        outs = []
        for _ in range(3000):
            b = sampler.sample(seeds, g)
            outs.append(conv(graph.x[b.n_id], b.blocks[0])[0])
        mean = torch.stack(outs).mean(0)
    assert float((mean - full).abs().max()) < 0.03 * float(full.abs().max())


def test_blocks_must_match_the_layers():
    graph = make_graph()
    model = MODELS["sage"](graph.num_features)
    batch = NeighborSampler(graph, [3, 3]).sample(torch.tensor([1, 2]))
    with pytest.raises(ValueError, match="got 2 blocks for a model with 3 layers"):
        model(graph.x[batch.n_id], batch.blocks)


def test_gcn_block_rejects_unsupported_options():
    graph = make_graph()
    model = GCN(graph.num_features, 3, num_layers=1)
    model.layers[0].improved = True
    batch = NeighborSampler(graph, [3]).sample(torch.tensor([1, 2]))
    with pytest.raises(ValueError, match="improved=False and add_self_loops=True"):
        model(graph.x[batch.n_id], batch.blocks)


def test_unsupported_models_name_the_fix():
    graph = make_graph()

    class Custom(nn.Module):
        def forward(self, x, edge_index):
            return x

    assert not supports_blocks(Custom())
    assert supports_blocks(MODELS["gcn"](12))
    with pytest.raises(TypeError, match="add such a method or use full-batch"):
        layerwise_inference(Custom(), graph)
    with pytest.raises(ValueError, match="chunk_size must be >= 1"):
        layerwise_inference(MODELS["gcn"](12), graph, chunk_size=0)


@pytest.mark.parametrize("name", ["gcn-wide", "sage-wide", "gat", "mlp"])
def test_layerwise_inference_reads_sparse_features(name):
    # bag-of-words features: models with sparse_input get CSR rows per chunk
    graph = make_graph()
    g = torch.Generator().manual_seed(1)
    x = torch.randn(graph.num_nodes, 64, generator=g)
    x = x * (torch.rand(x.shape, generator=g) < 0.05)
    graph = graph.replace(x=x)
    model = MODELS[name](64).eval()
    assert model.sparse_input and graph.sparse_x() is not None
    with torch.no_grad():
        full = model(x, graph.csr())
    out = layerwise_inference(model, graph, chunk_size=9)
    torch.testing.assert_close(out, full, atol=1e-5, rtol=1e-5)
