"""A DNS server on 127.0.0.1 (UDP and TCP on one port) answering from the world's sites.

Real DNS wire format through dnslib's server framework: TXT queries for a site's name get
its ``txt`` records (strings longer than 255 bytes split into several character-strings, as
RFC 1035 §3.3.14 requires), any other type gets an empty answer, unknown names get
NXDOMAIN, ``dns: servfail`` sites get SERVFAIL and ``dns: timeout`` sites get no answer at
all. UDP answers larger than the client's buffer (512 bytes, or its EDNS size) are sent
truncated with TC set, so the client has to retry over TCP (RFC 7766).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Mapping
from typing import Any

from dnslib import QTYPE, RCODE, RR, TXT, DNSRecord
from dnslib.server import BaseResolver, DNSHandler, DNSLogger, DNSServer

from ..world.model import Site

log = logging.getLogger(__name__)
HOST = "127.0.0.1"


class _Drop(Exception):
    """Raised by the resolver to send no answer (a timing-out name server)."""


class _Resolver(BaseResolver):  # type: ignore[misc]
    def __init__(self, sites: Mapping[str, Site]) -> None:
        self.sites = sites
        self.lock = threading.Lock()
        self.queries: list[tuple[str, str, str]] = []  # (name, type, protocol)

    def resolve(self, request: Any, handler: Any) -> Any:
        name = str(request.q.qname).rstrip(".").lower()
        qtype = QTYPE[request.q.qtype]
        with self.lock:
            self.queries.append((name, str(qtype), handler.protocol))
        reply = request.reply()
        site = self.sites.get(name)
        if site is None:
            reply.header.rcode = RCODE.NXDOMAIN
            return reply
        if site.dns == "timeout":
            raise _Drop
        if site.dns == "servfail":
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        if qtype == "TXT":
            for record in site.txt:
                data = record.encode("utf-8")
                chunks = [data[i:i + 255] for i in range(0, len(data), 255)] or [b""]
                reply.add_answer(RR(name, QTYPE.TXT, rdata=TXT(chunks), ttl=300))
        return reply


class _Handler(DNSHandler):  # type: ignore[misc]
    def handle(self) -> None:
        with contextlib.suppress(_Drop):  # no answer: the client times out
            super().handle()

    def get_reply(self, data: bytes) -> bytes:
        request = DNSRecord.parse(data)
        reply = self.server.resolver.resolve(request, self)
        packed: bytes = reply.pack()
        if self.protocol == "udp":
            limit = max([512] + [rr.rclass for rr in request.ar if rr.rtype == QTYPE.OPT])
            if len(packed) > limit:
                reply.rr = []
                reply.header.tc = 1
                packed = reply.pack()
        return packed


def _quiet_logger() -> Any:
    return DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data",
                     logf=lambda msg: log.debug("dns: %s", msg))


class DnsServer:
    """The sites' DNS server on ``127.0.0.1:port`` (UDP and TCP), in background threads."""

    def __init__(self, sites: Mapping[str, Site]) -> None:
        self.resolver = _Resolver(sites)
        self._servers: list[Any] = []

    def start(self) -> DnsServer:
        """Bind a free port for UDP, the same port for TCP, and serve (idempotent)."""
        if self._servers:
            return self
        for _ in range(10):
            udp = DNSServer(self.resolver, address=HOST, port=0, logger=_quiet_logger(),
                            handler=_Handler)
            port = udp.server.server_address[1]
            try:
                tcp = DNSServer(self.resolver, address=HOST, port=port, tcp=True,
                                logger=_quiet_logger(), handler=_Handler)
            except OSError:  # the port is taken for TCP: try another
                udp.server.server_close()
                continue
            self._servers = [udp, tcp]
            for server in self._servers:  # a short poll interval: stop() returns at once
                threading.Thread(target=server.server.serve_forever, args=(0.05,),
                                 name="ios14-audit-sandbox-dns", daemon=True).start()
            return self
        raise OSError("no free port for the sandbox DNS server on UDP and TCP")

    @property
    def port(self) -> int:
        """The UDP and TCP port."""
        if not self._servers:
            raise RuntimeError("the DNS server is not running")
        return int(self._servers[0].server.server_address[1])

    @property
    def queries(self) -> list[tuple[str, str, str]]:
        """Queries received: (name, type, "udp" | "tcp"), oldest first."""
        with self.resolver.lock:
            return list(self.resolver.queries)

    def stop(self) -> None:
        """Stop serving and release the port."""
        for server in self._servers:
            server.server.shutdown()
            server.server.server_close()
        self._servers = []


def refused_port() -> socket.socket:
    """A bound TCP socket that never listens: connecting to its port is refused at once."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, 0))
    return sock
