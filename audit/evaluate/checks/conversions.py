"""Custom conversions that ad sets optimise for are not restricted by Meta."""

from __future__ import annotations

from collections.abc import Iterator

from audit.evaluate.checks.registry import CheckContext, check
from audit.evaluate.checks.remedies import EVENTS_MANAGER_URL
from audit.facts.ads import AdSet
from audit.facts.currency import client_currency
from audit.models import Actor, Finding, Resource, Severity
from audit.numbers import money

# Meta's custom-conversion reference: from 2025-09-02 custom conversions suggesting health
# conditions or financial status are flagged and cannot be used to run ads, and
# "is_unavailable will return true to signal if your custom conversions have been flagged".
REFERENCE = "https://developers.facebook.com/docs/marketing-api/reference/custom-conversion"
MEANING = ("is_unavailable true: Meta has flagged the custom conversion (its reference page "
           "gives this as the signal for the September 2025 restrictions on custom "
           "conversions suggesting health or financial information); flagged ones stop being "
           "matched, so ad sets optimising for them receive no new conversions. The API does "
           "not say why a custom conversion was flagged. false: not flagged when read; it "
           "does not clear the name or rules for later reviews.")


def _adsets(items: list[AdSet]) -> list[dict[str, object]]:
    return [{"id": a.id, "name": a.name, "status": a.effective_status, "spend_28d": a.spend}
            for a in sorted(items, key=lambda a: (-a.spend, a.id))[:20]]


@check(
    "events_custom_conversion_available",
    title="Custom conversions used for optimisation are not restricted by Meta",
    severity=Severity.HIGH,
    area="events",
    actor=Actor.AGENCY,
    needs=("adaccount/*/adsets", "adaccount/*/customconversions"),
    uses=("adaccount/*/adset_spend",),  # the spend at stake
    platform_changes=("sensitive-cc",),
)
def custom_conversions_available(ctx: CheckContext) -> Iterator[Finding]:
    """Since September 2025 Meta flags custom conversions whose name or rules suggest
    health conditions or financial status and stops matching events to them: ad sets
    optimising for a flagged custom conversion stop receiving its conversions and lose
    their optimisation signal, with no pause to warn anyone. The API marks a flagged custom
    conversion as unavailable (is_unavailable); that flag is what this check reads, for
    each custom conversion that active ad sets, or ad sets that spent in the last 28 days,
    optimise for."""
    used: dict[str, list[AdSet]] = {}
    for a in ctx.facts.adsets:
        if a.custom_conversion_id and (a.active or a.spend > 0):
            used.setdefault(a.custom_conversion_id, []).append(a)
    conversions = ctx.facts.custom_conversions
    currency = client_currency(ctx.view)
    for cc_id, items in sorted(used.items()):
        cc = conversions.get(cc_id)
        name = (cc.name if cc else None) or cc_id
        res = Resource("custom_conversion", cc_id, cc.name if cc else None)
        spend = round(sum(a.spend for a in items), 2)
        evidence: dict[str, object] = {
            "is_unavailable": cc.unavailable if cc else None, "adsets": _adsets(items),
            "adset_count": len(items), "spend_28d": spend, "meaning": MEANING,
            "reference": REFERENCE}
        if cc is None:
            yield ctx.skipped(res, f"{len(items)} ad set(s) optimise for custom conversion "
                              f"{cc_id}, which could not be read.", evidence=evidence)
        elif cc.unavailable is True:
            yield ctx.failed(
                res, f"Meta has flagged the custom conversion {name} as unavailable, as it "
                "does with custom conversions that suggest health or financial information: "
                f"{len(items)} ad set(s) optimise for it ({money(spend, currency)} spent in 28 "
                "days) and "
                "no longer receive its conversions.", evidence=evidence,
                remediation=_fix(name))
        elif cc.unavailable is False:
            yield ctx.passed(res, f"Custom conversion {name} ({len(items)} ad set(s) optimise "
                             "for it) is not flagged by Meta.", evidence=evidence)
        else:
            yield ctx.skipped(res, f"Meta did not say whether custom conversion {name} is "
                              "restricted.", evidence=evidence)


def _fix(name: str) -> str:
    return ("For the agency's media buyer, with the client: create a new custom conversion "
            "whose name and rules describe the step (for example 'Consultation booked') "
            "without naming a health condition or financial status, or optimise for a "
            "standard event; move the ad sets to it and turn the old ones off. Events "
            f"Manager ({EVENTS_MANAGER_URL}) → Custom conversions shows {name} as flagged and "
            "the options Meta offers for it.")
