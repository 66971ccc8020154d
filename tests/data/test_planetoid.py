import csv

import pytest
import torch

from graphlabels.data import DataFileError, has_text, load
from graphlabels.data import planetoid as planetoid_mod
from graphlabels.data.planetoid import CLASS_NAMES, normalize_rows, read_planetoid
from graphlabels.graph import is_undirected


def _check_masks(g, n_train, n_val, n_test):
    assert g.train_mask.dtype == torch.bool and g.train_mask.dim() == 1
    assert (int(g.train_mask.sum()), int(g.val_mask.sum()), int(g.test_mask.sum())) == (
        n_train,
        n_val,
        n_test,
    )
    assert not (g.train_mask & g.val_mask).any()
    assert not (g.train_mask & g.test_mask).any()
    assert not (g.val_mask & g.test_mask).any()


def _sizes(g):
    """``(num_nodes, num_edges, num_features, num_classes)`` of a graph."""
    return (g.num_nodes, g.num_edges, g.num_features, g.num_classes)


def test_cora_exact_counts(loaded):
    g = loaded("cora")
    assert _sizes(g) == (2708, 10556, 1433, 7)
    _check_masks(g, 140, 500, 1000)
    assert torch.equal(g.train_mask.nonzero().view(-1), torch.arange(140))
    assert torch.equal(g.val_mask.nonzero().view(-1), torch.arange(140, 640))
    assert torch.equal(torch.bincount(g.y[g.train_mask]), torch.full((7,), 20))
    assert torch.equal(
        torch.bincount(g.y), torch.tensor([351, 217, 418, 818, 426, 298, 180])
    )
    assert is_undirected(g.edge_index)
    assert not (g.edge_index[0] == g.edge_index[1]).any()
    assert g.name == "cora"
    assert g.class_names == CLASS_NAMES["cora"]


def test_cora_features_row_normalised_by_default(loaded):
    g = loaded("cora")
    assert torch.allclose(g.x.sum(1), torch.ones(2708), atol=1e-5)
    raw = loaded("cora", normalize_features=False)
    assert set(raw.x.unique().tolist()) == {0.0, 1.0}
    assert int(raw.x.sum()) == 49216
    assert torch.allclose(normalize_rows(raw.x), g.x)


def test_citeseer_exact_counts_and_padding(loaded):
    g = loaded("citeseer")
    assert _sizes(g) == (3327, 9104, 3703, 6)
    _check_masks(g, 120, 500, 1000)
    assert torch.equal(torch.bincount(g.y[g.train_mask]), torch.full((6,), 20))
    # 15 isolated test papers are padded with zero features (and label 0, as PyG);
    # they are in no mask.
    zero = g.x.sum(1) == 0
    assert int(zero.sum()) == 15
    assert not (zero & (g.train_mask | g.val_mask | g.test_mask)).any()
    assert (g.y[zero] == 0).all()
    assert is_undirected(g.edge_index)
    assert not (g.edge_index[0] == g.edge_index[1]).any()


def test_citeseer_class_names_match_raw_text_labels(loaded, data_root):
    g = loaded("citeseer")
    path = data_root / "tag/citeseer/citeseer_text_to_planetoid_index.tsv"
    with open(path, newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["planetoid_index"]]
    assert len(rows) == 3176
    agree = sum(
        g.class_names[int(g.y[int(r["planetoid_index"])])] == r["text_label"]
        for r in rows
    )
    # The raw-text labels are the LINQS labels; a few papers differ from Planetoid.
    assert agree / len(rows) > 0.99


def test_pubmed_names_exactly_the_missing_file(data_root, monkeypatch):
    def fail(*a, **k):
        raise AssertionError("a file was read although one is missing")

    monkeypatch.setattr(planetoid_mod, "_unpickle", fail)
    with pytest.raises(DataFileError) as err:
        load("pubmed", data_root)
    msg = str(err.value)
    assert "ind.pubmed.allx" in msg
    for other in ("ind.pubmed.ally", "ind.pubmed.graph", "ind.pubmed.tx"):
        assert other not in msg
    assert str(data_root / "planetoid") in msg
    with pytest.raises(DataFileError, match=r"missing ind\.pubmed\.allx in .*nothing"):
        read_planetoid(data_root, "pubmed")


def test_geom_gcn_split_for_planetoid(loaded, data_root):
    import numpy as np

    g = loaded("cora", split="geom-gcn")
    assert g.train_mask.shape == (2708, 10)
    f = np.load(data_root / "geom_gcn/splits/cora_split_0.6_0.2_3.npz")
    assert torch.equal(g.train_mask[:, 3], torch.from_numpy(f["train_mask"] == 1))
    assert torch.equal(g.test_mask[:, 3], torch.from_numpy(f["test_mask"] == 1))
    assert int(g.train_mask[:, 0].sum()) == 1192


def test_random_split_for_planetoid(loaded):
    g = loaded("cora", split=[0, 1])
    assert g.train_mask.shape == (2708, 2)
    assert int(g.train_mask[:, 0].sum()) == round(0.6 * 2708)
    assert not torch.equal(g.train_mask[:, 0], g.train_mask[:, 1])


def test_texts_flag_and_alias(loaded):
    g = loaded("cora", texts=True)
    assert len(g.texts) == 2708 and int(has_text(g).sum()) == 1323
    alias = loaded("cora-text")
    assert alias.texts == g.texts and alias.name == "cora-text"


def test_pubmed_has_no_texts(data_root):
    from graphlabels.data.tag import planetoid_texts

    with pytest.raises(ValueError, match="no raw texts for 'pubmed'"):
        planetoid_texts(data_root, "pubmed", 19717)
