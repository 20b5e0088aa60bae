"""Offline conversions: nothing still relies on an offline event set, which Meta shut down
on 2025-05-14 in favour of datasets fed through the Conversions API."""

from __future__ import annotations

from collections.abc import Iterator

from audit.evaluate.checks.registry import CheckContext, check
from audit.evaluate.checks.remedies import EVENTS_MANAGER_URL
from audit.facts.currency import client_currency
from audit.facts.offline import OfflineSet
from audit.models import Actor, Finding, Resource, Severity
from audit.numbers import money

MIGRATION_DOC = "https://developers.facebook.com/docs/marketing-api/conversions-api/offline-events"
SIGNAL = ("Offline event sets found through the custom conversions built on them "
          "(offline_conversion_data_set) and the ad sets optimising for them "
          "(promoted_object.offline_conversion_data_set_id); the SDK has no ad-account or "
          "business edge that lists offline event sets, so a set attached to an ad account "
          "but used by neither is not seen. Attachment is read from the set's shared_accounts.")


def _evidence(s: OfflineSet) -> dict[str, object]:
    return {
        "offline_event_set": s.id, "name": s.name,
        "last_upload": s.last_fired.isoformat() if s.last_fired else None,
        "is_unavailable": s.unavailable,
        "attached_ad_accounts": list(s.attached_accounts) if s.attached_accounts is not None
        else None,
        "custom_conversions": [{"id": cc.id, "name": cc.name} for cc in s.custom_conversions],
        "adsets": [{"id": a.id, "name": a.name, "status": a.effective_status,
                    "spend_28d": a.spend} for a in sorted(s.adsets, key=lambda a: a.id)[:20]],
        "spend_28d": s.spend, "node_read_error": s.read_error,
        "signal": SIGNAL, "migration_guide": MIGRATION_DOC,
    }


def _fix(s: OfflineSet) -> str:
    return ("For whoever uploads the client's store or CRM sales (the client's developer or "
            "its point-of-sale/CRM partner), with the agency: send those sales to the client's "
            "dataset with the Conversions API as physical-store events instead of to the "
            f"offline event set; in Events Manager ({EVENTS_MANAGER_URL}) check that "
            f"{s.label} is connected to that dataset; then rebuild the custom conversions on "
            "the dataset's events and move the ad sets to them (the agency's media buyer), "
            "and remove the offline event set from the ad accounts.")


def _uses(s: OfflineSet) -> list[str]:
    """What still ties the client to the set, in words."""
    parts = []
    if s.custom_conversions:
        names = ", ".join(cc.name or cc.id for cc in s.custom_conversions[:3])
        several = len(s.custom_conversions) > 1
        parts.append(f"custom conversion{'s' if several else ''} {names} "
                     f"{'are' if several else 'is'} built on it")
    if s.attached_accounts:
        several = len(s.attached_accounts) > 1
        parts.append(f"it is still attached to ad account{'s' if several else ''} "
                     f"{', '.join(s.attached_accounts)}")
    return parts


def _joined(parts: list[str]) -> str:
    return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


@check(
    "capi_offline_set_migrated",
    title="Offline conversions reach Meta through a dataset, not an offline event set",
    severity=Severity.HIGH,
    area="capi",
    # whoever uploads the store sales moves them to a dataset; the remediation also names the
    # agency's part (moving the ad sets)
    actor=Actor.WEB_DEVELOPER,
    needs=("adaccount/*/adsets",),
    # Custom conversions point at sets too; the sets themselves add the name, last upload
    # and the ad accounts they are attached to; spend says what is at stake.
    uses=("adaccount/*/customconversions", "offline_set/*", "offline_set/*/shared_accounts",
          "adaccount/*/adset_spend"),
    platform_changes=("offline-capi",),
)
def offline_sets_migrated(ctx: CheckContext) -> Iterator[Finding]:
    """Meta shut the Offline Conversions API down on 14 May 2025: offline event sets no
    longer receive offline conversions, which now go to a dataset through the Conversions
    API. An ad set still optimising for an offline event set (directly or through a custom
    conversion built on one) optimises on nothing new, and its store sales stop being
    reported. Signal and its limits: the SDK (26) has no ad-account or business edge that
    lists offline event sets, so the audit finds them through what points at them: custom
    conversions built on one (offline_conversion_data_set) and ad sets optimising for one
    (promoted_object.offline_conversion_data_set_id); it then reads each set (name, last
    upload) and the client's ad accounts it is still attached to (shared_accounts). A set
    attached to an account but used by neither is not seen: check Events Manager for
    others."""
    sets = ctx.facts.offline_sets
    if not sets:
        yield ctx.passed(Resource("business", ctx.view.business_id, ctx.view.client_name),
                         "No custom conversion or ad set relies on an offline event set.",
                         evidence={"signal": SIGNAL})
        return
    currency = client_currency(ctx.view)
    for s in sets:
        res = Resource("offline_event_set", s.id, s.name)
        evidence = _evidence(s)
        uses = _uses(s)
        delivering = s.delivering
        if delivering:
            n = len(delivering)
            uses.insert(0, f"{n} ad set{'s' if n != 1 else ''} optimise{'s' if n == 1 else ''} "
                        f"for it ({money(s.spend, currency)} spent in 28 days)")
            yield ctx.failed(
                res, f"The offline event set {s.label} is still used: {_joined(uses)}. Meta "
                "shut offline event sets down on 14 May 2025, so those ad sets optimise on "
                "conversions that no longer arrive.", evidence=evidence, remediation=_fix(s))
        else:
            what = f": {_joined(uses)}" if uses else ""
            yield ctx.warned(
                res, f"The offline event set {s.label} is still in use{what}. Meta shut "
                "offline event sets down on 14 May 2025; offline sales now reach Meta through "
                "a dataset.", evidence=evidence, remediation=_fix(s))
