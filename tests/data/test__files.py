import re
import tomllib
from pathlib import Path

import pytest

from graphlabels.data import list_datasets
from graphlabels.data._files import FILES, TABLE, FileSpec, read_table
from graphlabels.data.geom_gcn import geom_gcn_files

PROJECT = Path(__file__).resolve().parents[2]


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


def test_geom_gcn_split_files_come_from_the_pattern():
    splits = {rel: s for rel, s in FILES.items() if rel.startswith("geom_gcn/splits/")}
    assert len(splits) == 90  # 9 graphs x 10 splits, each with its own hash
    assert len({s.sha256 for s in splits.values()}) == 90
    for name in ("texas", "film", "cora"):
        for rel in geom_gcn_files(name)[2:]:
            assert splits[rel].url == (
                "https://raw.githubusercontent.com/graphdml-uiuc-jlu/geom-gcn/"
                "f1fc0d14b3b0/splits/" + rel.removeprefix("geom_gcn/splits/")
            )
    spec = FILES["geom_gcn/splits/texas_split_0.6_0.2_3.npz"]
    assert spec.size is not None and spec.size > 0
    assert spec.licence == "no LICENSE file in repo"


def test_read_table_expands_patterns_and_licence_keys():
    table = {
        "licences": {"a": "Licence A"},
        "files": [
            {"path": "d/f", "url": None, "sha256": "0" * 64, "size": 3, "licence": "a"}
        ],
        "split_files": [
            {
                "path": "s/{name}_{index}.npz",
                "url": "https://x/{name}/{index}",
                "licence": "a",
                "sha256_size": {"g": [["1" * 64, 5], ["2" * 64, 6]]},
            }
        ],
    }
    assert read_table(table) == {
        "d/f": FileSpec(None, "0" * 64, 3, "Licence A"),
        "s/g_0.npz": FileSpec("https://x/g/0", "1" * 64, 5, "Licence A"),
        "s/g_1.npz": FileSpec("https://x/g/1", "2" * 64, 6, "Licence A"),
    }
    table["files"][0]["licence"] = "b"
    with pytest.raises(ValueError, match="d/f has unknown licence key 'b'"):
        read_table(table)
    table["files"][0]["licence"] = "a"
    table["files"].append(dict(table["files"][0]))
    with pytest.raises(ValueError, match="d/f is listed twice"):
        read_table(table)


def test_table_ships_as_package_data():
    config = tomllib.loads((PROJECT / "pyproject.toml").read_text())
    assert TABLE in config["tool"]["setuptools"]["package-data"]["graphlabels.data"]
    assert (PROJECT / "graphlabels" / "data" / TABLE).is_file()


def test_no_generated_copy_in_datasets():
    assert not (PROJECT / "datasets" / "datasets.json").exists()
    readme = (PROJECT / "datasets" / "README.md").read_text()
    assert "graphlabels/data/files.json" in readme
    assert not re.search(r"_files\.py", readme)
