"""The HTTP annotator against a real llama.cpp server, through a fault proxy."""

import hashlib
import json
import logging
import time

import pytest

from graphlabels.labelfree.annotators.base import BudgetExceeded
from graphlabels.labelfree.annotators.openai import AnnotationError, OpenAIAnnotator
from graphlabels.labelfree.cache import AnnotationCache

pytestmark = pytest.mark.llm

LABELS = ["Database", "Machine Learning", "Human-Computer Interaction"]
TEXTS = [
    "Query optimization for relational joins in SQL database systems.",
    "A support vector machine classifier trained with gradient descent.",
    "A user study of touch screen interfaces and usability.",
    "Indexing B-trees for transaction processing.",
    "Neural networks learn representations from labelled data.",
    "Designing accessible interfaces for older users.",
]


def annotator(url, **kw):
    kw.setdefault("max_tokens", 24)
    kw.setdefault("backoff", 0.01)
    kw.setdefault("max_backoff", 0.05)
    kw.setdefault("timeout", 180)  # a busy 2-core CI box is slow
    return OpenAIAnnotator(url, "smollm2", **kw)


def digest(body):
    return hashlib.sha256(
        json.dumps(body["messages"], sort_keys=True).encode()
    ).hexdigest()


def test_vanilla_against_real_server(proxy):
    ann = annotator(proxy.url, price_prompt=1.0, price_completion=2.0, concurrency=2)
    out = ann.annotate(TEXTS[:3], LABELS)
    assert len(out) == 3
    assert all(-1 <= a.label < len(LABELS) for a in out)
    assert all(0.0 <= a.confidence <= 1.0 for a in out)
    assert all(a.raw for a in out)
    # every call was a real HTTP round trip with usage reported by the server
    assert ann.calls_ == len(proxy.forwarded) >= 3
    assert ann.prompt_tokens_ > 50 * 3 and ann.completion_tokens_ > 0
    assert sum(a.prompt_tokens for a in out) == ann.prompt_tokens_
    expected = (ann.prompt_tokens_ * 1.0 + ann.completion_tokens_ * 2.0) / 1e6
    assert ann.cost_usd_ == pytest.approx(expected)
    assert sum(a.cost_usd for a in out) == pytest.approx(expected)
    body = proxy.forwarded[0]
    assert body["model"] == "smollm2" and body["max_tokens"] == 24
    assert "Authorization" not in proxy.received[0]["headers"]
    assert 1 <= proxy.max_inflight <= 2


def test_transport_faults_are_retried(proxy):
    faults = ["429", "500", "bad_json", "drop"]
    proxy.faults.extend(faults)
    ann = annotator(proxy.url, max_retries=4, concurrency=1)
    out = ann.annotate(TEXTS[:1], LABELS)
    assert [r["fault"] for r in proxy.received[:4]] == faults
    assert ann.attempts_ >= 5  # four faults, then the real answer
    assert ann.calls_ == len(proxy.forwarded) >= 1
    assert out[0].raw and out[0].calls == ann.calls_


def test_timeout_is_enforced(proxy):
    proxy.faults.append("slow")
    ann = annotator(proxy.url, timeout=0.5, max_retries=0, on_error="skip")
    start = time.monotonic()
    out = ann.annotate(TEXTS[:1], LABELS)
    assert time.monotonic() - start < 2.5  # did not wait for the 3 s reply
    assert out[0].label == -1 and "ReadTimeout" in out[0].raw
    assert ann.attempts_ == 1 and ann.calls_ == 0


def test_retries_exhausted_raise_or_skip(proxy):
    proxy.faults.extend(["500"] * 3)
    with pytest.raises(AnnotationError, match="failed 3 times"):
        annotator(proxy.url, max_retries=2).annotate(TEXTS[:1], LABELS)
    proxy.reset()
    proxy.faults.extend(["500"] * 2)
    out = annotator(proxy.url, max_retries=1, on_error="skip", concurrency=1).annotate(
        TEXTS[:2], LABELS
    )
    assert out[0].label == -1 and "failed 2 times" in out[0].raw
    assert out[1].raw and not out[1].raw.startswith("<error")


def test_garbage_reply_gets_one_self_correction(proxy):
    proxy.faults.append("garbage")
    ann = annotator(proxy.url, concurrency=1)
    out = ann.annotate(TEXTS[:1], LABELS)
    assert len(proxy.received) == 2
    fix = proxy.received[1]["body"]["messages"]
    assert fix[-2] == {"role": "assistant", "content": "blah blah, I like turtles"}
    assert "could not be read" in fix[-1]["content"]
    assert "I like turtles" in out[0].raw and out[0].calls == 2


def test_hard_dollar_cap_is_never_exceeded(proxy):
    # about 500 tokens reserved per call at $1000/M (~$0.5), about 160 charged:
    # calls wait for those in flight to settle, so about three fit under $0.9
    cap = 0.9
    ann = annotator(
        proxy.url,
        price_prompt=1000.0,
        price_completion=1000.0,
        max_cost_usd=cap,
        on_error="skip",
        concurrency=3,
    )
    out = ann.annotate(TEXTS, LABELS)
    assert ann.cost_usd_ <= cap
    assert 1 <= ann.calls_ < len(TEXTS)
    assert ann.calls_ == len(proxy.forwarded)
    refused = [a for a in out if "dollar cap" in a.raw]
    assert refused and all(a.label == -1 for a in refused)
    with pytest.raises(BudgetExceeded, match="raise max_cost_usd"):
        annotator(proxy.url, price_prompt=1e6, max_cost_usd=0.01).annotate(
            TEXTS[:1], LABELS
        )


def test_token_cap(proxy):
    ann = annotator(proxy.url, max_total_tokens=10, on_error="skip")
    out = ann.annotate(TEXTS[:2], LABELS)
    assert ann.calls_ == 0 and not proxy.received
    assert all("token cap" in a.raw for a in out)


def test_api_key_from_env_is_sent_but_never_logged_or_cached(
    proxy, tmp_path, monkeypatch, caplog
):
    secret = "sk-test-7f3a9c-DO-NOT-LEAK"
    monkeypatch.setenv("GRAPHLABELS_TEST_KEY", secret)
    caplog.set_level(logging.DEBUG)
    proxy.faults.append("500")  # make the client log a retry
    cache = AnnotationCache(tmp_path / "c.sqlite")
    ann = annotator(proxy.url, api_key_env="GRAPHLABELS_TEST_KEY", cache=cache)
    out = ann.annotate(TEXTS[:2], LABELS)
    cache.close()
    assert all(
        r["headers"].get("Authorization") == f"Bearer {secret}" for r in proxy.received
    )
    assert "retry" in caplog.text
    assert secret not in caplog.text
    for f in tmp_path.iterdir():
        assert secret.encode() not in f.read_bytes()
    assert secret not in repr(ann) and secret not in repr(vars(ann))
    assert all(secret not in a.raw for a in out)


def test_topk_and_hybrid_prompts(proxy):
    ann = annotator(proxy.url, prompt="topk", k=2, concurrency=1)
    ann.annotate(TEXTS[:1], LABELS)
    assert "2 most likely" in proxy.forwarded[0]["messages"][-1]["content"]
    proxy.reset()
    hyb = annotator(proxy.url, prompt="hybrid", k=2, n_samples=2, concurrency=1)
    out = hyb.annotate(TEXTS[:1], LABELS)
    asks = [
        b
        for b in proxy.forwarded
        if b["messages"][-1]["role"] == "user"
        and "could not be read" not in b["messages"][-1]["content"]
    ]
    assert len(asks) == 2
    assert {b["temperature"] for b in asks} == {0.7}
    assert sorted(b["seed"] for b in asks) == [0, 1]
    assert out[0].raw.count("\n---\n") == 1
    assert -1 <= out[0].label < 3


def test_cache_answers_repeated_runs(proxy, tmp_path):
    cache = AnnotationCache(tmp_path / "c.sqlite")
    first = annotator(proxy.url, cache=cache).annotate(TEXTS[:2], LABELS)
    n = len(proxy.forwarded)
    again = annotator(proxy.url, cache=cache)
    second = again.annotate(TEXTS[:2], LABELS)
    assert len(proxy.forwarded) == n  # nothing new reached the server
    assert again.calls_ == 0 and again.cache_hits_ == n
    assert [a.label for a in first] == [a.label for a in second]
    assert all(a.cached and a.calls == 0 and a.cost_usd == 0 for a in second)


def test_server_killed_mid_run_resumes_from_cache(make_server, make_proxy, tmp_path):
    server = make_server()
    proxy = make_proxy(server)
    path = tmp_path / "c.sqlite"
    proxy.after_response = lambda n: server.kill() if n == 2 else None
    ann = annotator(
        proxy.url, cache=AnnotationCache(path), concurrency=1, max_retries=2
    )
    with pytest.raises(AnnotationError, match="failed 3 times"):
        ann.annotate(TEXTS[:3], LABELS)
    assert server.proc.poll() is not None  # really dead
    done = {digest(b) for b in proxy.forwarded}
    assert len(done) == 2 and ann.calls_ == 2

    restarted = make_server()
    proxy.upstream = f"http://127.0.0.1:{restarted.port}"
    proxy.reset()
    again = annotator(proxy.url, cache=AnnotationCache(path), concurrency=1)
    out = again.annotate(TEXTS[:3], LABELS)
    sent = [digest(b) for b in proxy.forwarded]
    assert not set(sent) & done, "a call answered before the crash was repeated"
    assert len(sent) == len(set(sent)) == again.calls_ >= 1
    assert again.cache_hits_ == 2
    assert len(out) == 3 and all(a.raw for a in out)


def test_concurrency_is_bounded(proxy):
    ann = annotator(proxy.url, concurrency=2)
    ann.annotate(TEXTS[:4], LABELS)
    assert proxy.max_inflight <= 2


def test_bad_options():
    with pytest.raises(ValueError, match="unknown prompt"):
        OpenAIAnnotator(prompt="cot")
    with pytest.raises(ValueError, match="on_error"):
        OpenAIAnnotator(on_error="ignore")
