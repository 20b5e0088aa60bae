"""Hosts → registrable domains (eTLD+1), with the Public Suffix List bundled offline.

Meta's Aggregated Event Measurement and domain verification work per eTLD+1: events on
``shop.example.co.uk`` and ``www.example.co.uk`` count for ``example.co.uk``. The list
ships inside the ``publicsuffixlist`` package; nothing is downloaded.
"""

from __future__ import annotations

import ipaddress
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from publicsuffixlist import PublicSuffixList

from audit.facts.view import SnapshotView, ref_id, to_str

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


VERIFIED_STATUSES = frozenset({"verified", "verified_domain", "approved"})


@dataclass
class DomainRow:
    """One registrable domain and what is known about it."""

    domain: str
    hosts: dict[str, int] = field(default_factory=dict)
    pixels: set[str] = field(default_factory=set)
    declared: bool = False
    listed: bool = False
    status: str | None = None
    owner_id: str | None = None
    owner_name: str | None = None
    agency_listed: bool = False
    # False when the client's verified domains could not be read (owned_domains is gone
    # on current Graph versions): verification is then unknown, never "not verified".
    verification_known: bool = True

    @property
    def events(self) -> int:
        """Pixel events received on this domain's hosts over the stats window."""
        return sum(self.hosts.values())

    @property
    def verified(self) -> bool | None:
        """True/False from owned_domains; None when the status was not reported or the
        verified domains could not be read."""
        if not self.verification_known:
            return None
        if not self.listed:
            return False
        if self.status is None:
            return None
        return self.status.lower() in VERIFIED_STATUSES

    def to_dict(self) -> dict[str, Any]:
        """Serialisable row."""
        return {
            "domain": self.domain, "events_7d": self.events,
            "hosts": dict(sorted(self.hosts.items(), key=lambda kv: (-kv[1], kv[0]))),
            "pixels": sorted(self.pixels), "declared": self.declared, "listed": self.listed,
            "status": self.status, "verified": self.verified, "owner_business_id": self.owner_id,
            "owner_business_name": self.owner_name, "listed_by_agency": self.agency_listed,
        }


def owned_domains_available(view: SnapshotView) -> tuple[bool, dict[str, Any] | None]:
    """Whether the client's owned_domains edge could be read, and the error if not."""
    res = view.get("business/owned_domains")
    if res is None:
        return False, {"kind": "unread", "message": "owned_domains was not collected"}
    if res.error is not None and not res.partial:
        return False, dict(res.error)
    return True, None


def read_domain_rows(view: SnapshotView) -> dict[str, DomainRow]:
    """Every registrable domain seen in traffic, declared in config or verified."""
    rows: dict[str, DomainRow] = {}

    def row(domain: str) -> DomainRow:
        return rows.setdefault(domain, DomainRow(domain))

    for pixel_id in view.pixel_ids:
        for host, count in (view.stats_totals(pixel_id, "host") or {}).items():
            domain = registrable_domain(host)
            if domain is None:
                continue
            r = row(domain)
            r.hosts[host] = r.hosts.get(host, 0) + count
            r.pixels.add(pixel_id)
    for declared in view.client.domains:
        domain = registrable_domain(str(declared)) or str(declared)
        row(domain).declared = True
    res = view.get("business/owned_domains")
    for item in res.items() if res else []:
        domain = registrable_domain(to_str(item.get("domain_name")) or "")
        if domain is None:
            continue
        r = row(domain)
        r.listed = True
        r.status = to_str(item.get("status"))
        owner = item.get("owner_business")
        r.owner_id = ref_id(owner)
        r.owner_name = to_str(owner.get("name")) if isinstance(owner, dict) else None
    agency = view.get("agency/owned_domains")
    for item in agency.items() if agency else []:
        domain = registrable_domain(to_str(item.get("domain_name")) or "")
        if domain in rows:
            rows[domain].agency_listed = True
    if not owned_domains_available(view)[0]:
        for r in rows.values():
            r.verification_known = False
    return rows
