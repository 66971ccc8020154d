"""An annotator for any OpenAI-compatible chat-completions endpoint.

Works with OpenAI, vLLM, Ollama (``/v1``) and the llama.cpp server (including
``python -m llama_cpp.server``): it only uses ``POST {base_url}/chat/completions``
with ``model``, ``messages``, ``temperature``, ``max_tokens`` and ``seed``.

Robustness:

- timeouts on every request; retries with exponential backoff (and ``Retry-After``)
  on 429, 5xx, transport errors, dropped connections and malformed JSON bodies;
- a reply that cannot be parsed gets one self-correction turn;
- bounded concurrency (a thread pool of ``concurrency`` workers);
- per-call token and dollar accounting, with a hard cap: before each call the
  worst-case cost (prompt bytes as tokens, plus ``max_tokens``) is reserved, and a
  call whose reservation would cross the cap is not made (:class:`BudgetExceeded`);
- every successful call is cached (an
  :class:`~graphlabels.labelfree.cache.AnnotationCache`) before it is used,
  so a crashed run resumes without repeating one;
- the API key is read from the environment variable ``api_key_env`` only, sent in
  the ``Authorization`` header, and never logged, cached or stored on the object.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from graphlabels.labelfree.annotators.base import Annotation, Annotator, BudgetExceeded
from graphlabels.labelfree.cache import AnnotationCache, make_key
from graphlabels.labelfree.prompts import (
    ParseError,
    Prediction,
    aggregate_hybrid,
    build_messages,
    correction_message,
    parse_reply,
)
from graphlabels.typing import import_optional

if TYPE_CHECKING:
    import httpx

__all__ = ["AnnotationError", "OpenAIAnnotator"]

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})


class AnnotationError(RuntimeError):
    """A call failed for good (retries exhausted or a non-retryable status)."""


class _Retryable(Exception):
    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class OpenAIAnnotator(Annotator):
    """Annotate node texts through an OpenAI-compatible chat-completions API.

    Args:
        base_url: endpoint root, e.g. ``"http://127.0.0.1:8080/v1"``
            (default: ``"https://api.openai.com/v1"``).
        model: model name sent in the request (default: ``"gpt-3.5-turbo"``).
        prompt: ``"vanilla"``, ``"topk"`` or ``"hybrid"`` (default: ``"vanilla"``).
        k: answers per top-k reply (default: ``3``).
        n_samples: samples of the hybrid prompt (default: ``3``).
        temperature: sampling temperature; hybrid uses ``max(temperature, 0.7)``
            (default: ``0.0``).
        max_tokens: completion cap per call (default: ``64``).
        timeout: seconds per request (default: ``60``).
        max_retries: retries per call after the first attempt (default: ``4``).
        backoff: first backoff in seconds, doubled each retry, with jitter
            (default: ``0.5``).
        max_backoff: backoff ceiling in seconds (default: ``8``).
        concurrency: simultaneous requests (default: ``4``).
        price_prompt: dollars per million prompt tokens (default: ``0``).
        price_completion: dollars per million completion tokens (default: ``0``).
        max_cost_usd: hard dollar cap for this annotator's lifetime (default: none).
        max_total_tokens: hard token cap (default: none).
        api_key_env: environment variable holding the key (default:
            ``"OPENAI_API_KEY"``); no key means no ``Authorization`` header.
        cache: an :class:`AnnotationCache` (default: none).
        seed: seed of the backoff jitter and of the request ``seed`` (default: ``0``).
        on_error: ``"raise"`` stops the run on a failed call (after the in-flight
            calls finish); ``"skip"`` gives that node label ``-1`` (default:
            ``"raise"``).

    Attributes:
        calls_: model calls made (cache hits excluded).
        attempts_: HTTP attempts made, retries included.
        prompt_tokens_, completion_tokens_: tokens spent.
        cost_usd_: dollars spent.
        cache_hits_: calls answered by the cache.
    """

    def __init__(
        self,
        base_url: str = "https://api.openai.com/v1",
        model: str = "gpt-3.5-turbo",
        *,
        prompt: str = "vanilla",
        k: int = 3,
        n_samples: int = 3,
        temperature: float = 0.0,
        max_tokens: int = 64,
        timeout: float = 60.0,
        max_retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 8.0,
        concurrency: int = 4,
        price_prompt: float = 0.0,
        price_completion: float = 0.0,
        max_cost_usd: float | None = None,
        max_total_tokens: int | None = None,
        api_key_env: str = "OPENAI_API_KEY",
        cache: AnnotationCache | None = None,
        seed: int = 0,
        on_error: str = "raise",
    ) -> None:
        if prompt not in ("vanilla", "topk", "hybrid"):
            raise ValueError(f"unknown prompt {prompt!r}: use vanilla, topk or hybrid")
        if on_error not in ("raise", "skip"):
            raise ValueError(f"on_error must be 'raise' or 'skip', got {on_error!r}")
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.prompt = prompt
        self.k = k
        self.n_samples = n_samples if prompt == "hybrid" else 1
        self.temperature = max(temperature, 0.7) if prompt == "hybrid" else temperature
        self.max_tokens = max_tokens
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.concurrency = max(1, int(concurrency))
        self.price_prompt = price_prompt
        self.price_completion = price_completion
        self.max_cost_usd = max_cost_usd
        self.max_total_tokens = max_total_tokens
        self.api_key_env = api_key_env
        self.cache = cache
        self.seed = seed
        self.on_error = on_error
        self.name = f"openai:{model}"
        self._lock = threading.Lock()
        self._rng = random.Random(seed)
        self._reserved_usd = 0.0
        self._reserved_tokens = 0
        self.calls_ = 0
        self.attempts_ = 0
        self.prompt_tokens_ = 0
        self.completion_tokens_ = 0
        self.cost_usd_ = 0.0
        self.cache_hits_ = 0

    def __repr__(self) -> str:
        return (
            f"OpenAIAnnotator(base_url={self.base_url!r}, model={self.model!r}, "
            f"prompt={self.prompt!r})"
        )

    # ------------------------------------------------------------------ accounting
    def _cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (
            prompt_tokens * self.price_prompt
            + completion_tokens * self.price_completion
        ) / 1e6

    def _reserve(self, messages: list[dict[str, str]]) -> tuple[int, float]:
        raw = sum(len(m["content"].encode("utf-8")) for m in messages)
        tokens = raw + 8 * len(messages) + 16 + self.max_tokens  # BPE: <= 1/byte
        usd = self._cost(tokens - self.max_tokens, self.max_tokens)
        with self._lock:
            spent_t = self.prompt_tokens_ + self.completion_tokens_
            if (
                self.max_total_tokens is not None
                and spent_t + self._reserved_tokens + tokens > self.max_total_tokens
            ):
                raise BudgetExceeded(
                    f"token cap {self.max_total_tokens} reached ({spent_t} spent): "
                    "raise max_total_tokens or annotate fewer nodes"
                )
            if (
                self.max_cost_usd is not None
                and self.cost_usd_ + self._reserved_usd + usd > self.max_cost_usd
            ):
                raise BudgetExceeded(
                    f"dollar cap ${self.max_cost_usd:.4f} reached "
                    f"(${self.cost_usd_:.4f} spent): raise max_cost_usd or annotate "
                    "fewer nodes"
                )
            self._reserved_tokens += tokens
            self._reserved_usd += usd
        return tokens, usd

    def _release(self, tokens: int, usd: float) -> None:
        with self._lock:
            self._reserved_tokens -= tokens
            self._reserved_usd -= usd

    # ------------------------------------------------------------------ one call
    def _headers(self) -> dict[str, str]:
        key = os.environ.get(self.api_key_env)
        h = {"Content-Type": "application/json"}
        if key:
            h["Authorization"] = f"Bearer {key}"
        return h

    def _post(self, client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
        import httpx

        url = f"{self.base_url}/chat/completions"
        try:
            r = client.post(url, json=body, headers=self._headers())
        except (httpx.TimeoutException, httpx.TransportError) as e:
            raise _Retryable(f"{type(e).__name__}") from e
        if r.status_code in RETRY_STATUS or r.status_code >= 500:
            ra = r.headers.get("retry-after")
            try:
                after = float(ra) if ra is not None else None
            except ValueError:
                after = None
            raise _Retryable(f"HTTP {r.status_code}", after)
        if r.status_code >= 400:
            raise AnnotationError(
                f"{url} answered HTTP {r.status_code}: {r.text[:200]!r}; check "
                "base_url, model and the API key variable "
                f"{self.api_key_env}"
            )
        try:
            data = r.json()
            content = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as e:
            raise _Retryable("malformed JSON response") from e
        if not isinstance(content, str):
            raise _Retryable("response without text content")
        return data

    def _call(
        self,
        client: httpx.Client,
        messages: list[dict[str, str]],
        text: str,
        label_names: Sequence[str],
        sample: int,
        kind: str,
    ) -> tuple[dict[str, Any], bool]:
        temperature = self.temperature
        params = {
            "labels": list(label_names),
            "temperature": temperature,
            "max_tokens": self.max_tokens,
            "k": self.k,
            "sample": sample,
            "kind": kind,
            "messages": hashlib.sha256(
                json.dumps(messages, sort_keys=True).encode()
            ).hexdigest(),
        }
        key = make_key(self.name, self.prompt, params, text)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                with self._lock:
                    self.cache_hits_ += 1
                return hit, True
        tokens, usd = self._reserve(messages)
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "temperature": temperature,
            "max_tokens": self.max_tokens,
            "seed": self.seed + sample,
        }
        try:
            data = self._with_retries(client, body)
        finally:
            self._release(tokens, usd)
        usage = data.get("usage") or {}
        pt = int(usage.get("prompt_tokens", tokens - self.max_tokens))
        ct = int(usage.get("completion_tokens", self.max_tokens))
        value = {
            "content": data["choices"][0]["message"]["content"],
            "prompt_tokens": pt,
            "completion_tokens": ct,
            "cost_usd": self._cost(pt, ct),
        }
        with self._lock:
            self.calls_ += 1
            self.prompt_tokens_ += pt
            self.completion_tokens_ += ct
            self.cost_usd_ += value["cost_usd"]
        if self.cache is not None:
            self.cache.put(key, value)
        return value, False

    def _with_retries(self, client: httpx.Client, body: dict[str, Any]) -> dict:
        last = ""
        for attempt in range(self.max_retries + 1):
            with self._lock:
                self.attempts_ += 1
            try:
                return self._post(client, body)
            except _Retryable as e:
                last = str(e)
                if attempt == self.max_retries:
                    break
                with self._lock:
                    jitter = 0.5 + self._rng.random()
                wait = min(self.max_backoff, self.backoff * 2**attempt) * jitter
                if e.retry_after is not None:
                    wait = max(wait, min(e.retry_after, self.max_backoff))
                log.warning(
                    "%s: %s, retry %d/%d in %.2fs",
                    self.base_url,
                    last,
                    attempt + 1,
                    self.max_retries,
                    wait,
                )
                time.sleep(wait)
        raise AnnotationError(
            f"{self.base_url}/chat/completions failed {self.max_retries + 1} times "
            f"(last: {last}): check that the server is up, or raise max_retries"
        )

    # ------------------------------------------------------------------ one node
    def _sample(
        self,
        client: httpx.Client,
        text: str,
        label_names: Sequence[str],
        sample: int,
        out: Annotation,
    ) -> list[Prediction]:
        messages = build_messages(text, label_names, self.prompt, self.k)
        value, cached = self._call(client, messages, text, label_names, sample, "ask")
        self._account(out, value, cached)
        raws = [value["content"]]
        try:
            return parse_reply(value["content"], label_names)
        except ParseError as e:
            fix = [
                *messages,
                {"role": "assistant", "content": value["content"]},
                correction_message(str(e), self.prompt, self.k),
            ]
            value, cached = self._call(client, fix, text, label_names, sample, "fix")
            self._account(out, value, cached)
            raws.append(value["content"])
            try:
                return parse_reply(value["content"], label_names)
            except ParseError:
                return []
        finally:
            out.raw += ("\n---\n" if out.raw else "") + "\n--fix--\n".join(raws)

    @staticmethod
    def _account(out: Annotation, value: dict[str, Any], cached: bool) -> None:
        if cached:
            return
        out.calls += 1
        out.cached = False
        out.prompt_tokens += value["prompt_tokens"]
        out.completion_tokens += value["completion_tokens"]
        out.cost_usd += value["cost_usd"]

    def _one(
        self, client: httpx.Client, text: str, label_names: Sequence[str]
    ) -> Annotation:
        out = Annotation(label=-1, confidence=0.0, cached=True)
        samples = [
            self._sample(client, text, label_names, s, out)
            for s in range(self.n_samples)
        ]
        if self.prompt == "hybrid":
            pred = aggregate_hybrid(samples, len(label_names))
        else:
            pred = samples[0][0] if samples[0] else Prediction(-1, 0.0)
        if self.prompt == "topk" and samples[0]:
            out.extra["topk"] = [(p.label, p.confidence) for p in samples[0]]
        out.label, out.confidence = pred.label, pred.confidence
        return out

    # ------------------------------------------------------------------ public
    def annotate(
        self,
        texts: Sequence[str],
        label_names: Sequence[str],
        *,
        progress: bool = False,
    ) -> list[Annotation]:
        """Annotate every text (see :class:`Annotator`).

        Raises:
            AnnotationError: a call failed for good and ``on_error="raise"``.
            BudgetExceeded: the next call would cross a cap and
                ``on_error="raise"``; everything before it is cached.
        """
        if not label_names:
            raise ValueError("label_names is empty: pass the category names")
        httpx = import_optional("httpx", "OpenAIAnnotator")
        stop = threading.Event()
        results: list[Annotation | None] = [None] * len(texts)
        bar = None
        if progress:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(texts), desc=f"annotating ({self.model})")

        def work(i: int, client: httpx.Client) -> None:
            if stop.is_set():
                return
            try:
                results[i] = self._one(client, texts[i], label_names)
            except (AnnotationError, BudgetExceeded) as e:
                if self.on_error == "raise":
                    stop.set()
                    raise
                results[i] = Annotation(-1, 0.0, raw=f"<error: {e}>")
            finally:
                if bar is not None:
                    bar.update(1)

        limits = httpx.Limits(max_connections=self.concurrency)
        try:
            with httpx.Client(timeout=self.timeout, limits=limits) as client:
                with ThreadPoolExecutor(self.concurrency) as pool:
                    futures = [pool.submit(work, i, client) for i in range(len(texts))]
                    errors = [f.exception() for f in futures]
        finally:
            if bar is not None:
                bar.close()
        first = next((e for e in errors if e is not None), None)
        if first is not None:
            raise first
        return [r if r is not None else Annotation(-1, 0.0) for r in results]
