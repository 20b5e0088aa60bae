"""The catalogue of Graph reads the audit makes: paths, fields, parameters, snapshot keys.

Each function returns a :class:`~audit.graph.client.Read` whose ``key`` is where the result
lives in the snapshot. Fields follow graph-api-notes.md; every field here is optional in
what comes back, and the evaluators treat missing ones as unknown.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from itertools import product
from typing import Any

from audit.graph.client import Read
from audit.graph.result import Fetched

PIXEL_FIELDS = (
    "id", "name", "creation_time", "last_fired_time", "is_unavailable",
    "is_created_by_business", "owner_business{id,name}", "data_use_setting",
    "first_party_cookie_status", "enable_automatic_matching", "automatic_matching_fields",
)
BUSINESS_FIELDS = ("id", "name", "verification_status")
DOMAIN_FIELDS = ("id", "domain_name", "status", "owner_business{id,name}")
AGENCY_FIELDS = ("id", "name", "permitted_tasks")
ASSIGNED_USER_FIELDS = ("id", "name", "user_type", "tasks", "permitted_tasks")
AD_ACCOUNT_FIELDS = (
    "id", "account_id", "name", "account_status", "currency", "timezone_name",
    "timezone_offset_hours_utc", "business{id,name}", "amount_spent",
)
ADSET_FIELDS = (
    "id", "name", "campaign_id", "status", "effective_status", "optimization_goal",
    "billing_event", "promoted_object", "attribution_spec", "daily_budget", "lifetime_budget",
    "targeting", "created_time", "updated_time",
)
CAMPAIGN_FIELDS = (
    "id", "name", "objective", "status", "effective_status", "is_skadnetwork_attribution",
    "buying_type",
)
# is_unavailable: Meta's custom-conversion reference says it returns true once Meta has
# flagged the custom conversion under its September 2025 restrictions (health, financial
# status); offline_conversion_data_set: the offline event set a custom conversion is built on
# (https://developers.facebook.com/docs/marketing-api/reference/custom-conversion; SDK
# CustomConversion.Field).
CUSTOM_CONVERSION_FIELDS = (
    "id", "name", "custom_event_type", "rule", "pixel", "event_source_type", "is_archived",
    "last_fired_time", "is_unavailable", "offline_conversion_data_set", "action_source_type",
)
# An offline event set (SDK OfflineConversionDataSet): no ad-account or business edge lists
# them in SDK 26, so the audit reads the ones its custom conversions and ad sets point at.
OFFLINE_SET_FIELDS = ("id", "name", "is_unavailable", "last_fired_time", "owner_business")
RULE_FIELDS = (
    "id", "account_id", "name", "status", "evaluation_spec", "execution_spec", "schedule_spec",
    "created_time", "updated_time",
)
DA_CHECK_FIELDS = ("key", "title", "description", "result", "user_message", "action_uri")
# Since 2025-05-28 each match key also reports ``potential_aly_acr_increase``: the median
# increase in additional conversions reported by similar advertisers who sent it (same page).
# The Dataset Quality API's own examples spell the dedup field ``dedupe_key_feedback`` (its
# field table says ``dedup_key_feedback``, which the API refuses with #100, failing the whole
# request): https://developers.facebook.com/docs/marketing-api/conversions-api/dataset-quality-api
DATASET_QUALITY_FIELDS = (
    "web{event_name,event_match_quality{composite_score,match_key_feedback{identifier,"
    "coverage{percentage},potential_aly_acr_increase{percentage}}},"
    "event_potential_aly_acr_increase{percentage},event_coverage{percentage,goal_percentage},"
    "dedupe_key_feedback{dedupe_key,browser_events_with_dedupe_key{percentage},"
    "server_events_with_dedupe_key{percentage},"
    "overall_browser_coverage_from_dedupe_key{percentage}},data_freshness{upload_frequency}}",
)
STATS_DAYS = 7
STATS_AGGREGATIONS = ("event", "host")
EVENT_SOURCES = ("WEB_ONLY", "SERVER_ONLY")


def stats_window(now: datetime) -> tuple[int, int]:
    """Unix [start, end] covering the last 7 days the stats edge serves, on whole hours."""
    end = now.astimezone(timezone.utc)
    start = (end - timedelta(days=STATS_DAYS)).replace(minute=0, second=0, microsecond=0)
    start += timedelta(hours=1)
    return int(start.timestamp()), int(end.timestamp())


def complete_days(today: date, days: int) -> tuple[str, str]:
    """The last ``days`` complete days before ``today``, as Graph ``time_range`` dates."""
    until = today - timedelta(days=1)
    since = until - timedelta(days=days - 1)
    return since.isoformat(), until.isoformat()


# ---------------------------------------------------------------------- identity


def token_debug(token: str) -> Read:
    """``GET /debug_token?input_token=`` (validity, expiry, scopes)."""
    return Read("token/debug", "debug_token", params={"input_token": token})


def debug_token_data(res: Fetched | None) -> dict[str, Any]:
    """The token metadata from a ``debug_token`` answer (``{"data": {...}}``)."""
    if res is None:
        return {}
    body = res.obj()
    inner = body.get("data")
    return inner if isinstance(inner, dict) else body


def token_permissions() -> Read:
    """``GET /me/permissions``."""
    return Read("token/permissions", "me", "permissions")


# ---------------------------------------------------------------------- business


def business(business_id: str) -> Read:
    """The client business node."""
    return Read("business", business_id, fields=BUSINESS_FIELDS)


def owned_pixels(business_id: str) -> Read:
    """Pixels the client business owns."""
    return Read("business/owned_pixels", business_id, "owned_pixels", PIXEL_FIELDS)


def agency_client_pixels(agency_id: str) -> Read:
    """Pixels clients shared with the agency, with the tasks each permits.

    https://developers.facebook.com/docs/marketing-api/reference/business/client_pixels
    """
    return Read("agency/client_pixels", agency_id, "client_pixels",
                (*PIXEL_FIELDS, "permitted_tasks"))


def owned_domains(business_id: str) -> Read:
    """Domains the client business verified (edge no longer wrapped by the SDK)."""
    return Read("business/owned_domains", business_id, "owned_domains", DOMAIN_FIELDS)


def agency_owned_domains(agency_id: str) -> Read:
    """Domains the agency's own business verified (a client domain there is misplaced)."""
    return Read("agency/owned_domains", agency_id, "owned_domains", DOMAIN_FIELDS)


# ---------------------------------------------------------------------- pixels


def pixel(pixel_id: str) -> Read:
    """The pixel node."""
    return Read(f"pixel/{pixel_id}", pixel_id, fields=PIXEL_FIELDS)


def pixel_agencies(pixel_id: str) -> Read:
    """Businesses the pixel is shared with, and their permitted tasks."""
    return Read(f"pixel/{pixel_id}/agencies", pixel_id, "agencies", AGENCY_FIELDS)


def pixel_shared_agencies(pixel_id: str) -> Read:
    """Agencies the pixel is shared with (older edge, no tasks)."""
    return Read(f"pixel/{pixel_id}/shared_agencies", pixel_id, "shared_agencies",
                ("id", "name"))


def pixel_assigned_users(pixel_id: str, business_id: str) -> Read:
    """People and system users of ``business_id`` assigned to the pixel."""
    return Read(f"pixel/{pixel_id}/assigned_users/{business_id}", pixel_id, "assigned_users",
                ASSIGNED_USER_FIELDS, {"business": business_id})


def pixel_shared_accounts(pixel_id: str, business_id: str) -> Read:
    """Ad accounts of ``business_id`` the pixel is connected to."""
    return Read(f"pixel/{pixel_id}/shared_accounts", pixel_id, "shared_accounts",
                ("id", "account_id", "name"), {"business": business_id})


# The 7-day window holds 168 hourly buckets per aggregation: ask for them in one page
# (the default page of 100 would cost a second, sequential request per stats read).
STATS_PAGE = 200


def pixel_stats(pixel_id: str, aggregation: str, start: int, end: int) -> Read:
    """Hourly stats buckets by ``aggregation`` (one of STATS_AGGREGATIONS)."""
    return Read(f"pixel/{pixel_id}/stats/{aggregation}", pixel_id, "stats", (),
                {"aggregation": aggregation, "start_time": start, "end_time": end,
                 "limit": STATS_PAGE})


def pixel_event_stats(pixel_id: str, event_source: str, start: int, end: int) -> Read:
    """Hourly event counts from one source (one of EVENT_SOURCES: browser or server)."""
    return Read(f"pixel/{pixel_id}/stats/event/{event_source}", pixel_id, "stats", (),
                {"aggregation": "event", "start_time": start, "end_time": end,
                 "event_source": event_source, "limit": STATS_PAGE})


def pixel_da_checks(pixel_id: str) -> Read:
    """Meta's own pixel diagnostics."""
    return Read(f"pixel/{pixel_id}/da_checks", pixel_id, "da_checks", DA_CHECK_FIELDS)


def dataset_quality(pixel_id: str) -> Read:
    """Dataset Quality API: match quality, coverage, dedup, freshness per event."""
    return Read(f"pixel/{pixel_id}/dataset_quality", "dataset_quality",
                fields=DATASET_QUALITY_FIELDS, params={"dataset_id": pixel_id})


# ---------------------------------------------------------------------- ad accounts


def ad_account(account_id: str) -> Read:
    """The ad account node."""
    return Read(f"adaccount/{account_id}", account_id, fields=AD_ACCOUNT_FIELDS)


def ad_account_pixels(account_id: str) -> Read:
    """Pixels connected to the ad account."""
    return Read(f"adaccount/{account_id}/adspixels", account_id, "adspixels",
                ("id", "name"))


def adsets(account_id: str) -> Read:
    """Every ad set of the account."""
    return Read(f"adaccount/{account_id}/adsets", account_id, "adsets", ADSET_FIELDS)


def campaigns(account_id: str) -> Read:
    """Every campaign of the account."""
    return Read(f"adaccount/{account_id}/campaigns", account_id, "campaigns", CAMPAIGN_FIELDS)


def custom_conversions(account_id: str) -> Read:
    """Custom conversions of the account."""
    return Read(f"adaccount/{account_id}/customconversions", account_id, "customconversions",
                CUSTOM_CONVERSION_FIELDS)


def adset_spend(account_id: str, since: str, until: str) -> Read:
    """Spend per ad set over a date range."""
    return Read(f"adaccount/{account_id}/adset_spend", account_id, "insights",
                ("adset_id", "adset_name", "spend"),
                {"level": "adset", "time_range": {"since": since, "until": until}},
                async_fallback=True)


# 1d_ev: the 1-day engaged-view (engage-through) window, part of Meta's default attribution
# since the March 2026 click redefinition (AdsInsights.ActionAttributionWindows).
WINDOWS = ("1d_click", "7d_click", "28d_click", "1d_view", "7d_view", "28d_view", "1d_ev")
INSIGHTS_FIELDS = {
    "campaign": ("account_id", "campaign_id", "campaign_name", "spend", "actions",
                 "action_values", "date_start", "date_stop"),
    "adset": ("account_id", "campaign_id", "adset_id", "adset_name", "spend", "actions",
              "action_values", "date_start", "date_stop", "attribution_setting"),
}
INSIGHTS_LEVELS = tuple(INSIGHTS_FIELDS)


def insights(account_id: str, level: str, date_preset: str) -> Read:
    """Conversions and values under every attribution window, per campaign or ad set.

    Refused synchronous calls (too much data) fall back to an asynchronous report run.
    """
    return Read(f"adaccount/{account_id}/insights/{level}", account_id, "insights",
                INSIGHTS_FIELDS[level],
                {"level": level, "date_preset": date_preset,
                 "action_attribution_windows": list(WINDOWS)},
                async_fallback=True)


def offline_set(set_id: str) -> Read:
    """An offline event set a custom conversion or ad set of the client points at."""
    return Read(f"offline_set/{set_id}", set_id, fields=OFFLINE_SET_FIELDS)


def offline_set_accounts(set_id: str, business_id: str) -> Read:
    """Ad accounts of ``business_id`` the offline event set is still attached to."""
    return Read(f"offline_set/{set_id}/shared_accounts", set_id, "shared_accounts",
                ("id", "account_id", "name"), {"business": business_id})


def ad_rules(account_id: str) -> Read:
    """Automated rules of the account."""
    return Read(f"adaccount/{account_id}/rules", account_id, "adrules_library", RULE_FIELDS)


# ---------------------------------------------------------------------- key catalogue

WILDCARD = "*"
# The few parameters whose value shapes a key, with every value the collector passes.
# Every other parameter is an id (shown as the wildcard) or does not appear in the key.
_KEY_SHAPING: dict[str, tuple[object, ...]] = {
    "aggregation": STATS_AGGREGATIONS,
    "event_source": EVENT_SOURCES,
    "level": INSIGHTS_LEVELS,
}


def _read_functions() -> Iterator[Callable[..., Read]]:
    """The functions of this module that build a :class:`Read`, in source order."""
    for value in list(globals().values()):
        if (inspect.isfunction(value) and value.__module__ == __name__
                and inspect.signature(value).return_annotation in ("Read", Read)):
            yield value


def _specimens(func: Callable[..., Read]) -> Iterator[Read]:
    """One read per combination of ``func``'s key-shaping values, ids as the wildcard."""
    names = list(inspect.signature(func).parameters)
    for values in product(*(_KEY_SHAPING.get(n, (WILDCARD,)) for n in names)):
        yield func(**dict(zip(names, values, strict=True)))


# Derived from the functions above, so a new read cannot be missing from it; checks'
# ``needs`` and ``uses`` are validated against it when they register.
KEY_PATTERNS: tuple[str, ...] = tuple(dict.fromkeys(
    read.key for func in _read_functions() for read in _specimens(func)))


def key_matches(pattern: str, key: str) -> bool:
    """Whether a snapshot ``key`` fits ``pattern``; ``*`` stands for one path segment."""
    want, have = pattern.split("/"), key.split("/")
    if len(want) != len(have):
        return False
    return all(w in (WILDCARD, h) for w, h in zip(want, have, strict=True))
