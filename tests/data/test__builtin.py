import pytest

from graphlabels.data import get_info, list_datasets, load


def test_listed_sizes_match_the_loaded_graphs(loaded, data_root):
    absent = set()
    for info in list_datasets():
        if info.family in ("planetoid", "shchur", "geom-gcn", "heterophilous", "tag"):
            if not info.is_present(data_root):
                absent.add(info.name)
                continue
            g = loaded(info.name)
            got = (g.num_nodes, g.num_edges, g.num_features, g.num_classes)
            want = (info.num_nodes, info.num_edges, info.num_features, info.num_classes)
            assert got == want, info.name
    # the three datasets whose files are missing or wrong in ../shared/datasets
    assert absent == {"pubmed", "coauthor-physics", "cornell"}


def test_synthetic_csbm_is_registered(tmp_path):
    info = get_info("csbm")
    assert info.is_present(tmp_path)  # generated, needs no files
    g = load("csbm", tmp_path, num_nodes=200, homophily=0.9, seed=1)
    assert g.num_nodes == 200 and g.name == "csbm"
    d = load("csbm", tmp_path)
    assert (d.num_nodes, d.num_edges, d.num_features, d.num_classes) == (
        info.num_nodes,
        info.num_edges,
        info.num_features,
        info.num_classes,
    )
    with pytest.raises(ValueError, match="pass seed=... instead of split"):
        load("csbm", tmp_path, split=3)
