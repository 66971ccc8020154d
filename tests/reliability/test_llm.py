"""The HTTP annotator against a server that misbehaves: deadlines, reply size,
the dollar cap, budget use under concurrency, and the API key.
"""

import json
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


def test_request_deadline_holds_on_a_reused_connection(server):
    server.cues.extend(["ok", "drip"])  # the second call reuses the connection
    ann = annotator(server.url, timeout=3, max_retries=0, concurrency=1)
    ann.on_error = "skip"
    start = time.monotonic()
    out = ann.annotate(texts(2), LABELS)
    assert time.monotonic() - start < 9.0
    assert out[0].label == 0
    assert out[1].label == -1 and "no complete reply within 3.0 s" in out[1].error
    assert server.count() == 2
    assert server.requests[0]["port"] == server.requests[1]["port"]  # one socket


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


# ------------------------------------------------------------------ counts
def text_graph(n: int = 30):
    import torch

    from graphlabels.graph import Graph

    g = torch.Generator().manual_seed(0)
    src = torch.arange(n)
    ei = torch.stack([torch.cat([src, (src + 1) % n]), torch.cat([(src + 1) % n, src])])
    y = torch.arange(n) % 3
    return Graph(
        ei,
        x=torch.randn(n, 8, generator=g),
        y=y,
        texts=texts(n),
        class_names=LABELS,
    )


def capped_pipeline(url: str, min_annotated: float):
    from graphlabels.labelfree.pipeline import LabelFreePipeline

    ann = annotator(
        url,
        price_prompt=1.0,
        price_completion=1.0,
        max_cost_usd=0.0015,  # 10 of the 20 calls
        on_error="skip",
    )
    return LabelFreePipeline(
        ann,
        selection="random",
        budget=20,
        min_annotated=min_annotated,
        seeds=(0,),
        epochs=2,
    )


def test_pipeline_counts_nodes_left_under_the_cap(server):
    from graphlabels.labelfree.pipeline import InsufficientAnnotations

    server.usage = (100, 8)
    pipe = capped_pipeline(server.url, 0.9)
    with pytest.raises(
        InsufficientAnnotations,
        match=r"dollar cap \$0\.0015 reached .*; only 10 of 20 selected nodes were "
        r"annotated \(50\.0% of a seed's budget < 90\.0% required\): 0 failed, 10 "
        r"not attempted",
    ):
        pipe.fit(text_graph())
    assert (pipe.annotated_, pipe.failed_, pipe.unannotated_) == (10, 0, 10)
    assert server.count() == 10  # training never started, nothing else was sent
    ok = capped_pipeline(server.url, 0.4).fit(text_graph())
    rec = ok.summary()
    assert (rec["annotated"], rec["failed"], rec["unannotated"]) == (10, 0, 10)
    assert rec["annotated_fraction"] == pytest.approx(0.5)
    assert "dollar cap" in rec["stopped"]


# ------------------------------------------------------------------ the CLI
def cli(url: str, tmp_path, *extra: str) -> list[str]:
    """``graphlabels label-free cora`` against ``url`` (answers must name a Cora
    class, e.g. ``server.answer = "Neural Networks"``)."""
    return [
        "label-free",
        "cora",
        "--annotator",
        "openai",
        "--base-url",
        url,
        "--model",
        "test-model",
        "--selection",
        "random",
        "--budget",
        "40",
        "--seeds",
        "1",
        "--epochs",
        "5",
        "--cache",
        str(tmp_path / "cache.sqlite"),
        "--quiet",
        *extra,
    ]


def test_cli_exits_1_when_the_cap_leaves_nodes_unannotated(
    server, tmp_path, data_root, capsys
):
    from graphlabels.cli import main

    # each call reserves 64 completion tokens ($0.064) and is charged 8 ($0.008):
    # the k-th call fits while (k - 1) * 0.008 + 0.064 <= 0.204, so k = 18
    server.usage = (100, 8)
    server.answer = "Neural Networks"
    args = cli(server.url, tmp_path, "--root", str(data_root), "--max-cost", "0.204")
    code = main([*args, "--price-completion", "1000"])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith("graphlabels label-free: dollar cap $0.2040 reached")
    assert "only 18 of 40 selected nodes were annotated" in err
    assert "annotated 18, failed 0, not attempted 22" in out
    assert server.count() == 18


def test_cli_reports_counts_in_the_printout_and_json(
    server, tmp_path, data_root, capsys
):
    from graphlabels.cli import main

    server.answer = "Neural Networks"
    path = tmp_path / "r.json"
    args = cli(server.url, tmp_path, "--root", str(data_root), "--json", str(path))
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "annotated 40, failed 0, not attempted 0 (100.0% of the budget" in out
    rec = json.loads(path.read_text())
    assert (rec["annotated"], rec["failed"], rec["unannotated"]) == (40, 0, 0)
    assert rec["annotated_fraction"] == 1.0 and rec["stopped"] is None


def test_cli_names_the_unreachable_server(dead_url, tmp_path, data_root, capsys):
    from graphlabels.cli import main

    code = main(cli(dead_url, tmp_path, "--root", str(data_root)))
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert err.startswith(
        f"graphlabels label-free: could not reach the server at "
        f"{dead_url}/chat/completions ("
    )
    assert "start the server, or fix base_url" in err
