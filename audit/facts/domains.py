"""Domains of a client: pixel traffic by registrable domain, declared domains, verification.

Rows combine the pixels' ``stats`` by host (reduced to eTLD+1 by
:func:`~audit.collect.hosts.registrable_domain`, re-exported here), the config's declared
domains, the ``owned_domains`` edges where they still answer, and the verification markers
read on the domains themselves (:mod:`audit.facts.markers`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from audit.collect.hosts import normalise_host, registrable_domain
from audit.facts.markers import DomainMarkers, read_markers
from audit.facts.view import SnapshotView, ref_id, to_str

__all__ = ["DomainRow", "normalise_host", "owned_domains_available", "read_domain_rows",
           "registrable_domain"]


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
    markers: DomainMarkers | None = None
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
            "markers": self.markers.to_dict() if self.markers else None,
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
    for r in rows.values():
        r.markers = read_markers(view, r.domain)
    if not owned_domains_available(view)[0]:
        for r in rows.values():
            r.verification_known = False
    return rows
