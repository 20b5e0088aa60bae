"""A web server on 127.0.0.1 serving the world's sites by ``Host`` header (plain HTTP).

``GET /`` answers the site's home page (after ``delay_ms``, with ``status``, padded before
``</head>`` by ``padding_bytes``, or a 301 to ``redirect`` unless it is the redirect's host)
and sets a cookie, so tests can see the client never sends it back; ``GET /<code>.html``
answers the code for each code in ``files`` and 404 otherwise; unknown hosts get 404.
Requests are logged (host, path, user agent, whether a cookie came along).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from ..world.model import Site

log = logging.getLogger(__name__)
HOST = "127.0.0.1"
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class WebRequest:
    """One request the web server received."""

    host: str
    path: str
    user_agent: str
    had_cookie: bool


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, sites: Mapping[str, Site]) -> None:
        super().__init__((HOST, 0), _Handler)
        self.by_host = {h: s for s in sites.values() for h in (s.name, *s.hosts)}
        self.lock = threading.Lock()
        self.log: list[WebRequest] = []
        self.bytes_sent = 0


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("web: " + format, *args)

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").split(":", 1)[0].lower()
        with self.server.lock:
            self.server.log.append(WebRequest(host, self.path, self.headers.get(
                "User-Agent", ""), "Cookie" in self.headers))
        site = self.server.by_host.get(host)
        if site is None:
            self._send(404, b"<html><head></head><body>unknown site</body></html>")
        elif self.path == "/":
            self._home(site, host)
        elif (m := re.fullmatch(r"/([A-Za-z0-9]+)\.html", self.path)) and m[1] in site.files:
            self._send(200, m[1].encode())
        else:
            self._send(404, b"<html><head><title>Not found</title></head></html>")

    def _home(self, site: Site, host: str) -> None:
        if site.delay_ms:
            time.sleep(site.delay_ms / 1000)
        if site.redirect and urlsplit(site.redirect).hostname != host:
            self._send(301, b"", {"Location": site.redirect})
            return
        page = site.home.encode("utf-8")
        cut = _HEAD_END.search(page)
        at = cut.start() if cut else len(page)
        self._send(site.status, page[:at], {"Set-Cookie": "sandbox_session=1; Path=/"},
                   padding=site.padding_bytes, tail=page[at:])

    def _send(self, status: int, body: bytes, headers: Mapping[str, str] | None = None,
              padding: int = 0, tail: bytes = b"") -> None:
        filler = b"<!--" + b" " * max(0, padding - 7) + b"-->" if padding else b""
        sent = 0
        try:
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body) + len(filler) + len(tail)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            for part in (body, *_slices(filler), tail):
                self.wfile.write(part)
                sent += len(part)
        except (BrokenPipeError, ConnectionResetError):
            log.debug("web client went away (size cap?)")
        finally:
            with self.server.lock:
                self.server.bytes_sent += sent


def _slices(data: bytes, size: int = 65536) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


class WebServer:
    """The sites' web server on ``http://127.0.0.1:port``, in a background thread."""

    def __init__(self, sites: Mapping[str, Site]) -> None:
        self.sites = sites
        self._httpd: _Server | None = None

    def start(self) -> WebServer:
        """Bind a free port and serve (idempotent)."""
        if self._httpd is None:
            self._httpd = _Server(self.sites)
            threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                             name="ios14-audit-sandbox-web", daemon=True).start()
        return self

    @property
    def port(self) -> int:
        """The bound port."""
        if self._httpd is None:
            raise RuntimeError("the web server is not running")
        return int(self._httpd.server_address[1])

    @property
    def requests(self) -> list[WebRequest]:
        """Requests received, oldest first."""
        if self._httpd is None:
            return []
        with self._httpd.lock:
            return list(self._httpd.log)

    @property
    def bytes_sent(self) -> int:
        """Body bytes written to clients so far (a capped client stops early)."""
        if self._httpd is None:
            return 0
        with self._httpd.lock:
            return self._httpd.bytes_sent

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
