import pytest
import torch

from graphlabels.nn import APPNP, GAT, GCN, MLP, SAGE, build_model, count_parameters


@pytest.mark.parametrize("name", ["gcn", "gat", "sage", "appnp", "mlp"])
def test_every_model_builds_runs_and_resets(name, blobs):
    torch.manual_seed(0)
    model = build_model(name, blobs.num_features, 3)
    out = model(blobs.x, blobs.csr())
    assert out.shape == (blobs.num_nodes, 3) and torch.isfinite(out).all()
    out.sum().backward()
    assert all(p.grad is not None for p in model.parameters() if p.requires_grad)
    before = [p.detach().clone() for p in model.parameters()]
    model.reset_parameters()
    after = list(model.parameters())
    assert any(not torch.equal(a, b) for a, b in zip(before, after, strict=True))


def test_models_accept_edge_index_as_well_as_csr(blobs):
    for cls in (GCN, SAGE, GAT, APPNP):
        torch.manual_seed(0)
        model = cls(4, 2).eval()
        a = model(blobs.x, blobs.csr())
        b = model(blobs.x, blobs.edge_index)
        assert torch.allclose(a, b, atol=1e-5), cls.__name__


def test_eval_mode_is_deterministic_and_train_mode_uses_dropout(blobs):
    model = GCN(4, 2, dropout=0.5)
    model.eval()
    assert torch.equal(model(blobs.x, blobs.csr()), model(blobs.x, blobs.csr()))
    model.train()
    assert not torch.equal(model(blobs.x, blobs.csr()), model(blobs.x, blobs.csr()))


def test_layer_counts_and_parameters():
    assert len(GCN(4, 2, num_layers=3).layers) == 3
    assert count_parameters(MLP(4, 2, num_layers=1)) == 4 * 2 + 2
    assert count_parameters(GCN(4, 2, hidden_channels=8)) == 4 * 8 + 8 + 8 * 2 + 2
    assert len(MLP(4, 2, batch_norm=True, num_layers=3).norms) == 2


def test_bad_names_and_sizes():
    with pytest.raises(ValueError, match="unknown model 'gin'"):
        build_model("gin", 4, 2)
    with pytest.raises(ValueError, match="num_layers must be >= 1"):
        GCN(4, 2, num_layers=0)


@pytest.mark.parametrize("cls", [GCN, SAGE, GAT, MLP, APPNP])
def test_sparse_csr_features_give_the_same_outputs_and_gradients(cls, blobs):
    torch.manual_seed(0)
    x = torch.randn(blobs.num_nodes, 12) * (torch.rand(blobs.num_nodes, 12) < 0.1)
    model = cls(12, 2, hidden_channels=8).eval()
    assert model.sparse_input
    dense = model(x, blobs.csr())
    dense.square().sum().backward()
    grads = [p.grad.clone() for p in model.parameters()]
    model.zero_grad()
    sparse = model(x.to_sparse_csr(), blobs.csr())
    sparse.square().sum().backward()
    assert torch.allclose(dense, sparse, atol=1e-5)
    assert not GCN(12, 2, hidden_channels=64).sparse_input  # propagates x first
    assert not SAGE(12, 2, hidden_channels=64).sparse_input
    for g, p in zip(grads, model.parameters(), strict=True):
        assert torch.allclose(g, p.grad, atol=1e-5)


def test_sparse_input_dropout_keeps_the_pattern_and_scales(blobs):
    from graphlabels.nn.models import input_dropout

    x = torch.zeros(50, 40)
    x[::3, ::2] = 1.0
    xs = x.to_sparse_csr()
    torch.manual_seed(0)
    out = input_dropout(xs, 0.5, True).to_dense()
    assert set(out.unique().tolist()) <= {0.0, 2.0}
    assert bool((out[x == 0] == 0).all())
    kept = (out[x == 1] > 0).float().mean()
    assert 0.35 < float(kept) < 0.65
    assert input_dropout(xs, 0.5, False) is xs


def test_trainer_feeds_sparse_features_only_to_models_that_take_them(blobs):
    from graphlabels.nn import as_graph_module

    x = torch.zeros(blobs.num_nodes, 30)
    x[:, 0] = 1.0
    g = blobs.replace(x=x)
    assert g.sparse_x() is not None and blobs.sparse_x() is None  # blobs x is dense
    seen = {}

    class Probe(torch.nn.Module):
        graphlabels_input = "adj"
        sparse_input = True

        def forward(self, x, adj):
            seen["layout"] = x.layout
            return x.to_dense()[:, :2]

    as_graph_module(Probe())(g)
    assert seen["layout"] == torch.sparse_csr
    Probe.sparse_input = False
    as_graph_module(Probe())(g)
    assert seen["layout"] == torch.strided
