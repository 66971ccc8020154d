import pytest
import torch

from graphlabels.data import has_text, load
from graphlabels.data.tag import WEBKB_TEXT
from graphlabels.graph import Graph

EXPECTED_WEBKB = {
    "webkb-texas-text": (187, 328, [34, 18, 103, 31, 1]),
    "webkb-wisconsin-text": (265, 530, [22, 35, 76, 122, 10]),
    "webkb-cornell-text": (191, 293, [83, 17, 42, 17, 32]),
    "webkb-washington-text": (229, 445, [21, 66, 106, 27, 9]),
}


def test_citeseer_texts(loaded):
    g = loaded("citeseer-text")
    assert len(g.texts) == 3327
    mask = has_text(g)
    assert int(mask.sum()) == 3176
    assert g.texts[1797].startswith("Argument in Multi-Agent Systems")
    assert all(g.texts[i] == "" for i in (~mask).nonzero().view(-1).tolist())
    # the graph itself is Planetoid CiteSeer
    assert (g.num_nodes, g.num_edges, int(g.train_mask.sum())) == (3327, 9104, 120)


def test_cora_partial_texts(loaded):
    g = loaded("cora-text")
    assert int(has_text(g).sum()) == 1323
    title, abstract = g.texts[3].split("\n", 1)
    assert title == "Bayesian Induction of Features in Temporal Domains"
    assert abstract.startswith("Most concept induction algorithms")


def test_has_text_treats_whitespace_as_no_text():
    ei = torch.tensor([[0, 1, 2], [1, 2, 3]])
    g = Graph(ei, 4, texts=["a title", "", "  \n\t", " x "])
    assert has_text(g).tolist() == [True, False, False, True]
    with pytest.raises(ValueError, match="no texts"):
        has_text(g.replace(texts=None))


def test_has_text_needs_texts(loaded):
    with pytest.raises(ValueError, match="has no texts: load it with texts=True"):
        has_text(loaded("cora"))


def test_text_alias_refuses_texts_false(data_root):
    with pytest.raises(ValueError, match="always has texts"):
        load("cora-text", data_root, texts=False)


@pytest.mark.parametrize("name", sorted(WEBKB_TEXT))
def test_webkb_text_graphs(loaded, name):
    n, e, counts = EXPECTED_WEBKB[name]
    g = loaded(name)
    assert (g.num_nodes, g.num_edges, g.num_features) == (n, e, 0)
    assert torch.equal(torch.bincount(g.y), torch.tensor(counts))
    assert sorted(g.class_names) == ["course", "faculty", "project", "staff", "student"]
    assert all(has_text(g))
    assert g.train_mask.shape == (n, 10)
    assert int(g.train_mask[:, 0].sum()) == round(0.6 * n)


def test_webkb_text_class_names_follow_categories(loaded):
    g = loaded("webkb-texas-text")
    assert g.class_names == ["course", "project", "student", "faculty", "staff"]
    assert "utexas" in g.texts[0].lower() or "UTCS" in g.texts[0]
