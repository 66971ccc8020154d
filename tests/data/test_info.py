import pytest

from graphlabels.data import DataFileError, DatasetInfo, get_info


def _info(**kw) -> DatasetInfo:
    return DatasetInfo(name="g", family="x", loader=lambda root, split: None, **kw)


def test_missing_and_presence(tmp_path):
    info = _info(files=("a/one.txt", "two.txt"))
    assert info.missing(tmp_path) == ["a/one.txt", "two.txt"]
    assert not info.is_present(tmp_path)
    (tmp_path / "a").mkdir()
    (tmp_path / "a/one.txt").write_text("1")
    (tmp_path / "two.txt").write_text("2")
    assert info.missing(tmp_path) == [] and info.is_present(tmp_path)


def test_check_and_present_override(tmp_path):
    def refuse(root):
        raise DataFileError("wrong content")

    assert not _info(check=refuse).is_present(tmp_path)
    assert _info(files=("absent",), present=lambda root: True).is_present(tmp_path)


def test_needed_files_adds_extras_once():
    info = _info(
        files=("a", "b"),
        extra_files=lambda split, kw: ["b", "c"] if kw.get("more") else [],
    )
    assert info.needed_files(None, {}) == ["a", "b"]
    assert info.needed_files(None, {"more": True}) == ["a", "b", "c"]


def test_planetoid_geom_gcn_split_needs_its_split_files():
    files = get_info("cora").needed_files("geom-gcn", {})
    assert files[8:] == [
        f"geom_gcn/splits/cora_split_0.6_0.2_{i}.npz" for i in range(10)
    ]
    with pytest.raises(ValueError, match="unknown dataset"):
        get_info("no-such-graph")
