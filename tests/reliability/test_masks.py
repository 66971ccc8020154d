"""Masks: every entry point reads bool masks and node indices the same way.

An integer tensor of 0s and 1s of length ``num_nodes`` is a mask in the wrong
dtype; read as indices it would select nodes 0 and 1 only. Every function that
takes a mask rejects it with a message naming both fixes.
"""

import re

import pytest
import torch

from graphlabels.graph import Graph
from graphlabels.nn import MLP
from graphlabels.nonuniformity import enhance_train_set
from graphlabels.propagation import (
    CorrectAndSmooth,
    LabelPropagation,
    correct_and_smooth,
)
from graphlabels.train import fit

N = 6


def int_mask_message(name: str, n: int = N) -> str:
    return re.escape(
        f"{name} is an integer tensor of length num_nodes ({n}) holding only 0 "
        f"and 1: pass {name}.bool() for a mask, or {name}.nonzero().view(-1) for "
        "indices"
    )


def small_graph(**kw) -> Graph:
    ei = torch.tensor([[0, 1, 1, 2, 3, 4, 4, 5], [1, 0, 2, 1, 4, 3, 5, 4]])
    x = torch.eye(N)
    y = torch.tensor([0, 0, 0, 1, 1, 1])
    return Graph(ei, x=x, y=y, **kw)


INT01 = torch.tensor([1, 0, 1, 0, 0, 1])  # meant as nodes {0, 2, 5}
BOOL = INT01.bool()
INDEX = torch.tensor([0, 2, 5])


def test_graph_rejects_integer_01_mask():
    with pytest.raises(ValueError, match=int_mask_message("train_mask")):
        small_graph(train_mask=INT01)
    with pytest.raises(ValueError, match=int_mask_message("test_mask")):
        small_graph(test_mask=INT01)


def test_graph_accepts_bool_and_index_masks_alike():
    a = small_graph(train_mask=BOOL)
    b = small_graph(train_mask=INDEX)
    assert a.train_mask.dtype == torch.bool
    assert torch.equal(a.train_mask, b.train_mask)
    assert a.train_mask.nonzero().view(-1).tolist() == [0, 2, 5]


def test_graph_rejects_index_out_of_range():
    with pytest.raises(
        ValueError, match=re.escape("val_mask holds node index 6 outside [0, 6)")
    ):
        small_graph(val_mask=torch.tensor([1, 6]))
    with pytest.raises(
        ValueError, match=re.escape("val_mask holds node index -1 outside [0, 6)")
    ):
        small_graph(val_mask=torch.tensor([-1, 2]))


def test_fit_rejects_integer_01_train_mask():
    g = small_graph()
    with pytest.raises(ValueError, match=int_mask_message("train_mask")):
        fit(MLP(N, 2), g, train_mask=INT01, epochs=1)
    with pytest.raises(
        ValueError, match=re.escape("train_mask holds node index 9 outside [0, 6)")
    ):
        fit(MLP(N, 2), g, train_mask=torch.tensor([0, 9]), epochs=1)


def test_fit_same_result_for_bool_and_index_masks():
    g = small_graph()
    torch.manual_seed(0)
    ra = fit(MLP(N, 2), g, train_mask=BOOL, epochs=3, seed=0)
    torch.manual_seed(0)
    rb = fit(MLP(N, 2), g, train_mask=INDEX, epochs=3, seed=0)
    assert torch.equal(ra.logits, rb.logits)


def test_propagation_rejects_integer_01_mask():
    g = small_graph()
    y_soft = torch.full((N, 2), 0.5)
    with pytest.raises(ValueError, match=int_mask_message("mask")):
        LabelPropagation(2, 0.5)(g.y, g.edge_index, INT01)
    with pytest.raises(ValueError, match=int_mask_message("mask")):
        correct_and_smooth(y_soft, g.y, INT01, g.edge_index)
    with pytest.raises(ValueError, match=int_mask_message("mask")):
        CorrectAndSmooth(2, 0.5, 2, 0.5).smooth(y_soft, g.y, INT01, g.edge_index)


def test_propagation_same_result_for_bool_and_index_masks():
    g = small_graph()
    lp = LabelPropagation(2, 0.5)
    assert torch.equal(lp(g.y, g.edge_index, BOOL), lp(g.y, g.edge_index, INDEX))


def test_lnu_augment_rejects_integer_01_masks():
    g = small_graph()
    logits = torch.randn(N, 2)
    with pytest.raises(ValueError, match=int_mask_message("train_mask")):
        enhance_train_set(logits, g.y, INT01, 0.5, candidate_mask=~BOOL)
    with pytest.raises(ValueError, match=int_mask_message("val_mask")):
        enhance_train_set(logits, g.y, BOOL, 0.5, val_mask=INT01)
    y1, m1 = enhance_train_set(logits, g.y, BOOL, 0.5, candidate_mask=~BOOL)
    y2, m2 = enhance_train_set(logits, g.y, INDEX, 0.5, candidate_mask=~BOOL)
    assert torch.equal(y1, y2) and torch.equal(m1, m2)


def test_helper_keeps_unambiguous_small_index_lists():
    from graphlabels.graph import as_node_index, as_node_mask
    from graphlabels.propagation._common import mask_to_index

    # with two nodes, [0, 1] and [1, 0] list every node: they stay indices
    assert as_node_index(torch.tensor([1, 0]), 2).tolist() == [1, 0]
    assert as_node_mask(torch.tensor([0, 1]), 2).tolist() == [True, True]
    with pytest.raises(ValueError, match=int_mask_message("m", 2)):
        as_node_mask(torch.tensor([0, 0]), 2, "m")
    # order of indices is kept for propagation
    assert mask_to_index(torch.tensor([5, 0]), N).tolist() == [5, 0]
    # a float mask is a type error
    with pytest.raises(TypeError, match="bool mask or a 1-D tensor of node indices"):
        as_node_mask(BOOL.float(), N, "m")
