"""Values that used to pass the door and break later are rejected up front."""

import re

import pytest
import torch

from graphlabels.graph import Graph
from graphlabels.labelfree.filter import post_filter
from graphlabels.nonuniformity import drop_low_score_edges, enhance_train_set
from graphlabels.propagation import CorrectAndSmooth, correct_and_smooth


def test_graph_rejects_class_id_beyond_class_names():
    ei = torch.tensor([[0, 1, 2], [1, 2, 3]])
    y = torch.tensor([0, 1, 3, 2])
    with pytest.raises(
        ValueError,
        match=re.escape(
            "y has class id 3 (1 nodes with ids >= 3) but class_names has 3 "
            "names: pass one name per class, or fix y"
        ),
    ):
        Graph(ei, y=y, class_names=["a", "b", "c"])
    g = Graph(ei, y=y, class_names=["a", "b", "c", "d"])
    with pytest.raises(ValueError, match="class_names has 4 names"):
        g.replace(y=torch.tensor([0, 1, 4, -1]))


def test_drop_low_score_edges_rejects_short_score():
    ei = torch.tensor([[0, 1, 2, 3, 8], [1, 2, 3, 0, 9]])
    with pytest.raises(
        ValueError,
        match=re.escape(
            "score has 5 entries but edge_index refers to node 9, outside [0, 5): "
            "pass one score per node (the graph has at least 10 nodes)"
        ),
    ):
        drop_low_score_edges(ei, torch.rand(5), 0.5, 0.5, seed=0)
    with pytest.raises(
        ValueError, match=re.escape("score has 5 entries but num_nodes is 10")
    ):
        drop_low_score_edges(ei, torch.rand(5), 0.5, 0.5, num_nodes=10, seed=0)


def test_enhance_train_set_rejects_label_beyond_logits():
    logits = torch.randn(6, 3)
    y = torch.tensor([0, 5, 2, 0, 0, 0])
    train = torch.tensor([True, True, True, False, False, False])
    with pytest.raises(
        ValueError,
        match=re.escape(
            "training nodes have label 5 but logits has 3 columns (classes 0..2): "
            "pass logits with one column per class, or fix y"
        ),
    ):
        enhance_train_set(logits, y, train, 0.5, candidate_mask=~train)


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_correct_and_smooth_rejects_non_finite_y_soft(bad):
    ei = torch.tensor([[0, 1, 1, 2], [1, 0, 2, 1]])
    y = torch.tensor([0, 1, 0])
    mask = torch.tensor([True, False, True])
    y_soft = torch.full((3, 2), 0.5)
    y_soft[1, 0] = bad
    msg = re.escape(
        "y_soft contains NaN or inf in 1 rows (first: node 1): the base model "
        "diverged; retrain it or clean its outputs"
    )
    with pytest.raises(ValueError, match=msg):
        correct_and_smooth(y_soft, y, mask, ei)
    with pytest.raises(ValueError, match=msg):
        CorrectAndSmooth(2, 0.5, 2, 0.5).smooth(y_soft, y, mask, ei)


def test_post_filter_rejects_out_of_range_labels_and_nan_confidence():
    labels = torch.tensor([0, 1, 4])
    conf = torch.tensor([0.9, 0.8, 0.7])
    with pytest.raises(
        ValueError,
        match=re.escape(
            "labels has class 4 but num_classes is 3: annotators return ids in "
            "[0, num_classes) and -1 for no answer"
        ),
    ):
        post_filter(labels, conf, num_classes=3)
    with pytest.raises(ValueError, match="confidence contains NaN or inf"):
        post_filter(torch.tensor([0, 1, 2]), torch.tensor([0.9, float("nan"), 0.7]))
