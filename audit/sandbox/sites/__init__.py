"""DNS and web doubles for the domains in a world's ``domains:`` section.

```python
with SiteServers(world.sites) as sites:
    config_data["network"] = sites.network_settings()   # nameservers + connect_to
```

``dns`` answers TXT queries on 127.0.0.1 over UDP and TCP (dnslib); ``web`` serves home
pages and verification files by ``Host`` header over plain HTTP. HTTPS is not served: the
``connect_to`` mapping sends every ``:443`` connection to a port that refuses at once, so
the client falls back to HTTP without waiting, as it would against a site without HTTPS.
"""

from __future__ import annotations

import socket
from collections.abc import Mapping
from types import TracebackType
from typing import Any

from ..world.model import Site
from .dns import HOST, DnsServer, refused_port
from .web import WebRequest, WebServer

__all__ = ["DnsServer", "SiteServers", "WebRequest", "WebServer"]


class SiteServers:
    """The sites' DNS server, web server and a refusing "HTTPS" port, started together."""

    def __init__(self, sites: Mapping[str, Site]) -> None:
        self.sites = sites
        self.dns = DnsServer(sites)
        self.web = WebServer(sites)
        self._refuse: socket.socket | None = None

    def start(self) -> SiteServers:
        """Start both servers and reserve the refusing port (idempotent)."""
        self.dns.start()
        self.web.start()
        if self._refuse is None:
            self._refuse = refused_port()
        return self

    def stop(self) -> None:
        """Stop both servers and release the ports."""
        self.dns.stop()
        self.web.stop()
        if self._refuse is not None:
            self._refuse.close()
            self._refuse = None

    def __enter__(self) -> SiteServers:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    @property
    def refused(self) -> str:
        """``127.0.0.1:port`` where connections are refused."""
        if self._refuse is None:
            raise RuntimeError("the site servers are not running")
        return f"{HOST}:{self._refuse.getsockname()[1]}"

    def network_settings(self, timeout_seconds: float = 2.0) -> dict[str, Any]:
        """The config's ``network:`` section pointing every lookup at these servers.

        Wildcards keep every connection on loopback, including domains the world does not
        know (the web server answers 404 for them); ``web: refused`` sites refuse on both
        ports.
        """
        web = f"{HOST}:{self.web.port}"
        connect_to = {"*:80": web, "*:443": self.refused}
        for site in self.sites.values():
            if site.web == "refused":
                for host in (site.name, *site.hosts):
                    connect_to[f"{host}:80"] = self.refused
        return {"enabled": True, "timeout_seconds": timeout_seconds,
                "nameservers": [f"{HOST}:{self.dns.port}"], "connect_to": connect_to}
