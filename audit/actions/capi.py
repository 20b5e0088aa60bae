"""Send Conversions API test events to a client's pixel and report what Meta answered.

The proof Events Manager's Test Events tool gives: events built and hashed by the SDK's
server-side helpers (:mod:`audit.graph.sdk.serverside`), sent with a ``test_event_code`` (or,
only when asked for, live), each with its own ``event_id`` so the agency can find it in
Events Manager → Data sources → the pixel → Test events.

Where things come from: the pixel from ``--pixel``, else the client's configured pixel,
else the one its latest audit found; the page (``event_source_url``) on a host the pixel
saw traffic on within the client's domains, else the first declared domain; the currency
from ``--currency``, else the client's ad account. Customer information comes from a
test-identity file or is generated, clearly fake (example.com addresses, 555-01xx numbers).
Meta notes that test events "may get discarded if they don't match a Facebook or Meta
account" (https://developers.facebook.com/docs/marketing-api/conversions-api/best-practices,
"Use Test Events"): the developer's own details match, generated ones do not.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from audit.collect.snapshot import Snapshot
from audit.config import ClientConfig
from audit.errors import ActionFailed, AuditError
from audit.evaluate.capi_userdata import mask
from audit.facts.domains import registrable_domain
from audit.facts.view import SnapshotView
from audit.graph.client import GraphClient
from audit.graph.errors import GraphError
from audit.graph.sdk.serverside import (
    USER_DATA_KEYS,
    Identity,
    NormalisationError,
    ServerEvent,
    build_event_params,
    check_identity,
    decoded_events,
)

log = logging.getLogger(__name__)

# Standard events that carry a purchase or basket value (Meta's standard events reference:
# https://developers.facebook.com/docs/meta-pixel/reference#standard-events).
VALUE_EVENTS = frozenset({"Purchase", "Subscribe", "StartTrial", "AddToCart",
                          "InitiateCheckout", "AddPaymentInfo"})
# Names accepted in a test-identity file: our attribute names and Meta's user_data keys.
IDENTITY_ALIASES = {**{attr: attr for attr in USER_DATA_KEYS},
                    **{key: attr for attr, key in USER_DATA_KEYS.items()},
                    "zip": "zip_code", "ip": "client_ip_address",
                    "user_agent": "client_user_agent"}
GENERATED_USER_AGENT = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
                        "(KHTML, like Gecko) Version/17.0 Safari/605.1.15")


class CapiTestError(AuditError):
    """A test-event request that cannot be made as asked (exit 2): say what to change."""


# ----------------------------------------------------------------------------- identities


def _identity(entry: Any, where: str) -> Identity:
    if not isinstance(entry, dict):
        raise CapiTestError(f"{where}: must be a mapping such as {{email: ..., phone: ...}}")
    values: dict[str, str] = {}
    for key, value in entry.items():
        attr = IDENTITY_ALIASES.get(str(key).strip().lower())
        if attr is None:
            known = ", ".join(sorted(USER_DATA_KEYS))
            raise CapiTestError(f"{where}: unknown key {str(key)!r}; use {known}")
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            # The value is never shown: it may be personal data.
            raise CapiTestError(f"{where}.{key}: must be text")
        values[attr] = str(value)
    identity = Identity(**values)
    if not identity.present():
        raise CapiTestError(f"{where}: no customer information; give at least email or phone")
    try:
        check_identity(identity, where)
    except NormalisationError as exc:
        shown = mask(values[_attr_of(exc.key)], exc.key)
        raise CapiTestError(f"{where}.{exc.key}: {shown} cannot be normalised the way Meta "
                            "requires (e-mail like name@example.com, phone with its country "
                            "code, country as a 2-letter ISO code)") from None
    return identity


def _attr_of(key: str) -> str:
    return next(attr for attr, k in USER_DATA_KEYS.items() if k == key)


def load_identities(path: Path) -> list[Identity]:
    """Test identities from a YAML or JSON file: one mapping, a list, or ``identities:``."""
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CapiTestError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CapiTestError(f"{path}: cannot be read ({type(exc).__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise CapiTestError(f"{path}: not valid YAML or JSON{where}") from None
    if isinstance(data, dict) and "identities" in data:
        data = data["identities"]
    entries = data if isinstance(data, list) else [data]
    if not entries or entries == [None]:
        raise CapiTestError(f"{path}: no identities; list at least one (email, phone, ...)")
    return [_identity(e, f"{path}: identity {i + 1}") for i, e in enumerate(entries)]


def generated_identities(count: int, now: datetime) -> list[Identity]:
    """Clearly fake people: example.com addresses, 555-01xx numbers, documentation IPs."""
    stamp = int(now.timestamp() * 1000)
    people = []
    for n in range(1, count + 1):
        people.append(Identity(
            email=f"capi-test-{n}@example.com", phone=f"+1 (201) 555-01{n % 100:02d}",
            first_name="Test", last_name=f"Customer{n}", country="US",
            external_id=f"ios14-audit-test-{n}",
            client_ip_address=f"192.0.2.{n % 250 + 1}",  # TEST-NET-1, RFC 5737
            client_user_agent=GENERATED_USER_AGENT, fbp=f"fb.1.{stamp}.{1000000000 + n}"))
    return people


# ----------------------------------------------------------------------------- target


@dataclass(frozen=True)
class Target:
    """Where the test events go, and how each part was found."""

    pixel_id: str
    host: str
    currency: str | None
    found: dict[str, str] = field(default_factory=dict)


def latest_snapshot(out_dir: Path, slug: str) -> Snapshot | None:
    """The client's snapshot from its last audit, if one was written and is readable."""
    path = out_dir / slug / "snapshot.json"
    if not path.is_file():
        return None
    try:
        return Snapshot.load(path)
    except AuditError as exc:
        log.warning("ignoring %s: %s", path, exc)
        return None


def _pixel(client: ClientConfig, view: SnapshotView | None, wanted: str | None
           ) -> tuple[str, str]:
    known = list(client.pixels)
    source = "config"
    if not known and view is not None:
        known = [p.id for p in view.pixels if p.read is not None and p.read.succeeded]
        source = "last audit"
    if wanted:
        if known and wanted not in known:
            raise CapiTestError(f"pixel {wanted} is not one of {client.slug}'s pixels "
                                f"({', '.join(known)}, from the {source}); add it to the "
                                "client's pixels in the config if it is theirs")
        return wanted, "--pixel"
    if len(known) == 1:
        return known[0], source
    if not known:
        raise CapiTestError(f"no pixel known for {client.slug}: pass --pixel ID, list it under "
                            "the client's pixels in the config, or run an audit first")
    raise CapiTestError(f"{client.slug} has {len(known)} pixels ({', '.join(known)}); choose "
                        "one with --pixel")


def _host(client: ClientConfig, view: SnapshotView | None, pixel_id: str) -> tuple[str, str]:
    domains = list(client.domains)
    if view is not None:
        hosts = view.stats_totals(pixel_id, "host") or {}
        for host, _count in sorted(hosts.items(), key=lambda kv: (-kv[1], kv[0])):
            site = registrable_domain(host)
            if site and (site in domains or not domains):
                return host, "the pixel's traffic in the last audit"
    if domains:
        return domains[0], "config"
    raise CapiTestError(f"no domain known for {client.slug}: list the client's domains in "
                        "the config (event_source_url must be a page on the client's site)")


def _account_currency(client: ClientConfig, view: SnapshotView | None,
                      read: Callable[[str], str | None]) -> tuple[str | None, str]:
    for account in client.ad_accounts:
        res = view.get(f"adaccount/{account}") if view is not None else None
        if res is not None and res.succeeded and isinstance(res.obj().get("currency"), str):
            return str(res.obj()["currency"]), f"ad account {account} (last audit)"
    for account in client.ad_accounts:
        currency = read(account)
        if currency:
            return currency, f"ad account {account}"
    return None, ""


def resolve_target(client: ClientConfig, snapshot: Snapshot | None, *, pixel: str | None,
                   currency: str | None, needs_currency: bool,
                   read_currency: Callable[[str], str | None]) -> Target:
    """Pixel, page host and currency for the test events (CapiTestError when unknown)."""
    view = SnapshotView(snapshot) if snapshot is not None else None
    pixel_id, pixel_from = _pixel(client, view, pixel)
    host, host_from = _host(client, view, pixel_id)
    found = {"pixel": pixel_from, "page": host_from}
    if currency:
        found["currency"] = "--currency"
    elif needs_currency:
        currency, found["currency"] = _account_currency(client, view, read_currency)
        if not currency:
            raise CapiTestError(f"the currency of {client.slug}'s ad account is unknown (no "
                                "ad account in the config, or it could not be read); pass "
                                "--currency, e.g. --currency USD")
    return Target(pixel_id, host, currency.upper() if currency else None, found)


# ----------------------------------------------------------------------------- sending


@dataclass(frozen=True)
class SentEvent:
    """One event as sent: what to look for in Test Events (never the customer data)."""

    event_name: str
    event_id: str
    event_time: int
    event_source_url: str
    match_keys: list[str]
    value: float | None
    currency: str | None

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form."""
        return {"event_name": self.event_name, "event_id": self.event_id,
                "event_time": self.event_time, "event_source_url": self.event_source_url,
                "match_keys": self.match_keys, "value": self.value, "currency": self.currency}


@dataclass(frozen=True)
class CapiTestResult:
    """What was sent and what Meta answered."""

    pixel_id: str
    test_event_code: str | None
    events: list[SentEvent]
    events_received: int
    messages: list[str]
    fbtrace_id: str | None

    @property
    def complete(self) -> bool:
        """Meta received every event sent."""
        return self.events_received == len(self.events)

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form (no customer information, hashed or not)."""
        return {"pixel_id": self.pixel_id, "test_event_code": self.test_event_code,
                "live": self.test_event_code is None,
                "events": [e.to_dict() for e in self.events],
                "events_received": self.events_received, "messages": self.messages,
                "fbtrace_id": self.fbtrace_id}


def plan_events(names: Sequence[str], identities: Sequence[Identity], target: Target,
                now: datetime, value: float,
                new_id: Callable[[], str] = lambda: f"ios14-audit-{uuid.uuid4().hex[:16]}",
                ) -> list[ServerEvent]:
    """One event per name, identities taken in turn; value and currency for value events.

    Website events require ``client_user_agent``: an identity without one gets a browser's.
    """
    url = f"https://{target.host}/"
    people = [p if p.client_user_agent else replace(p, client_user_agent=GENERATED_USER_AGENT)
              for p in identities]
    events = []
    for i, name in enumerate(names):
        priced = name in VALUE_EVENTS
        events.append(ServerEvent(
            event_name=name, event_time=int(now.timestamp()), event_id=new_id(),
            event_source_url=url, identity=people[i % len(people)],
            value=value if priced else None, currency=target.currency if priced else None))
    return events


def send_test_events(graph: GraphClient, pixel_id: str, events: Sequence[ServerEvent],
                     test_event_code: str | None) -> CapiTestResult:
    """POST the events; ActionFailed (exit 4) when Meta refuses them.

    Meta answering with fewer ``events_received`` than sent is returned, not raised
    (``result.complete`` is False), so the caller can show the answer first.
    """
    try:
        params = build_event_params(pixel_id, events, test_event_code)
    except NormalisationError as exc:
        raise CapiTestError(str(exc)) from None
    sent = decoded_events(params)
    log.info("sending %d Conversions API event(s) to pixel %s%s", len(sent), pixel_id,
             " (test)" if test_event_code else " (live)")
    try:
        answer = graph.create(pixel_id, "events", params)
    except GraphError as exc:
        trace = f"; fbtrace_id {exc.fbtrace_id}" if exc.fbtrace_id else ""
        raise ActionFailed(f"Meta refused the events for pixel {pixel_id}: "
                           f"{exc.describe()}{trace}") from None
    received = answer.get("events_received")
    messages = [str(m) for m in answer.get("messages") or [] if m is not None]
    trace_id = answer.get("fbtrace_id")
    result = CapiTestResult(
        pixel_id, test_event_code,
        [SentEvent(str(e["event_name"]), str(e["event_id"]), int(e["event_time"]),
                   str(e["event_source_url"]), sorted((e.get("user_data") or {}).keys()),
                   (e.get("custom_data") or {}).get("value"),
                   ((e.get("custom_data") or {}).get("currency") or "").upper() or None)
         for e in sent],
        received if isinstance(received, int) else 0, messages,
        trace_id if isinstance(trace_id, str) else None)
    return result
