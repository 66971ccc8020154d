import pytest
import torch

from graphlabels.data import DataFileError, load
from graphlabels.data.npz import read_npz
from graphlabels.graph import is_undirected

# Counts as PyG's Amazon/Coauthor report them (undirected, no self loops).
EXPECTED = {
    "amazon-photo": (7650, 238162, 745, 8),
    "amazon-computers": (13752, 491722, 767, 10),
    "coauthor-cs": (18333, 163788, 6805, 15),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_counts_and_standard_split(loaded, name):
    g = loaded(name)
    assert (g.num_nodes, g.num_edges, g.num_features, g.num_classes) == EXPECTED[name]
    n, c = g.num_nodes, g.num_classes
    assert g.train_mask.shape == (n, 10)
    for s in range(10):
        tr, va, te = g.train_mask[:, s], g.val_mask[:, s], g.test_mask[:, s]
        assert torch.equal(torch.bincount(g.y[tr], minlength=c), torch.full((c,), 20))
        assert torch.equal(torch.bincount(g.y[va], minlength=c), torch.full((c,), 30))
        assert torch.equal(tr | va | te, torch.ones(n, dtype=torch.bool))
        assert not ((tr & va) | (tr & te) | (va & te)).any()
    assert bool(((g.x == 0) | (g.x == 1)).all())  # binarised, as PyG
    assert len(g.class_names) == c
    assert g.name == name


def test_photo_is_undirected_without_self_loops(loaded):
    g = loaded("amazon-photo")
    assert is_undirected(g.edge_index)
    assert not (g.edge_index[0] == g.edge_index[1]).any()


def test_seeds_are_deterministic_and_distinct(loaded, data_root):
    g = loaded("amazon-photo")
    one = load("amazon-photo", data_root, split=3)
    assert one.train_mask.dim() == 1
    assert torch.equal(one.train_mask, g.train_mask[:, 3])
    assert torch.equal(one.val_mask, g.val_mask[:, 3])
    assert not torch.equal(g.train_mask[:, 0], g.train_mask[:, 1])
    two = load("amazon-photo", data_root, split=[7, 3])
    assert torch.equal(two.train_mask[:, 1], g.train_mask[:, 3])


def test_cs_class_names_from_object_array(loaded):
    # ms_academic_cs.npz stores class_names as a pickled object array.
    assert loaded("coauthor-cs").class_names[:3] == [
        "bioinformatics",
        "machine_learning",
        "computer_vision",
    ]


def test_physics_is_registered_but_missing_here(data_root):
    with pytest.raises(DataFileError, match=r"ms_academic_phy\.npz"):
        load("coauthor-physics", data_root)


def test_read_npz_keeps_shape_of_tiny_file(tmp_path):
    import numpy as np
    import scipy.sparse as sp

    adj = sp.csr_matrix(np.array([[1, 1, 0], [0, 0, 0], [0, 1, 0]], dtype=np.float32))
    attr = sp.csr_matrix(np.array([[2, 0], [0, 0], [0, 3]], dtype=np.float32))
    np.savez(
        tmp_path / "t.npz",
        adj_data=adj.data,
        adj_indices=adj.indices,
        adj_indptr=adj.indptr,
        adj_shape=adj.shape,
        attr_data=attr.data,
        attr_indices=attr.indices,
        attr_indptr=attr.indptr,
        attr_shape=attr.shape,
        labels=np.array([0, 1, 1]),
        class_names=np.array(["a", "b"]),
    )
    g = read_npz(tmp_path / "t.npz")
    # self loop (0, 0) dropped; (0, 1) and (2, 1) symmetrised
    assert g.edge_index.tolist() == [[1, 0, 2, 1], [0, 1, 1, 2]]
    assert g.x.tolist() == [[1, 0], [0, 0], [0, 1]]
    assert g.class_names == ["a", "b"]
