"""Data files are checked before they are read: a changed, truncated or corrupt file
is refused with an error naming it, and a verified file is not hashed again."""

import os
import re
import shutil
from pathlib import Path

import pytest

from graphlabels.data import DataFileError, load
from graphlabels.data import download as dl
from graphlabels.data._files import FILES
from graphlabels.data.planetoid import planetoid_files

ALLX = "planetoid/ind.cora.allx"


@pytest.fixture(autouse=True)
def cache(tmp_path, monkeypatch) -> Path:
    """A fresh user cache (stamps live there), never the real one."""
    path = tmp_path / "cache"
    monkeypatch.setenv("GRAPHLABELS_CACHE", str(path))
    return path


@pytest.fixture
def cora_root(tmp_path, data_root) -> Path:
    """A writable data root holding a copy of Cora's eight files."""
    root = tmp_path / "root"
    for rel in planetoid_files("cora"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data_root / rel, root / rel)
    return root


@pytest.fixture
def hash_calls(monkeypatch) -> list[Path]:
    """Every file ``sha256_file`` hashes during the test, in order."""
    calls: list[Path] = []
    real = dl.sha256_file

    def counting(path):
        calls.append(Path(path))
        return real(path)

    monkeypatch.setattr(dl, "sha256_file", counting)
    return calls


def flip_bit(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_flipped_bit_is_refused_with_both_hashes_and_the_fix(cora_root):
    path = cora_root / ALLX
    # a byte inside the feature values: the file still unpickles
    flip_bit(path, path.stat().st_size // 2)
    with pytest.raises(DataFileError) as err:
        load("cora", cora_root)
    msg = str(err.value)
    actual = dl.sha256_file(path)
    assert f"{path}: sha256 {actual}, expected {FILES[ALLX].sha256}" in msg
    assert "Delete them and load again with download=True" in msg
    assert "pass verify=False (--no-verify on the command line)" in msg
    # the explicit way out reads the changed file as it is
    g = load("cora", cora_root, verify=False)
    assert g.num_nodes == 2708


def test_truncated_file_is_named(cora_root):
    path = cora_root / ALLX
    size = path.stat().st_size
    path.write_bytes(path.read_bytes()[: size // 2])
    with pytest.raises(DataFileError) as err:
        load("cora", cora_root)
    assert re.search(
        rf"{re.escape(str(path))}: sha256 [0-9a-f]{{64}}, expected "
        rf"{FILES[ALLX].sha256} \({size // 2:,} bytes, expected {size:,};",
        str(err.value),
    )
    # unverified, the parse error names the file instead of a bare UnpicklingError
    with pytest.raises(
        DataFileError,
        match=rf"cannot read {re.escape(str(path))}: UnpicklingError: pickle data "
        "was truncated. The file is truncated or corrupt: delete it",
    ):
        load("cora", cora_root, verify=False)


def test_corrupt_npz_is_named(tmp_path, data_root):
    rel = "gnn_benchmark/amazon_electronics_photo.npz"
    path = tmp_path / rel
    path.parent.mkdir(parents=True)
    path.write_bytes((data_root / rel).read_bytes()[:1000])
    with pytest.raises(DataFileError, match=rf"cannot read {re.escape(str(path))}: "):
        load("amazon-photo", tmp_path, verify=False)


def test_second_load_does_not_hash_again(cora_root, hash_calls, cache):
    load("cora", cora_root)
    assert sorted(p.name for p in hash_calls) == sorted(
        Path(r).name for r in planetoid_files("cora")
    )
    hash_calls.clear()
    load("cora", cora_root)
    assert hash_calls == []
    # a changed modification time (an edit) is hashed again, that file only
    path = cora_root / ALLX
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    load("cora", cora_root)
    assert hash_calls == [path]


def test_a_known_bad_file_fails_again_without_hashing(cora_root, hash_calls):
    flip_bit(cora_root / ALLX, 1000)
    for _ in range(2):
        with pytest.raises(DataFileError, match="ind.cora.allx: sha256"):
            load("cora", cora_root)
    assert [p.name for p in hash_calls].count("ind.cora.allx") == 1


def test_read_only_root_keeps_its_stamps_in_the_cache(data_root, cache, hash_calls):
    # data_root (../shared/datasets) is read-only: nothing is written there
    before = sorted(os.listdir(data_root / "planetoid"))
    load("cora", data_root)
    assert len(hash_calls) == 8
    stamp_files = list((cache / "verified").glob("*.json"))
    assert len(stamp_files) == 1
    text = stamp_files[0].read_text()
    assert str(data_root.resolve()) in text and FILES[ALLX].sha256 in text
    assert sorted(os.listdir(data_root / "planetoid")) == before
    hash_calls.clear()
    load("cora", data_root)
    assert hash_calls == []


def test_unwritable_cache_still_verifies(cora_root, monkeypatch, tmp_path, hash_calls):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("GRAPHLABELS_CACHE", str(blocker / "cache"))
    load("cora", cora_root)
    load("cora", cora_root)
    assert len(hash_calls) == 16  # no stamps could be kept: hashed each time
    flip_bit(cora_root / ALLX, 1000)
    with pytest.raises(DataFileError, match="ind.cora.allx: sha256"):
        load("cora", cora_root)


def test_load_documents_verify_false():
    doc = load.__doc__
    assert "verify: check every file it reads against its recorded sha256" in doc
    assert "``verify=False`` (``--no-verify``" in doc
