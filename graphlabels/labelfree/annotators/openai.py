"""An annotator for any OpenAI-compatible chat-completions endpoint.

Works with OpenAI, vLLM, Ollama (``/v1``) and the llama.cpp server (including
``python -m llama_cpp.server``): it only uses ``POST {base_url}/chat/completions``
with ``model``, ``messages``, ``temperature``, ``max_tokens`` and ``seed``.

Robustness:

- deadlines, not just timeouts: each request must complete (connect, send and every
  read) within ``timeout`` seconds, and each call, retries and backoff included,
  within ``call_timeout``; a server that trickles bytes cannot hold a call longer;
- retries with exponential backoff (and ``Retry-After``) on 429, 5xx, transport
  errors, dropped connections and malformed JSON bodies;
- replies are streamed and cut at ``max_reply_bytes``: an oversized reply is an
  error, neither retried nor cached;
- a reply that cannot be parsed gets one self-correction turn;
- bounded concurrency (a thread pool of ``concurrency`` workers);
- a hard token and dollar cap. Before each call the worst case (prompt bytes as
  tokens, plus ``max_tokens``) is reserved; calls reserve in order, and a call that
  does not fit waits for the calls in flight to settle before it is refused. A call
  is charged what the server reports, but never more than its reservation: a server
  reporting more than the worst case is a protocol error (a warning; the call is
  charged its reservation and no further call is made). So the money counted never
  exceeds the cap. Once a call is refused, no later call is made (``stopped_``);
- every successful call is cached (an
  :class:`~graphlabels.labelfree.cache.AnnotationCache`) before it is used, so a
  crashed run resumes without repeating one. Processes sharing a cache file do not
  repeat each other's calls either: a call is claimed with a lease in the cache, and
  a process that finds a live lease waits for the answer (a crashed owner's lease
  expires after ``call_timeout`` plus a margin). The dollar cap is per annotator
  object, i.e. per process: two processes sharing one cache each have their own
  cap, and never both pay for the same call;
- the API key is read from the environment variable ``api_key_env`` only, sent in
  the ``Authorization`` header, never stored on the object, and redacted from every
  text the annotator stores, logs or raises (replies, errors, cache entries), so a
  server that echoes it back cannot leak it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import random
import threading
import time
import uuid
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

if TYPE_CHECKING:
    import httpx

__all__ = ["AnnotationError", "OpenAIAnnotator"]

log = logging.getLogger(__name__)

RETRY_STATUS = frozenset({408, 409, 425, 429, 500, 502, 503, 504})

#: Seconds a lease outlives the owner's call deadline (cache write, clock skew).
LEASE_MARGIN = 2.0


class AnnotationError(RuntimeError):
    """A call failed for good (retries exhausted or a non-retryable status)."""


class _Retryable(Exception):
    def __init__(
        self, reason: str, retry_after: float | None = None, connect: bool = False
    ) -> None:
        super().__init__(reason)
        self.retry_after = retry_after
        self.connect = connect


class _TooLarge(Exception):
    pass


class _Deadlines(threading.local):
    """The current request's deadline (``time.monotonic()``), per thread."""

    deadline: float | None = None

    def clip(self, timeout: float | None, op: str) -> float | None:
        if self.deadline is None:
            return timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            import httpcore

            exc = {
                "read": httpcore.ReadTimeout,
                "write": httpcore.WriteTimeout,
                "connect": httpcore.ConnectTimeout,
            }[op]
            raise exc("the request deadline passed")
        return left if timeout is None else min(timeout, left)


class _DeadlineStream:
    """A network stream whose every operation ends by the thread's deadline."""

    def __init__(self, stream: Any, clock: _Deadlines) -> None:
        self._s = stream
        self._clock = clock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._s.read(max_bytes, self._clock.clip(timeout, "read"))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._s.write(buffer, self._clock.clip(timeout, "write"))

    def close(self) -> None:
        self._s.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        t = self._clock.clip(timeout, "connect")
        return _DeadlineStream(
            self._s.start_tls(ssl_context, server_hostname, t), self._clock
        )

    def get_extra_info(self, info: str) -> Any:
        return self._s.get_extra_info(info)


class _DeadlineBackend:
    """Wraps httpcore's network backend so connects and streams obey deadlines.

    httpx's timeouts bound each socket operation, not the request: a server that
    sends one byte per second never trips a 3-second read timeout. Clipping every
    operation's timeout to the time left makes the deadline hold for the whole
    request, headers and body included, on a reused connection too.
    """

    def __init__(self, backend: Any, clock: _Deadlines) -> None:
        self._b = backend
        self._clock = clock

    def connect_tcp(
        self, host, port, timeout=None, local_address=None, socket_options=None
    ):
        t = self._clock.clip(timeout, "connect")
        stream = self._b.connect_tcp(host, port, t, local_address, socket_options)
        return _DeadlineStream(stream, self._clock)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        t = self._clock.clip(timeout, "connect")
        stream = self._b.connect_unix_socket(path, t, socket_options)
        return _DeadlineStream(stream, self._clock)

    def sleep(self, seconds: float) -> None:
        self._b.sleep(seconds)


def _deadline_transport(limits: httpx.Limits, clock: _Deadlines) -> httpx.HTTPTransport:
    import httpx

    transport = httpx.HTTPTransport(limits=limits)
    # httpx exposes no option for httpcore's network backend; the pool creates
    # its connections with this attribute, so replacing it before the first
    # request routes every socket operation through the deadline.
    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if backend is None:  # pragma: no cover - a future httpx layout
        log.warning(
            "httpx transport layout unknown: request deadlines are checked between "
            "reads only"
        )
    else:
        pool._network_backend = _DeadlineBackend(backend, clock)
    return transport


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
        timeout: deadline in seconds of one request: connect, send and the whole
            reply (default: ``60``).
        call_timeout: deadline in seconds of one call, retries and backoff
            included (default: ``2 * timeout``).
        max_reply_bytes: largest reply body read; a larger one is an error,
            neither retried nor cached (default: ``262144``).
        max_retries: retries per call after the first attempt (default: ``4``).
        backoff: first backoff in seconds, doubled each retry, with jitter
            (default: ``0.5``).
        max_backoff: backoff ceiling in seconds (default: ``8``).
        concurrency: simultaneous requests (default: ``4``).
        price_prompt: dollars per million prompt tokens (default: ``0``).
        price_completion: dollars per million completion tokens (default: ``0``).
        max_cost_usd: hard dollar cap for this annotator's lifetime, in this
            process (default: none).
        max_total_tokens: hard token cap (default: none).
        api_key_env: environment variable holding the key (default:
            ``"OPENAI_API_KEY"``); no key means no ``Authorization`` header.
        cache: an :class:`AnnotationCache` (default: none).
        seed: seed of the backoff jitter and of the request ``seed`` (default: ``0``).
        on_error: ``"raise"`` stops the run on a failed call (after the in-flight
            calls finish); ``"skip"`` gives that node label ``-1`` and records the
            error in :attr:`Annotation.error` (default: ``"raise"``).

    Attributes:
        calls_: model calls made (cache hits excluded).
        attempts_: HTTP attempts made, retries included.
        prompt_tokens_, completion_tokens_: tokens charged.
        cost_usd_: dollars charged; never above ``max_cost_usd``.
        cache_hits_: calls answered by the cache (or by another process's call).
        stopped_: why no further call is made (a cap was reached, the server could
            not be reached, or its usage reports cannot be trusted); ``None`` while
            calls are allowed.
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
        call_timeout: float | None = None,
        max_reply_bytes: int = 262144,
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
        if not timeout > 0:
            raise ValueError(f"timeout must be > 0 seconds, got {timeout}")
        if call_timeout is not None and not call_timeout > 0:
            raise ValueError(f"call_timeout must be > 0 seconds, got {call_timeout}")
        if int(max_reply_bytes) < 1024:
            raise ValueError(
                f"max_reply_bytes must be at least 1024, got {max_reply_bytes}"
            )
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.prompt = prompt
        self.k = k
        self.n_samples = n_samples if prompt == "hybrid" else 1
        self.temperature = max(temperature, 0.7) if prompt == "hybrid" else temperature
        self.max_tokens = max_tokens
        self.timeout = float(timeout)
        self.call_timeout = float(call_timeout or 2.0 * timeout)
        self.max_reply_bytes = int(max_reply_bytes)
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
        self._cond = threading.Condition(self._lock)
        self._clock = _Deadlines()
        self._rng = random.Random(seed)
        self._reserved_usd = 0.0
        self._reserved_tokens = 0
        self._inflight = 0
        self._tickets = 0
        self._serving = 0
        self._stop_type: type[Exception] = BudgetExceeded
        self.calls_ = 0
        self.attempts_ = 0
        self.prompt_tokens_ = 0
        self.completion_tokens_ = 0
        self.cost_usd_ = 0.0
        self.cache_hits_ = 0
        self.stopped_: str | None = None

    def __repr__(self) -> str:
        return (
            f"OpenAIAnnotator(base_url={self.base_url!r}, model={self.model!r}, "
            f"prompt={self.prompt!r})"
        )

    @property
    def url(self) -> str:
        """The chat-completions URL."""
        return f"{self.base_url}/chat/completions"

    # ------------------------------------------------------------------ secrets
    def _redact(self, text: str) -> str:
        key = os.environ.get(self.api_key_env)
        if key and text and key in text:
            text = text.replace(key, "[redacted]")
        return text

    # ------------------------------------------------------------------ accounting
    def _cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (
            prompt_tokens * self.price_prompt
            + completion_tokens * self.price_completion
        ) / 1e6

    def _stop(self, reason: str, kind: type[Exception]) -> None:
        with self._cond:
            if self.stopped_ is None:
                self.stopped_ = reason
                self._stop_type = kind
            self._cond.notify_all()

    def _refuse(self) -> Exception:
        e = self._stop_type(self.stopped_)
        e.sent = False  # type: ignore[attr-defined]
        return e

    def _over_cap(self, tokens: int, usd: float) -> str | None:
        spent_t = self.prompt_tokens_ + self.completion_tokens_
        if (
            self.max_total_tokens is not None
            and spent_t + self._reserved_tokens + tokens > self.max_total_tokens
        ):
            return (
                f"token cap {self.max_total_tokens} reached ({spent_t} spent): "
                "raise max_total_tokens or annotate fewer nodes"
            )
        if (
            self.max_cost_usd is not None
            and self.cost_usd_ + self._reserved_usd + usd > self.max_cost_usd
        ):
            return (
                f"dollar cap ${self.max_cost_usd:.4f} reached "
                f"(${self.cost_usd_:.4f} spent): raise max_cost_usd or annotate "
                "fewer nodes"
            )
        return None

    def _reserve(self, messages: list[dict[str, str]]) -> tuple[int, float]:
        """Reserve the worst case of one call, in arrival order.

        A call that does not fit waits until the calls in flight settle (they are
        usually charged less than they reserved); it is refused only when nothing
        is in flight, and then every later call is refused too.
        """
        raw = sum(len(m["content"].encode("utf-8")) for m in messages)
        tokens = raw + 8 * len(messages) + 16 + self.max_tokens  # BPE: <= 1/byte
        usd = self._cost(tokens - self.max_tokens, self.max_tokens)
        with self._cond:
            ticket = self._tickets
            self._tickets += 1
            try:
                while self._serving != ticket:
                    self._cond.wait()
                while True:
                    if self.stopped_ is not None:
                        raise self._refuse()
                    over = self._over_cap(tokens, usd)
                    if over is None:
                        self._reserved_tokens += tokens
                        self._reserved_usd += usd
                        self._inflight += 1
                        return tokens, usd
                    if self._inflight == 0:
                        self.stopped_, self._stop_type = over, BudgetExceeded
                        raise self._refuse()
                    self._cond.wait()
            finally:
                self._serving += 1
                self._cond.notify_all()

    def _settle(self, tokens: int, usd: float, charge: tuple[int, int] | None) -> float:
        """Release a reservation and charge ``(prompt, completion)`` tokens."""
        with self._cond:
            self._reserved_tokens -= tokens
            self._reserved_usd -= usd
            self._inflight -= 1
            cost = 0.0
            if charge is not None:
                pt, ct = charge
                cost = min(self._cost(pt, ct), usd)
                self.calls_ += 1
                self.prompt_tokens_ += pt
                self.completion_tokens_ += ct
                self.cost_usd_ += cost
            self._cond.notify_all()
        return cost

    def _charge(self, data: dict[str, Any], tokens: int) -> tuple[int, int]:
        """Tokens to charge for a reply: as reported, at most the reservation."""
        est_prompt = tokens - self.max_tokens
        usage = data.get("usage") if isinstance(data.get("usage"), dict) else {}

        def count(name: str, default: int) -> int:
            try:
                return max(0, int(usage.get(name, default)))
            except (TypeError, ValueError, OverflowError):
                return default

        pt = count("prompt_tokens", est_prompt)
        ct = count("completion_tokens", self.max_tokens)
        if pt <= est_prompt and ct <= self.max_tokens:
            return pt, ct
        reason = (
            f"{self.url} reported usage above the reserved worst case ({pt} prompt "
            f"+ {ct} completion tokens; at most {est_prompt} + {self.max_tokens} "
            "possible): its usage reports cannot be trusted, so this call is "
            "charged its reservation and no further call is made; check the server"
        )
        log.warning("%s", reason)
        self._stop(reason, AnnotationError)
        return est_prompt, self.max_tokens

    # ------------------------------------------------------------------ one call
    def _headers(self) -> dict[str, str]:
        key = os.environ.get(self.api_key_env)
        h = {"Content-Type": "application/json"}
        if key:
            h["Authorization"] = f"Bearer {key}"
        return h

    def _post(
        self, client: httpx.Client, body: dict[str, Any], call_deadline: float
    ) -> dict[str, Any]:
        import httpx

        url = self.url
        start = time.monotonic()
        deadline = min(start + self.timeout, call_deadline)
        self._clock.deadline = deadline
        try:
            with client.stream("POST", url, json=body, headers=self._headers()) as r:
                if r.status_code in RETRY_STATUS or r.status_code >= 400:
                    text = self._redact(self._read(r, 2048).decode("utf-8", "replace"))
                    if r.status_code in RETRY_STATUS or r.status_code >= 500:
                        ra = r.headers.get("retry-after")
                        try:
                            after = float(ra) if ra is not None else None
                        except ValueError:
                            after = None
                        raise _Retryable(f"HTTP {r.status_code}", after)
                    raise AnnotationError(
                        f"{url} answered HTTP {r.status_code}: {text[:200]!r}; check "
                        "base_url, model and the API key variable "
                        f"{self.api_key_env}"
                    )
                length = r.headers.get("content-length")
                if length is not None and length.isdigit():
                    if int(length) > self.max_reply_bytes:
                        raise _TooLarge(f"Content-Length {int(length)}")
                raw = self._read(r, self.max_reply_bytes + 1)
                if len(raw) > self.max_reply_bytes:
                    raise _TooLarge(f"more than {self.max_reply_bytes} bytes")
        except httpx.TimeoutException as e:
            if time.monotonic() >= deadline - 1e-3:
                raise _Retryable(
                    f"{type(e).__name__}: no complete reply within "
                    f"{deadline - start:.1f} s"
                ) from e
            # a connect that timed out on its own (not cut by the deadline)
            connect = isinstance(e, httpx.ConnectTimeout)
            raise _Retryable(f"{type(e).__name__}", connect=connect) from e
        except httpx.ConnectError as e:
            raise _Retryable(
                f"{type(e).__name__}: {self._redact(str(e))}", connect=True
            ) from e
        except httpx.TransportError as e:
            raise _Retryable(f"{type(e).__name__}") from e
        finally:
            self._clock.deadline = None
        try:
            data = json.loads(raw)
            content = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError) as e:
            raise _Retryable("malformed JSON response") from e
        if not isinstance(content, str):
            raise _Retryable("response without text content")
        return data

    def _read(self, r: httpx.Response, limit: int) -> bytes:
        """Up to ``limit`` bytes of the (decoded) body; stops reading there."""
        import httpx

        buf = bytearray()
        for chunk in r.iter_bytes():
            buf += chunk
            if len(buf) >= limit:
                break
            deadline = self._clock.deadline
            if deadline is not None and time.monotonic() > deadline:
                raise httpx.ReadTimeout("the request deadline passed")
        return bytes(buf[:limit])

    def _key(
        self,
        messages: list[dict[str, str]],
        text: str,
        label_names: Sequence[str],
        sample: int,
        kind: str,
    ) -> str:
        params = {
            "labels": list(label_names),
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "k": self.k,
            "sample": sample,
            "kind": kind,
            "messages": hashlib.sha256(
                json.dumps(messages, sort_keys=True).encode()
            ).hexdigest(),
        }
        return make_key(self.name, self.prompt, params, text)

    def _claim(self, key: str, owner: str) -> dict[str, Any] | None:
        """The cached answer, or ``None`` once this call holds the lease of ``key``.

        A live lease of another owner (another process, or another thread with the
        same call) is waited for; a crashed owner's lease expires.
        """
        assert self.cache is not None
        ttl = self.call_timeout + LEASE_MARGIN
        limit = time.monotonic() + 2 * ttl
        pause = 0.02
        while True:
            value, busy_until = self.cache.claim(key, owner, ttl)
            if busy_until is None:
                return value
            if time.monotonic() > limit:
                raise AnnotationError(
                    f"another process has held this call for over {2 * ttl:.0f} s: "
                    f"remove the stale lease from {self.cache.path} or wait"
                )
            left = max(0.0, busy_until - time.time())
            time.sleep(min(pause, left + 0.01))
            pause = min(2 * pause, 0.5)

    def _call(
        self,
        client: httpx.Client,
        messages: list[dict[str, str]],
        text: str,
        label_names: Sequence[str],
        sample: int,
        kind: str,
    ) -> tuple[dict[str, Any], bool]:
        key = self._key(messages, text, label_names, sample, kind)
        if self.cache is not None:
            hit = self.cache.get(key)
            if hit is not None:
                with self._lock:
                    self.cache_hits_ += 1
                return hit, True
        tokens, usd = self._reserve(messages)
        charge: tuple[int, int] | None = None
        owner: str | None = None
        try:
            if self.cache is not None:
                owner = f"{os.getpid()}:{uuid.uuid4().hex}"
                hit = self._claim(key, owner)
                if hit is not None:  # answered by another process meanwhile
                    owner = None
                    with self._lock:
                        self.cache_hits_ += 1
                    return hit, True
            body: dict[str, Any] = {
                "model": self.model,
                "messages": messages,
                "temperature": self.temperature,
                "max_tokens": self.max_tokens,
                "seed": self.seed + sample,
            }
            try:
                data = self._with_retries(client, body)
            except _TooLarge as e:
                charge = (tokens - self.max_tokens, self.max_tokens)  # it was sent
                raise AnnotationError(
                    f"the reply from {self.url} is larger than max_reply_bytes "
                    f"({self.max_reply_bytes} bytes; {e}): raise max_reply_bytes or "
                    "check the server"
                ) from None
            charge = self._charge(data, tokens)
            pt, ct = charge
            value = {
                "content": self._redact(data["choices"][0]["message"]["content"]),
                "prompt_tokens": pt,
                "completion_tokens": ct,
                "cost_usd": min(self._cost(pt, ct), usd),
            }
            if self.cache is not None:
                self.cache.put(key, value)  # releases the lease
                owner = None
            return value, False
        finally:
            self._settle(tokens, usd, charge)
            if owner is not None:
                self.cache.release(key, owner)

    def _with_retries(self, client: httpx.Client, body: dict[str, Any]) -> dict:
        start = time.monotonic()
        call_deadline = start + self.call_timeout
        last = ""
        connect = False
        tries = 0
        for attempt in range(self.max_retries + 1):
            if time.monotonic() >= call_deadline:
                last += f"; call_timeout ({self.call_timeout:g} s) reached"
                break
            with self._lock:
                self.attempts_ += 1
            tries += 1
            try:
                return self._post(client, body, call_deadline)
            except _Retryable as e:
                last, connect = str(e), e.connect
                if attempt == self.max_retries:
                    break
                with self._lock:
                    jitter = 0.5 + self._rng.random()
                wait = min(self.max_backoff, self.backoff * 2**attempt) * jitter
                if e.retry_after is not None:
                    wait = max(wait, min(e.retry_after, self.max_backoff))
                left = call_deadline - time.monotonic()
                if wait >= left:
                    last += f"; call_timeout ({self.call_timeout:g} s) reached"
                    break
                log.warning(
                    "%s: %s, retry %d/%d in %.2fs",
                    self.base_url,
                    last,
                    attempt + 1,
                    self.max_retries,
                    wait,
                )
                time.sleep(wait)
        if connect:
            reason = (
                f"could not reach the server at {self.url} ({last}; {tries} "
                "attempts): start the server, or fix base_url"
            )
            self._stop(reason, AnnotationError)
            raise AnnotationError(reason)
        raise AnnotationError(
            f"{self.url} failed {tries} times in {time.monotonic() - start:.1f} s "
            f"(last: {last}): check that the server is up, or raise max_retries "
            "or call_timeout"
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
        self,
        client: httpx.Client,
        text: str,
        label_names: Sequence[str],
        out: Annotation,
    ) -> Annotation:
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

        With ``on_error="skip"`` a node whose call failed gets label ``-1`` and the
        error in :attr:`Annotation.error`; a node no call was made for (a cap was
        reached, or the run stopped) also has ``attempted=False``.

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
            out = Annotation(label=-1, confidence=0.0, cached=True)
            try:
                results[i] = self._one(client, texts[i], label_names, out)
            except (AnnotationError, BudgetExceeded) as e:
                if self.on_error == "raise":
                    stop.set()
                    raise
                msg = self._redact(str(e))
                out.attempted = getattr(e, "sent", True) or bool(out.raw)
                out.label, out.confidence, out.error = -1, 0.0, msg
                out.cached = out.cached and out.attempted
                out.raw += ("\n---\n" if out.raw else "") + f"<error: {msg}>"
                results[i] = out
            finally:
                if bar is not None:
                    bar.update(1)

        limits = httpx.Limits(max_connections=self.concurrency)
        try:
            transport = _deadline_transport(limits, self._clock)
            with httpx.Client(timeout=self.timeout, transport=transport) as client:
                with ThreadPoolExecutor(self.concurrency) as pool:
                    futures = [pool.submit(work, i, client) for i in range(len(texts))]
                    errors = [f.exception() for f in futures]
        finally:
            if bar is not None:
                bar.close()
        first = next((e for e in errors if e is not None), None)
        if first is not None:
            raise first
        return [
            r if r is not None else Annotation(-1, 0.0, attempted=False)
            for r in results
        ]
