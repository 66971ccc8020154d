from graphlabels.data import list_datasets
from graphlabels.data._files import FILES


def test_every_dataset_file_has_a_source_entry():
    for info in list_datasets():
        for rel in info.files:
            assert rel in FILES, (info.name, rel)
    # everything the MANIFEST lists has a sha256 unless flagged otherwise
    unknown = {rel for rel, spec in FILES.items() if spec.sha256 is None}
    assert unknown == {
        "planetoid/ind.pubmed.allx",
        "gnn_benchmark/ms_academic_phy.npz",
        "geom_gcn/new_data/cornell/out1_node_feature_label.txt",
    }


def test_urls_pin_a_commit():
    for rel, spec in FILES.items():
        if spec.url is not None:
            assert spec.url.startswith("https://raw.githubusercontent.com/"), rel
            commit = spec.url.split("/")[5]
            assert len(commit) == 12 and int(commit, 16) >= 0, rel
        if spec.sha256 is not None:
            assert len(spec.sha256) == 64 and int(spec.sha256, 16) >= 0, rel
