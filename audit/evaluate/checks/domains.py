"""Domain verification: domains receiving pixel traffic are verified by the client.

Verified domains come from the client business's ``owned_domains`` edge; traffic comes from
the pixels' ``stats`` by host, reduced to registrable domains (eTLD+1). On current Graph
versions the edge is gone (it answers #100 "nonexisting field" for every business), so the
checks fall back to what is known, the pixel hosts and the declared domains, and say that
verification was not checked: they never report "not verified" for data they could not
read, and an unavailable edge is never a finding against the client.
"""

from __future__ import annotations

from collections.abc import Iterator

from audit.evaluate.checks.registry import CheckContext, check
from audit.evaluate.checks.remedies import SETTINGS_URL
from audit.facts.domains import DomainRow, owned_domains_available
from audit.models import Finding, Resource, Severity


def _verify_fix(ctx: CheckContext, domain: str) -> str:
    v = ctx.view
    return (f"In {v.client_name}'s Business Settings ({SETTINGS_URL}?business_id="
            f"{v.business_id}): Brand safety → Domains → Add → enter {domain} → verify it with "
            "the DNS TXT record, the HTML file or the meta tag shown. Then open the domain → "
            f"Assign partner → enter {v.agency_id} ({v.agency_name}) if the agency must edit "
            "links or configure events for it.")


def _evidence(row: DomainRow) -> dict[str, object]:
    return {"events_7d": row.events, "hosts": dict(sorted(row.hosts.items())),
            "pixels": sorted(row.pixels), "declared": row.declared,
            "owned_domains_status": row.status}


def _relaxed(ctx: CheckContext) -> bool:
    return ctx.view.client.aem_mode == "relaxed"


@check(
    "domains_traffic_verified",
    title="Every domain receiving pixel traffic is verified by the client",
    severity=Severity.HIGH,
    area="domains",
    # Without owned_domains each domain is skipped with the declared-domain fallback.
    uses=("business/owned_domains", "pixel/*/stats/host"),
    platform_changes=("domain-verif", "aem-relaxed", "owned-domains-edge"),
)
def traffic_domains_verified(ctx: CheckContext) -> Iterator[Finding]:
    """Aggregated Event Measurement configured events per verified domain, and Meta still
    uses verification to decide who may edit links and manage a domain's events. An
    unverified domain that receives conversions cannot be configured by the client, and
    anyone else could claim it. (On the relaxed AEM model verification is reported to be no
    longer required for event configuration, so the finding is a warning there.)"""
    rows = ctx.facts.domain_rows
    available, error = owned_domains_available(ctx.view)
    traffic = [r for r in rows.values() if r.events > 0]
    relaxed = _relaxed(ctx)
    for row in sorted(traffic, key=lambda r: (-r.events, r.domain)):
        res = Resource("domain", row.domain)
        ev = _evidence(row)
        if not available:
            declared = (f"It is one of the domains declared for {ctx.view.client_name}."
                        if row.declared else
                        f"It is not among the domains declared for {ctx.view.client_name}.")
            yield ctx.skipped(
                res, f"{row.domain} receives {row.events} pixel events. Meta's API no longer "
                "says which domains a business has verified, so verification was not "
                f"checked. {declared} Check Brand safety → Domains in "
                f"{ctx.view.client_name}'s Business Settings.",
                evidence={**ev, "owned_domains_error": error})
        elif row.verified:
            yield ctx.passed(res, f"{row.domain} is verified and receives {row.events} events.",
                             evidence=ev)
        elif row.verified is None:
            yield ctx.passed(res, f"{row.domain} is listed among the client's domains "
                             "(the API did not report its verification status).", evidence=ev)
        else:
            status = f" (status: {row.status})" if row.listed else ""
            message = (f"{row.domain} receives {row.events} pixel events on "
                       f"{', '.join(sorted(row.hosts))} but is not verified in "
                       f"{ctx.view.client_name}'s Business Manager{status}.")
            if relaxed:
                yield ctx.warned(res, message + " (AEM mode relaxed: needed for link editing "
                                 "and brand safety.)", evidence=ev,
                                 remediation=_verify_fix(ctx, row.domain))
            else:
                yield ctx.failed(res, message, evidence=ev,
                                 remediation=_verify_fix(ctx, row.domain))


@check(
    "domains_owner_client",
    title="The client's domains are verified by the client, not another business",
    severity=Severity.HIGH,
    area="domains",
    # Either list alone can show a domain verified by the wrong business.
    uses=("business/owned_domains", "agency/owned_domains"),
    platform_changes=("domain-verif",),
)
def domains_owned_by_client(ctx: CheckContext) -> Iterator[Finding]:
    """Verification belongs in the domain owner's Business Manager: a domain verified by
    the agency or another business gives that business control over the client's events
    and link editing, and is lost when the relationship ends."""
    v = ctx.view
    available, owned_error = owned_domains_available(v)
    for row in sorted(ctx.facts.domain_rows.values(), key=lambda r: r.domain):
        if not (row.events or row.declared or row.listed):
            continue
        res = Resource("domain", row.domain)
        other = row.listed and row.owner_id not in (None, v.business_id)
        if other or row.agency_listed:
            who = (f"{row.owner_name or 'business'} ({row.owner_id})" if other
                   else f"the agency, {v.agency_name} ({v.agency_id})")
            yield ctx.failed(
                res, f"{row.domain} is verified by {who}, not by {v.client_name}.",
                evidence={"owner_business_id": row.owner_id, "listed_by_agency":
                          row.agency_listed, "client_business_id": v.business_id},
                remediation=(f"Have {who} remove {row.domain} (Business Settings → Brand "
                             f"safety → Domains → Remove), then verify it in "
                             f"{v.client_name}'s Business Manager and assign "
                             f"{v.agency_name} as a partner on it."))
        elif row.listed:
            yield ctx.passed(res, f"{row.domain} is verified by {v.client_name}.",
                             evidence={"owner_business_id": row.owner_id or v.business_id})
        elif not available:
            yield ctx.skipped(res, f"Who verified {row.domain} is unknown: Meta's API no "
                              "longer lists the domains a business has verified.",
                              evidence={"owned_domains_error": owned_error})


@check(
    "domains_declared_traffic",
    title="Every declared domain receives pixel traffic",
    severity=Severity.MEDIUM,
    area="domains",
    needs=("pixel/*/stats/host",),
)
def declared_domains_have_traffic(ctx: CheckContext) -> Iterator[Finding]:
    """A domain the agency believes belongs to the client but on which no pixel fired in
    the last 7 days means either the pixel is missing from that site, the site moved, or
    the config is out of date; its conversions are not measured."""
    v = ctx.view
    readable = [p for p in v.pixel_ids if v.stats_totals(p, "host") is not None]
    for row in sorted(ctx.facts.domain_rows.values(), key=lambda r: r.domain):
        if not row.declared:
            continue
        res = Resource("domain", row.domain)
        if row.events == 0:
            yield ctx.warned(
                res, f"{row.domain} is declared for {v.client_name} but no pixel fired on it "
                "in the last 7 days.", evidence={"pixels_checked": sorted(readable)},
                remediation=(f"Open the site on {row.domain} with the Meta Pixel Helper and "
                             "check the pixel loads; if the domain is no longer used, remove "
                             "it from the config."))
        else:
            yield ctx.passed(res, f"{row.domain} received {row.events} pixel events.",
                             evidence={"events_7d": row.events})
