"""Conversions API coverage: high-value events arrive from the server, deduplicated,
with good match quality."""

from __future__ import annotations

from collections.abc import Iterator

from audit.evaluate.checks.registry import CheckContext, check
from audit.evaluate.checks.remedies import EVENTS_MANAGER_URL
from audit.facts.quality import DedupFeedback, EventQuality, MatchKey
from audit.models import Finding, Resource, Severity

HIGH_VALUE = ["Purchase", "Lead", "CompleteRegistration", "InitiateCheckout",
              "AddPaymentInfo", "Subscribe", "StartTrial", "SubmitApplication", "Schedule",
              "Contact"]


def _capi_fix(event: str, pixel: str) -> str:
    return (f"Send {event} from the server with the Conversions API for pixel {pixel} (a "
            "partner integration in Events Manager → Data sources → Settings → Conversions "
            "API, or a direct integration), with the same event_id as the browser event so "
            f"Meta deduplicates them; verify in {EVENTS_MANAGER_URL} → Test events.")


@check(
    "capi_event_server",
    title="High-value events are also sent from the server (Conversions API)",
    severity=Severity.HIGH,
    area="capi",
    # Which high-value events fire comes from the event stats; the server count falls back
    # to dataset coverage, per event.
    needs=("pixel/*/stats/event",),
    uses=("pixel/*/stats/event/WEB_ONLY", "pixel/*/stats/event/SERVER_ONLY",
          "pixel/*/dataset_quality"),
    params={"events": HIGH_VALUE},
    platform_changes=("ios14-att", "dataset-quality"),
)
def high_value_events_from_server(ctx: CheckContext) -> Iterator[Finding]:
    """Browser events are lost to ad blockers, Safari's tracking prevention and iOS
    opt-outs; the Conversions API sends the same events from the advertiser's server, so
    the conversions that matter most keep being measured and optimised for."""
    v = ctx.view
    wanted = [str(e) for e in ctx.params["events"]]
    for pixel in v.pixels:
        usage = ctx.facts.event_usage(pixel.id)
        quality = ctx.facts.dataset_quality(pixel.id) or {}
        if usage is None:  # this pixel's stats failed (others were read): unknown, say so
            yield ctx.skipped(Resource("pixel", pixel.id, pixel.name),
                              f"The event statistics of {pixel.label} could not be read; "
                              "whether its high-value events come from the server is "
                              "unknown.")
            continue
        for event in wanted:
            u = usage.get(event)
            if u is None or u.total == 0:
                continue
            res = Resource("pixel_event", f"{pixel.id}:{event}", event)
            q = quality.get(event)
            evidence = {"total_7d": u.total, "browser_7d": u.browser, "server_7d": u.server,
                        "dataset_coverage_percent": q.coverage_percent if q else None}
            server = u.server
            if server is None and q is not None and q.coverage_percent is not None:
                server = 1 if q.coverage_percent > 0 else 0
            if server is None:
                yield ctx.skipped(res, f"{event} on {pixel.label}: the browser/server split "
                                  "could not be read.", evidence=evidence)
            elif server == 0:
                yield ctx.failed(res, f"{event} on {pixel.label} arrives only from the browser "
                                 f"({u.total} in 7 days, none from the server).",
                                 evidence=evidence, remediation=_capi_fix(event, pixel.id))
            else:
                share = f"{u.server_share:.0%}" if u.server_share is not None else "some"
                yield ctx.passed(res, f"{event} on {pixel.label}: {share} of events arrive "
                                 "from the server.", evidence=evidence)


# Which side of a browser + server pair lacks a shared event ID, in plain words for the
# report (the technical detail goes to evidence and the remediation).
DEDUP_CAUSES = {
    "browser": "the website's pixel sends no event ID with it, so Meta cannot pair it with "
               "the server's copy",
    "server": "the server sends no event ID with it, so Meta cannot pair it with the "
              "website's copy",
    "both": "neither the website nor the server sends an event ID with it",
    "mismatch": "both send an event ID, but the two IDs do not match",
    "unknown": "the browser and server copies do not share an event ID",
}


def _dedup_side(q: DedupFeedback, minimum: float) -> str:
    """Which side lacks the key: from event_id's own figures when Meta gives them."""
    eid = q.key("event_id")
    browser = eid.browser_percent if eid else q.browser_percent
    server = eid.server_percent if eid else q.server_percent
    low_browser = browser is not None and browser < minimum
    low_server = server is not None and server < minimum
    if browser is None and server is None:
        return "unknown"
    if low_browser and low_server:
        return "both"
    if low_browser:
        return "browser"
    if low_server:
        return "server"
    return "mismatch"


def _pixel_call(event: str) -> str:
    example = "order-123" if event == "Purchase" else f"{event.lower()}-123"
    params = "{value: 49.95, currency: 'USD'}" if event == "Purchase" else "{...}"
    return f"fbq('track', '{event}', {params}, {{eventID: '{example}'}})"


def _dedup_fix(event: str, side: str) -> str:
    """The concrete fix, addressed to whoever changes the website and server code."""
    call = _pixel_call(event)
    example = call.rsplit("'", 2)[-2]
    first = {
        "browser": f"add the eventID option to the pixel's {event} call",
        "server": f"add event_id to the {event} events the server sends with the Conversions "
                  "API",
        "both": f"add an event ID to the {event} pixel call and to the server's {event} events",
        "mismatch": f"make the pixel and the server send the same ID for each {event}: today "
                    "each side makes up its own",
        "unknown": f"send the same event ID with {event} from the pixel and from the server",
    }[side]
    return (f"For the client's web developer (or whoever runs the Conversions API "
            f"integration): {first}. Both sides must send the same event name ({event}) and "
            f"the same event ID for the same conversion: in the pixel, {call}; in the "
            f"Conversions API event, \"event_name\": \"{event}\", \"event_id\": "
            f"\"{example}\". Use a value both sides know, such as the order or lead number; "
            "a random ID made separately on each side never matches. Then check in "
            f"{EVENTS_MANAGER_URL} → Test events that the browser and server events appear "
            "as deduplicated.")


@check(
    "capi_event_dedup",
    title="Events sent from browser and server are deduplicated",
    severity=Severity.HIGH,
    area="capi",
    needs=("pixel/*/dataset_quality", "pixel/*/stats/event/WEB_ONLY",
           "pixel/*/stats/event/SERVER_ONLY"),
    params={"min_dedup_percent": 50.0},
    platform_changes=("dataset-quality",),
)
def browser_server_deduplicated(ctx: CheckContext) -> Iterator[Finding]:
    """When the same conversion arrives from the pixel and from the Conversions API
    without a shared event_id, Meta counts it twice: reported conversions inflate, cost
    per result looks better than it is, and optimisation learns from duplicates."""
    v = ctx.view
    minimum = float(ctx.params["min_dedup_percent"])
    for pixel in v.pixels:
        usage = ctx.facts.event_usage(pixel.id)
        if usage is None:
            continue
        quality = ctx.facts.dataset_quality(pixel.id)
        unknown: list[str] = []
        for event, u in sorted(usage.items()):
            if not (u.browser and u.server):
                continue
            res = Resource("pixel_event", f"{pixel.id}:{event}", event)
            q = (quality or {}).get(event)
            if q is None or q.dedup is None or q.dedup.best_percent is None:
                unknown.append(event)
                continue
            eid = q.dedup.key("event_id")
            evidence = {"browser_7d": u.browser, "server_7d": u.server,
                        "dedup_keys": list(q.dedup.keys),
                        "deduplicated_percent": q.dedup.best_percent,
                        "browser_with_key_percent": q.dedup.browser_percent,
                        "server_with_key_percent": q.dedup.server_percent,
                        "event_id_browser_percent": eid.browser_percent if eid else None,
                        "event_id_server_percent": eid.server_percent if eid else None,
                        "min_dedup_percent": minimum}
            if q.dedup.best_percent < minimum:
                side = _dedup_side(q.dedup, minimum)
                evidence |= {"missing_on": side, "pixel_call": _pixel_call(event)}
                yield ctx.failed(
                    res, f"{event} on {pixel.label} arrives from browser ({u.browser}) and "
                    f"server ({u.server}) but only {q.dedup.best_percent:.0f}% are "
                    f"deduplicated, so conversions are double-counted: {DEDUP_CAUSES[side]}.",
                    evidence=evidence, remediation=_dedup_fix(event, side))
            else:
                yield ctx.passed(res, f"{event} on {pixel.label}: "
                                 f"{q.dedup.best_percent:.0f}% of browser events are "
                                 "deduplicated against server events.", evidence=evidence)
        if unknown:
            why = ("the Dataset Quality API was unavailable" if quality is None
                   else "the Dataset Quality API gave no deduplication feedback for them")
            yield ctx.skipped(Resource("pixel", pixel.id, pixel.name),
                              f"{pixel.label}: {', '.join(unknown)} arrive from browser and "
                              f"server; deduplication unknown ({why}).",
                              evidence={"events": unknown})


# Customer information keys as the Dataset Quality API names them, in words for the
# people who add them (https://developers.facebook.com/docs/marketing-api/conversions-api/
# parameters/customer-information-parameters).
KEY_WORDS = {
    "email": "the customer's email address (hashed)",
    "phone": "the customer's phone number (hashed)",
    "external_id": "the customer's ID in your own systems (hashed)",
    "first_name": "the customer's first name (hashed)",
    "last_name": "the customer's last name (hashed)",
    "date_of_birth": "the customer's date of birth (hashed)",
    "gender": "the customer's gender (hashed)",
    "city": "the customer's city (hashed)",
    "state": "the customer's state or region (hashed)",
    "zip": "the customer's postcode (hashed)",
    "country": "the customer's country (hashed)",
    "ip_address": "the visitor's IP address (from the visit, not the server's)",
    "user_agent": "the visitor's browser user agent",
    "fbp": "the Meta browser ID (the _fbp cookie)",
    "fbc": "the Meta click ID (the _fbc cookie or fbclid in the landing URL)",
}


def key_fixes(q: EventQuality, min_coverage: float) -> list[MatchKey]:
    """Keys Meta reports an uplift for that are missing or sent with too few events,
    largest uplift first (ties by name, so the order never depends on the API's)."""
    fixes = [k for k in q.match_keys if k.uplift_percent is not None and k.uplift_percent > 0
             and (k.coverage_percent is None or k.coverage_percent < min_coverage)]
    return sorted(fixes, key=lambda k: (-(k.uplift_percent or 0.0), k.identifier))


def _pct(value: float | None) -> str:
    return f"{round(value or 0.0, 1):g}%"


def key_advice(key: MatchKey) -> str:
    """``Send the customer's phone number (hashed): Meta estimates +12% attributed
    conversions`` (with how often it is sent today, when it is sent at all)."""
    what = KEY_WORDS.get(key.identifier, key.identifier.replace("_", " "))
    today = (f" with every event (today {_pct(key.coverage_percent)} of them)"
             if key.coverage_percent else "")
    return f"Send {what}{today}: Meta estimates +{_pct(key.uplift_percent)} attributed conversions"


@check(
    "capi_event_match_quality",
    title="Server events reach the event match quality threshold",
    severity=Severity.MEDIUM,
    area="capi",
    needs=("pixel/*/dataset_quality",),
    params={"min_match_quality": 6.0, "min_key_coverage": 90.0},
    platform_changes=("dataset-quality", "dq-metrics-2025"),
)
def event_match_quality(ctx: CheckContext) -> Iterator[Finding]:
    """Event match quality (0 to 10) says how well Meta can tie server events to people;
    below about 6, a large share of server conversions cannot be attributed or used for
    optimisation. Sending more hashed customer parameters raises it. Since May 2025 the
    Dataset Quality API says, per missing key, how many more conversions similar
    advertisers saw reported once they sent it: the fixes are listed in that order. A key
    counts as missing when Meta reports an uplift for it and it is sent with fewer than
    min_key_coverage percent of events (or not at all)."""
    v = ctx.view
    minimum = float(ctx.params["min_match_quality"])
    min_coverage = float(ctx.params["min_key_coverage"])
    for pixel in v.pixels:
        quality = ctx.facts.dataset_quality(pixel.id)
        res_pixel = Resource("pixel", pixel.id, pixel.name)
        if quality is None:
            node = v.get(f"pixel/{pixel.id}/dataset_quality")
            if node is not None and node.error and pixel.read and not pixel.read.error:
                yield ctx.skipped(res_pixel, f"Dataset Quality API unavailable for "
                                  f"{pixel.label} ({node.error_kind} error {node.error_code}).")
            continue
        for event, q in sorted(quality.items()):
            if q.match_quality is None:
                continue
            res = Resource("pixel_event", f"{pixel.id}:{event}", event)
            evidence: dict[str, object] = {
                "match_quality": q.match_quality, "threshold": minimum,
                "match_keys": {k.identifier: k.coverage_percent for k in q.match_keys},
                "event_uplift_percent": q.potential_uplift_percent}
            if q.match_quality < minimum:
                fixes = key_fixes(q, min_coverage)
                evidence["match_key_fixes"] = [
                    {"key": k.identifier, "coverage_percent": k.coverage_percent,
                     "uplift_percent": k.uplift_percent, "advice": key_advice(k)}
                    for k in fixes]
                message = (f"{event} on {pixel.label}: event match quality "
                           f"{q.match_quality:.1f}/10, below {minimum:.1f}.")
                if fixes:
                    best = fixes[0]
                    message += (" Sending "
                                f"{KEY_WORDS.get(best.identifier, best.identifier)} would "
                                f"help most: Meta estimates +{_pct(best.uplift_percent)} "
                                "attributed conversions.")
                yield ctx.warned(res, message, evidence=evidence,
                                 remediation=_emq_fix(fixes))
            else:
                yield ctx.passed(res, f"{event} on {pixel.label}: event match quality "
                                 f"{q.match_quality:.1f}/10.", evidence=evidence)


def _emq_fix(fixes: list[MatchKey]) -> str:
    who = ("For the client's web developer (or whoever runs the Conversions API "
           "integration): ")
    if not fixes:
        return (who + "send more customer details with server events (hashed email address "
                "and phone number, the customer's ID in your own systems, the Meta browser and "
                "click IDs, the visitor's IP address and browser user agent), then check the "
                "score again in Events Manager after 48 hours.")
    steps = "; ".join(f"{i}) {key_advice(k)}" for i, k in enumerate(fixes, 1))
    return (who + "send these customer details with the server events, most valuable "
            f"first: {steps}. The estimates are Meta's, from similar advertisers. Then "
            "check the score again in Events Manager after 48 hours.")
