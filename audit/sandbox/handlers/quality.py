"""Dataset Quality API: ``GET /{version}/dataset_quality?dataset_id=…&fields=web{…}``.

One ``web`` entry per event that fired in the last 7 days. Events with server (CAPI) traffic
carry ``event_match_quality`` (each match key with its coverage and, where the world gives
one, ``potential_aly_acr_increase``: keys listed only with an uplift are not sent),
``dedupe_key_feedback`` (the spelling the real API, the page's examples and the SDK use;
``dedup_key_feedback`` is refused), ``data_freshness`` and ``acr``; browser-only events
carry ``event_potential_aly_acr_increase`` instead (server events too when the world sets
it).
"""

from __future__ import annotations

from typing import Any

from ..wire.call import Call, required
from ..wire.errors import SandboxError, nonexisting_field, permission_error, unknown_object
from ..wire.fieldsel import Selection, parse_fields
from ..world.model import Pixel, PixelEvent
from . import access
from .pixel_stats import hourly

COVERAGE_TEXT = ("The percentage of events received from your Conversions API compared to "
                 "unique browser events from the Meta Pixel.")
DEDUP_TEXT = {
    "browser_events_with_dedupe_key": "The percentage of browser events that contain this "
                                      "dedupe key.",
    "server_events_with_dedupe_key": "The percentage of server events that contain this "
                                     "dedupe key.",
    "overall_browser_coverage_from_dedupe_key": "The overall percentage of browser events that "
    "are deduped with Conversions API events using this key. This percentage is incremental for "
    "each dedupe key.",
}
FRESHNESS_TEXT = ("The average frequency with which instances of this event are received "
                  "through the Conversions API.")
DEFAULT_FIELDS = "web{event_name,event_match_quality}"


def dataset_quality(call: Call) -> dict[str, Any]:
    """Answer a Dataset Quality API request."""
    world, token = call.world, call.user
    dataset_id = required(call, "dataset_id")
    pixel = world.pixels.get(dataset_id)
    if pixel is None:
        raise unknown_object(dataset_id)
    if not access.can_see_pixel(token, pixel):
        raise access.denied(world, dataset_id)
    access.require_scope(world, token, ("ads_read",))
    access.require_scope(world, token, ("ads_management", "business_management"))
    if pixel.quality_mode == "permission_error":
        raise permission_error("(#200) You do not have permission to access the quality data "
                               "of this dataset", world.settings.permission_http_status)
    if pixel.quality_mode == "error":
        raise SandboxError("(#100) Dataset quality is not available for this dataset")
    selection = parse_fields(call.params.get("fields") or DEFAULT_FIELDS) or []
    out: dict[str, Any] = {}
    for item in selection:
        if item.name not in ("web", "offline"):
            raise nonexisting_field(item.name, "DatasetQuality")
        if item.name == "web":
            entries = [_entry(call, pixel, e) for e in pixel.events.values()]
            out["web"] = [_pick(e, item.children, "web") for e in entries if e]
    return out


def _pick(value: dict[str, Any], children: list[Selection], kind: str) -> dict[str, Any]:
    # The selection was checked against the catalogue before this handler ran (wire/schema).
    if not children:
        return value
    out: dict[str, Any] = {}
    for child in children:
        if child.name not in value:
            continue
        sub = value[child.name]
        if isinstance(sub, list):
            out[child.name] = [_pick(s, child.children, child.name) if isinstance(s, dict) else s
                               for s in sub]
        elif isinstance(sub, dict):
            out[child.name] = _pick(sub, child.children, child.name)
        else:
            out[child.name] = sub
    return out


def _match_keys(event: str, coverage: dict[str, float], uplift: dict[str, float]
                ) -> list[dict[str, Any]]:
    """``match_key_feedback``: keys sent (with coverage), then keys only with an uplift."""
    out: list[dict[str, Any]] = []
    for key in [*coverage, *(k for k in uplift if k not in coverage)]:
        entry: dict[str, Any] = {"identifier": key}
        if key in coverage:
            entry["coverage"] = {"percentage": coverage[key]}
        if key in uplift:
            words = key.replace("_", " ").title()
            entry["potential_aly_acr_increase"] = {
                "percentage": uplift[key],
                "description": f"Similar advertisers who sent valid {words} for {event} saw a "
                               f"{uplift[key]}% median increase in their existing additional "
                               "conversions reported."}
        out.append(entry)
    return out


def _entry(call: Call, pixel: Pixel, event: PixelEvent) -> dict[str, Any] | None:
    browser = sum(hourly(event, "browser", call.now).values())
    server = sum(hourly(event, "server", call.now).values())
    if not browser and not server:
        return None
    q = event.quality or {}
    entry: dict[str, Any] = {"event_name": event.name}
    default_cov = round(min(100.0, server * 100.0 / browser), 1) if browser else 100.0
    entry["event_coverage"] = {"percentage": q.get("coverage", default_cov),
                               "goal_percentage": q.get("coverage_goal", 75),
                               "description": COVERAGE_TEXT}
    if not server:
        pct = q.get("potential_acr", 20.0)
        entry["event_potential_aly_acr_increase"] = {
            "percentage": pct,
            "description": f"Similar advertisers who set up Conversions API for {event.name} "
                           f"events saw a median of {pct}% additional conversions reported "
                           "versus those that only used Meta Pixel."}
        return entry
    entry["event_match_quality"] = {
        "composite_score": q.get("emq", 6.0),
        "match_key_feedback": _match_keys(event.name, q.get("match_keys", {}),
                                          q.get("key_uplift", {})),
        "diagnostics": q.get("diagnostics", [])}
    if "potential_acr" in q:
        pct = q["potential_acr"]
        entry["event_potential_aly_acr_increase"] = {
            "percentage": pct,
            "description": f"Similar advertisers who improved their Conversions API setup for "
                           f"{event.name} saw a median of {pct}% additional conversions "
                           "reported."}
    dedup = [{"dedupe_key": key, **{name: {"percentage": pct, "description": DEDUP_TEXT[name]}
                                    for name, pct in zip(DEDUP_TEXT, triple, strict=True)}}
             for key, triple in q.get("dedup", {}).items()]
    entry["dedupe_key_feedback"] = dedup
    entry["data_freshness"] = {"upload_frequency": q.get("freshness", "real_time"),
                               "description": FRESHNESS_TEXT}
    if "acr" in q:
        pct = q["acr"]
        entry["acr"] = {"percentage": pct,
                        "description": f"In the last 7 days, you saw about {pct}% more "
                        f"conversions reported for {event.name} events by using the "
                        "Conversions API alongside the Meta Pixel."}
    return entry
