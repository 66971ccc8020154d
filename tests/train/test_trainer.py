import pytest
import torch

from graphlabels.nn import GCN, MLP
from graphlabels.train import accuracy, fit, seed_everything


def mlp() -> MLP:
    seed_everything(0)
    return MLP(4, 2)


def gcn() -> GCN:
    seed_everything(0)
    return GCN(4, 2, hidden_channels=8)


def test_accuracy_in_percent():
    logits = torch.tensor([[2.0, 1.0], [0.0, 1.0], [3.0, 0.0]])
    y = torch.tensor([0, 0, 0])
    assert accuracy(logits, y) == pytest.approx(200 / 3)
    assert accuracy(logits, y, torch.tensor([True, False, True])) == 100.0


def test_fit_learns_and_restores_best_weights(blobs):
    g = blobs
    res = fit(GCN(4, 2, hidden_channels=16), g, epochs=100, seed=0)
    assert res.test_acc > 80.0
    # the returned logits belong to the restored best-validation model
    assert res.val_acc == pytest.approx(accuracy(res.logits, g.y, g.val_mask))
    with torch.no_grad():
        res.model.eval()
        again = res.model(g.x, g.csr())
    assert torch.allclose(again, res.logits)
    assert 0 <= res.best_epoch < res.epochs_run <= 100


def test_fit_is_deterministic_for_a_seed(blobs):
    g = blobs
    a = fit(gcn(), g, epochs=30, seed=3).logits
    b = fit(gcn(), g, epochs=30, seed=3).logits
    assert torch.equal(a, b)


def test_early_stopping_respects_patience(blobs):
    g = blobs
    res = fit(MLP(4, 2), g, epochs=500, patience=5, seed=0)
    assert res.epochs_run <= res.best_epoch + 6


def test_training_never_reads_labels_outside_train_mask(blobs):
    g = blobs
    poisoned = g.y.clone()
    poisoned[~g.train_mask] = 1 - poisoned[~g.train_mask]
    a = fit(mlp(), g, epochs=20, patience=None, seed=1, y=g.y)
    b = fit(mlp(), g, epochs=20, patience=None, seed=1, y=poisoned)
    assert torch.equal(a.logits, b.logits)


def test_zero_sample_weight_equals_dropping_the_nodes(blobs):
    g = blobs
    extra = g.test_mask.nonzero().view(-1)[:5]
    wider = g.train_mask.clone()
    wider[extra] = True
    w = torch.ones(g.num_nodes)
    w[extra] = 0.0
    a = fit(mlp(), g, epochs=15, patience=None, seed=2)
    b = fit(
        mlp(),
        g,
        epochs=15,
        patience=None,
        seed=2,
        train_mask=wider,
        sample_weight=w,
    )
    assert torch.allclose(a.logits, b.logits, atol=1e-5)


def test_without_validation_trains_all_epochs(blobs):
    g = blobs.replace(val_mask=None)
    res = fit(MLP(4, 2), g, epochs=12, seed=0)
    assert res.epochs_run == 12 and res.best_epoch == 11
    assert res.val_acc != res.val_acc  # NaN: there is no validation set


def test_fit_errors_name_the_fix(blobs):
    g = blobs
    with pytest.raises(ValueError, match="no training nodes"):
        fit(MLP(4, 2), g, train_mask=torch.zeros(g.num_nodes, dtype=torch.bool))
    with pytest.raises(ValueError, match="no node features"):
        fit(MLP(4, 2), g.replace(x=None))
    y = g.y.clone()
    y[g.train_mask.nonzero()[0]] = -1
    with pytest.raises(ValueError, match="label -1"):
        fit(MLP(4, 2), g, y=y)
    with pytest.raises(ValueError, match="train_mask has shape"):
        fit(MLP(4, 2), g, train_mask=torch.ones(3, 3, dtype=torch.bool))


def test_restore_best_false_keeps_the_last_weights(blobs):
    g = blobs

    def train(graph, **kw):
        seed_everything(4)
        return fit(GCN(4, 2, hidden_channels=16), graph, epochs=40, seed=4, **kw)

    last = train(g, patience=None, restore_best=False)
    no_val = train(g.replace(val_mask=None), patience=None)
    best = train(g, patience=None)
    # the same weights as training without a validation set, still scored on it
    assert torch.equal(last.logits, no_val.logits)
    assert last.best_epoch == last.epochs_run - 1 == 39
    assert last.val_acc == accuracy(last.logits, g.y, g.val_mask)
    assert best.val_acc >= last.val_acc and best.best_epoch <= 39
