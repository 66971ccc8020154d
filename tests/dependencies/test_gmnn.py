import pytest
import torch

from graphlabels.dependencies import GMNN, NeighbourLabelNet, gmnn
from graphlabels.graph import Graph
from graphlabels.nn import MLP
from graphlabels.ops import CSR
from graphlabels.train import FullBatchTrainer, run_seeds

TRAINER = FullBatchTrainer(epochs=200, patience=50)


def test_neighbour_label_net_is_a_mean_of_neighbour_labels_then_mlp():
    edge_index = torch.tensor([[1, 2, 0, 3], [0, 0, 1, 2]])  # 0 <- 1, 2; 1 <- 0; 2 <- 3
    labels = torch.eye(3)[torch.tensor([0, 1, 2, 1])]
    net = NeighbourLabelNet(3, hidden_channels=4).eval()
    out = net(labels, CSR.from_edge_index(edge_index, 4))
    mean = torch.stack(
        [(labels[1] + labels[2]) / 2, labels[0], labels[3], torch.zeros(3)]
    )
    torch.testing.assert_close(out, net.mlp(mean))


def test_p_network_never_reads_a_nodes_own_label(toy):
    loops = torch.arange(toy.num_nodes).repeat(2, 1)
    g = toy.replace(edge_index=torch.cat([toy.edge_index, loops], dim=1))
    model = GMNN(MLP(256, 3), runs=1)
    labels = g.y.clone()
    pg = model._p_graph(g, labels)
    assert not bool((pg.edge_index[0] == pg.edge_index[1]).any())
    assert pg.x.shape == (g.num_nodes, 3)  # labels only: no feature column
    net = NeighbourLabelNet(3).eval()
    base = net(pg.x, pg.csr())
    x2 = pg.x.clone()
    x2[5] = (
        torch.tensor([0.0, 0.0, 1.0]) if labels[5] != 2 else torch.tensor([1.0, 0, 0])
    )
    out = net(x2, pg.csr())
    torch.testing.assert_close(out[5], base[5])
    assert not torch.allclose(out, base)  # its neighbours do read it


def test_gmnn_beats_the_mlp_when_labels_of_neighbours_are_the_only_signal(toy):
    mlp = run_seeds(
        lambda s: MLP(256, 3), toy, runs=3, epochs=200, patience=50, progress=False
    )
    res = gmnn(lambda s: MLP(256, 3), toy, runs=3, rounds=2, trainer=TRAINER)
    assert mlp.test_acc_mean < 45.0  # features are noise: chance is 33%
    assert res.test_acc_mean > mlp.test_acc_mean + 25.0
    assert res.chosen_round >= 1
    assert len(res.rounds) == 3
    assert res.rounds[0].p_val_acc[0] != res.rounds[0].p_val_acc[0]  # NaN: no p yet


def test_gmnn_p_features_variant_sees_features(toy):
    model = GMNN(MLP(256, 3), runs=1, p_features=True)
    pg = model._p_graph(toy, toy.y)
    assert pg.x.shape == (toy.num_nodes, 3 + 256)
    torch.testing.assert_close(pg.x[:, 3:], toy.x)


def test_gmnn_reports_rounds_and_logits(toy):
    m = GMNN(MLP(256, 3), runs=2, rounds=1, trainer=TRAINER, draw="max").fit(toy)
    d = m.result_.as_dict()
    assert d["runs"] == 2 and len(d["rounds"]) == 2
    assert d["rounds"][0]["p_val_acc"] == [None, None]
    assert d["chosen_net"] in ("q", "p")
    assert len(m.logits_) == 2 and m.logits_[0].shape == (toy.num_nodes, 3)


def test_gmnn_is_deterministic_under_seeds(toy):
    a = gmnn(MLP(256, 3), toy, seeds=[4], rounds=1, trainer=TRAINER)
    b = gmnn(MLP(256, 3), toy, seeds=[4], rounds=1, trainer=TRAINER)
    assert a.test_acc == b.test_acc


def test_gmnn_never_reads_labels_outside_training(toy):
    poisoned = toy.y.clone()
    outside = ~toy.train_mask
    poisoned[outside] = (poisoned[outside] + 1) % 3
    g2 = toy.replace(y=poisoned, val_mask=None)
    g1 = toy.replace(val_mask=None)
    trainer = FullBatchTrainer(epochs=30, patience=None)
    a = GMNN(MLP(256, 3), seeds=[1], rounds=1, trainer=trainer)
    b = GMNN(MLP(256, 3), seeds=[1], rounds=1, trainer=trainer)
    la = a._run(g1, 1)[1]
    lb = b._run(g2, 1)[1]
    torch.testing.assert_close(la, lb)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"draw": "soft"}, "draw must be one of"),
        ({"tau": 0.0}, "tau must be > 0"),
        ({"rounds": -1}, "rounds must be >= 0"),
        ({"runs": 0}, "runs must be >= 1"),
        ({"seeds": []}, "seeds is empty"),
    ],
)
def test_gmnn_rejects_bad_settings(kwargs, match):
    with pytest.raises(ValueError, match=match):
        GMNN(MLP(256, 3), **kwargs)


def test_gmnn_needs_a_validation_split(toy):
    with pytest.raises(ValueError, match="graph has no val_mask"):
        GMNN(MLP(256, 3), runs=1).fit(toy.replace(val_mask=None))


def test_gmnn_needs_features():
    g = Graph(torch.tensor([[0, 1], [1, 0]]), 2, y=torch.tensor([0, 1]))
    with pytest.raises(ValueError, match="no node features x"):
        GMNN(MLP(256, 3), runs=1).fit(g)


def test_neighbour_label_net_rejects_wrong_width():
    net = NeighbourLabelNet(3)
    with pytest.raises(ValueError, match="expects 3 label columns"):
        net(torch.zeros(2, 5), torch.tensor([[0], [1]]))


@pytest.mark.slow
def test_gmnn_on_cora_beats_its_gcn():
    from graphlabels.data import load
    from graphlabels.nn import GCN

    g = load("cora")
    res = gmnn(lambda s: GCN(g.num_features, g.num_classes, 16), g, runs=2)
    assert res.test_acc_mean > 81.0
    assert res.test_acc_mean >= min(res.base_test_acc) - 1.0
