"""Insights rows computed from ad-set delivery rates.

Every metric over days ``[a, b]`` is ``round(rate * active_days_up_to(b)) -
round(rate * active_days_up_to(a - 1))``, so any split of a range sums exactly to the whole.
Campaign and account rows add up their ad sets; engagement actions (``link_click``,
``post_engagement``, ``page_engagement``) come with click and view windows, as real rows do.
``value`` follows the ad set's attribution setting (click + view, plus the 1-day engaged
view, ``1d_ev``, when its ``attribution_spec`` has ``ENGAGED_VIDEO_VIEW``); when a row
aggregates ad sets with
different settings the conversion ``value`` is not available (as Graph documents), only the
explicitly requested windows are.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..world.model import AdSet, World
from .insights_params import InsightsQuery, matches

OMNI = {"offsite_conversion.fb_pixel_purchase": "omni_purchase",
        "offsite_conversion.fb_pixel_add_to_cart": "omni_add_to_cart",
        "offsite_conversion.fb_pixel_initiate_checkout": "omni_initiated_checkout",
        "offsite_conversion.fb_pixel_complete_registration": "omni_complete_registration",
        "offsite_conversion.fb_pixel_view_content": "omni_view_content"}
IDENTITY = ("account_id", "account_name", "campaign_id", "campaign_name", "adset_id",
            "adset_name", "ad_id", "ad_name")


@dataclass
class Totals:
    """Summed metrics of one row (money in cents)."""

    spend: int = 0
    impressions: int = 0
    clicks: int = 0
    reach: int = 0
    actions: dict[str, dict[str, int]] = field(default_factory=dict)
    values: dict[str, dict[str, int]] = field(default_factory=dict)
    settings: set[str] = field(default_factory=set)


def attribution_setting(adset: AdSet) -> tuple[int, int, str]:
    """``(click_days, view_days, label)`` of an ad set's ``attribution_spec``."""
    click = view = 0
    for item in adset.fields.get("attribution_spec") or []:
        if item.get("event_type") == "CLICK_THROUGH":
            click = int(item.get("window_days", 0))
        elif item.get("event_type") == "VIEW_THROUGH":
            view = int(item.get("window_days", 0))
    label = "_".join(p for p in (f"{click}d_click" if click else "",
                                 f"{view}d_view" if view else "") if p) or "skan"
    return click, view, label


def engaged_view_days(adset: AdSet) -> int:
    """The ``ENGAGED_VIDEO_VIEW`` window of an ad set's ``attribution_spec`` (0: none)."""
    for item in adset.fields.get("attribution_spec") or []:
        if item.get("event_type") == "ENGAGED_VIDEO_VIEW":
            return int(item.get("window_days", 0))
    return 0


def _active_days(adset: AdSet, day: date, today: date) -> int:
    d = adset.delivery
    start = d.active_from or today
    end = min(day, today, d.active_until or today)
    return max(0, (end - start).days + 1)


def _scaled(rate: float, adset: AdSet, since: date, until: date, today: date) -> int:
    before = _active_days(adset, since - timedelta(days=1), today)
    return round(rate * _active_days(adset, until, today)) - round(rate * before)


def _adset_totals(adset: AdSet, since: date, until: date, today: date) -> Totals:
    d = adset.delivery
    t = Totals(spend=_scaled(d.spend_per_day * 100, adset, since, until, today),
               impressions=_scaled(d.impressions_per_day, adset, since, until, today),
               clicks=_scaled(d.clicks_per_day, adset, since, until, today),
               reach=_scaled(d.reach_per_day, adset, since, until, today))
    click, view, label = attribution_setting(adset)
    ev = engaged_view_days(adset)
    t.settings.add(label + (f"_{ev}d_ev" if ev else ""))
    counted = (f"{click}d_click", f"{view}d_view", f"{ev}d_ev")
    for conv in d.conversions:
        counts = {w: _scaled(r, adset, since, until, today) for w, r in conv.windows.items()}
        counts["value"] = sum(counts.get(w, 0) for w in counted)
        t.actions[conv.action_type] = counts
        if conv.value_per_conversion:
            t.values[conv.action_type] = {
                w: _scaled(r * conv.value_per_conversion * 100, adset, since, until, today)
                for w, r in conv.windows.items()}
            t.values[conv.action_type]["value"] = sum(
                t.values[conv.action_type].get(w, 0) for w in counted)
    if t.clicks:
        # Engagement actions carry click and view windows too in real rows (recorded by other
        # Marketing API clients), though only conversions are meant to be compared by window.
        engaged = t.clicks + t.impressions // 40
        t.actions["link_click"] = {"value": t.clicks, "1d_click": t.clicks,
                                   "7d_click": t.clicks, "28d_click": t.clicks}
        for kind in ("post_engagement", "page_engagement"):
            t.actions[kind] = {"value": engaged, "1d_click": t.clicks, "7d_click": t.clicks,
                               "28d_click": t.clicks, "1d_view": engaged - t.clicks}
    return t


def _merge(into: Totals, other: Totals) -> None:
    into.spend += other.spend
    into.impressions += other.impressions
    into.clicks += other.clicks
    into.reach += other.reach
    into.settings |= other.settings
    for target, source in ((into.actions, other.actions), (into.values, other.values)):
        for action, counts in source.items():
            slot = target.setdefault(action, {})
            for key, value in counts.items():
                slot[key] = slot.get(key, 0) + value


def _periods(query: InsightsQuery) -> list[tuple[date, date]]:
    if query.increment == "all_days":
        return [(query.since, query.until)]
    out: list[tuple[date, date]] = []
    start = query.since
    while start <= query.until:
        if query.increment == "monthly":
            next_month = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
            end = min(query.until, next_month - timedelta(days=1))
        else:
            end = min(query.until, start + timedelta(days=int(query.increment) - 1))
        out.append((start, end))
        start = end + timedelta(days=1)
    return out


def _identity(world: World, adset: AdSet) -> dict[str, str]:
    campaign = world.campaigns[adset.campaign_id]
    account = world.ad_accounts[adset.account_id]
    return {"account_id": account.id[4:], "account_name": account.name,
            "campaign_id": campaign.id, "campaign_name": campaign.name,
            "adset_id": adset.id, "adset_name": adset.name,
            "ad_id": f"{adset.id}9", "ad_name": f"{adset.name} - Ad 1",
            "objective": str(campaign.fields.get("objective", "")),
            "optimization_goal": str(adset.fields.get("optimization_goal", "")),
            "buying_type": str(campaign.fields.get("buying_type", "AUCTION"))}


def _filter_values(world: World, adset: AdSet) -> dict[str, Any]:
    campaign = world.campaigns[adset.campaign_id]
    return {"campaign.id": campaign.id, "adset.id": adset.id, "ad.id": f"{adset.id}9",
            "campaign.name": campaign.name, "adset.name": adset.name,
            "campaign.effective_status": campaign.fields.get("effective_status"),
            "adset.effective_status": adset.fields.get("effective_status"),
            "ad.effective_status": adset.fields.get("effective_status"),
            "campaign.objective": campaign.fields.get("objective"),
            "adset.optimization_goal": adset.fields.get("optimization_goal")}


def compute_rows(world: World, adsets: Iterable[AdSet], query: InsightsQuery, today: date,
                 view_windows_gone: bool) -> list[dict[str, Any]]:
    """All rows of an Insights request (before paging), ordered by period then object id."""
    chosen = [a for a in adsets if all(
        matches(_filter_values(world, a).get(f["field"]), f["operator"], f["value"])
        for f in query.filters)]
    key_field = {"account": "account_id", "campaign": "campaign_id", "adset": "adset_id",
                 "ad": "ad_id"}[query.level]
    rows: list[dict[str, Any]] = []
    for since, until in _periods(query):
        groups: dict[str, tuple[dict[str, str], Totals]] = {}
        for adset in chosen:
            ident = _identity(world, adset)
            totals = _adset_totals(adset, since, until, today)
            if not totals.spend and not totals.impressions:
                continue
            key = ident[key_field]
            if key not in groups:
                groups[key] = (ident, Totals())
            _merge(groups[key][1], totals)
        for key in sorted(groups):
            ident, totals = groups[key]
            rows.append(_row(query, ident, totals, since, until, view_windows_gone,
                             world.settings.insights_zero_windows == "zero"))
    return rows


def _row(query: InsightsQuery, ident: dict[str, str], t: Totals, since: date, until: date,
         view_gone: bool, zeros: bool) -> dict[str, Any]:
    level_rank = ("account", "campaign", "adset", "ad").index(query.level)
    windows = [w for w in query.windows if not (view_gone and w in ("7d_view", "28d_view"))]
    mixed = len(t.settings) > 1
    computed: dict[str, Any] = {
        "spend": f"{t.spend / 100:.2f}", "impressions": str(t.impressions),
        "clicks": str(t.clicks), "inline_link_clicks": str(t.clicks), "reach": str(t.reach),
        "date_start": since.isoformat(), "date_stop": until.isoformat(),
        "attribution_setting": "mixed" if mixed else next(iter(t.settings), None),
        "actions": _entries(t.actions, windows, mixed, zeros, money=False),
        "action_values": _entries(t.values, windows, mixed, zeros, money=True),
    }
    if t.impressions:
        computed["cpm"] = f"{t.spend * 10 / t.impressions:.6f}"
        computed["ctr"] = f"{t.clicks * 100 / t.impressions:.6f}"
    if t.clicks:
        computed["cpc"] = f"{t.spend / 100 / t.clicks:.6f}"
    computed["cost_per_action_type"] = [
        {"action_type": e["action_type"], "value": f"{t.spend / 100 / float(e['value']):.6f}"}
        for e in computed["actions"] or [] if "value" in e and float(e["value"]) > 0] or None
    for rank, name in enumerate(("account", "campaign", "adset", "ad")):
        if rank <= level_rank:
            computed[f"{name}_id"] = ident[f"{name}_id"]
            computed[f"{name}_name"] = ident[f"{name}_name"]
    if level_rank >= 1:
        computed["objective"] = ident["objective"]
        computed["buying_type"] = ident["buying_type"]
    if level_rank >= 2:
        computed["optimization_goal"] = ident["optimization_goal"]
    return {name: computed[name] for name in query.fields if computed.get(name) is not None}


def _entries(source: dict[str, dict[str, int]], windows: list[str], mixed: bool, zeros: bool,
             money: bool) -> list[dict[str, str]] | None:
    def fmt(value: int) -> str:
        return f"{value / 100:.2f}" if money else str(value)

    out: list[dict[str, str]] = []
    for action in sorted(source):
        counts = source[action]
        inline = action == "link_click"
        types = [action] + ([OMNI[action]] if action in OMNI else [])
        entry: dict[str, str] = {}
        if not mixed or inline:
            entry["value"] = fmt(counts.get("value", 0))
        for window in windows:
            if window in counts and (counts[window] or zeros):
                entry[window] = fmt(counts[window])
        if not any(v not in ("0", "0.00") for v in entry.values()):
            continue
        out.extend({"action_type": t, **entry} for t in types)
    return out or None
