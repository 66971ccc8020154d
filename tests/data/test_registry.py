import json
import shutil
from pathlib import Path

import pytest

from graphlabels.data import DataFileError, DatasetInfo, get_info, list_datasets, load
from graphlabels.data import registry as reg
from graphlabels.data._files import FILES
from graphlabels.data.planetoid import planetoid_files

PROJECT = Path(__file__).resolve().parents[2]
ABSENT_HERE = {"pubmed", "coauthor-physics", "cornell"}


def test_unknown_name_lists_known_names():
    with pytest.raises(ValueError) as err:
        load("corra")
    msg = str(err.value)
    assert "unknown dataset 'corra'" in msg
    assert "Did you mean 'cora'" in msg
    for name in ("cora", "amazon-photo", "texas", "chameleon", "citeseer-text"):
        assert name in msg


def test_names_are_normalised(data_root):
    assert get_info("Amazon_Photo") is get_info("amazon-photo")
    g = load("CORA", data_root)
    assert g.name == "cora"


def test_register_refuses_duplicates(monkeypatch):
    monkeypatch.setattr(reg, "_REGISTRY", dict(reg._REGISTRY))
    info = DatasetInfo("cora", "x", lambda root, split: None)
    with pytest.raises(ValueError, match="already registered: pass overwrite=True"):
        reg.register(info)
    reg.register(info, overwrite=True)
    assert get_info("cora").family == "x"


def test_presence(data_root):
    present = {i.name for i in list_datasets() if i.is_present(data_root)}
    assert "cora" in present and "amazon-photo" in present
    assert not present & ABSENT_HERE
    assert get_info("pubmed").missing(data_root) == ["planetoid/ind.pubmed.allx"]


def test_datasets_json_is_current():
    path = PROJECT / "datasets" / "datasets.json"
    assert path.read_text() == reg.registry_json(), (
        "datasets/datasets.json is stale: regenerate it with "
        "python -c 'from graphlabels.data.registry import registry_json; "
        'print(registry_json(), end="")\' > datasets/datasets.json'
    )
    data = json.loads(path.read_text())
    assert (
        data["files"]["planetoid/ind.cora.x"]["sha256"]
        == FILES["planetoid/ind.cora.x"].sha256
    )


def test_verify_detects_changed_files(tmp_path, data_root):
    for rel in planetoid_files("cora"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data_root / rel, tmp_path / rel)
    assert load("cora", tmp_path, verify=True).num_nodes == 2708
    with open(tmp_path / "planetoid/ind.cora.test.index", "a") as f:
        f.write("\n")
    with pytest.raises(
        DataFileError, match=r"(?s)differ from the published.*ind\.cora\.test"
    ):
        load("cora", tmp_path, verify=True)


def test_unknown_option_is_a_type_error(data_root):
    with pytest.raises(TypeError, match="normalise_features"):
        load("cora", data_root, normalise_features=False)


def test_runtime_registrations_stay_out_of_the_json(monkeypatch):
    monkeypatch.setattr(reg, "_REGISTRY", dict(reg._REGISTRY))
    before = reg.registry_json()
    reg.register(DatasetInfo("my-graph", "custom", lambda root, split: None))
    assert get_info("my-graph").family == "custom"
    assert reg.registry_json() == before
