import hashlib
import http.server
import os
import threading
from functools import partial
from pathlib import Path

import pytest

from graphlabels.data import download as dl
from graphlabels.data._files import FILES, FileSpec
from graphlabels.data.download import (
    DataFileError,
    cache_dir,
    download_file,
    ensure_files,
    read_guard,
    resolve_root,
    sha256_file,
    verify_files,
)


@pytest.fixture
def server(tmp_path):
    """A loopback HTTP server over tmp_path/www; yields its base URL."""
    www = tmp_path / "www"
    www.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = partial(Quiet, directory=str(www))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", www
    httpd.shutdown()
    httpd.server_close()


def test_root_resolution_order(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("GRAPHLABELS_DATA", raising=False)
    monkeypatch.delenv("GRAPHLABELS_CACHE", raising=False)
    assert resolve_root(None) == (tmp_path / "xdg" / "graphlabels", True)
    assert cache_dir() == tmp_path / "xdg" / "graphlabels"
    monkeypatch.setenv("GRAPHLABELS_CACHE", str(tmp_path / "gl"))
    assert cache_dir() == tmp_path / "gl"
    assert resolve_root(None) == (tmp_path / "gl", True)
    monkeypatch.setenv("GRAPHLABELS_DATA", str(tmp_path / "env"))
    assert resolve_root(None) == (tmp_path / "env", False)
    assert resolve_root(tmp_path / "arg") == (tmp_path / "arg", False)


def test_http_download_verifies_sha256(server, tmp_path):
    base, www = server
    body = os.urandom(3 * (1 << 20) + 7)  # several chunks
    (www / "f.bin").write_bytes(body)
    good = hashlib.sha256(body).hexdigest()
    dest = tmp_path / "out" / "sub" / "f.bin"
    assert download_file(f"{base}/f.bin", dest, good) == dest
    assert dest.read_bytes() == body


def test_wrong_sha256_saves_nothing(server, tmp_path):
    base, www = server
    (www / "f.bin").write_bytes(b"hello")
    dest = tmp_path / "out" / "f.bin"
    with pytest.raises(DataFileError) as err:
        download_file(f"{base}/f.bin", dest, "0" * 64)
    msg = str(err.value)
    assert "sha256 mismatch" in msg and "expected " + "0" * 64 in msg
    assert hashlib.sha256(b"hello").hexdigest() in msg
    assert "was not saved" in msg
    assert not dest.exists()
    assert list(dest.parent.iterdir()) == []  # no .part left behind


def test_file_url_and_unverified_warning(tmp_path):
    src = tmp_path / "src.txt"
    src.write_text("abc")
    with pytest.warns(UserWarning, match="without verification.*sha256 is"):
        download_file(src.as_uri(), tmp_path / "dst.txt", None)
    assert (tmp_path / "dst.txt").read_text() == "abc"


def test_ensure_files_from_mirror(server, tmp_path, data_root, monkeypatch):
    base, www = server
    rel = "planetoid/ind.cora.y"
    (www / "planetoid").mkdir()
    (www / rel).write_bytes((data_root / rel).read_bytes())
    out = ensure_files(tmp_path / "root", [rel], download=True, base_url=base)
    assert sha256_file(out[0]) == FILES[rel].sha256
    # a mirror serving different bytes is rejected by the recorded hash
    (www / "planetoid/ind.cora.x").write_bytes(b"not cora")
    with pytest.raises(DataFileError, match="sha256 mismatch"):
        ensure_files(
            tmp_path / "root", ["planetoid/ind.cora.x"], download=True, base_url=base
        )


def test_offline_error_names_files_and_place(tmp_path, monkeypatch):
    rels = ["planetoid/ind.cora.x", "planetoid/ind.cora.y"]
    for rel in rels:
        spec = FILES[rel]
        # port 9 on loopback: connection refused, like being offline
        monkeypatch.setitem(
            dl.FILES, rel, FileSpec("http://127.0.0.1:9/" + rel, spec.sha256, 1, "")
        )
    root = tmp_path / "cache"
    with pytest.raises(DataFileError) as err:
        ensure_files(root, rels, download=True)
    msg = str(err.value)
    assert "download failed" in msg
    for rel in rels:
        assert str(root / rel) in msg
    assert "GRAPHLABELS_DATA" in msg
    assert not any(root.rglob("*.part"))


def test_missing_without_download(tmp_path):
    with pytest.raises(DataFileError) as err:
        ensure_files(tmp_path, ["planetoid/ind.cora.x", "x/derived.tsv"])
    msg = str(err.value)
    assert "not found: 2 data file(s) missing" in msg
    assert "kimiyoung/planetoid" in msg and "no public source" in msg


def test_load_downloads_into_the_cache(tmp_path, data_root, monkeypatch):
    """End to end: empty user cache, canonical URLs replaced by file:// copies."""
    from graphlabels.data import load
    from graphlabels.data.planetoid import planetoid_files

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("GRAPHLABELS_DATA", raising=False)
    monkeypatch.delenv("GRAPHLABELS_CACHE", raising=False)
    for rel in planetoid_files("cora"):
        spec = FILES[rel]
        url = Path(data_root / rel).resolve().as_uri()
        monkeypatch.setitem(dl.FILES, rel, spec._replace(url=url))
    g = load("cora")
    assert (g.num_nodes, g.num_edges) == (2708, 10556)
    cached = tmp_path / "xdg" / "graphlabels" / "planetoid"
    assert sorted(p.name for p in cached.iterdir()) == sorted(
        Path(r).name for r in planetoid_files("cora")
    )
    # verified while downloading, so stamped: loading again hashes nothing
    calls = []
    monkeypatch.setattr(dl, "sha256_file", lambda path: calls.append(path))
    assert load("cora").num_nodes == 2708
    assert calls == []


def test_http_404_is_reported_with_the_file(server, tmp_path, monkeypatch):
    base, _ = server
    rel = "planetoid/ind.cora.x"
    monkeypatch.setitem(dl.FILES, rel, FILES[rel]._replace(url=f"{base}/gone"))
    with pytest.raises(DataFileError) as err:
        ensure_files(tmp_path, [rel], download=True)
    assert "404" in str(err.value) and str(tmp_path / rel) in str(err.value)


def test_explicit_roots_never_download(tmp_path, monkeypatch):
    from graphlabels.data import load

    def no_network(*args, **kwargs):
        raise AssertionError("tried to download into an explicit root")

    monkeypatch.setattr(dl, "download_file", no_network)
    monkeypatch.setenv("GRAPHLABELS_DATA", str(tmp_path))
    with pytest.raises(DataFileError, match="not found: 8 data file"):
        load("cora")
    with pytest.raises(DataFileError, match="not found: 8 data file"):
        load("cora", tmp_path / "other")


def test_verify_files_skips_unknown_and_missing_files(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHLABELS_CACHE", str(tmp_path / "cache"))
    (tmp_path / "x").mkdir()
    (tmp_path / "x/mine.txt").write_text("not in the table")
    rel = "planetoid/ind.cora.x"  # listed, but not present under tmp_path
    verify_files(tmp_path, ["x/mine.txt", rel])
    assert not (tmp_path / "cache").exists()  # nothing hashed, nothing stamped


def test_verify_files_lists_every_bad_file(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHLABELS_CACHE", str(tmp_path / "cache"))
    rels = ["planetoid/ind.cora.x", "planetoid/ind.cora.y"]
    for rel in rels:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"abc")
    with pytest.raises(DataFileError) as err:
        verify_files(tmp_path, rels)
    msg = str(err.value)
    assert msg.startswith("2 data file(s) differ from the published version:")
    abc = hashlib.sha256(b"abc").hexdigest()
    for rel in rels:
        spec = FILES[rel]
        assert (
            f"{tmp_path / rel}: sha256 {abc}, expected {spec.sha256} (3 bytes, "
            f"expected {spec.size:,}; source: {spec.url})"
        ) in msg


def test_read_guard_names_the_file_and_keeps_the_cause(tmp_path):
    path = tmp_path / "f.bin"
    with pytest.raises(DataFileError) as err:
        with read_guard(path):
            raise ValueError("bad header")
    assert str(err.value).startswith(f"cannot read {path}: ValueError: bad header.")
    assert isinstance(err.value.__cause__, ValueError)
    with pytest.raises(DataFileError, match="^as it was$"):
        with read_guard(path):
            raise DataFileError("as it was")
