"""Network lookups on the clients' own domains: DNS TXT records and web pages.

:class:`DomainLookups` is shared by every client of a run (the
:class:`~audit.collect.agency.Collector` owns it): lookups run on one thread pool
(``network.concurrency`` at a time, across domains and clients) and each answer is cached
for the run, so a domain shared by several clients is looked up once. Nothing raises: every
outcome is a :class:`~audit.graph.result.Fetched` with its data or an error kind
(``timeout``, ``nxdomain``, ``servfail``, ``refused``, ``tls``, ``http_status``,
``too_large``, ``offsite_redirect`` …), stored in the snapshot like a Graph read.

DNS goes through dnspython (the system resolver, or ``network.nameservers``); pages through
httpx with short timeouts, no cookies, no proxy surprises, a size cap, and at most
:data:`MAX_REDIRECTS` redirects that stay on the same registrable domain.
"""

from __future__ import annotations

import logging
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any

import dns.exception
import dns.nameserver
import dns.resolver
import httpx

from audit import __version__
from audit.collect.hosts import registrable_domain
from audit.collect.markers import TXT_PREFIX, clip, file_shows_code, meta_values
from audit.config import NetworkConfig
from audit.graph.result import Fetched

log = logging.getLogger(__name__)

USER_AGENT = f"ios14-audit/{__version__} (checks Meta domain verification markers)"
MAX_REDIRECTS = 5
MAX_FILE_BYTES = 64 * 1024
MAX_TXT_RECORDS = 50
# HTTPS first; plain HTTP only when HTTPS could not be reached at all.
_FALLBACK = frozenset({"timeout", "refused", "tls", "connect", "reset", "dns"})


@dataclass
class Page:
    """A page as read: where it ended up, its status and (up to the cap) its text."""

    url: str
    status: int
    text: str
    size: int
    truncated: bool
    attempts: list[dict[str, str]] = field(default_factory=list)


class LookupFailed(Exception):
    """A lookup that produced no usable answer, with its error kind and a plain message."""

    def __init__(self, kind: str, message: str, attempts: list[dict[str, str]] | None = None,
                 status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.attempts = attempts or []
        self.status = status

    def error(self) -> dict[str, Any]:
        """The error as stored in the snapshot."""
        out: dict[str, Any] = {"kind": self.kind, "message": self.message}
        if self.status is not None:
            out["http_status"] = self.status
        return out


class ConnectToTransport(httpx.BaseTransport):
    """Send connections for some ``host[:port]`` to another address, like curl's
    ``--connect-to``; the URL, ``Host`` header and TLS server name stay the original's.

    For tests and the demo: it points fictional domains at the loopback sandbox.
    """

    def __init__(self, mapping: Mapping[str, str], inner: httpx.BaseTransport) -> None:
        self.mapping = dict(mapping)
        self.inner = inner

    def target(self, host: str, port: int) -> str | None:
        """The ``ip:port`` to connect to instead, or None."""
        for key in (f"{host}:{port}", host, f"*:{port}", "*"):
            if key in self.mapping:
                return self.mapping[key]
        return None

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Send to the mapped address when there is one (a copy of the request: the
        client keeps the original URL for redirects and the page's address)."""
        url = request.url
        port = url.port or (443 if url.scheme == "https" else 80)
        target = self.target(url.host, port)
        if target is None:
            return self.inner.handle_request(request)
        ip, _, new_port = target.rpartition(":")
        headers = request.headers.copy()
        headers["Host"] = url.netloc.decode("ascii")
        moved = httpx.Request(request.method, url.copy_with(host=ip.strip("[]"),
                                                             port=int(new_port)),
                              headers=headers, stream=request.stream,
                              extensions={**request.extensions, "sni_hostname": url.host})
        return self.inner.handle_request(moved)

    def close(self) -> None:
        """Close the wrapped transport."""
        self.inner.close()


def _resolver(network: NetworkConfig) -> dns.resolver.Resolver:
    if network.nameservers:
        resolver = dns.resolver.Resolver(configure=False)
        servers: list[str | dns.nameserver.Nameserver] = []
        for entry in network.nameservers:
            ip, _, port = entry.rpartition(":")
            servers.append(dns.nameserver.Do53Nameserver(ip.strip("[]"), int(port)))
        resolver.nameservers = servers
    else:
        try:
            resolver = dns.resolver.Resolver(configure=True)
        except dns.resolver.NoResolverConfiguration:
            # No /etc/resolv.conf (a container without DNS): every TXT lookup then says so.
            resolver = dns.resolver.Resolver(configure=False)
    resolver.lifetime = network.timeout_seconds
    resolver.timeout = network.timeout_seconds
    return resolver


def _no_cookies() -> CookieJar:
    # A jar whose policy accepts no domain: cookies a site sets are dropped, never sent on.
    # (A CookieJar, not httpx.Cookies: the client copies the latter into a default jar.)
    return CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))


def _classify(exc: BaseException) -> tuple[str, str]:
    """Error kind and message of a connection failure, from the exception chain's types."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return "tls", "the secure (HTTPS) connection failed"
        if isinstance(seen, ConnectionRefusedError):
            return "refused", "the connection was refused"
        if isinstance(seen, ConnectionResetError):
            return "reset", "the connection was reset"
        if type(seen).__name__ == "gaierror":
            return "dns", "the web server's address could not be found"
        seen = seen.__cause__ or seen.__context__
    return "connect", f"the connection failed ({type(exc).__name__})"


class DomainLookups:
    """Cached, parallel DNS and HTTP lookups for one run; ``close()`` when done."""

    def __init__(self, network: NetworkConfig) -> None:
        self.network = network
        self.resolver = _resolver(network)
        transport: httpx.BaseTransport = httpx.HTTPTransport(retries=0)
        if network.connect_to:
            transport = ConnectToTransport(network.connect_to, transport)
        self.http = httpx.Client(
            transport=transport, follow_redirects=False, cookies=_no_cookies(),
            timeout=httpx.Timeout(network.timeout_seconds),
            # connect_to is for tests and the demo: no proxy may take those requests away.
            trust_env=not network.connect_to,
            headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5",
                     "Accept-Encoding": "gzip, deflate, identity"},
        )
        self.pool = ThreadPoolExecutor(max_workers=network.concurrency,
                                       thread_name_prefix="domains")
        self._lock = threading.Lock()
        self._cache: dict[tuple[str, ...], Future[Fetched]] = {}
        self.counts = {"dns": 0, "http": 0}
        self._count_lock = threading.Lock()

    # ------------------------------------------------------------------ orchestration

    def _submit(self, key: tuple[str, ...], task: Callable[[], Fetched]) -> Future[Fetched]:
        with self._lock:
            future = self._cache.get(key)
            if future is None:
                future = self.pool.submit(self._safe, key, task)
                self._cache[key] = future
            return future

    @staticmethod
    def _safe(key: tuple[str, ...], task: Callable[[], Fetched]) -> Fetched:
        try:
            return task()
        except Exception as exc:  # a bug in one lookup must not lose the others
            log.exception("domain lookup %s crashed", key)
            return Fetched.failed(" ".join(key), {"kind": "error", "message":
                                                  f"the lookup crashed ({type(exc).__name__})"})

    def txt_async(self, domain: str) -> Future[Fetched]:
        """The domain's TXT lookup, started once per run."""
        return self._submit(("dns", domain), lambda: self.txt(domain))

    def home_async(self, domain: str) -> Future[Fetched]:
        """The home page fetch, started once per run."""
        return self._submit(("home", domain), lambda: self.home(domain))

    def file_async(self, domain: str, code: str) -> Future[Fetched]:
        """The ``/<code>.html`` fetch, started once per run."""
        return self._submit(("file", domain, code), lambda: self.file(domain, code))

    def _count(self, what: str) -> None:
        with self._count_lock:
            self.counts[what] += 1

    def close(self, wait: bool = True) -> None:
        """Stop the threads and close the connections; ``wait=False`` (a stopped run)
        cancels queued lookups and leaves those in flight to end on their own."""
        self.pool.shutdown(wait=wait, cancel_futures=True)
        if wait:
            self.http.close()

    # ------------------------------------------------------------------ DNS

    def txt(self, domain: str) -> Fetched:
        """The domain's verification TXT records (on the registrable domain itself)."""
        endpoint = f"DNS TXT {domain}"
        self._count("dns")
        timeout = self.network.timeout_seconds
        if not self.resolver.nameservers:
            return Fetched.failed(endpoint, {"kind": "dns_config", "message":
                                             "no DNS resolver is configured on this machine"})
        try:
            answer = self.resolver.resolve(domain, "TXT", raise_on_no_answer=False,
                                           search=False)
        except dns.resolver.NXDOMAIN:
            return Fetched.failed(endpoint, {"kind": "nxdomain", "message":
                                             "the domain does not exist in DNS"})
        except dns.exception.Timeout:
            return Fetched.failed(endpoint, {"kind": "timeout", "message":
                                             f"the DNS lookup timed out after {timeout:g} s"})
        except dns.resolver.NoNameservers:
            return Fetched.failed(endpoint, {"kind": "servfail", "message":
                                             "the domain's DNS servers did not answer"})
        except dns.exception.DNSException as exc:
            return Fetched.failed(endpoint, {"kind": "dns_error", "message":
                                             f"the DNS lookup failed ({type(exc).__name__})"})
        records = []
        for rdata in answer.rrset or []:
            text = b"".join(rdata.strings).decode("utf-8", "replace")
            if text.strip().lower().startswith(TXT_PREFIX):
                records.append(clip(text))
        total = len(answer.rrset or [])
        return Fetched.ok(endpoint, {"name": domain, "records": total,
                                     "verification": records[:MAX_TXT_RECORDS]})

    # ------------------------------------------------------------------ HTTP

    def home(self, domain: str) -> Fetched:
        """The home page's verification meta tags."""
        endpoint = f"GET https://{domain}/"
        try:
            page = self.fetch(domain, "/", self.network.max_page_bytes)
        except LookupFailed as failed:
            return Fetched(endpoint, {"attempts": failed.attempts} if failed.attempts
                           else None, failed.error())
        values, head_complete = meta_values(page.text)
        data = {"url": page.url, "status": page.status, "meta": values, "bytes": page.size,
                "truncated": page.truncated, "head_complete": head_complete,
                "attempts": page.attempts}
        if not 200 <= page.status < 300:
            data["meta"] = []
            return Fetched(endpoint, data, {"kind": "http_status", "http_status": page.status,
                                            "message": f"the site answered HTTP {page.status}"})
        if page.truncated and not head_complete and not values:
            cap = self.network.max_page_bytes // 1024
            return Fetched(endpoint, data, {"kind": "too_large", "message":
                                            f"the page's head goes on past {cap} KiB"},
                           partial=True)
        return Fetched.ok(endpoint, data)

    def file(self, domain: str, code: str) -> Fetched:
        """Whether ``/<code>.html`` is served with the code in it."""
        endpoint = f"GET https://{domain}/{code}.html"
        try:
            page = self.fetch(domain, f"/{code}.html", MAX_FILE_BYTES)
        except LookupFailed as failed:
            return Fetched(endpoint, {"attempts": failed.attempts} if failed.attempts
                           else None, failed.error())
        data = {"url": page.url, "status": page.status, "attempts": page.attempts}
        if page.status in (404, 410):
            return Fetched.ok(endpoint, {**data, "shows_code": False})
        if not 200 <= page.status < 300:
            return Fetched(endpoint, data, {"kind": "http_status", "http_status": page.status,
                                            "message": f"the site answered HTTP {page.status}"})
        return Fetched.ok(endpoint, {**data, "shows_code": file_shows_code(page.text, code)})

    def fetch(self, domain: str, path: str, cap: int) -> Page:
        """GET ``path`` over HTTPS, falling back to HTTP when HTTPS cannot be reached."""
        attempts: list[dict[str, str]] = []
        last: LookupFailed | None = None
        for scheme in ("https", "http"):
            url = f"{scheme}://{domain}{path}"
            try:
                page = self._follow(url, domain, cap)
            except LookupFailed as failed:
                attempts.append({"url": url, "error": failed.kind})
                last = failed
                if failed.kind in _FALLBACK:
                    continue
                break
            page.attempts = attempts
            return page
        assert last is not None
        raise LookupFailed(last.kind, last.message, attempts, last.status)

    def _follow(self, url: str, domain: str, cap: int) -> Page:
        deadline = time.monotonic() + 2 * self.network.timeout_seconds
        home = registrable_domain(domain) or domain
        for _ in range(MAX_REDIRECTS + 1):
            self._count("http")
            try:
                with self.http.stream("GET", url) as resp:
                    location = resp.headers.get("location")
                    if resp.is_redirect and location:
                        target = resp.url.join(location)
                        if target.scheme not in ("http", "https") or \
                                registrable_domain(target.host) != home:
                            raise LookupFailed("offsite_redirect",
                                               "the page redirects to another domain")
                        url = str(target)
                        continue
                    text, size, truncated = _read_text(resp, cap, deadline)
                    return Page(str(resp.url), resp.status_code, text, size, truncated)
            except httpx.TimeoutException:
                raise LookupFailed("timeout", "the web server did not answer in time "
                                   f"({self.network.timeout_seconds:g} s)") from None
            except httpx.TransportError as exc:
                raise LookupFailed(*_classify(exc)) from None
        raise LookupFailed("too_many_redirects", f"more than {MAX_REDIRECTS} redirects")


def _read_text(resp: httpx.Response, cap: int, deadline: float) -> tuple[str, int, bool]:
    """Read at most ``cap`` bytes of the (decoded) body, within the deadline."""
    encoding = resp.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("gzip", "x-gzip"):
        inflate: Any = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflate = zlib.decompressobj()
    elif encoding in ("identity", ""):
        inflate = None
    else:
        raise LookupFailed("encoding", f"the page is compressed with {clip(encoding)!r}, "
                           "which this check does not read")
    chunks: list[bytes] = []
    size = 0
    truncated = False
    try:
        for raw in resp.iter_raw(16384):
            # max_length bounds what one compressed chunk may expand to (no zip bombs).
            piece = inflate.decompress(raw, cap + 1 - size) if inflate else raw
            chunks.append(piece)
            size += len(piece)
            if size > cap:
                truncated = True
                break
            if time.monotonic() > deadline:
                raise LookupFailed("timeout", "the page took too long to arrive")
    except zlib.error:
        raise LookupFailed("encoding", "the page's compression is damaged") from None
    body = b"".join(chunks)[:cap]
    charset = resp.charset_encoding or "utf-8"
    try:
        text = body.decode(charset, "replace")
    except LookupError:
        text = body.decode("utf-8", "replace")
    return text, min(size, cap), truncated


def lookup_all(lookups: DomainLookups, domains: Sequence[str], codes: Sequence[str],
               keys: Callable[[str, str, str | None], str]) -> dict[str, Fetched]:
    """Every lookup for ``domains`` (file lookups for each of ``codes``), in parallel;
    results by snapshot key (``keys(kind, domain, code)``)."""
    futures: dict[str, Future[Fetched]] = {}
    for domain in domains:
        futures[keys("dns", domain, None)] = lookups.txt_async(domain)
        futures[keys("home", domain, None)] = lookups.home_async(domain)
        for code in codes:
            futures[keys("file", domain, code)] = lookups.file_async(domain, code)
    return {key: future.result() for key, future in futures.items()}
