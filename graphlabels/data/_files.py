"""Every data file the loaders know: relative path -> canonical URL, sha256, licence.

The table is package data, ``graphlabels/data/files.json``, the single source of truth
for downloads and verification:

- ``licences``: short key -> licence text;
- ``files``: one row per file, ``{"path", "url", "sha256", "size", "licence"}`` and an
  optional ``note``;
- ``split_files``: files named by a pattern (the geom-gcn splits): ``path`` and
  ``url`` are templates over ``{name}`` and ``{index}``, and ``sha256_size`` lists
  ``[sha256, size]`` per name for ``index = 0, 1, ...``.

URLs point at the exact commit the sha256 was taken from. ``url: null`` marks a file
that was derived locally (it has no canonical download); ``sha256: null`` marks a file
whose hash is not known yet (it is downloaded with a warning, never silently).
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, NamedTuple

__all__ = ["FILES", "FileSpec", "read_table"]

#: Name of the package data file holding the table.
TABLE = "files.json"


class FileSpec(NamedTuple):
    """One data file under the data root."""

    url: str | None
    sha256: str | None
    size: int | None
    licence: str


def read_table(table: dict[str, Any]) -> dict[str, FileSpec]:
    """Expand the JSON table (see the module docstring) into ``{path: FileSpec}``.

    Raises:
        ValueError: a row names an unknown licence key or repeats a path.
    """
    licences: dict[str, str] = table["licences"]
    out: dict[str, FileSpec] = {}

    def add(path: str, url: str | None, sha: str | None, size: int | None, lic: str):
        if lic not in licences:
            raise ValueError(f"{TABLE}: {path} has unknown licence key {lic!r}")
        if path in out:
            raise ValueError(f"{TABLE}: {path} is listed twice")
        out[path] = FileSpec(url, sha, size, licences[lic])

    for row in table["files"]:
        add(row["path"], row["url"], row["sha256"], row["size"], row["licence"])
    for group in table.get("split_files", ()):
        for name, entries in group["sha256_size"].items():
            for index, (sha, size) in enumerate(entries):
                add(
                    group["path"].format(name=name, index=index),
                    group["url"].format(name=name, index=index),
                    sha,
                    size,
                    group["licence"],
                )
    return out


def _load() -> dict[str, FileSpec]:
    text = resources.files(__package__).joinpath(TABLE).read_text(encoding="utf-8")
    return read_table(json.loads(text))


FILES: dict[str, FileSpec] = _load()
