"""Data root resolution, sha256 verification and verified downloads.

The root holding the data files is, in order: the ``root`` argument, the environment
variable ``GRAPHLABELS_DATA``, then the user cache (:func:`cache_dir`). Files missing
from the *cache* are downloaded from their canonical URL (the table
``graphlabels/data/files.json``, see :mod:`graphlabels.data._files`): streamed to a
temporary file in the target folder, checked against the recorded sha256, then renamed
into place atomically, so a partial or corrupt download never looks like a valid file.

Present files are checked against the recorded sha256 before they are read
(:func:`verify_files`). A file is hashed once: its ``(size, mtime_ns, sha256)`` is
stored as a *stamp* in the user cache, ``<cache>/verified/<root id>.json``, one small
JSON per data root (the root itself is never written, so it may be read-only), and the
file is hashed again only when its size or modification time changes.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from graphlabels.data._files import FILES, FileSpec

__all__ = [
    "DataFileError",
    "cache_dir",
    "download_file",
    "ensure_files",
    "read_guard",
    "resolve_root",
    "sha256_file",
    "verify_files",
]

ENV_VAR = "GRAPHLABELS_DATA"
CACHE_ENV_VAR = "GRAPHLABELS_CACHE"
_CHUNK = 1 << 20


class DataFileError(FileNotFoundError):
    """Data files are missing or failed verification; the message names the fix."""


def cache_dir() -> Path:
    """The user cache: downloaded data and verification stamps.

    ``$GRAPHLABELS_CACHE``, else ``$XDG_CACHE_HOME/graphlabels``, else
    ``~/.cache/graphlabels``.
    """
    env = os.environ.get(CACHE_ENV_VAR)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
    return Path(base).expanduser() / "graphlabels"


def resolve_root(root: str | os.PathLike[str] | None = None) -> tuple[Path, bool]:
    """Resolve the data root.

    Args:
        root: explicit root (default: ``$GRAPHLABELS_DATA``, then the user cache).

    Returns:
        ``(path, is_cache)``; ``is_cache`` is True when the user cache was chosen,
        the only root into which missing files are downloaded by default.
    """
    if root is not None:
        return Path(root).expanduser(), False
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser(), False
    return cache_dir(), True


def sha256_file(path: str | os.PathLike[str]) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def download_file(
    url: str, dest: str | os.PathLike[str], sha256: str | None, timeout: float = 60.0
) -> Path:
    """Download ``url`` to ``dest``, verifying its sha256.

    The body is streamed into a temporary file beside ``dest``, hashed on the fly,
    and renamed to ``dest`` only when the hash matches.

    Args:
        url: source URL (``https://``, ``http://`` or ``file://``).
        dest: final path.
        sha256: expected hex digest; ``None`` downloads with a warning that gives the
            computed digest so it can be recorded.
        timeout: socket timeout in seconds (default: ``60``).

    Returns:
        ``dest`` as a :class:`~pathlib.Path`.

    Raises:
        DataFileError: the hash does not match (the temporary file is removed).
        urllib.error.URLError: the source cannot be reached.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    h = hashlib.sha256()
    try:
        with (
            os.fdopen(fd, "wb") as out,
            urllib.request.urlopen(url, timeout=timeout) as resp,
        ):
            while chunk := resp.read(_CHUNK):
                h.update(chunk)
                out.write(chunk)
        digest = h.hexdigest()
        if sha256 is not None and digest != sha256.lower():
            raise DataFileError(
                f"sha256 mismatch for {url}: expected {sha256}, got {digest}; the "
                f"file was not saved to {dest}. The source changed or the download "
                "is corrupt: retry, or put a verified copy there yourself"
            )
        if sha256 is None:
            warnings.warn(
                f"{dest.name} downloaded from {url} without verification (no sha256 "
                f"recorded); its sha256 is {digest}",
                stacklevel=2,
            )
        os.replace(tmp, dest)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return dest


def _missing_message(root: Path, missing: list[str], reason: str) -> str:
    lines = [f"{reason}: {len(missing)} data file(s) missing under {root}:"]
    for rel in missing:
        spec = FILES.get(rel)
        src = spec.url if spec is not None and spec.url else "no public source"
        lines.append(f"  {root / rel}  (source: {src})")
    lines.append(
        f"Put them there (keeping the layout), point {ENV_VAR} or root= at a folder "
        "that has them, or load with download=True when online."
    )
    return "\n".join(lines)


def ensure_files(
    root: Path,
    files: Iterable[str],
    *,
    download: bool = False,
    base_url: str | None = None,
) -> list[Path]:
    """Make sure every file exists under ``root``, downloading missing ones if asked.

    Nothing is loaded until every file is present: a dataset is never half-built.

    Args:
        root: data root.
        files: paths relative to ``root`` (keys of :data:`FILES` for downloads).
        download: fetch missing files from their canonical URL (default: ``False``).
        base_url: fetch from ``base_url + relpath`` instead of the canonical URL,
            still verified against the recorded sha256 (a mirror; used by tests).

    Returns:
        The absolute paths, in the order given.

    Raises:
        DataFileError: files are missing and could not be downloaded.
    """
    rels = list(files)
    missing = [r for r in rels if not (root / r).is_file()]
    if missing and download:
        failed: list[str] = []
        errors: list[str] = []
        verified: dict[str, dict[str, object]] = {}
        for rel in missing:
            spec = FILES.get(rel, FileSpec(None, None, None, ""))
            url = base_url.rstrip("/") + "/" + rel if base_url else spec.url
            if url is None:
                failed.append(rel)
                continue
            try:
                download_file(url, root / rel, spec.sha256)
            except (urllib.error.URLError, OSError) as exc:
                if isinstance(exc, DataFileError):
                    raise
                failed.append(rel)
                errors.append(f"{url}: {exc}")
                continue
            if spec.sha256 is not None:  # checked while downloading: stamp it
                verified[rel] = _stamp((root / rel).stat(), spec.sha256)
        if verified:
            _save_stamps(root, verified)
        if failed:
            msg = _missing_message(root, failed, "download failed or not possible")
            if errors:
                msg += "\nErrors:\n  " + "\n  ".join(errors[:5])
            raise DataFileError(msg)
    elif missing:
        raise DataFileError(_missing_message(root, missing, "not found"))
    return [root / r for r in rels]


@contextmanager
def read_guard(path: str | os.PathLike[str]) -> Iterator[None]:
    """Name ``path`` when reading it fails: a truncated or corrupt file.

    Any error raised inside the block (an unpickling, zip, parse or decode error) is
    re-raised as :class:`DataFileError` naming the file and the fix, chained to the
    original error. :class:`DataFileError` passes through unchanged.
    """
    try:
        yield
    except DataFileError:
        raise
    except Exception as exc:
        raise DataFileError(
            f"cannot read {path}: {type(exc).__name__}: {exc}. The file is truncated "
            "or corrupt: delete it and load again with download=True to fetch the "
            "published copy, or put the published file there (load verifies it "
            "against its sha256 unless verify=False)"
        ) from exc


def _stamp_file(root: Path) -> Path:
    """Where the verification stamps of the files under ``root`` are kept."""
    key = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / "verified" / f"{key}.json"


def _read_stamps(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return files if isinstance(files, dict) else {}


def _save_stamps(root: Path, fresh: dict[str, dict[str, object]]) -> None:
    """Merge ``fresh`` stamps into ``root``'s stamp file, atomically.

    A cache that cannot be written is skipped: the files are hashed again next time.
    """
    path = _stamp_file(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        stamps = _read_stamps(path)
        stamps.update(fresh)
        fd, tmp = tempfile.mkstemp(prefix=".stamps.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                data = {"root": str(root.resolve()), "files": stamps}
                json.dump(data, f, indent=1, sort_keys=True)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
    except OSError:
        pass


def _stamp(st: os.stat_result, sha256: str) -> dict[str, object]:
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": sha256}


def verify_files(root: Path, files: Iterable[str]) -> None:
    """Check present files under ``root`` against their recorded sha256.

    Files without a recorded sha256, and missing files, are skipped. A file whose
    size and modification time match its stamp is not hashed again (see the module
    docstring for where stamps live).

    Args:
        root: data root.
        files: paths relative to ``root`` (keys of :data:`FILES`).

    Raises:
        DataFileError: some files differ; the message names each file, its sha256
            and the expected one, and the fix.
    """
    stamps = _read_stamps(_stamp_file(root))
    fresh: dict[str, dict[str, object]] = {}
    bad: list[str] = []
    for rel in files:
        spec = FILES.get(rel)
        path = root / rel
        if spec is None or spec.sha256 is None or not path.is_file():
            continue
        st = path.stat()
        stamp = stamps.get(rel)
        if (
            isinstance(stamp, dict)
            and stamp.get("size") == st.st_size
            and stamp.get("mtime_ns") == st.st_mtime_ns
            and isinstance(stamp.get("sha256"), str)
        ):
            digest = str(stamp["sha256"])
        else:
            digest = sha256_file(path)
            fresh[rel] = _stamp(st, digest)
        if digest != spec.sha256:
            size = f"{st.st_size:,} bytes"
            if spec.size is not None and spec.size != st.st_size:
                size += f", expected {spec.size:,}"
            src = spec.url or "derived locally, no download"
            bad.append(
                f"  {path}: sha256 {digest}, expected {spec.sha256} ({size}; "
                f"source: {src})"
            )
    if fresh:
        _save_stamps(root, fresh)
    if bad:
        raise DataFileError(
            f"{len(bad)} data file(s) differ from the published version:\n"
            + "\n".join(bad)
            + "\nThey are corrupt, truncated or another version. Delete them and load "
            "again with download=True to fetch the published copies, or pass "
            "verify=False (--no-verify on the command line) to use them as they are."
        )
