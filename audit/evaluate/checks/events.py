"""Event usage: the events ad sets optimise for are actually firing.

Per pixel and event over the last 7 days (the stats edge's maximum): total, browser and
server counts; which active ad sets optimise for each event and the spend behind them
over the last 28 days; Meta's own diagnostics (``da_checks``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from audit.evaluate.checks.registry import CheckContext, check
from audit.evaluate.checks.remedies import EVENTS_MANAGER_URL
from audit.facts.ads import STANDARD_EVENTS, AdSet
from audit.facts.currency import client_currency
from audit.facts.view import to_str
from audit.models import Actor, Finding, Resource, Severity
from audit.numbers import money


def _adset_evidence(items: list[AdSet]) -> list[dict[str, object]]:
    return [{"id": a.id, "name": a.name, "status": a.effective_status, "spend_28d": a.spend}
            for a in sorted(items, key=lambda a: (-a.spend, a.id))[:20]]


def _relevant(a: AdSet) -> bool:
    return a.active or a.spend > 0


@check(
    "events_optimized_fired",
    title="Every event that ad sets optimise for fired in the last 7 days",
    severity=Severity.CRITICAL,
    area="events",
    actor=Actor.AGENCY,
    needs=("adaccount/*/adsets",),
    # Spend only ranks ad sets; stats and custom conversions are judged per event.
    uses=("adaccount/*/adset_spend", "pixel/*/stats/event", "adaccount/*/customconversions"),
    platform_changes=("aem-8-events",),
)
def optimised_events_fire(ctx: CheckContext) -> Iterator[Finding]:
    """An ad set optimising for an event that no longer fires has no signal: delivery
    degrades and budget is spent blind. Under Aggregated Event Measurement such ad sets
    were paused outright."""
    v = ctx.view
    groups: dict[tuple[str, str], list[AdSet]] = {}
    for a in ctx.facts.adsets:
        if not _relevant(a):
            continue
        if a.custom_conversion_id:
            groups.setdefault(("custom_conversion", a.custom_conversion_id), []).append(a)
        elif a.pixel_id and a.event:
            groups.setdefault((a.pixel_id, a.event), []).append(a)
    conversions = ctx.facts.custom_conversions
    cutoff = v.now - timedelta(days=7)
    currency = client_currency(v)
    for (pixel_or_kind, name), items in sorted(groups.items()):
        spend = round(sum(a.spend for a in items), 2)
        evidence: dict[str, object] = {"adsets": _adset_evidence(items), "adset_count":
                                       len(items), "spend_28d": spend}
        if pixel_or_kind == "custom_conversion":
            cc = conversions.get(name)
            res = Resource("custom_conversion", name, cc.name if cc else None)
            if cc is None:
                yield ctx.skipped(res, f"{len(items)} ad set(s) optimise for custom conversion "
                                  f"{name}, which could not be read.", evidence=evidence)
            elif cc.last_fired and cc.last_fired >= cutoff:
                yield ctx.passed(res, f"Custom conversion {cc.name or name} last fired "
                                 f"{cc.last_fired:%Y-%m-%d %H:%M} UTC.", evidence=evidence)
            else:
                when = f"{cc.last_fired:%Y-%m-%d}" if cc.last_fired else "never"
                yield ctx.failed(
                    res, f"{len(items)} ad set(s) (spend {money(spend, currency)} in 28 "
                    f"days) optimise for custom conversion {cc.name or name}, which last "
                    f"fired {when}.",
                    evidence={**evidence, "last_fired": when},
                    remediation=_fix_event(cc.name or name, cc.pixel_id or "its pixel"))
            continue
        pixel_id, event = pixel_or_kind, name
        res = Resource("pixel_event", f"{pixel_id}:{event}", event)
        usage = ctx.facts.event_usage(pixel_id)
        if usage is None:
            yield ctx.skipped(res, f"{len(items)} ad set(s) optimise for {event} on pixel "
                              f"{pixel_id}, whose event statistics could not be read.",
                              evidence=evidence)
            continue
        count = usage[event].total if event in usage else 0
        evidence["events_7d"] = count
        if count > 0:
            yield ctx.passed(res, f"{event} fired {count} times in 7 days on pixel {pixel_id} "
                             f"({len(items)} ad set(s) optimise for it).", evidence=evidence)
        else:
            yield ctx.failed(
                res, f"{len(items)} ad set(s) (spend {money(spend, currency)} in 28 days) "
                f"optimise for {event} on pixel {pixel_id}, which did not fire in the last 7 days.",
                evidence=evidence, remediation=_fix_event(event, pixel_id))


def _fix_event(event: str, pixel: str) -> str:
    return (f"In Events Manager ({EVENTS_MANAGER_URL}) → {pixel} → Test events, complete the "
            f"action that should send {event} and fix the tag (or the Conversions API "
            f"integration) until it arrives; meanwhile move the ad sets to an event that fires.")


@check(
    "events_standard_traffic",
    title="Standard events behind optimised custom conversions have traffic",
    severity=Severity.HIGH,
    area="events",
    actor=Actor.AGENCY,
    # The ad sets say which custom conversions are optimised for.
    needs=("adaccount/*/adsets", "adaccount/*/customconversions", "pixel/*/stats/event"),
    platform_changes=("aem-8-events",),
)
def custom_conversion_base_events(ctx: CheckContext) -> Iterator[Finding]:
    """A custom conversion built on a standard event (Purchase, Lead …) only counts when
    that event arrives: ad sets optimising for the custom conversion depend on the
    standard event's traffic even though they never name it."""
    used: dict[str, list[AdSet]] = {}
    for a in ctx.facts.adsets:
        if a.custom_conversion_id and _relevant(a):
            used.setdefault(a.custom_conversion_id, []).append(a)
    for cc_id, items in sorted(used.items()):
        cc = ctx.facts.custom_conversions.get(cc_id)
        if cc is None or not cc.event or cc.event not in STANDARD_EVENTS or not cc.pixel_id:
            continue
        res = Resource("pixel_event", f"{cc.pixel_id}:{cc.event}", cc.event)
        usage = ctx.facts.event_usage(cc.pixel_id)
        evidence = {"custom_conversion": cc.name or cc_id, "adsets": _adset_evidence(items)}
        if usage is None:
            yield ctx.skipped(res, f"Statistics of pixel {cc.pixel_id} could not be read.",
                              evidence=evidence)
        elif usage.get(cc.event) is None or usage[cc.event].total == 0:
            yield ctx.failed(
                res, f"Custom conversion {cc.name or cc_id} is built on {cc.event}, which had "
                f"no traffic on pixel {cc.pixel_id} in 7 days; {len(items)} ad set(s) depend "
                "on it.", evidence=evidence, remediation=_fix_event(cc.event, cc.pixel_id))
        else:
            yield ctx.passed(res, f"{cc.event} (behind {cc.name or cc_id}) fired "
                             f"{usage[cc.event].total} times in 7 days.", evidence=evidence)


@check(
    "events_pixel_diagnostics",
    title="Meta's own pixel diagnostics report no failures",
    severity=Severity.MEDIUM,
    area="events",
    actor=Actor.WEB_DEVELOPER,
    needs=("pixel/*/da_checks",),
)
def pixel_diagnostics(ctx: CheckContext) -> Iterator[Finding]:
    """Meta runs its own checks on each pixel (missing parameters, sudden drops in
    events, missing catalogue events) and surfaces them in Events Manager; a failed
    diagnostic usually points straight at the broken tag."""
    v = ctx.view
    for pixel in v.pixels:
        res = v.get(f"pixel/{pixel.id}/da_checks")
        resource = Resource("pixel", pixel.id, pixel.name)
        if res is None or (res.error and not res.partial):
            if pixel.read is not None and not pixel.read.error:
                yield ctx.skipped(resource, f"Diagnostics of {pixel.label} could not be read.")
            continue
        failed = [c for c in res.items() if str(c.get("result", "")).lower() == "failed"]
        if failed:
            for c in failed:
                key = to_str(c.get("key")) or "diagnostic"
                yield ctx.warned(
                    Resource("pixel_diagnostic", f"{pixel.id}:{key}", to_str(c.get("title"))),
                    f"{pixel.label}: {to_str(c.get('title')) or key} — "
                    f"{to_str(c.get('description')) or to_str(c.get('user_message')) or ''}",
                    evidence={"key": key, "result": "failed", "action_uri":
                              to_str(c.get("action_uri"))},
                    remediation=(f"Open Events Manager ({EVENTS_MANAGER_URL}) → {pixel.label} → "
                                 "Diagnostics and follow Meta's instructions for this issue."))
        else:
            yield ctx.passed(resource, f"{pixel.label}: {len(res.items())} diagnostic(s), "
                             "none failed.", evidence={"checks": len(res.items())})
