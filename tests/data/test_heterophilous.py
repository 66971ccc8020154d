import numpy as np
import pytest
import torch

from graphlabels.data import load
from graphlabels.data.heterophilous import HETEROPHILOUS_FILES

# (nodes, directed edges after symmetrising, features, classes); the undirected
# edge counts are those of Platonov et al. (e.g. chameleon-filtered 8,854).
EXPECTED = {
    "chameleon": (2277, 62742, 2325, 5),
    "squirrel": (5201, 396706, 2089, 5),
    "chameleon-filtered": (890, 17708, 2325, 5),
    "squirrel-filtered": (2223, 93996, 2089, 5),
    "actor": (7600, 53318, 932, 5),
    "minesweeper": (10000, 78804, 7, 2),
    "heterophilous-texas": (183, 558, 1703, 5),
    "heterophilous-wisconsin": (251, 900, 1703, 5),
    "heterophilous-cornell": (183, 554, 1703, 5),
}


def test_every_file_is_covered():
    assert set(EXPECTED) == set(HETEROPHILOUS_FILES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exact_counts_and_splits(loaded, data_root, name):
    g = loaded(name)
    assert (g.num_nodes, g.num_edges, g.num_features, g.num_classes) == EXPECTED[name]
    assert g.is_undirected()
    f = np.load(data_root / "heterophilous" / HETEROPHILOUS_FILES[name])
    assert g.train_mask.shape == (g.num_nodes, 10)
    assert torch.equal(g.train_mask, torch.from_numpy(f["train_masks"].T))
    assert torch.equal(g.test_mask, torch.from_numpy(f["test_masks"].T))


def test_one_split_and_bad_index(loaded, data_root):
    g = load("minesweeper", data_root, split=2)
    assert torch.equal(g.val_mask, loaded("minesweeper").val_mask[:, 2])
    with pytest.raises(ValueError, match="minesweeper has splits 0..9"):
        load("minesweeper", data_root, split=[1, 12])
