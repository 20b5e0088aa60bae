"""Collect the verification markers of a client's domains into its snapshot.

Which domains: those declared in the config, those the pixels fired on (``stats`` by host,
reduced to eTLD+1), and those ``owned_domains`` listed where it still answers. For each,
the snapshot stores the TXT lookup under ``domain/<name>/dns``, the home page's meta tags
under ``domain/<name>/home``, and, for each code the config gives for the client,
``domain/<name>/file/<code>``. ``window["domain_markers"]`` says whether lookups ran
(``checked``) or were turned off (``offline``), so a re-run from the snapshot knows.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from audit.collect.hosts import registrable_domain
from audit.collect.lookups import DomainLookups, lookup_all
from audit.collect.snapshot import Snapshot

log = logging.getLogger(__name__)

WINDOW_KEY = "domain_markers"
MAX_DOMAINS = 50  # per client: pixels also fire on translation proxies, caches, test hosts


def marker_key(kind: str, domain: str, code: str | None = None) -> str:
    """The snapshot key of one lookup: ``domain/<name>/dns|home|file/<code>``."""
    return f"domain/{domain}/{kind}" + (f"/{code}" if code else "")


def domains_to_check(snap: Snapshot) -> list[str]:
    """The client's registrable domains: declared first, then by pixel traffic, then listed."""
    out: list[str] = []

    def add(name: str) -> None:
        domain = registrable_domain(name)
        if domain and domain not in out:
            out.append(domain)

    for declared in snap.record.domains:
        add(declared)
    traffic: dict[str, int] = {}
    for key in snap.keys_with_prefix("pixel/"):
        res = snap.get(key)
        if not key.endswith("/stats/host") or res is None:
            continue
        for bucket in res.items():
            rows = bucket.get("data")
            for row in rows if isinstance(rows, list) else []:
                host = row.get("value") if isinstance(row, dict) else None
                count = row.get("count") if isinstance(row, dict) else None
                domain = registrable_domain(host) if isinstance(host, str) else None
                if domain:
                    weight = count if isinstance(count, (int, float)) else 0
                    traffic[domain] = traffic.get(domain, 0) + int(weight)
    for domain, _ in sorted(traffic.items(), key=lambda kv: (-kv[1], kv[0])):
        add(domain)
    listed = snap.get("business/owned_domains")
    for item in listed.items() if listed else []:
        if isinstance(item.get("domain_name"), str):
            add(item["domain_name"])
    if len(out) > MAX_DOMAINS:
        log.info("%s: checking the first %d of %d domains", snap.record.slug, MAX_DOMAINS,
                 len(out))
    return out[:MAX_DOMAINS]


def mark_offline(snap: Snapshot) -> None:
    """Record that this run did not look at the domains (``--offline``)."""
    snap.window[WINDOW_KEY] = {"mode": "offline"}


def prefetch_markers(domains: Sequence[str], lookups: DomainLookups,
                     codes: Sequence[str]) -> None:
    """Start the lookups of the declared domains now, in the background: they overlap the
    client's Graph reads, and :func:`collect_markers` later finds them in the run's cache."""
    for name in domains:
        domain = registrable_domain(name)
        if domain:
            lookups.txt_async(domain)
            lookups.home_async(domain)
            for code in codes:
                lookups.file_async(domain, code)


def collect_markers(snap: Snapshot, lookups: DomainLookups, codes: Sequence[str]) -> None:
    """Look up every domain's markers (in parallel, cached per run) into ``snap``."""
    try:
        domains = domains_to_check(snap)
        results = lookup_all(lookups, domains, list(codes), marker_key)
    except Exception:  # a bug here must not cost the client its Graph audit
        log.exception("%s: reading the domains' markers failed", snap.record.slug)
        snap.window[WINDOW_KEY] = {"mode": "failed"}  # the checks say "not checked"
        return
    snap.window[WINDOW_KEY] = {"mode": "checked", "domains": domains}
    for key, result in results.items():
        snap.put(key, result)
