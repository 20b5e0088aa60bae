"""Top-8 event priorities (Aggregated Event Measurement): consequences of the recommendation.

The recommendation itself is in :mod:`audit.evaluate.recommend.priorities`; these checks report what
it implies, worded by the AEM mode that applies to the client (legacy, relaxed or auto).
"""

from __future__ import annotations

from collections.abc import Iterator

from audit.evaluate.checks.registry import CheckContext, check
from audit.evaluate.checks.remedies import EVENTS_MANAGER_URL
from audit.facts.currency import client_currency
from audit.models import Actor, Finding, Resource, Severity
from audit.numbers import money


@check(
    "priorities_adsets_within_top8",
    title="Every active ad set optimises for one of its domain's top-8 events",
    severity=Severity.HIGH,
    area="priorities",
    actor=Actor.AGENCY,
    needs=("pixel/*/stats/event", "pixel/*/stats/host", "adaccount/*/adsets"),
    platform_changes=("aem-8-events", "aem-relaxed"),
)
def adsets_within_top8(ctx: CheckContext) -> Iterator[Finding]:
    """Under Aggregated Event Measurement each domain had 8 prioritised events, and ad
    sets optimising for any other event were paused. Whether the limit still applies
    depends on Meta's relaxed-AEM rollout for the account, so the finding is worded by the
    AEM mode: the configured one, or with mode auto the one the audit's data shows (more
    than 8 distinct events with active ad sets that spent in the last 28 days on one domain
    means the relaxed model); without such evidence the limit is worded as a possibility."""
    result = ctx.analysis.priorities
    for d in result.domains:
        res = Resource("domain", d.domain)
        spend = round(sum(a["spend_28d"] for a in d.affected_adsets), 2)
        evidence = {"mode": result.mode, "effective_mode": result.effective_mode,
                    "mode_basis": result.mode_basis,
                    "mode_evidence": (result.mode_evidence.to_dict()
                                      if result.mode_evidence else None),
                    "recommended": [r.label for r in d.recommended], "slots_used": d.slots_used,
                    "affected_adsets": d.affected_adsets[:25],
                    "affected_count": len(d.affected_adsets), "affected_spend_28d": spend}
        if not d.affected_adsets:
            yield ctx.passed(res, f"{d.domain}: every active ad set optimises for one of the "
                             f"{len(d.recommended)} recommended events.", evidence=evidence)
            continue
        relaxed_because = (" (this audit's data shows the account is on it: more than 8 "
                           "events have delivering ad sets on one domain)"
                           if result.mode_basis == "evidence" else "")
        events = sorted({a["event"] for a in d.affected_adsets})
        spent = money(spend, client_currency(ctx.view))
        message = (f"{d.domain}: {len(d.affected_adsets)} active ad set(s) ({spent} spent "
                   f"in 28 days) optimise for {', '.join(events)}, outside the recommended 8.")
        fix = (f"Either move those ad sets to one of the recommended events, or change the "
               f"priority list for {d.domain} in Events Manager ({EVENTS_MANAGER_URL}) → "
               "Aggregated Event Measurement → Configure web events (edits took up to 72 h).")
        if result.effective_mode == "legacy":
            yield ctx.failed(res, message + " Under AEM they would be paused.",
                             evidence=evidence, remediation=fix)
        elif result.effective_mode == "auto":
            yield ctx.warned(res, message + " If the account is still on the 8-event model "
                             "they would be paused.", evidence=evidence, remediation=fix)
        else:
            yield ctx.passed(res, message + f" On the relaxed model{relaxed_because} nothing "
                             "is paused; kept for reference.", evidence=evidence)


@check(
    "priorities_events_volume",
    title="Recommended events that ad sets optimise for have enough weekly volume",
    severity=Severity.MEDIUM,
    area="priorities",
    actor=Actor.AGENCY,
    # Which events ad sets optimise for (and spend on) comes from the ad sets.
    needs=("pixel/*/stats/event", "adaccount/*/adsets"),
    platform_changes=("aem-8-events",),
)
def recommended_events_volume(ctx: CheckContext) -> Iterator[Finding]:
    """Meta's delivery system needs roughly 50 optimisation events a week per ad set to
    leave the learning phase; an event rarer than that starves the ad sets that optimise
    for it, whatever its priority."""
    result = ctx.analysis.priorities
    for d in result.domains:
        for r in d.recommended:
            if r.spend_28d <= 0 or r.volume_7d == 0:
                continue  # a silent optimised event is reported by events_optimized_fired
            res = Resource("domain_event", f"{d.domain}:{r.key}", r.label)
            evidence = {"volume_7d": r.volume_7d, "spend_28d": r.spend_28d}
            if "too_rare" in r.flags:
                yield ctx.warned(res, f"{d.domain}: {r.label} had only {r.volume_7d} events in "
                                 "7 days but ad sets optimise for it.", evidence=evidence,
                                 remediation=("Optimise those ad sets for an event higher in "
                                              "the funnel with more volume (or consolidate ad "
                                              "sets) until this event reaches about 50 a week."))
            else:
                yield ctx.passed(res, f"{d.domain}: {r.label} had {r.volume_7d} events in 7 "
                                 "days.", evidence=evidence)


@check(
    "priorities_event_pixels",
    title="Each event on a domain comes from a single pixel",
    severity=Severity.LOW,
    area="priorities",
    actor=Actor.WEB_DEVELOPER,
    needs=("pixel/*/stats/event", "pixel/*/stats/host"),
    platform_changes=("aem-8-events",),
)
def events_single_pixel(ctx: CheckContext) -> Iterator[Finding]:
    """Priorities are set per domain, not per pixel: when two pixels send the same event on
    one domain, both share one slot, reporting splits between them, and a second pixel is
    often a forgotten tag that double counts."""
    result = ctx.analysis.priorities
    for d in result.domains:
        res = Resource("domain", d.domain)
        if d.shared_events:
            names = ", ".join(f"{s['event']} ({', '.join(s['pixels'])})"
                              for s in d.shared_events[:10])
            yield ctx.warned(res, f"{d.domain}: {len(d.shared_events)} event(s) fire from "
                             f"several pixels: {names}.",
                             evidence={"shared_events": d.shared_events},
                             remediation=("Keep one pixel per domain for conversion events: "
                                          "remove the extra base code (check the tag manager) "
                                          "or stop sending the event from the second pixel."))
        else:
            yield ctx.passed(res, f"{d.domain}: every event comes from one pixel.")


@check(
    "priorities_config_fits",
    title="Pinned and ordered events fit in the 8 slots",
    severity=Severity.MEDIUM,
    area="priorities",
    actor=Actor.AGENCY,
    platform_changes=("aem-8-events",),
)
def config_fits(ctx: CheckContext) -> Iterator[Finding]:
    """Pins and fixed orders in the config encode the agency's judgement; when they do
    not fit (value optimisation takes 4 slots in the legacy model) the list silently
    differs from what the agency asked for, so the conflict is reported."""
    result = ctx.analysis.priorities
    for d in result.domains:
        res = Resource("domain", d.domain)
        if d.problems:
            yield ctx.failed(res, f"{d.domain}: " + " ".join(d.problems),
                             evidence={"slots_used": d.slots_used, "problems": d.problems},
                             remediation=("Reduce clients[].priorities.pin / order in the "
                                          "config, or stop value optimisation on one event."))
        elif any({"pinned", "ordered"} & set(r.flags) for r in d.recommended):
            yield ctx.passed(res, f"{d.domain}: the configured pins and order fit.")
