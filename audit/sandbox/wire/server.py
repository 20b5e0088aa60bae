"""The HTTP side: a threaded HTTP/1.1 server on 127.0.0.1 and the ``SandboxServer`` API.

```python
with SandboxServer(load_world(path), port=0) as srv:
    api._session.GRAPH = srv.base_url
```
Responses always carry ``Content-Length`` so the SDK's keep-alive session works.
"""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ..world.model import FaultSpec, World
from .admin import handle_admin
from .app import GraphApp
from .exchange import RecordedRequest, Result

log = logging.getLogger(__name__)
HOST = "127.0.0.1"


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, port: int, app: GraphApp) -> None:
        super().__init__((HOST, port), _Handler)
        self.app = app

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HTTPServer

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_DELETE(self) -> None:
        self._handle("DELETE")

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("http: " + format, *args)

    def _handle(self, method: str) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        app = self.server.app
        try:
            if split.path.startswith("/__sandbox"):
                result = handle_admin(app, method, split.path[len("/__sandbox"):], raw)
            else:
                query = parse_qsl(split.query, keep_blank_values=True)
                body = _body_pairs(self.headers.get("Content-Type", ""), raw)
                result = app.handle(method, split.path, query, body, self.server.base_url)
        except Exception:  # a sandbox bug must still produce a Graph-shaped 500
            log.exception("sandbox handler crashed on %s %s", method, split.path)
            result = Result(500, {"error": {"message": "An unknown error has occurred.",
                                            "type": "OAuthException", "code": 1,
                                            "is_transient": True}})
        self._send(result)

    def _send(self, result: Result) -> None:
        if result.raw is not None:
            payload, content_type = result.raw.encode(), "text/html; charset=UTF-8"
        else:
            payload = json.dumps(result.body, separators=(",", ":")).encode()
            content_type = "application/json; charset=UTF-8"
        try:
            self.send_response(result.status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.send_header("Cache-Control", "private, no-cache, no-store, must-revalidate")
            for name, value in result.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("client went away before the response (timeout?)")


def _body_pairs(content_type: str, raw: bytes) -> list[tuple[str, str]]:
    if not raw:
        return []
    if "application/json" in content_type:
        try:
            data = json.loads(raw)
        except ValueError:
            return []
        if not isinstance(data, dict):
            return []
        return [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in data.items()]
    return parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)


class SandboxServer:
    """A Graph API sandbox on ``127.0.0.1`` serving a world in a background thread."""

    def __init__(self, world: World, port: int = 0, latency_ms: int | None = None) -> None:
        self.app = GraphApp(world, latency_ms)
        self._port = port
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> SandboxServer:
        """Bind and start serving (idempotent)."""
        if self._httpd is None:
            self.app.stopping.clear()
            self._httpd = _HTTPServer(self._port, self.app)
            self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                            name="ios14-audit-sandbox", daemon=True)
            self._thread.start()
            log.info("sandbox serving %s on %s", self.app.state.source, self.base_url)
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._httpd is None:
            return
        self.app.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (after ``start``)."""
        if self._httpd is None:
            raise RuntimeError("sandbox server is not running")
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` — assign it to ``api._session.GRAPH``."""
        return f"http://{HOST}:{self.port}"

    @property
    def state(self) -> World:
        """The live, mutable world (edits take effect on the next request)."""
        return self.app.state

    @property
    def requests(self) -> list[RecordedRequest]:
        """Logged requests (tokens and proofs redacted), oldest first."""
        with self.app.lock:
            return list(self.app.requests)

    def capi_received(self) -> list[dict[str, Any]]:
        """What ``POST /{pixel}/events`` accepted: pixel_id, test_event_code, events …"""
        return self.app.capi_received()

    def request_count(self, path_regex: str | None = None, method: str | None = None,
                      batch_items: bool = False) -> int:
        """Number of logged HTTP requests (or batch items) matching path regex and method."""
        return self.app.request_count(path_regex, method, batch_items)

    def reset_counters(self) -> None:
        """Clear the request log and usage counters."""
        self.app.reset_counters()

    def reset_state(self) -> None:
        """Discard all mutations and report runs."""
        self.app.reset_state()

    def add_fault(self, path: str, method: str | None = None, code: int | None = 80004,
                  subcode: int | None = 2446079, http_status: int | None = None,
                  message: str | None = None, times: int | None = 1, skip: int = 0,
                  latency_ms: int = 0,
                  is_transient: bool | None = None, headers: dict[str, str] | None = None,
                  type: str = "OAuthException", kind: str = "error",
                  regain_minutes: int = 0, user_title: str | None = None,
                  user_msg: str | None = None) -> int:
        """Inject a fault (see ``docs/sandbox.md``); returns its id."""
        spec = FaultSpec(path=path, method=method.upper() if method else None, kind=kind,
                         code=code, subcode=subcode, http_status=http_status, message=message,
                         type=type, is_transient=is_transient, times=times, skip=skip,
                         latency_ms=latency_ms, headers=dict(headers or {}),
                         regain_minutes=regain_minutes, user_title=user_title,
                         user_msg=user_msg)
        if kind not in ("error", "latency", "batch_null", "job_failed", "not_json"):
            raise ValueError(f"unknown fault kind {kind!r}")
        return self.app.add_fault(spec)

    def clear_faults(self) -> None:
        """Remove all faults (including the world file's)."""
        self.app.faults.clear()


def serve_forever(world: World, port: int = 0, latency_ms: int | None = None,
                  stop: threading.Event | None = None) -> None:
    """Run the sandbox in the foreground until Ctrl-C (or ``stop`` is set)."""
    server = SandboxServer(world, port=port, latency_ms=latency_ms).start()
    log.warning("Graph API sandbox listening on %s (Ctrl-C to stop)", server.base_url)
    waiter = stop or threading.Event()
    try:
        while not waiter.wait(0.5):
            pass
    except KeyboardInterrupt:
        log.info("stopping sandbox")
    finally:
        server.stop()
