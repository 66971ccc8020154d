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
