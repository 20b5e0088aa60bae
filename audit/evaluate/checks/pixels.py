"""Pixel health: has each pixel fired recently, and is it available."""

from __future__ import annotations

from collections.abc import Iterator

from audit.evaluate.checks.registry import CheckContext, check
from audit.evaluate.checks.remedies import EVENTS_MANAGER_URL
from audit.models import Actor, Finding, Resource, Severity


def _hours(seconds: float) -> float:
    return round(seconds / 3600.0, 1)


@check(
    "pixel_fire_recent",
    title="Every pixel fired within the last day",
    severity=Severity.HIGH,
    area="pixels",
    actor=Actor.WEB_DEVELOPER,
    needs=("pixel/*",),
    uses=("pixel/*/stats/event",),  # only when the node has no last_fired_time
    params={"warn_after_hours": 24, "fail_after_hours": 168},
    platform_changes=("ios14-att",),
)
def pixel_fired_recently(ctx: CheckContext) -> Iterator[Finding]:
    """A pixel that stopped firing sends no conversions: campaigns optimising for its
    events lose their signal, and nothing in the iOS 14 set-up (event priorities,
    Conversions API deduplication) can work. Silence usually means the base code was
    removed from the site or a tag manager change broke it."""
    v = ctx.view
    warn_h = float(ctx.params["warn_after_hours"])
    fail_h = float(ctx.params["fail_after_hours"])
    for pixel in v.pixels:
        res = Resource("pixel", pixel.id, pixel.name)
        node = pixel.read
        if node is None or (node.error and not node.partial):
            continue  # unreadable pixels are reported by access_pixel_shared
        totals = v.stats_totals(pixel.id)
        events_7d = sum(totals.values()) if totals is not None else None
        evidence: dict[str, object] = {
            "last_fired_time": pixel.last_fired.isoformat() if pixel.last_fired else None,
            "events_last_7_days": events_7d,
            "warn_after_hours": warn_h, "fail_after_hours": fail_h,
        }
        fix = (f"Open Events Manager ({EVENTS_MANAGER_URL}) → Data sources → {pixel.label} → "
               "Overview, and use Test events with the site open to see whether the base code "
               "still loads; reinstall it (or the partner integration) on every page.")
        if pixel.last_fired is None:
            if events_7d is None:
                yield ctx.skipped(res, f"Pixel {pixel.label}: the API returned no "
                                  "last_fired_time and the stats could not be read.",
                                  evidence=evidence)
            elif events_7d == 0:
                yield ctx.failed(res, f"Pixel {pixel.label} has no recorded fire and no "
                                 "events in the last 7 days.", evidence=evidence,
                                 remediation=fix)
            else:
                yield ctx.passed(res, f"Pixel {pixel.label} received {events_7d} events in "
                                 "the last 7 days.", evidence=evidence)
            continue
        age_h = _hours((v.now - pixel.last_fired).total_seconds())
        evidence["hours_since_last_fire"] = age_h
        if age_h > fail_h:
            yield ctx.failed(res, f"Pixel {pixel.label} last fired {age_h / 24:.0f} days ago.",
                             evidence=evidence, remediation=fix)
        elif age_h > warn_h:
            yield ctx.warned(res, f"Pixel {pixel.label} last fired {age_h:.0f} hours ago.",
                             evidence=evidence, remediation=fix)
        else:
            yield ctx.passed(res, f"Pixel {pixel.label} fired {age_h:.1f} hours ago.",
                             evidence=evidence)


@check(
    "pixel_status_available",
    title="No pixel is marked unavailable",
    severity=Severity.HIGH,
    area="pixels",
    actor=Actor.CLIENT_ADMIN,
    needs=("pixel/*",),
)
def pixel_available(ctx: CheckContext) -> Iterator[Finding]:
    """Meta marks a pixel unavailable when it can no longer be used (for example after
    its owner restricted it or it was disabled): events sent to it are not usable for
    optimisation or measurement."""
    v = ctx.view
    for pixel in v.pixels:
        res = Resource("pixel", pixel.id, pixel.name)
        if pixel.read is None or (pixel.read.error and not pixel.read.partial):
            continue
        if pixel.is_unavailable is None:
            yield ctx.skipped(res, f"Pixel {pixel.label}: the API did not report "
                              "is_unavailable.")
        elif pixel.is_unavailable:
            owner = pixel.owner_business_name or "the owning business"
            yield ctx.failed(
                res, f"Pixel {pixel.label} is marked unavailable by Meta.",
                evidence={"is_unavailable": True,
                          "owner_business_id": pixel.owner_business_id},
                remediation=(f"Ask the pixel's owner ({owner}) to check Events Manager → "
                             f"Data sources → {pixel.label} → Settings for a restriction or a "
                             "disabled dataset, or move tracking to an active pixel."))
        else:
            yield ctx.passed(res, f"Pixel {pixel.label} is available.",
                             evidence={"is_unavailable": False})
