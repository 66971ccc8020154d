"""Fixtures for the label-free tests: a real llama.cpp server and a fault proxy.

``LlamaServer`` starts ``python -m llama_cpp.server`` with the SmolLM2-135M GGUF on
127.0.0.1 and a free port. ``FaultProxy`` is a small loopback HTTP proxy in front
of it that injects the faults a healthy server does not produce: 429, 500, a body
that is not JSON, a reply whose text is garbage, a dropped connection in the middle
of the response, and a slow answer.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import torch

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class LlamaServer:
    """A real ``llama_cpp.server`` process on loopback."""

    def __init__(self, model_path: str, log_path: str) -> None:
        self.model_path = model_path
        self.log_path = log_path
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/v1"

    def start(self, timeout: float = 120.0) -> LlamaServer:
        self.port = free_port()
        cmd = [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            self.model_path,
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--n_ctx",
            "2048",
            "--n_threads",
            "1",
        ]
        log = open(self.log_path, "ab")  # noqa: SIM115 - owned by the process
        self.proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"llama_cpp.server exited with {self.proc.returncode}; see "
                    f"{self.log_path}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/models", timeout=2).status_code == 200:
                    return self
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"llama_cpp.server did not start in {timeout}s")

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.proc = None

    def kill(self) -> None:
        """SIGKILL, as a crash would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)


class FaultProxy:
    """Loopback proxy; ``faults`` is a queue consumed one per incoming request."""

    FAULTS = ("429", "500", "bad_json", "garbage", "drop", "slow")

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream  # e.g. http://127.0.0.1:PORT (no /v1)
        self.faults: collections.deque[str | None] = collections.deque()
        self.received: list[dict] = []  # every request: body, headers, fault
        self.forwarded: list[dict] = []  # requests answered by the real server
        self.inflight = 0
        self.max_inflight = 0
        self.after_response = None  # callback(n_forwarded) run after a reply
        self.lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):  # noqa: N802
                n = int(self.headers.get("content-length", 0))
                raw = self.rfile.read(n)
                with proxy.lock:
                    fault = proxy.faults.popleft() if proxy.faults else None
                    proxy.inflight += 1
                    proxy.max_inflight = max(proxy.max_inflight, proxy.inflight)
                    proxy.received.append(
                        {
                            "body": json.loads(raw),
                            "headers": dict(self.headers),
                            "fault": fault,
                        }
                    )
                try:
                    proxy._handle(self, raw, fault)
                finally:
                    with proxy.lock:
                        proxy.inflight -= 1

        self.server = ThreadingHTTPServer((HOST, 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.server.server_address[1]}/v1"

    @staticmethod
    def _send(h, status: int, body: bytes, headers: dict | None = None) -> None:
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                h.send_header(k, v)
            h.end_headers()
            h.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up
            h.close_connection = True

    def _handle(self, h, raw: bytes, fault: str | None) -> None:
        if fault == "429":
            return self._send(h, 429, b'{"error": "rate"}', {"Retry-After": "0"})
        if fault == "500":
            return self._send(h, 500, b'{"error": "boom"}')
        if fault == "bad_json":
            return self._send(h, 200, b'{"choices": [{"message": {"content": "Da')
        if fault == "drop":
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", "5000")
            h.end_headers()
            h.wfile.write(b'{"id": "chatcmpl-1", "choi')
            h.wfile.flush()
            h.connection.shutdown(socket.SHUT_RDWR)
            h.close_connection = True
            return None
        if fault == "slow":  # never answers within the client's timeout
            time.sleep(3.0)
            return self._send(h, 504, b'{"error": "too late"}')
        try:
            r = httpx.post(
                self.upstream + h.path,
                content=raw,
                headers={"Content-Type": "application/json"},
                timeout=120,
            )
        except httpx.HTTPError:
            return self._send(h, 502, b'{"error": "upstream down"}')
        body = r.content
        if fault == "garbage" and r.status_code == 200:
            data = r.json()
            data["choices"][0]["message"]["content"] = "blah blah, I like turtles"
            body = json.dumps(data).encode()
        if r.status_code == 200:
            with self.lock:
                self.forwarded.append(json.loads(raw))
                n = len(self.forwarded)
        self._send(h, r.status_code, body)
        if r.status_code == 200 and self.after_response is not None:
            self.after_response(n)
        return None

    def reset(self) -> None:
        with self.lock:
            self.faults.clear()
            self.received.clear()
            self.forwarded.clear()
            self.max_inflight = 0
            self.after_response = None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def smollm2() -> str:
    from graphlabels.labelfree.annotators.llama_cpp import smollm2_path

    return str(smollm2_path())


@pytest.fixture(scope="session")
def llama_server(smollm2, tmp_path_factory):
    """One real llama.cpp server for the session; always terminated."""
    log = tmp_path_factory.mktemp("llama") / "server.log"
    server = LlamaServer(smollm2, str(log))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def proxy(llama_server):
    p = FaultProxy(f"http://{HOST}:{llama_server.port}")
    try:
        yield p
    finally:
        p.close()


@pytest.fixture
def make_server(smollm2, tmp_path):
    """Start extra servers (e.g. to kill one); all are stopped at the end."""
    started: list[LlamaServer] = []

    def make() -> LlamaServer:
        s = LlamaServer(smollm2, str(tmp_path / f"server{len(started)}.log"))
        started.append(s)
        return s.start()

    try:
        yield make
    finally:
        for s in started:
            s.stop()


@pytest.fixture
def make_proxy():
    """Start fault proxies in front of given servers; all are closed at the end."""
    made: list[FaultProxy] = []

    def make(server: LlamaServer) -> FaultProxy:
        p = FaultProxy(f"http://{HOST}:{server.port}")
        made.append(p)
        return p

    try:
        yield make
    finally:
        for p in made:
            p.close()


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread():
    # the tiny graphs here gain nothing from threads, and on a busy CI box
    # OpenMP spinning makes them 20x slower
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


@pytest.fixture(autouse=True)
def _no_real_key(monkeypatch):
    # tests talk to loopback only; never pick up a developer's real key
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    os.environ.pop("GRAPHLABELS_TEST_KEY", None)
