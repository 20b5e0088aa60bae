"""Domain verification: domains receiving pixel traffic are verified by the client.

Verified domains come first from the client business's ``owned_domains`` edge where it
still answers; traffic comes from the pixels' ``stats`` by host, reduced to registrable
domains (eTLD+1). On current Graph versions the edge is gone (it answers #100 "nonexisting
field" for every business), so the checks read the verification markers the domains publish
(DNS TXT record, home-page meta tag, HTML file; :mod:`audit.facts.markers`) and compare
their codes with the client's. They never report "not verified" for data they could not
read: a missing marker is a warning (a file marker is invisible without its code, and a
domain can stay verified after its marker is removed), an unreachable domain is "not
checked", and without markers (an old snapshot, lookups off) verification is "not checked".
"""

from __future__ import annotations

from collections.abc import Iterator

from audit.evaluate.checks.registry import CheckContext, check
from audit.evaluate.checks.remedies import SETTINGS_URL
from audit.facts.domains import DomainRow, owned_domains_available
from audit.facts.markers import DomainMarkers, MarkerState
from audit.models import Finding, Resource, Severity


def _verify_fix(ctx: CheckContext, domain: str) -> str:
    v = ctx.view
    return (f"In {v.client_name}'s Business Settings ({SETTINGS_URL}?business_id="
            f"{v.business_id}): Brand safety → Domains → Add → enter {domain} → verify it with "
            "the DNS TXT record, the HTML file or the meta tag shown. Then open the domain → "
            f"Assign partner → enter {v.agency_id} ({v.agency_name}) if the agency must edit "
            "links or configure events for it.")


def _evidence(row: DomainRow) -> dict[str, object]:
    out: dict[str, object] = {
        "events_7d": row.events, "hosts": dict(sorted(row.hosts.items())),
        "pixels": sorted(row.pixels), "declared": row.declared,
        "owned_domains_status": row.status}
    if row.markers is not None and row.markers.state is not MarkerState.UNCHECKED:
        out.update(row.markers.evidence())
    return out


def _markers_answer(row: DomainRow) -> DomainMarkers | None:
    """The domain's markers when the run looked at them (or chose not to), else None."""
    m = row.markers
    return m if m is not None and m.state is not MarkerState.UNCHECKED else None


def _how(m: DomainMarkers, codes: list[str]) -> str:
    labels: list[str] = []
    for s in m.sightings:
        label = {"dns": "DNS record", "meta": "home-page tag", "file": "file on the site"}[
            s.method]
        if s.code in codes and label not in labels:
            labels.append(label)
    return " and ".join(labels)


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _other_business(ctx: CheckContext, m: DomainMarkers, row: DomainRow | None = None) -> str:
    v = ctx.view
    if m.by_agency or (row is not None and row.agency_listed):
        return f"the agency, {v.agency_name},"
    return "another business (for example the agency or a former agency)"


def _reverify_fix(ctx: CheckContext, domain: str, who: str) -> str:
    v = ctx.view
    return (f"An admin of {_possessive(v.client_name)} Business Manager "
            f"({SETTINGS_URL}?business_id={v.business_id}): Brand safety → Domains → Add → "
            f"enter {domain} → choose the DNS TXT record or the meta tag and have the web "
            f"developer add it, then Verify. Then ask {who} to remove {domain} from its "
            f"Business Manager and delete its marker, and assign {v.agency_name} "
            f"({v.agency_id}) as a partner on the domain if the agency needs it.")


def _find_code_fix(ctx: CheckContext, domain: str, listed_hint: str) -> str:
    v = ctx.view
    return (f"An admin of {_possessive(v.client_name)} Business Manager "
            f"({SETTINGS_URL}?business_id={v.business_id}): open Brand safety → Domains. "
            f"{listed_hint} If {domain} is not listed, or not verified: Add → enter it → "
            "choose the DNS TXT record or the meta tag, have the web developer add it, then "
            "Verify.")


def _marker_finding(ctx: CheckContext, row: DomainRow, m: DomainMarkers) -> Finding:
    """The four outcomes of reading a domain's markers, plus "not checked"."""
    v = ctx.view
    client = _possessive(v.client_name)
    res = Resource("domain", row.domain)
    ev = _evidence(row)
    traffic = f" and receives {row.events} pixel events" if row.events else ""
    lead = f"{row.domain} receives {row.events} pixel events but" if row.events else row.domain
    # "shop.com receives 12 pixel events and carries …" / "… found on shop.com, which …"
    carries = f"{row.domain} receives {row.events} pixel events and" if row.events \
        else row.domain
    which = f", which receives {row.events} pixel events" if row.events else ""
    if m.state is MarkerState.CLIENT:
        return ctx.passed(res, f"{row.domain} carries {client} verification code "
                          f"({_how(m, list(m.client_codes))}){traffic}.", evidence=ev)
    if m.state is MarkerState.OTHER:
        who = _other_business(ctx, m, row)
        return ctx.warned(
            res, f"{lead} is verified with a code that is not {client} "
            f"({_how(m, m.other_codes)}): {who} verified it, so {v.client_name} does not "
            "control the domain in its own Business Manager.",
            evidence=ev, remediation=_reverify_fix(ctx, row.domain, who))
    if m.state is MarkerState.UNKNOWN_CODE:
        return ctx.warned(
            res, f"{carries} carries a verification code "
            f"({_how(m, m.codes())}), but {client} own code is not known to this "
            f"audit, so it cannot tell whether {v.client_name} or another business verified "
            "it.", evidence=ev, remediation=_find_code_fix(
                ctx, row.domain, f"If {row.domain} is listed there as verified, send the code "
                f"shown for it to {v.agency_name} so the next audit can compare it."))
    if m.state is MarkerState.NONE:
        why = (f"Either {row.domain} is not verified, or its marker was removed after it "
               "was verified." if m.client_codes else
               f"Either {row.domain} is not verified, or it was verified with an HTML file, "
               f"which cannot be seen without knowing {client} code.")
        return ctx.warned(
            res, f"No verification marker found on {row.domain}{which}: its DNS records "
            f"and home page carry no Meta verification code. {why}", evidence=ev,
            remediation=_find_code_fix(
                ctx, row.domain, f"If {row.domain} is listed there as verified, send the "
                f"code shown for it to {v.agency_name} so the audit can check the HTML file."))
    if m.state is MarkerState.OFFLINE:
        return ctx.skipped(res, f"{row.domain}: not checked (offline run).", evidence=ev)
    return ctx.skipped(res, f"The verification markers of {row.domain} could not be read "
                       f"({m.reason}); verification not checked.", evidence=ev)


def _relaxed(ctx: CheckContext) -> bool:
    """The AEM model that applies: configured, or for ``auto`` shown by the client's data."""
    return ctx.analysis.priorities.effective_mode == "relaxed"


@check(
    "domains_traffic_verified",
    title="Every domain receiving pixel traffic is verified by the client",
    severity=Severity.HIGH,
    area="domains",
    # Which domains receive traffic comes from the host stats. owned_domains when it
    # answers, else the domains' own markers (not Graph reads: the check writes its own
    # "not checked" findings for them).
    needs=("pixel/*/stats/host",),
    uses=("business/owned_domains",),
    platform_changes=("domain-verif", "aem-relaxed", "owned-domains-edge"),
)
def traffic_domains_verified(ctx: CheckContext) -> Iterator[Finding]:
    """Aggregated Event Measurement configured events per verified domain, and Meta still
    uses verification to decide who may edit links and manage a domain's events. An
    unverified domain that receives conversions cannot be configured by the client, and
    anyone else could claim it. (On the relaxed AEM model verification is reported to be no
    longer required for event configuration, so the finding is a warning there.) When
    Meta's list of verified domains cannot be read, the markers the domains publish are
    read instead: the DNS TXT record, the home-page meta tag, or the HTML file."""
    rows = ctx.facts.domain_rows
    available, error = owned_domains_available(ctx.view)
    # From markers, declared domains are checked too: verification does not need traffic.
    traffic = [r for r in rows.values() if r.events > 0 or (
        not available and r.declared and _markers_answer(r) is not None)]
    relaxed = _relaxed(ctx)
    for row in sorted(traffic, key=lambda r: (-r.events, r.domain)):
        res = Resource("domain", row.domain)
        ev = _evidence(row)
        markers = _markers_answer(row)
        if not available and markers is not None:
            yield _marker_finding(ctx, row, markers)
        elif not available:
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
    # Either list alone can show a domain verified by the wrong business; without them,
    # the codes on the domains themselves (not Graph reads) say who verified it.
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
        elif not available and (markers := _markers_answer(row)) is not None:
            # From markers, only a code says who verified; "no marker" and "unreachable"
            # are reported once, by domains_traffic_verified.
            if markers.state is MarkerState.CLIENT:
                yield ctx.passed(res, f"{row.domain} is verified by {v.client_name}: its code "
                                 f"is on the domain ({_how(markers, list(markers.client_codes))}"
                                 ").", evidence=markers.evidence())
            elif markers.state is MarkerState.OTHER:
                who = _other_business(ctx, markers, row)
                yield ctx.warned(
                    res, f"{row.domain} carries a verification code that is not "
                    f"{_possessive(v.client_name)} ({_how(markers, markers.other_codes)}): {who} "
                    "verified it.", evidence=markers.evidence(),
                    remediation=_reverify_fix(ctx, row.domain, who))
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
