"""Misbehaving HTTP servers on loopback, and a mutating proxy in front of the sandbox.

:class:`FaultServer` is a raw HTTP/1.1 server (plain sockets, so it can do what a
well-behaved server library will not: hang, close mid-answer, drip, lie about the length)
that answers every request with one :data:`Behaviour`. :class:`MutatingProxy` forwards
every request to a real server (the sandbox) and rewrites chosen answers, batch items
included, so the real CLI and SDK see a Graph API that is right about everything but the
values a test poisons. Both count the requests they receive and talk to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import re
import socket
import socketserver
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

HOST = "127.0.0.1"


@dataclass(frozen=True)
class RawRequest:
    """One request as received: method, path (with query), headers and body."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def params(self) -> dict[str, str]:
        """Query and form parameters together (the SDK posts its parameters as a form)."""
        split = urlsplit(self.path)
        pairs = parse_qsl(split.query, keep_blank_values=True)
        if self.body and "json" not in self.headers.get("content-type", ""):
            pairs += parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return dict(pairs)


Behaviour = Callable[[socket.socket, RawRequest, threading.Event], None]


def _read_request(conn: socket.socket) -> RawRequest | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = (lines[0].split(" ", 2) + ["", ""])[:3]
    headers = {k.strip().lower(): v.strip()
               for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length") or 0)
    while len(rest) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        rest += chunk
    return RawRequest(method, path, headers, rest[:length])


def http_response(status: int, body: bytes, content_type: str = "application/json",
                  *, content_length: int | None = None,
                  headers: dict[str, str] | None = None) -> bytes:
    """The bytes of one HTTP/1.1 answer (``content_length``: the length to claim)."""
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 500: "Internal Server Error",
              502: "Bad Gateway", 503: "Service Unavailable"}.get(status, "Status")
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}",
             f"Content-Length: {len(body) if content_length is None else content_length}",
             "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


# ---------------------------------------------------------------------------- behaviours


def respond(status: int, body: bytes | str, content_type: str = "application/json", *,
            content_length: int | None = None) -> Behaviour:
    """Answer with this status and body (``content_length``: claim another length)."""
    payload = body.encode("utf-8") if isinstance(body, str) else body

    def behave(conn: socket.socket, _req: RawRequest, _stop: threading.Event) -> None:
        conn.sendall(http_response(status, payload, content_type,
                                   content_length=content_length))
    return behave


def html(status: int) -> Behaviour:
    """A proxy's or load balancer's HTML error page with this status."""
    page = (f"<html><head><title>{status} Error</title></head><body><h1>{status}</h1>"
            "<p>The server encountered a temporary error and could not complete your "
            "request.</p></body></html>")
    return respond(status, page, "text/html; charset=UTF-8")


def hang() -> Behaviour:
    """Accept the request and never answer (until the server stops)."""
    def behave(_conn: socket.socket, _req: RawRequest, stop: threading.Event) -> None:
        stop.wait()
    return behave


def close_mid_response() -> Behaviour:
    """Promise 4,000 bytes of JSON, send 40, and close the connection."""
    def behave(conn: socket.socket, _req: RawRequest, _stop: threading.Event) -> None:
        conn.sendall(http_response(200, b'{"data": [{"id": "1", "name": "half an an',
                                   content_length=4000))
        conn.shutdown(socket.SHUT_RDWR)
    return behave


def slow_drip(body: bytes | str, interval: float) -> Behaviour:
    """Send a valid answer one byte every ``interval`` seconds (each read well inside any
    read timeout, the whole far beyond it)."""
    payload = body.encode("utf-8") if isinstance(body, str) else body

    def behave(conn: socket.socket, _req: RawRequest, stop: threading.Event) -> None:
        conn.sendall(http_response(200, b"", content_length=len(payload)))
        for byte in payload:
            if stop.wait(interval):
                return
            conn.sendall(bytes([byte]))
    return behave


def deep_json(depth: int) -> bytes:
    """A JSON object nested ``depth`` levels deep (``{"a":{"a":…}}``)."""
    return b'{"a":' * depth + b"1" + b"}" * depth


def graph_error(message: str, code: int = 1, status: int = 500, **extra: Any) -> bytes:
    """A Graph error body."""
    return json.dumps({"error": {"message": message, "type": "OAuthException",
                                 "code": code, **extra}}).encode()


def _batch_answer(req: RawRequest, body: bytes, status: int) -> bytes | None:
    """For a batch request, the same body as every item's answer (else None)."""
    raw = req.params.get("batch")
    if req.method != "POST" or raw is None:
        return None
    items = json.loads(raw)
    answer = {"code": status, "headers": [{"name": "Content-Type",
                                           "value": "application/json"}],
              "body": body.decode("utf-8")}
    return json.dumps([answer] * len(items)).encode()


def per_item(status: int, body: bytes | str) -> Behaviour:
    """Answer every item of a batch (or a single request) with this status and body."""
    payload = body.encode("utf-8") if isinstance(body, str) else body

    def behave(conn: socket.socket, req: RawRequest, _stop: threading.Event) -> None:
        batch = _batch_answer(req, payload, status)
        if batch is not None:
            conn.sendall(http_response(200, batch))
        else:
            conn.sendall(http_response(status, payload))
    return behave


# ---------------------------------------------------------------------------- servers


class _Raw(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{HOST}:{self.server_address[1]}"


def _loopback(on_request: Callable[[socket.socket, RawRequest], None], name: str
              ) -> tuple[_Raw, threading.Thread]:
    """A threaded loopback server calling ``on_request`` with each request read whole, and
    the thread to serve it from (a client that gives up first is not an error: that is what
    some tests are about)."""

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            conn: socket.socket = self.request
            try:
                req = _read_request(conn)
                if req is not None:
                    on_request(conn, req)
            except OSError:
                pass

    server = _Raw((HOST, 0), Handler)
    return server, threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True,
                                    name=name)


class FaultServer:
    """A loopback HTTP server answering every request with ``behaviour``."""

    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.received: list[RawRequest] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server, self._thread = _loopback(self._answer, "fault-server")

    def _answer(self, conn: socket.socket, req: RawRequest) -> None:
        with self._lock:
            self.received.append(req)
        self.behaviour(conn, req, self._stop)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self._server.base_url

    @property
    def count(self) -> int:
        """Requests received so far."""
        with self._lock:
            return len(self.received)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._stop.set()
        self._server.shutdown()
        self._server.server_close()


def refused_url() -> str:
    """A loopback URL nobody listens on (a port bound, then released)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port = sock.getsockname()[1]
    return f"http://{HOST}:{port}"


# ---------------------------------------------------------------------------- the proxy


class Literal:
    """A JSON token written as is (``NaN``, ``Infinity``, ``1e400``): what a faulty server
    could send and Python's json module would read."""

    def __init__(self, token: str) -> None:
        self.token = token


Mutation = Callable[[Any], Any]


@dataclass
class Rewrite:
    """Answers whose path matches ``path`` (a regex searched in ``/vXX.X/…``, batch items
    included) go through ``mutate`` (the parsed JSON in, the JSON to send out; a
    :class:`Literal` is sent as the whole body). ``status`` replaces the answer's status,
    ``method`` limits the rule to one method, ``nth`` to those matches (1-based)."""

    path: str
    mutate: Mutation
    status: int | None = None
    method: str | None = None
    nth: frozenset[int] | None = None
    matched: int = 0
    applied: int = 0

    def wants(self, method: str, path: str) -> bool:
        """Count a match and say whether this one is rewritten."""
        if self.method is not None and method.upper() != self.method:
            return False
        if not re.search(self.path, path):
            return False
        self.matched += 1
        return self.nth is None or self.matched in self.nth


def dumps(data: Any) -> str:
    """JSON text with :class:`Literal` tokens written bare."""
    if isinstance(data, Literal):
        return data.token
    tokens: list[str] = []

    def default(value: Any) -> Any:
        if isinstance(value, Literal):
            tokens.append(value.token)
            return f"\x00literal{len(tokens) - 1}\x00"
        raise TypeError(type(value).__name__)

    text = json.dumps(data, default=default, ensure_ascii=False)
    return re.sub(r'"\\u0000literal(\d+)\\u0000"', lambda m: tokens[int(m.group(1))], text)


def set_everywhere(key: str, value: Any, *, where: Callable[[dict[str, Any]], bool] | None
                   = None) -> Mutation:
    """A mutation setting ``key`` to ``value`` in every object that has it."""
    def mutate(data: Any) -> Any:
        if isinstance(data, dict):
            out = {k: mutate(v) for k, v in data.items()}
            if key in out and (where is None or where(out)):
                out[key] = value
            return out
        if isinstance(data, list):
            return [mutate(v) for v in data]
        return data
    return mutate


@dataclass
class MutatingProxy:
    """A loopback HTTP proxy to ``upstream`` applying :class:`Rewrite` rules.

    ``interrupt(n, answer)`` makes the next ``n`` requests get a raw answer instead (a
    proxy's error page, say) without reaching the upstream server.
    """

    upstream: str
    rewrites: list[Rewrite] = field(default_factory=list)
    received: int = 0
    interrupted: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._http = requests.Session()
        self._server, self._thread = _loopback(self._answer, "mutating-proxy")

    def _answer(self, conn: socket.socket, req: RawRequest) -> None:
        with self._lock:
            self.received += 1
        conn.sendall(self._forward(req))

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self._server.base_url

    def rewrite(self, path: str, mutate: Mutation, *, status: int | None = None,
                method: str | None = None, nth: set[int] | None = None) -> Rewrite:
        """Add a rewrite rule; returns it (``applied`` counts its uses)."""
        rule = Rewrite(path, mutate, status, method, frozenset(nth) if nth else None)
        self.rewrites.append(rule)
        return rule

    def interrupt(self, times: int, answer: bytes) -> None:
        """Answer the next ``times`` requests with ``answer`` (see :func:`http_response`)."""
        with self._lock:
            self._interrupt = (times, answer)

    def _mutated(self, method: str, path: str, status: int, text: str) -> tuple[int, str]:
        with self._lock:
            for rule in self.rewrites:
                if rule.wants(method, path):
                    rule.applied += 1
                    return rule.status or status, dumps(rule.mutate(json.loads(text)))
        return status, text

    def _take_interrupt(self) -> bytes | None:
        with self._lock:
            times, answer = getattr(self, "_interrupt", (0, b""))
            if times <= 0:
                return None
            self._interrupt = (times - 1, answer)
            self.interrupted += 1
            return answer

    def _forward(self, req: RawRequest) -> bytes:
        instead = self._take_interrupt()
        if instead is not None:
            return instead
        headers = {k: v for k, v in req.headers.items()
                   if k in ("content-type", "accept", "user-agent")}
        answer = self._http.request(req.method, self.upstream + req.path, data=req.body,
                                    headers=headers, timeout=30)
        text, status = answer.text, answer.status_code
        path = urlsplit(req.path).path
        batch = req.params.get("batch") if req.method == "POST" else None
        if batch is not None and answer.status_code == 200:
            calls = json.loads(batch)
            items = json.loads(text)
            for call, item in zip(calls, items, strict=False):
                if isinstance(item, dict) and isinstance(item.get("body"), str):
                    item_path = "/" + urlsplit(str(call.get("relative_url", ""))).path
                    item["code"], item["body"] = self._mutated(
                        str(call.get("method", "GET")), item_path, item.get("code"),
                        item["body"])
            text = json.dumps(items)
        elif answer.headers.get("content-type", "").startswith("application/json"):
            status, text = self._mutated(req.method, path, status, text)
        passed = {k: v for k, v in answer.headers.items()
                  if k.lower().startswith("x-") or k.lower() == "www-authenticate"}
        return http_response(status, text.encode("utf-8"),
                             answer.headers.get("content-type", "application/json"),
                             headers=passed)

    def __enter__(self) -> MutatingProxy:
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._http.close()


def wait_until(predicate: Callable[[], bool], seconds: float = 5.0) -> bool:
    """Poll ``predicate`` until true or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
