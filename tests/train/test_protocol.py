import torch

from graphlabels.data import load
from graphlabels.nn import GCN
from graphlabels.train import FullBatchTrainer, Trainer, fit


def _graph():
    return load("cora")


def test_full_batch_trainer_equals_fit():
    g = _graph()
    trainer = FullBatchTrainer(epochs=20, patience=None)
    assert isinstance(trainer, Trainer)
    torch.manual_seed(0)
    a = trainer(GCN(g.num_features, g.num_classes), g, seed=3)
    torch.manual_seed(0)
    b = fit(GCN(g.num_features, g.num_classes), g, epochs=20, patience=None, seed=3)
    assert a.logits.shape == (g.num_nodes, g.num_classes)
    torch.testing.assert_close(a.logits, b.logits)
    assert a.test_acc == b.test_acc


def test_full_batch_trainer_rejects_zero_epochs():
    import pytest

    with pytest.raises(ValueError, match="epochs must be >= 1, got 0"):
        FullBatchTrainer(epochs=0)
