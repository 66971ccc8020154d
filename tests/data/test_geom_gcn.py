import numpy as np
import pytest
import torch

from graphlabels.data import DataFileError, load
from graphlabels.data.geom_gcn import read_geom_gcn_split

EXPECTED = {
    "texas": (183, 325, 1703, 5),
    "wisconsin": (251, 515, 1703, 5),
    "film": (7600, 30019, 932, 5),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_counts_and_published_splits(loaded, data_root, name):
    g = loaded(name)
    assert (g.num_nodes, g.num_edges, g.num_features, g.num_classes) == EXPECTED[name]
    assert g.train_mask.shape == (g.num_nodes, 10)
    for i in (0, 9):
        f = np.load(data_root / f"geom_gcn/splits/{name}_split_0.6_0.2_{i}.npz")
        for key in ("train_mask", "val_mask", "test_mask"):
            assert torch.equal(getattr(g, key)[:, i], torch.from_numpy(f[key] == 1))


def test_texas_matches_the_yandex_copy(loaded):
    # Same nodes, features and labels as heterophilous-graphs' texas.npz.
    g, h = loaded("texas"), loaded("heterophilous-texas")
    assert torch.equal(g.x, h.x) and torch.equal(g.y, h.y)
    assert torch.equal(torch.bincount(g.y), torch.tensor([33, 1, 18, 101, 30]))


def test_film_features_are_sparse_indices(loaded):
    g = loaded("film")
    assert set(g.x.unique().tolist()) == {0.0, 1.0}
    assert int(g.x.sum()) > 7600


def test_edges_stay_directed_unless_asked(loaded, data_root):
    g = loaded("texas")
    assert g.num_edges == 325
    u = load("texas", data_root, undirected=True)
    assert u.num_edges > g.num_edges and u.is_undirected()


def test_single_split_index(loaded, data_root):
    g = load("wisconsin", data_root, split=4)
    assert g.train_mask.dim() == 1
    assert torch.equal(g.train_mask, loaded("wisconsin").train_mask[:, 4])
    with pytest.raises(ValueError, match="split index 10 out of range"):
        load("wisconsin", data_root, split=10)


def test_split_of_another_dataset_is_refused(data_root, tmp_path):
    import shutil

    dst = tmp_path / "geom_gcn/splits"
    dst.mkdir(parents=True)
    shutil.copy(
        data_root / "geom_gcn/splits/texas_split_0.6_0.2_0.npz",
        dst / "wisconsin_split_0.6_0.2_0.npz",
    )
    with pytest.raises(ValueError, match="masks for 183 nodes but wisconsin has 251"):
        read_geom_gcn_split(tmp_path, "wisconsin", 0, 251)


def test_cornell_copy_here_is_texas_and_is_refused(data_root):
    with pytest.raises(
        DataFileError, match="is texas's feature/label file, not cornell"
    ):
        load("cornell", data_root)
