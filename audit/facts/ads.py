"""Ad sets, custom conversions and per-event pixel statistics, parsed from a snapshot.

Which events do the client's ad sets optimise for, with how much spend behind them, and
what did each pixel actually receive (browser and server) over the last 7 days.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from audit.facts.view import SnapshotView, parse_time, ref_id, to_amount, to_float, to_str

# promoted_object.custom_event_type → the pixel event name it optimises for.
CUSTOM_EVENT_TYPES = {
    "PURCHASE": "Purchase", "LEAD": "Lead", "COMPLETE_REGISTRATION": "CompleteRegistration",
    "ADD_TO_CART": "AddToCart", "INITIATED_CHECKOUT": "InitiateCheckout",
    "CONTENT_VIEW": "ViewContent", "ADD_PAYMENT_INFO": "AddPaymentInfo",
    "ADD_TO_WISHLIST": "AddToWishlist", "SEARCH": "Search", "CONTACT": "Contact",
    "CUSTOMIZE_PRODUCT": "CustomizeProduct", "DONATE": "Donate",
    "FIND_LOCATION": "FindLocation", "SCHEDULE": "Schedule", "START_TRIAL": "StartTrial",
    "SUBMIT_APPLICATION": "SubmitApplication", "SUBSCRIBE": "Subscribe",
    "PAGE_VIEW": "PageView",
}
STANDARD_EVENTS = frozenset(CUSTOM_EVENT_TYPES.values())
ACTIVE_STATUSES = frozenset({"ACTIVE", "IN_PROCESS", "WITH_ISSUES", "PENDING_REVIEW",
                             "PREAPPROVED", "PENDING_BILLING_INFO"})


def event_name(custom_event_type: Any, custom_event_str: Any = None) -> str | None:
    """The pixel event behind a promoted object's ``custom_event_type``."""
    kind = to_str(custom_event_type)
    if kind is None:
        return to_str(custom_event_str)
    if kind.upper() == "OTHER":
        return to_str(custom_event_str)
    return CUSTOM_EVENT_TYPES.get(kind.upper(), to_str(custom_event_str) or kind)


@dataclass(frozen=True)
class AdSet:
    """An ad set and what it optimises for."""

    id: str
    name: str | None
    account_id: str
    campaign_id: str | None
    effective_status: str | None
    optimization_goal: str | None
    pixel_id: str | None
    event: str | None
    custom_conversion_id: str | None
    spend: float
    # promoted_object.offline_conversion_data_set_id: optimises for an offline event set
    offline_set_id: str | None = None

    @property
    def active(self) -> bool:
        """Delivering or about to (effective status ACTIVE and similar)."""
        return (self.effective_status or "").upper() in ACTIVE_STATUSES

    @property
    def value_optimised(self) -> bool:
        """Optimises for conversion value (value optimisation)."""
        return (self.optimization_goal or "").upper() == "VALUE"

    @property
    def label(self) -> str:
        """Name and id for messages."""
        return f"{self.name} ({self.id})" if self.name else self.id


@dataclass(frozen=True)
class CustomConversion:
    """A custom conversion (a rule over pixel events)."""

    id: str
    name: str | None
    pixel_id: str | None
    event: str | None
    last_fired: datetime | None
    archived: bool
    # is_unavailable: True once Meta flagged it (restricted); None when not reported
    unavailable: bool | None = None
    offline_set_id: str | None = None  # built on an offline event set
    action_source: str | None = None  # action_source_type (website, physical_store …)


@dataclass
class EventUsage:
    """What one pixel received for one event over the stats window."""

    event: str
    total: int = 0
    browser: int | None = None
    server: int | None = None
    last_seen: datetime | None = None
    adsets: list[AdSet] = field(default_factory=list)

    @property
    def server_share(self) -> float | None:
        """Server events as a share of browser + server (None if unknown)."""
        if self.browser is None or self.server is None:
            return None
        seen = self.browser + self.server
        return self.server / seen if seen else None

    @property
    def spend(self) -> float:
        """28-day spend of ad sets optimising for this event."""
        return round(sum(a.spend for a in self.adsets), 2)


def spend_by_adset(view: SnapshotView) -> dict[str, float]:
    """28-day spend per ad set id, across the client's ad accounts."""
    out: dict[str, float] = {}
    for key in view.snap.keys_with_prefix("adaccount/"):
        if not key.endswith("/adset_spend"):
            continue
        res = view.get(key)
        for row in res.items() if res else []:
            adset_id = to_str(row.get("adset_id"))
            spend = to_amount(row.get("spend"))  # invalid: facts.numbers lists it
            if adset_id and spend is not None:
                out[adset_id] = out.get(adset_id, 0.0) + spend
    return out


def read_adsets(view: SnapshotView) -> list[AdSet]:
    """Every ad set of every configured ad account, sorted by id."""
    spend = spend_by_adset(view)
    out = []
    for account in view.client.ad_accounts:
        res = view.get(f"adaccount/{account}/adsets")
        for item in res.items() if res else []:
            adset_id = to_str(item.get("id"))
            if adset_id is None:
                continue
            promoted = item.get("promoted_object")
            po: Mapping[str, Any] = promoted if isinstance(promoted, Mapping) else {}
            out.append(AdSet(
                id=adset_id, name=to_str(item.get("name")), account_id=str(account),
                campaign_id=to_str(item.get("campaign_id")),
                effective_status=to_str(item.get("effective_status") or item.get("status")),
                optimization_goal=to_str(item.get("optimization_goal")),
                pixel_id=to_str(po.get("pixel_id")),
                event=event_name(po.get("custom_event_type"), po.get("custom_event_str")),
                custom_conversion_id=to_str(po.get("custom_conversion_id")),
                spend=round(spend.get(adset_id, 0.0), 2),
                offline_set_id=to_str(po.get("offline_conversion_data_set_id")),
            ))
    out.sort(key=lambda a: a.id)
    return out


def read_custom_conversions(view: SnapshotView) -> dict[str, CustomConversion]:
    """Custom conversions by id, across the client's ad accounts."""
    out: dict[str, CustomConversion] = {}
    for account in view.client.ad_accounts:
        res = view.get(f"adaccount/{account}/customconversions")
        for item in res.items() if res else []:
            cc_id = to_str(item.get("id"))
            if cc_id is None:
                continue
            archived = item.get("is_archived")
            unavailable = item.get("is_unavailable")
            out[cc_id] = CustomConversion(
                id=cc_id, name=to_str(item.get("name")), pixel_id=ref_id(item.get("pixel")),
                event=event_name(item.get("custom_event_type")),
                last_fired=parse_time(item.get("last_fired_time")),
                archived=archived is True,
                unavailable=unavailable if isinstance(unavailable, bool) else None,
                offline_set_id=ref_id(item.get("offline_conversion_data_set")),
                action_source=to_str(item.get("action_source_type")),
            )
    return out


def last_seen(view: SnapshotView, pixel_id: str) -> dict[str, datetime]:
    """Per event, the start of the last hourly stats bucket that contains it."""
    res = view.get(f"pixel/{pixel_id}/stats/event")
    out: dict[str, datetime] = {}
    for bucket in res.items() if res else []:
        start = parse_time(bucket.get("start_time"))
        rows = bucket.get("data")
        if start is None or not isinstance(rows, list):
            continue
        for row in rows:
            if type(row) is dict and type(row.get("value")) is str \
                    and type(row.get("count")) is int:  # the wire shape, without conversions
                name, count = row["value"], row["count"]
                name = name if name == name.strip() else to_str(name)
            else:
                name = to_str(row.get("value")) if isinstance(row, Mapping) else None
                count = to_float(row.get("count")) if isinstance(row, Mapping) else None
            if name and count and (name not in out or start > out[name]):
                out[name] = start
    return out


def read_event_usage(view: SnapshotView, pixel_id: str, all_adsets: Sequence[AdSet]
                     ) -> dict[str, EventUsage] | None:
    """Per-event usage of one pixel; None when its event stats could not be read."""
    totals = view.stats_totals(pixel_id)
    if totals is None:
        return None
    web = view.stats_totals(pixel_id, "event", "WEB_ONLY")
    server = view.stats_totals(pixel_id, "event", "SERVER_ONLY")
    seen = last_seen(view, pixel_id)
    names = set(totals) | set(web or {}) | set(server or {})
    usage = {}
    for name in sorted(names):
        usage[name] = EventUsage(
            event=name,
            total=totals.get(name, 0),
            browser=(web or {}).get(name, 0) if web is not None else None,
            server=(server or {}).get(name, 0) if server is not None else None,
            last_seen=seen.get(name),
        )
    for adset in all_adsets:
        if adset.pixel_id == pixel_id and adset.event:
            usage.setdefault(adset.event, EventUsage(adset.event,
                                                     browser=0 if web is not None else None,
                                                     server=0 if server is not None else None))
            usage[adset.event].adsets.append(adset)
    return usage
