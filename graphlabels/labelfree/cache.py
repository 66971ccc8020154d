"""A persistent, crash-safe annotation cache in SQLite.

Every paid (or slow) model call is stored under a key made of the model, the prompt,
the call parameters and the SHA-256 of the node text, so a crashed run resumes
without repeating a call. Each entry is written in one SQLite transaction (WAL
journal), so a reader sees either the whole entry or nothing. Secrets are never part
of a key or a value: callers pass only the fields listed in :func:`make_key`.

Several processes may share one cache file. A process about to make a call claims
its key with a lease (owner, expiry) in the same file; another process that wants
the same call finds the live lease and waits for the stored answer instead of
paying for the call again. Storing the answer ends the lease; a crashed owner's
lease simply expires.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["AnnotationCache", "make_key", "text_hash"]


def text_hash(text: str) -> str:
    """SHA-256 hex digest of ``text`` (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def make_key(model: str, prompt: str, params: dict[str, Any], text: str) -> str:
    """The cache key of one call.

    Args:
        model: model name (and endpoint kind).
        prompt: prompt name or template identifier.
        params: the call parameters (temperature, max_tokens, labels, sample index,
            ...); must be JSON-serialisable and hold no secret.
        text: the node text; only its hash enters the key.

    Returns:
        A SHA-256 hex digest.
    """
    blob = json.dumps(
        {"model": model, "prompt": prompt, "params": params, "text": text_hash(text)},
        sort_keys=True,
        ensure_ascii=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()


class AnnotationCache:
    """SQLite key-value store of JSON call results.

    Args:
        path: database file (created with its parent folder); ``":memory:"`` for a
            throw-away cache.

    Example:
        >>> cache = AnnotationCache(":memory:")
        >>> cache.put("k", {"content": "x"})
        >>> cache.get("k")
        {'content': 'x'}
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            self.path, check_same_thread=False, isolation_level=None, timeout=30.0
        )
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS calls (key TEXT PRIMARY KEY, value TEXT NOT "
            "NULL, created REAL NOT NULL)"
        )
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS leases (key TEXT PRIMARY KEY, owner TEXT NOT "
            "NULL, expires REAL NOT NULL)"
        )

    def get(self, key: str) -> dict[str, Any] | None:
        """The stored value of ``key``, or ``None``."""
        with self._lock:
            row = self._conn.execute(
                "SELECT value FROM calls WHERE key = ?", (key,)
            ).fetchone()
        return None if row is None else json.loads(row[0])

    def put(self, key: str, value: dict[str, Any]) -> None:
        """Store ``value`` under ``key`` atomically (one transaction).

        Any lease on ``key`` ends in the same transaction.
        """
        blob = json.dumps(value, ensure_ascii=False)
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.execute(
                    "INSERT OR REPLACE INTO calls (key, value, created) VALUES "
                    "(?, ?, ?)",
                    (key, blob, time.time()),
                )
                self._conn.execute("DELETE FROM leases WHERE key = ?", (key,))
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def claim(
        self, key: str, owner: str, ttl: float
    ) -> tuple[dict[str, Any] | None, float | None]:
        """Claim the call ``key`` for ``owner`` for ``ttl`` seconds.

        Args:
            key: the call's key.
            owner: an id unique to the claiming call (e.g. pid and a random id).
            ttl: lease length in seconds; the owner must store the answer (or
                :meth:`release` the lease) before it ends.

        Returns:
            ``(value, None)`` when the answer is stored; ``(None, None)`` when
            ``owner`` now holds the lease and should make the call; ``(None,
            expires)`` when another owner holds a live lease until ``expires``
            (``time.time()`` seconds): wait, then claim again.
        """
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                row = self._conn.execute(
                    "SELECT value FROM calls WHERE key = ?", (key,)
                ).fetchone()
                if row is not None:
                    out: tuple[dict[str, Any] | None, float | None]
                    out = (json.loads(row[0]), None)
                else:
                    now = time.time()
                    lease = self._conn.execute(
                        "SELECT owner, expires FROM leases WHERE key = ?", (key,)
                    ).fetchone()
                    if lease is not None and lease[0] != owner and lease[1] > now:
                        out = (None, float(lease[1]))
                    else:
                        self._conn.execute(
                            "INSERT OR REPLACE INTO leases (key, owner, expires) "
                            "VALUES (?, ?, ?)",
                            (key, owner, now + ttl),
                        )
                        out = (None, None)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
        return out

    def release(self, key: str, owner: str) -> None:
        """End ``owner``'s lease on ``key`` (a failed call); others may claim it."""
        with self._lock:
            self._conn.execute(
                "DELETE FROM leases WHERE key = ? AND owner = ?", (key, owner)
            )

    def lease(self, key: str) -> tuple[str, float] | None:
        """``(owner, expires)`` of the lease on ``key``, or ``None``."""
        with self._lock:
            row = self._conn.execute(
                "SELECT owner, expires FROM leases WHERE key = ?", (key,)
            ).fetchone()
        return None if row is None else (str(row[0]), float(row[1]))

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM calls").fetchone()[0])

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    def __enter__(self) -> AnnotationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
