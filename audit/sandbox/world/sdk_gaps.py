"""What Meta documents but the SDK's catalogue lacks: a small allow-list, one public page each.

Everything else the sandbox accepts comes from the installed SDK (``catalogue.py``). An entry
belongs here only when Meta's reference documents it and the SDK's generated classes do not
declare it; each one names the page. Keep it small: a field added here without a page is a
field our tests can no longer catch us misspelling.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Fields an edge adds to its items that the item's class does not declare.
EDGE_ITEM_FIELDS: dict[tuple[str, str], frozenset[str]] = {
    # https://developers.facebook.com/docs/marketing-api/reference/ads-pixel/agencies/
    ("AdsPixel", "agencies"): _words("permitted_tasks permitted_roles"),
    # https://developers.facebook.com/docs/marketing-api/reference/business/client_pixels/
    ("Business", "client_pixels"): _words("permitted_tasks"),
    # https://developers.facebook.com/docs/marketing-api/reference/ads-pixel/assigned_users/
    ("AdsPixel", "assigned_users"): _words("tasks permitted_tasks"),
}


# Parameters an edge takes that its SDK method does not declare. ``filtering`` (a list of
# {field, operator, value}) is the Marketing API's filter on ad objects, documented with the
# Insights parameters (https://developers.facebook.com/docs/marketing-api/insights/parameters/)
# and accepted by the ad-object list edges.
EDGE_PARAMS: dict[tuple[str, str], frozenset[str]] = {
    ("AdAccount", "campaigns"): _words("filtering"),
    ("AdAccount", "adsets"): _words("filtering"),
    ("AdAccount", "ads"): _words("filtering"),
    ("Campaign", "adsets"): _words("filtering"),
    ("Campaign", "ads"): _words("filtering"),
    ("AdSet", "ads"): _words("filtering"),
}


@dataclass(frozen=True)
class DocumentedEdge:
    """A GET edge the SDK does not wrap: its item type and parameters (None = free text)."""

    item_type: str
    params: Mapping[str, frozenset[str] | None] = field(default_factory=dict)


EDGES: dict[tuple[str, str], DocumentedEdge] = {
    # https://developers.facebook.com/docs/marketing-api/reference/business/owned_domains/
    # The SDK dropped it in v6.0 and public reports (v22-v25) show the real API answering
    # "(#100) Tried accessing nonexisting field (owned_domains)"; the sandbox serves it only
    # for worlds that say so (owned_domains_mode), to exercise both answers.
    ("Business", "owned_domains"): DocumentedEdge("OwnedDomain"),
    # https://developers.facebook.com/docs/marketing-api/reference/ads-pixel/domain_last_fired_time/
    ("AdsPixel", "domain_last_fired_time"): DocumentedEdge(
        "AdsPixelDomainLastFiredTime", {"domain_name_list": None}),
    # https://developers.facebook.com/docs/marketing-api/reference/ads-pixel/event_last_fired_time/
    ("AdsPixel", "event_last_fired_time"): DocumentedEdge(
        "AdsPixelEventLastFiredTime", {"event": None}),
}

# Root endpoints (no node) and their parameters.
ROOT_PARAMS: dict[str, frozenset[str]] = {
    # https://developers.facebook.com/docs/graph-api/reference/debug_token/
    "debug_token": _words("input_token"),
    # https://developers.facebook.com/documentation/ads-commerce/conversions-api/dataset-quality-api
    "dataset_quality": _words("dataset_id agent_name"),
}

# Dataset Quality API (same page): each ``web`` entry has the fields of the SDK's
# AdsPixelCAPIIntegrationQuality class (its predecessor, "formerly Integration Quality"),
# spelled ``dedupe_key_feedback`` with an e as in the page's examples and the SDK; the page's
# own field table says ``dedup_key_feedback``, which the real API refuses. The SDK types these
# sub-objects as plain ``Object``, so their members are listed here from the page.
DATASET_QUALITY_ENTRY_TYPE = "AdsPixelCAPIIntegrationQuality"
_PCT_DESC = _words("percentage description")
DATASET_QUALITY: dict[str, frozenset[str]] = {
    "event_match_quality": _words("composite_score match_key_feedback diagnostics"),
    "match_key_feedback": _words("identifier coverage potential_aly_acr_increase"),
    "coverage": _words("percentage"),
    "potential_aly_acr_increase": _PCT_DESC,
    "diagnostics": _words(
        "name description solution percentage affected_event_count total_event_count"
    ),
    "event_potential_aly_acr_increase": _PCT_DESC,
    "acr": _PCT_DESC,
    "event_coverage": _words("percentage goal_percentage description potential_aly_acr_increase"),
    "dedupe_key_feedback": _words(
        "dedupe_key browser_events_with_dedupe_key server_events_with_dedupe_key "
        "overall_browser_coverage_from_dedupe_key"
    ),
    "browser_events_with_dedupe_key": _PCT_DESC,
    "server_events_with_dedupe_key": _PCT_DESC,
    "overall_browser_coverage_from_dedupe_key": _PCT_DESC,
    "data_freshness": _words("upload_frequency description"),
}

# https://developers.facebook.com/docs/marketing-api/ad-rules/guides/scheduled-based-rules
# (AdRuleScheduleSpec declares no enum for schedule_type).
RULE_SCHEDULE_TYPES = _words("DAILY HOURLY SEMI_HOURLY CUSTOM")
