import pytest
import torch
from torch import nn

from graphlabels.data.synthetic import csbm
from graphlabels.nn import GAT, GCN, MLP, SAGE
from graphlabels.nn.inference import layerwise_inference
from graphlabels.train import Trainer, accuracy
from graphlabels.train.minibatch import MiniBatchTrainer


@pytest.fixture(scope="module")
def graph():
    return csbm(
        400, num_classes=3, homophily=0.9, feature_signal=0.6, seed=1, as_graph=True
    )


def test_is_a_trainer():
    assert isinstance(MiniBatchTrainer(), Trainer)


@pytest.mark.parametrize(
    "make",
    [
        lambda f, c: SAGE(f, c),
        lambda f, c: GCN(f, c),
        lambda f, c: GAT(f, c, hidden_channels=4, heads=2),
    ],
)
def test_trains_and_returns_all_node_eval_logits(graph, make):
    model = make(graph.num_features, graph.num_classes)
    trainer = MiniBatchTrainer(
        batch_size=64, fanouts=(5, 5), epochs=15, lr=0.01, eval_chunk_size=100
    )
    res = trainer(model, graph, seed=0)
    assert res.logits.shape == (graph.num_nodes, graph.num_classes)
    assert res.model is model and not model.training
    # the logits are the restored best model's exact full-graph eval logits
    torch.testing.assert_close(res.logits, layerwise_inference(model, graph))
    with torch.no_grad():
        full = model(graph.x, graph.csr())
    torch.testing.assert_close(res.logits, full, atol=1e-5, rtol=1e-5)
    assert res.val_acc == accuracy(res.logits, graph.y, graph.val_mask)
    assert res.test_acc > 80.0
    assert 0 <= res.best_epoch < res.epochs_run <= 15


def test_deterministic_under_a_seed(graph):
    def run():
        torch.manual_seed(0)  # the initial weights
        model = SAGE(graph.num_features, graph.num_classes)
        trainer = MiniBatchTrainer(batch_size=50, fanouts=(4, 4), epochs=3)
        return trainer(model, graph, seed=3).logits

    torch.testing.assert_close(run(), run(), atol=0, rtol=0)


def test_targets_mask_and_weights_are_used(graph):
    # training on labels shifted by one class: predictions follow the targets
    shifted = (graph.y + 1) % graph.num_classes
    tr = graph.train_mask.clone()
    trainer = MiniBatchTrainer(
        batch_size=64, fanouts=(5, 5), epochs=10, lr=0.01, patience=None
    )
    model = SAGE(graph.num_features, graph.num_classes)
    res = trainer(
        model,
        graph,
        y=shifted,
        train_mask=tr,
        seed=0,
        sample_weight=torch.ones(graph.num_nodes),
    )
    assert res.train_acc > 80.0  # against the shifted targets
    assert res.test_acc < 40.0  # against the true labels
    # zero weight on every training node but a few: still trains, no NaN
    w = torch.zeros(graph.num_nodes)
    w[tr.nonzero()[:5]] = 1.0
    res = trainer(
        SAGE(graph.num_features, graph.num_classes), graph, seed=0, sample_weight=w
    )
    assert torch.isfinite(res.logits).all()


def test_mlp_and_multi_split_graph(graph):
    masks = [
        torch.stack([m, m], 1)
        for m in (graph.train_mask, graph.val_mask, graph.test_mask)
    ]
    g2 = graph.replace(train_mask=masks[0], val_mask=masks[1], test_mask=masks[2])
    trainer = MiniBatchTrainer(batch_size=100, fanouts=(3,), epochs=5, lr=0.01)
    res = trainer(MLP(graph.num_features, graph.num_classes), g2, seed=0, split=1)
    assert res.logits.shape == (graph.num_nodes, graph.num_classes)
    assert res.test_acc > 50.0


def test_pyg_style_model(graph):
    pytest.importorskip("torch_geometric")
    from torch_geometric.nn import SAGEConv

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.c1 = SAGEConv(graph.num_features, 32)
            self.c2 = SAGEConv(32, graph.num_classes)

        def forward(self, x, edge_index):
            return self.c2(self.c1(x, edge_index).relu(), edge_index)

    trainer = MiniBatchTrainer(batch_size=64, fanouts=(5, 5), epochs=8, lr=0.01)
    res = trainer(Net(), graph, seed=0)
    assert res.logits.shape == (graph.num_nodes, graph.num_classes)
    assert res.test_acc > 80.0


def test_bad_inputs(graph):
    with pytest.raises(ValueError, match="one positive fanout"):
        MiniBatchTrainer(fanouts=(0,))
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        MiniBatchTrainer(epochs=0)
    trainer = MiniBatchTrainer(fanouts=(5,))
    model = SAGE(graph.num_features, graph.num_classes)
    with pytest.raises(ValueError, match="2 layers but fanouts has 1 entries"):
        trainer(model, graph)
    with pytest.raises(TypeError, match="unsupported options"):
        MiniBatchTrainer(fanouts=(5, 5))(model, graph, bogus=1)
    with pytest.raises(ValueError, match="no training nodes"):
        MiniBatchTrainer(fanouts=(5, 5))(
            model, graph, train_mask=torch.zeros(graph.num_nodes, dtype=torch.bool)
        )

    class Weird(nn.Module):
        def forward(self, a, b, c):
            return a

    with pytest.raises(TypeError, match="cannot tell how to call"):
        trainer(Weird(), graph)


@pytest.mark.parametrize(
    "make",
    [
        lambda f, c: SAGE(f, c, hidden_channels=16, dropout=0.0),
        lambda f, c: GCN(f, c, hidden_channels=16, dropout=0.0),
        lambda f, c: GAT(f, c, hidden_channels=4, heads=2, dropout=0.0),
        lambda f, c: MLP(f, c, hidden_channels=16, dropout=0.0),
    ],
)
def test_sparse_features_train_as_dense(graph, make):
    # the same training on bag-of-words features: the sparse CSR batches (the
    # model's sparse_input) give the dense batches' logits (no dropout: its masks
    # are drawn over the stored values only)
    g = torch.Generator().manual_seed(0)
    words = (torch.rand(graph.num_nodes, 80, generator=g) < 0.05).float()
    x = torch.cat([graph.x * (torch.rand(graph.x.shape, generator=g) < 0.05), words], 1)
    sparse_graph = graph.replace(x=x)
    assert sparse_graph.sparse_x() is not None
    trainer = MiniBatchTrainer(batch_size=64, fanouts=(5, 5), epochs=3, lr=0.01)
    results = []
    for sparse_input in (True, False):
        torch.manual_seed(0)
        model = make(x.size(1), graph.num_classes)
        assert model.sparse_input
        if not sparse_input and "sparse_input" in vars(model):
            model.sparse_input = False
        elif not sparse_input:  # a property of the class: hide it
            model.__class__ = type("Dense", (type(model),), {"sparse_input": False})
        assert model.sparse_input == sparse_input
        results.append(trainer(model, sparse_graph, seed=0))
    torch.testing.assert_close(
        results[0].logits, results[1].logits, atol=1e-4, rtol=1e-4
    )
