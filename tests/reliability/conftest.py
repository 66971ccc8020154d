"""A chat-completions server on loopback that misbehaves on cue.

``MisbehavingServer`` answers ``POST /v1/chat/completions`` like an
OpenAI-compatible server. Each request takes the next cue from ``cues`` (or
``default`` when the queue is empty):

- ``"ok"``: a normal reply naming ``answer``, with ``usage`` as reported usage;
- ``"slow"``: the same after ``delay`` seconds;
- ``"hold"``: the same once ``release`` is set (at most ``hold_limit`` seconds);
- ``"drip"``: a normal reply whose first ``drip_bytes`` bytes come one every
  ``drip_interval`` seconds, the rest at once;
- ``"huge"``: a valid JSON reply of ``huge_bytes`` bytes without Content-Length
  (the end is marked by closing the connection), sent until the client stops
  reading; ``"huge_length"``: the same with its Content-Length;
- ``"lie"``: a normal reply whose usage claims a million tokens each way;
- ``"echo"``: a reply whose text repeats the Authorization header;
- ``"echo401"``: HTTP 401 whose body repeats the Authorization header.

Every request is recorded in ``requests``; every loop is bounded in count and time.
"""

from __future__ import annotations

import collections
import hashlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def digest(messages) -> str:
    return hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest()


class MisbehavingServer:
    def __init__(self, default: str = "ok") -> None:
        self.default = default
        self.cues: collections.deque[str] = collections.deque()
        self.requests: list[dict] = []
        self.answer = "Database"
        self.usage = (20, 2)
        self.delay = 0.0
        self.release = threading.Event()
        self.hold_limit = 15.0
        self.drip_bytes = 10
        self.drip_interval = 1.5
        self.huge_bytes = 4_000_000
        self.closed = threading.Event()
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):  # noqa: N802
                n = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(n))
                with server.lock:
                    cue = server.cues.popleft() if server.cues else server.default
                    server.requests.append(
                        {
                            "cue": cue,
                            "digest": digest(body.get("messages")),
                            "headers": dict(self.headers),
                            "port": self.client_address[1],
                            "time": time.monotonic(),
                        }
                    )
                try:
                    server._handle(self, cue)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client gave up

        self.httpd = ThreadingHTTPServer((HOST, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.httpd.server_address[1]}/v1"

    def reply(self, content: str | None = None, usage=None) -> bytes:
        pt, ct = usage or self.usage
        return json.dumps(
            {
                "id": "chatcmpl-test",
                "object": "chat.completion",
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": self.answer if content is None else content,
                        },
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": pt,
                    "completion_tokens": ct,
                    "total_tokens": pt + ct,
                },
            }
        ).encode()

    @staticmethod
    def _head(h, status: int, length: int | None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        if length is None:
            h.send_header("Connection", "close")
            h.close_connection = True
        else:
            h.send_header("Content-Length", str(length))
        h.end_headers()

    def _send(self, h, status: int, body: bytes) -> None:
        self._head(h, status, len(body))
        h.wfile.write(body)
        h.wfile.flush()

    def _handle(self, h, cue: str) -> None:
        if cue == "slow":
            self.closed.wait(self.delay)
            return self._send(h, 200, self.reply())
        if cue == "hold":
            self.release.wait(self.hold_limit)
            return self._send(h, 200, self.reply())
        if cue == "drip":
            body = self.reply()
            self._head(h, 200, len(body))
            for i in range(min(self.drip_bytes, len(body))):
                h.wfile.write(body[i : i + 1])
                h.wfile.flush()
                if self.closed.wait(self.drip_interval):
                    return None
            h.wfile.write(body[self.drip_bytes :])
            h.wfile.flush()
            return None
        if cue in ("huge", "huge_length"):
            head = b'{"choices": [{"message": {"role": "assistant", "content": "'
            tail = (
                b'Database"}}], "usage": {"prompt_tokens": 5, "completion_tokens": 5}}'
            )
            fill = self.huge_bytes - len(head) - len(tail)
            length = self.huge_bytes if cue == "huge_length" else None
            self._head(h, 200, length)
            h.wfile.write(head)
            block = b"x" * 65536
            sent = 0
            while sent < fill and not self.closed.is_set():
                chunk = block[: min(len(block), fill - sent)]
                h.wfile.write(chunk)
                sent += len(chunk)
            h.wfile.write(tail)
            h.wfile.flush()
            return None
        if cue == "lie":
            return self._send(h, 200, self.reply(usage=(1_000_000, 1_000_000)))
        if cue == "echo":
            auth = h.headers.get("Authorization", "")
            return self._send(h, 200, self.reply(f"Database (you sent {auth})"))
        if cue == "echo401":
            auth = h.headers.get("Authorization", "")
            msg = {"error": f"invalid key in header {auth!r}"}
            return self._send(h, 401, json.dumps(msg).encode())
        return self._send(h, 200, self.reply())

    def count(self) -> int:
        with self.lock:
            return len(self.requests)

    def close(self) -> None:
        self.closed.set()
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = MisbehavingServer()
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def dead_url() -> str:
    """A loopback URL nothing listens on."""
    return f"http://{HOST}:{free_port()}/v1"


@pytest.fixture(autouse=True)
def _no_real_key(monkeypatch):
    # tests talk to loopback only; never pick up a developer's real key
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
