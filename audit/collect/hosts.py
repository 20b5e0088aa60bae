"""Hosts → registrable domains (eTLD+1), with the Public Suffix List bundled offline.

Meta's Aggregated Event Measurement and domain verification work per eTLD+1: events on
``shop.example.co.uk`` and ``www.example.co.uk`` count for ``example.co.uk``. The list
ships inside the ``publicsuffixlist`` package; nothing is downloaded.

It lives in ``collect`` because collection already needs it (which domains to look up for
verification markers) and every stage above may import it (facts, checks).
"""

from __future__ import annotations

import ipaddress
import threading
from functools import lru_cache

from publicsuffixlist import PublicSuffixList

_lock = threading.Lock()
_list: list[PublicSuffixList] = []


def _psl() -> PublicSuffixList:
    """The parsed list, built once even when several clients ask at the same moment."""
    if not _list:
        with _lock:
            if not _list:
                _list.append(PublicSuffixList())
    return _list[0]


def normalise_host(host: str) -> str | None:
    """Lower-case host without scheme, port, path or trailing dot; None if not a host."""
    text = host.strip().lower()
    if "://" in text:
        text = text.split("://", 1)[1]
    text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    if text.startswith("[") or text.count(":") > 1:
        return None  # IPv6 literal
    text = text.split(":", 1)[0].rstrip(".")
    if not text or " " in text:
        return None
    return text


@lru_cache(maxsize=65536)
def registrable_domain(host: str) -> str | None:
    """The eTLD+1 of ``host`` (``shop.example.co.uk`` → ``example.co.uk``).

    None for IP addresses, single-label hosts (``localhost``) and bare public suffixes.
    """
    name = normalise_host(host)
    if name is None:
        return None
    try:
        ipaddress.ip_address(name)
        return None
    except ValueError:
        pass
    try:
        name = name.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    result = _psl().privatesuffix(name)
    return str(result) if result else None
