import shutil
import subprocess
import sys

import pytest

from graphlabels.data import DataFileError, DatasetInfo, get_info, list_datasets, load
from graphlabels.data import registry as reg
from graphlabels.data._builtin import BUILTIN
from graphlabels.data.planetoid import planetoid_files

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
    monkeypatch.setattr(reg, "REGISTRY", reg.REGISTRY.copy())
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


def test_registry_starts_from_the_builtin_table():
    assert [i.name for i in list_datasets()][: len(BUILTIN)] == [
        i.name for i in BUILTIN
    ]
    assert "Amazon_Photo" in reg.REGISTRY and "nope" not in reg.REGISTRY
    assert len(reg.Registry()) == 0
    copy = reg.REGISTRY.copy()
    copy.register(DatasetInfo("only-in-copy", "x", lambda root, split: None))
    assert "only-in-copy" in copy and "only-in-copy" not in reg.REGISTRY


def test_registry_imports_without_a_cycle():
    # each module imports on its own in a fresh interpreter, the table first too
    for module in ("graphlabels.data._builtin", "graphlabels.data.registry"):
        code = f"import {module}; import graphlabels.data.registry as r; "
        code += "assert len(r.REGISTRY) == len(r.BUILTIN)"
        subprocess.run([sys.executable, "-c", code], check=True)


def test_verify_detects_changed_files(tmp_path, data_root):
    for rel in planetoid_files("cora"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data_root / rel, tmp_path / rel)
    assert load("cora", tmp_path).num_nodes == 2708
    with open(tmp_path / "planetoid/ind.cora.test.index", "a") as f:
        f.write("\n")
    with pytest.raises(
        DataFileError, match=r"(?s)differ from the published.*ind\.cora\.test"
    ):
        load("cora", tmp_path)
    # the test index still parses with the extra newline
    assert load("cora", tmp_path, verify=False).num_nodes == 2708


def test_unknown_option_is_a_type_error(data_root):
    with pytest.raises(TypeError, match="normalise_features"):
        load("cora", data_root, normalise_features=False)


def test_runtime_registrations(monkeypatch):
    monkeypatch.setattr(reg, "REGISTRY", reg.REGISTRY.copy())
    reg.register(DatasetInfo("my-graph", "custom", lambda root, split: None))
    assert get_info("My_Graph").family == "custom"
    assert list_datasets("custom") == [get_info("my-graph")]
