"""Processes sharing one annotation cache never pay twice for one call."""

import multiprocessing as mp
import os
import signal
import time

import pytest

from graphlabels.labelfree.annotators.openai import OpenAIAnnotator
from graphlabels.labelfree.cache import AnnotationCache

LABELS = ["Database", "Machine Learning", "Human-Computer Interaction"]
TEXTS = [f"Paper {i} on query optimisation in relational systems." for i in range(6)]

# fork keeps the test's functions without importing this module by name; the
# children only use sockets and SQLite, opened after the fork
CTX = mp.get_context("fork")


def _annotate(url: str, path: str, queue) -> None:
    cache = AnnotationCache(path)
    ann = OpenAIAnnotator(
        url, "test-model", max_tokens=16, concurrency=2, cache=cache, timeout=30
    )
    out = ann.annotate(TEXTS, LABELS)
    queue.put(([a.label for a in out], ann.calls_, ann.cache_hits_))


def test_two_processes_share_calls(server, tmp_path):
    server.default = "slow"
    server.delay = 0.3  # long enough for the two processes to want the same calls
    path = str(tmp_path / "shared.sqlite")
    AnnotationCache(path).close()  # create the tables before the race
    queue = CTX.Queue()
    procs = [
        CTX.Process(target=_annotate, args=(server.url, path, queue)) for _ in range(2)
    ]
    for p in procs:
        p.start()
    results = [queue.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=30)
        assert p.exitcode == 0
    digests = [r["digest"] for r in server.requests]
    assert len(digests) == len(set(digests)) == len(TEXTS)  # each call paid once
    assert sum(r[1] for r in results) == len(TEXTS)
    assert sum(r[2] for r in results) == len(TEXTS)  # the rest waited for them
    assert results[0][0] == results[1][0] == [0] * len(TEXTS)


def _hold_one(url: str, path: str) -> None:
    cache = AnnotationCache(path)
    ann = OpenAIAnnotator(
        url,
        "test-model",
        max_tokens=16,
        cache=cache,
        call_timeout=1.0,
        timeout=1.0,
        max_retries=0,
    )
    ann.annotate(TEXTS[:1], LABELS)


def test_a_crashed_owners_lease_expires(server, tmp_path):
    server.cues.append("hold")  # the first request is never answered in time
    path = str(tmp_path / "shared.sqlite")
    AnnotationCache(path).close()
    child = CTX.Process(target=_hold_one, args=(server.url, path))
    child.start()
    limit = time.monotonic() + 30
    while server.count() == 0 and time.monotonic() < limit:
        time.sleep(0.02)
    assert server.count() == 1  # the child holds the lease and waits
    os.kill(child.pid, signal.SIGKILL)  # crash: the lease is never released
    child.join(timeout=30)
    cache = AnnotationCache(path)
    leases = cache._conn.execute("SELECT owner, expires FROM leases").fetchall()
    assert len(leases) == 1 and leases[0][1] > time.time()
    ann = OpenAIAnnotator(server.url, "test-model", max_tokens=16, cache=cache)
    out = ann.annotate(TEXTS[:1], LABELS)
    assert out[0].label == 0 and ann.calls_ == 1
    assert server.count() == 2
    # the second call was made only once the lease had expired
    assert server.requests[1]["time"] >= server.requests[0]["time"] + 1.0
    (key,) = cache._conn.execute("SELECT key FROM calls").fetchone()
    assert cache.lease(key) is None


def test_lease_api(tmp_path):
    c = AnnotationCache(tmp_path / "c.sqlite")
    assert c.claim("k", "a", 60) == (None, None)  # a holds it
    value, busy = c.claim("k", "b", 60)
    assert value is None and busy == pytest.approx(time.time() + 60, abs=5)
    assert c.claim("k", "a", 60) == (None, None)  # the owner may renew
    c.release("k", "b")  # not b's lease: nothing happens
    assert c.lease("k")[0] == "a"
    c.put("k", {"content": "x"})  # storing ends the lease
    assert c.lease("k") is None and c.claim("k", "b", 60) == ({"content": "x"}, None)
    assert c.claim("j", "a", -1) == (None, None)  # an expired lease
    assert c.claim("j", "b", 60) == (None, None)  # is taken over
    assert c.lease("j")[0] == "b"
