import pytest
import torch

from graphlabels.dependencies import LabelInput, LabelTrickTrainer
from graphlabels.nn import GCN, MLP


def _model(g, base=GCN):
    return LabelInput(
        base(g.num_features + g.num_classes, g.num_classes), g.num_classes
    )


def test_label_input_concatenates_known_labels_only(toy):
    seen = {}

    def base(graph):
        seen["x"] = graph.x
        return graph.x[:, :3]

    m = LabelInput(base, 3)
    known = torch.zeros(toy.num_nodes, dtype=torch.bool)
    known[:2] = True
    m.set_labels(toy.y, known)
    m(toy)
    x = seen["x"]
    assert x.shape == (toy.num_nodes, 256 + 3)
    torch.testing.assert_close(x[:, :256], toy.x)
    torch.testing.assert_close(x[:2, 256:], torch.eye(3)[toy.y[:2]])
    assert float(x[2:, 256:].abs().sum()) == 0.0


def test_label_input_on_bag_of_words_matches_dense_concatenation(toy):
    """Sparse features: the GCN gets ``[x | labels]`` in CSR form, same result."""
    x = toy.x * (toy.x > 1.5)  # about 7% non-zero
    g = toy.replace(x=x)
    assert g.sparse_x() is not None
    torch.manual_seed(0)
    m = _model(g).eval()  # no dropout: the two forwards must see the same input
    m.set_labels(g.y, g.train_mask)
    seen = {}

    def look(module, args):
        seen["layout"] = args[0].layout

    hook = m.inner.model.register_forward_pre_hook(look)
    out = m(g)
    hook.remove()
    assert seen["layout"] == torch.sparse_csr
    dense = g.replace(x=torch.cat([x, m.labels], 1))
    ref = m.inner(dense)
    torch.testing.assert_close(out, ref)
    w = m.inner.model.layers[0].lin.weight
    got = torch.autograd.grad(out.square().sum(), w)[0]
    want = torch.autograd.grad(ref.square().sum(), w)[0]
    torch.testing.assert_close(got, want)


def test_no_label_outside_training_enters_any_prediction(toy):
    """Poison every non-training label: training and outputs do not change."""
    g = toy.replace(val_mask=None)
    poisoned = g.y.clone()
    poisoned[~g.train_mask] = (poisoned[~g.train_mask] + 1) % 3
    trainer = LabelTrickTrainer(epochs=30, patience=None, reuse=1)
    torch.manual_seed(0)
    a = trainer(_model(g), g, seed=0)
    torch.manual_seed(0)
    b = trainer(_model(g), g.replace(y=poisoned), seed=0)
    torch.testing.assert_close(a.logits, b.logits)


def test_hidden_training_labels_do_not_enter_their_own_prediction(toy):
    """A node whose label is hidden gets the same output whatever its label."""
    m = _model(toy).eval()
    known = toy.train_mask.clone()
    node = int(known.nonzero()[0])
    known[node] = False
    m.set_labels(toy.y, known)
    before = m(toy)[node]
    y2 = toy.y.clone()
    y2[node] = (y2[node] + 1) % 3
    m.set_labels(y2, known)
    torch.testing.assert_close(m(toy)[node], before)


def test_label_trick_uses_labels_of_neighbours(toy):
    """With noise features, labels as input carry the signal (GCN on the SBM)."""
    trainer = LabelTrickTrainer(epochs=150, patience=50)
    torch.manual_seed(0)
    res = trainer(_model(toy), toy, seed=0)
    torch.manual_seed(0)
    from graphlabels.train import fit

    plain = fit(MLP(256, 3), toy, epochs=150, patience=50, seed=0)
    assert res.test_acc > plain.test_acc + 20.0


def test_label_input_needs_labels(toy):
    with pytest.raises(RuntimeError, match="call set_labels"):
        _model(toy)(toy)


def test_label_trick_trainer_rejects_other_models_and_options(toy):
    with pytest.raises(TypeError, match="wrap the model as LabelInput"):
        LabelTrickTrainer()(GCN(256, 3), toy)
    with pytest.raises(TypeError, match="does not take"):
        LabelTrickTrainer()(_model(toy), toy, sample_weight=torch.ones(toy.num_nodes))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"mask_rate": 0.0}, "mask_rate must be in"),
        ({"mask_rate": 1.0}, "mask_rate must be in"),
        ({"reuse": -1}, "reuse must be >= 0"),
        ({"epochs": 0}, "epochs must be >= 1"),
    ],
)
def test_label_trick_trainer_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LabelTrickTrainer(**kwargs)
