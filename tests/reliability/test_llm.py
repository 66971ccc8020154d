"""The HTTP annotator against a server that misbehaves: deadlines, reply size,
the dollar cap, budget use under concurrency, and the API key.
"""

import logging
import re
import secrets
import time

import pytest

from graphlabels.labelfree.annotators.base import BudgetExceeded
from graphlabels.labelfree.annotators.openai import AnnotationError, OpenAIAnnotator
from graphlabels.labelfree.cache import AnnotationCache

LABELS = ["Database", "Machine Learning", "Human-Computer Interaction"]


def texts(n: int) -> list[str]:
    # equal lengths, so every call reserves the same worst case
    return [f"Paper number {i:03d} about indexing relational tables." for i in range(n)]


def annotator(url: str, **kw) -> OpenAIAnnotator:
    kw.setdefault("max_tokens", 16)
    kw.setdefault("backoff", 0.01)
    kw.setdefault("max_backoff", 0.05)
    kw.setdefault("timeout", 10)
    return OpenAIAnnotator(url, "test-model", **kw)


# ------------------------------------------------------------------ deadlines
def test_request_deadline_holds_against_a_trickling_server(server):
    # 10 bytes one every 1.5 s: each read is well inside the 3 s timeout, but
    # the whole reply takes 15 s
    server.cues.append("drip")
    ann = annotator(server.url, timeout=3, max_retries=0, on_error="skip")
    start = time.monotonic()
    out = ann.annotate(texts(1), LABELS)
    elapsed = time.monotonic() - start
    assert out[0].label == -1
    assert "no complete reply within 3.0 s" in out[0].error
    assert elapsed < 9.0  # 15 s before
    assert ann.attempts_ == 1 and ann.calls_ == 0


def test_call_deadline_bounds_the_retries(server):
    server.default = "drip"
    server.drip_interval = 1.0
    ann = annotator(
        server.url, timeout=2, call_timeout=5, max_retries=20, on_error="skip"
    )
    start = time.monotonic()
    out = ann.annotate(texts(1), LABELS)
    elapsed = time.monotonic() - start
    assert out[0].label == -1 and out[0].attempted
    assert "call_timeout (5 s) reached" in out[0].error
    assert elapsed < 9.0
    assert 2 <= ann.attempts_ <= 3


# ------------------------------------------------------------------ reply size
@pytest.mark.parametrize("cue", ["huge", "huge_length"])
def test_oversized_reply_is_an_error_neither_retried_nor_cached(server, cue, tmp_path):
    server.cues.append(cue)
    cache = AnnotationCache(tmp_path / "c.sqlite")
    ann = annotator(server.url, cache=cache, max_retries=3)
    with pytest.raises(
        AnnotationError,
        match=re.escape("is larger than max_reply_bytes (262144 bytes"),
    ):
        ann.annotate(texts(1), LABELS)
    assert server.count() == 1  # not retried
    assert len(cache) == 0  # not cached
    assert ann.cost_usd_ == 0.0


# ------------------------------------------------------------------ the cap
def test_cost_cap_holds_against_a_lying_server(server, caplog):
    server.default = "lie"  # reports 1M prompt and 1M completion tokens
    ann = annotator(
        server.url,
        price_prompt=1.0,
        price_completion=1.0,
        max_cost_usd=0.005,
        concurrency=1,
        on_error="skip",
    )
    with caplog.at_level(logging.WARNING):
        out = ann.annotate(texts(8), LABELS)
    assert ann.cost_usd_ <= 0.005  # $2.00 charged before
    assert server.count() == 1  # the first lie stops further calls
    assert "reported usage above the reserved worst case" in caplog.text
    assert "reported usage above the reserved worst case" in ann.stopped_
    assert out[0].label == 0  # the paid answer is kept
    assert all(not a.attempted and a.label == -1 for a in out[1:])


def test_cost_cap_holds_against_a_lying_server_with_concurrency(server):
    server.default = "lie"
    ann = annotator(
        server.url,
        price_prompt=1.0,
        price_completion=1.0,
        max_cost_usd=0.002,
        concurrency=4,
        on_error="skip",
    )
    ann.annotate(texts(12), LABELS)
    assert ann.cost_usd_ <= 0.002
    assert server.count() <= 4


def _annotate_under_cap(url: str, concurrency: int, cap: float):
    ann = annotator(
        url,
        price_prompt=1.0,
        price_completion=1.0,
        max_cost_usd=cap,
        concurrency=concurrency,
        on_error="skip",
    )
    return ann, ann.annotate(texts(24), LABELS)


def test_concurrency_does_not_waste_the_budget(server):
    server.default = "slow"
    server.delay = 0.05
    server.usage = (100, 8)  # far below the reserved worst case
    cap = 0.0015
    seq, out1 = _annotate_under_cap(server.url, 1, cap)
    par, out4 = _annotate_under_cap(server.url, 4, cap)
    done1 = [a.label >= 0 for a in out1]
    done4 = [a.label >= 0 for a in out4]
    k = sum(done1)
    assert 3 <= k < 24  # the cap binds
    assert done4 == done1  # the same nodes: reserve, send and settle in order
    assert done1 == [True] * k + [False] * (24 - k)
    assert all(not a.attempted and "dollar cap" in a.error for a in out4[k:])
    assert par.cost_usd_ == pytest.approx(seq.cost_usd_) and par.cost_usd_ <= cap


def test_cap_refusal_raises_with_on_error_raise(server):
    ann = annotator(
        server.url, price_prompt=1.0, price_completion=1.0, max_cost_usd=1e-6
    )
    with pytest.raises(BudgetExceeded, match="dollar cap"):
        ann.annotate(texts(2), LABELS)
    assert server.count() == 0


# ------------------------------------------------------------------ the key
@pytest.fixture
def key(monkeypatch):
    k = "sk-test-" + secrets.token_hex(16)
    monkeypatch.setenv("GRAPHLABELS_TEST_KEY", k)
    return k


def test_key_echoed_in_an_error_is_redacted(server, key, caplog):
    server.default = "echo401"
    ann = annotator(server.url, api_key_env="GRAPHLABELS_TEST_KEY")
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(AnnotationError) as err:
            ann.annotate(texts(1), LABELS)
    assert server.requests[0]["headers"]["Authorization"] == f"Bearer {key}"
    assert "HTTP 401" in str(err.value) and "[redacted]" in str(err.value)
    assert key not in str(err.value) and key not in caplog.text
    skip = annotator(server.url, api_key_env="GRAPHLABELS_TEST_KEY", on_error="skip")
    out = skip.annotate(texts(1), LABELS)
    assert key not in out[0].error and key not in out[0].raw


def test_key_echoed_in_a_reply_is_not_stored(server, key, tmp_path):
    server.default = "echo"
    path = tmp_path / "c.sqlite"
    cache = AnnotationCache(path)
    ann = annotator(server.url, api_key_env="GRAPHLABELS_TEST_KEY", cache=cache)
    out = ann.annotate(texts(3), LABELS)
    assert all(a.label == 0 for a in out)
    assert all("[redacted]" in a.raw and key not in a.raw for a in out)
    assert len(cache) == 3
    cache.close()
    files = list(tmp_path.glob("c.sqlite*"))
    assert files and all(key.encode() not in f.read_bytes() for f in files)


# ------------------------------------------------------------------ unreachable
def test_unreachable_server_is_named_and_stops_the_run(dead_url):
    url = dead_url
    ann = annotator(url, max_retries=1, concurrency=2, on_error="skip")
    out = ann.annotate(texts(6), LABELS)
    msg = f"could not reach the server at {url}/chat/completions"
    assert ann.stopped_.startswith(msg)
    assert all(a.label == -1 for a in out)
    assert sum(a.attempted for a in out) <= 2  # the rest were never tried
    assert all(msg in a.error for a in out)
