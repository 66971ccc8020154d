"""Data root resolution, sha256 verification and verified downloads.

The root holding the data files is, in order: the ``root`` argument, the environment
variable ``GRAPHLABELS_DATA``, then the user cache ``~/.cache/graphlabels`` (or
``$XDG_CACHE_HOME/graphlabels``). Files missing from the *cache* are downloaded from
their canonical URL (see :mod:`graphlabels.data._files`): streamed to a temporary file
in the target folder, checked against the recorded sha256, then renamed into place
atomically, so a partial or corrupt download never looks like a valid file.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterable
from pathlib import Path

from graphlabels.data._files import FILES, FileSpec

__all__ = [
    "DataFileError",
    "cache_dir",
    "download_file",
    "ensure_files",
    "resolve_root",
    "sha256_file",
]

ENV_VAR = "GRAPHLABELS_DATA"
_CHUNK = 1 << 20


class DataFileError(FileNotFoundError):
    """Data files are missing or failed verification; the message names the fix."""


def cache_dir() -> Path:
    """The user cache for downloaded data (``$XDG_CACHE_HOME/graphlabels``)."""
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
        if failed:
            msg = _missing_message(root, failed, "download failed or not possible")
            if errors:
                msg += "\nErrors:\n  " + "\n  ".join(errors[:5])
            raise DataFileError(msg)
    elif missing:
        raise DataFileError(_missing_message(root, missing, "not found"))
    return [root / r for r in rels]
