"""Pixel partner access: is each client pixel shared with the agency, with the right tasks."""

from __future__ import annotations

from collections.abc import Iterator

from audit.evaluate.checks.registry import CheckContext, check
from audit.evaluate.checks.remedies import assign_pixel_partner, assign_system_user
from audit.facts.inventory import connected_accounts
from audit.facts.view import Partner, Pixel
from audit.models import Actor, Finding, Resource, Severity

# EDIT (manage the dataset) is the broadest pixel task; we treat it as including the others.
IMPLIED_BY_EDIT = frozenset({"ANALYZE", "ADVERTISE", "UPLOAD"})


def _resource(pixel: Pixel) -> Resource:
    return Resource("pixel", pixel.id, pixel.name)


def _agency_partner(ctx: CheckContext, pixel: Pixel) -> tuple[Partner | None, str | None]:
    """The agency's partner entry, or the reason it cannot be known (None, reason): from the
    pixel's partner edges or the agency's own list of client pixels."""
    return ctx.view.agency_access(pixel.id)


def effective_tasks(tasks: frozenset[str]) -> frozenset[str]:
    """Tasks including those implied by EDIT."""
    return tasks | IMPLIED_BY_EDIT if "EDIT" in tasks else tasks


@check(
    "access_pixel_shared",
    title="Every client pixel is shared with the agency's business",
    severity=Severity.CRITICAL,
    area="access",
    actor=Actor.CLIENT_ADMIN,
    # Either partner edge will do, and an unreadable pixel node is itself a finding.
    uses=("pixel/*/agencies", "agency/client_pixels", "pixel/*/shared_agencies"),
    platform_changes=("domain-verif",),
)
def pixel_shared_with_agency(ctx: CheckContext) -> Iterator[Finding]:
    """Without partner access to the client's pixel the agency cannot see its events,
    choose the events to prioritise, connect it to ad accounts or send server events:
    every later step of the iOS 14 checklist depends on it."""
    v = ctx.view
    for pixel in v.pixels:
        res = _resource(pixel)
        fix = assign_pixel_partner(v.client_name, v.business_id, pixel.label, v.agency_name,
                                   v.agency_id, ["Analyze", "Advertise", "Upload"])
        node = pixel.read
        listed = v.agency_client_pixel(pixel.id) is not None
        if (node is not None and node.error_kind in ("permission", "auth") and not node.partial
                and not listed):
            yield ctx.failed(
                res,
                f"The agency's token cannot read pixel {pixel.label} "
                f"({node.error_kind} error {node.error_code}): it is not shared with "
                f"{v.agency_name}, or not with the audit's system user.",
                evidence={"pixel_read_error": dict(node.error or {})},
                remediation=fix,
            )
            continue
        partner, unknown = _agency_partner(ctx, pixel)
        if unknown:
            yield ctx.skipped(res, f"Could not read who pixel {pixel.label} is shared with "
                              f"({unknown}); access not verified.")
        elif partner is None:
            partners, _ = v.partners(pixel.id)
            yield ctx.failed(
                res,
                f"Pixel {pixel.label} is not shared with {v.agency_name} "
                f"(business {v.agency_id}).",
                evidence={"partners": [p.business_id for p in partners or []]},
                remediation=fix,
            )
        else:
            yield ctx.passed(res, f"Pixel {pixel.label} is shared with {v.agency_name}.",
                             evidence={"agency_business_id": v.agency_id,
                                       "source": partner.source})


@check(
    "access_pixel_tasks",
    title="The agency holds the pixel tasks it needs (analyze, advertise, upload)",
    severity=Severity.HIGH,
    area="access",
    actor=Actor.CLIENT_ADMIN,
    # Tasks come from the pixel's agencies edge or, when that is closed, the agency's own
    # client_pixels list: either will do, so neither is required.
    uses=("pixel/*/agencies", "agency/client_pixels", "pixel/*/shared_agencies"),
    params={"required_tasks": ["ANALYZE", "ADVERTISE"], "recommended_tasks": ["UPLOAD"]},
    platform_changes=("ios14-att",),
)
def pixel_agency_tasks(ctx: CheckContext) -> Iterator[Finding]:
    """ANALYZE lets the agency audit events and prioritise them, ADVERTISE lets it connect
    the pixel to ad accounts and optimise for its events, and UPLOAD lets it send
    Conversions API events on the client's behalf. A partner entry without the right
    tasks looks like access but breaks campaigns and server-side tracking."""
    v = ctx.view
    required = [str(t).upper() for t in ctx.params["required_tasks"]]
    recommended = [str(t).upper() for t in ctx.params["recommended_tasks"]]
    for pixel in v.pixels:
        res = _resource(pixel)
        partner, unknown = _agency_partner(ctx, pixel)
        if unknown:
            yield ctx.skipped(res, f"Could not read which tasks {v.agency_name} holds on pixel "
                              f"{pixel.label} ({unknown}).")
            continue
        if partner is None:
            continue  # not shared at all: reported by access_pixel_shared
        if partner.tasks is None:
            yield ctx.skipped(res, f"Pixel {pixel.label} is shared with {v.agency_name}, but "
                              "the API did not report which tasks.")
            continue
        tasks = effective_tasks(partner.tasks)
        missing = [t for t in required if t not in tasks]
        missing_rec = [t for t in recommended if t not in tasks]
        evidence = {"permitted_tasks": sorted(partner.tasks), "required": required,
                    "recommended": recommended, "source": partner.source}
        fix = assign_pixel_partner(v.client_name, v.business_id, pixel.label, v.agency_name,
                                   v.agency_id, [t.title() for t in missing + missing_rec])
        if missing:
            yield ctx.failed(res, f"{v.agency_name} lacks {', '.join(missing)} on pixel "
                             f"{pixel.label} (has {', '.join(sorted(partner.tasks)) or 'none'}).",
                             evidence=evidence, remediation=fix)
        elif missing_rec:
            yield ctx.warned(res, f"{v.agency_name} lacks {', '.join(missing_rec)} on pixel "
                             f"{pixel.label}: it cannot send Conversions API events for the "
                             "client.", evidence=evidence, remediation=fix)
        else:
            yield ctx.passed(res, f"{v.agency_name} holds {', '.join(sorted(partner.tasks))} "
                             f"on pixel {pixel.label}.", evidence=evidence)


@check(
    "access_pixel_users",
    title="Someone in the agency is assigned to each shared pixel",
    severity=Severity.MEDIUM,
    area="access",
    actor=Actor.AGENCY,
    needs=("pixel/*/assigned_users/*",),
)
def agency_users_assigned(ctx: CheckContext) -> Iterator[Finding]:
    """Partner access lets the agency's business hold the pixel, but people and system
    users still need the pixel assigned to them: without that, the audit's system user
    and the account managers see nothing, and automations fail with permission errors."""
    v = ctx.view
    for pixel in v.pixels:
        partner, unknown = _agency_partner(ctx, pixel)
        if unknown or partner is None:
            continue
        res = _resource(pixel)
        users = v.get(f"pixel/{pixel.id}/assigned_users/{v.agency_id}")
        if users is None or (users.error and not users.partial):
            yield ctx.skipped(res, f"Could not read who in {v.agency_name} is assigned to "
                              f"{pixel.label}.")
            continue
        people = [{"id": u.get("id"), "name": u.get("name"), "type": u.get("user_type"),
                   "tasks": u.get("tasks")} for u in users.items()]
        with_tasks = [p for p in people if p["tasks"]]
        if with_tasks:
            yield ctx.passed(res, f"{len(with_tasks)} {v.agency_name} user(s) assigned to "
                             f"{pixel.label}.", evidence={"users": people})
        else:
            yield ctx.warned(res, f"{pixel.label} is shared with {v.agency_name}, but no one "
                             "in the agency is assigned to it.", evidence={"users": people},
                             remediation=assign_system_user(pixel.label, v.agency_name))


@check(
    "access_pixel_accounts",
    title="Each live pixel is connected to the client ad accounts that advertise",
    severity=Severity.HIGH,
    area="access",
    actor=Actor.CLIENT_ADMIN,
    # Which accounts advertise, and for which pixels, comes from the ad sets: without them
    # nothing can be said. Connections come from either side, and stats only tell whether a
    # pixel is live.
    needs=("adaccount/*/adsets",),
    uses=("adaccount/*/adspixels", "pixel/*/shared_accounts", "pixel/*/stats/event"),
)
def pixel_connected_to_accounts(ctx: CheckContext) -> Iterator[Finding]:
    """An ad account can only optimise for and report on a pixel's events when the pixel
    is connected to it. A live pixel missing from an account that advertises means its
    conversions never appear in that account's reports; ad sets that name a pixel their
    account is not connected to cannot deliver for it."""
    v = ctx.view
    all_sets = ctx.facts.adsets
    advertising = sorted(acc for acc in v.client.ad_accounts
                         if any(a.account_id == acc and (a.active or a.spend > 0)
                                for a in all_sets))
    for pixel in v.pixels:
        if pixel.read is not None and pixel.read.error and not pixel.read.partial:
            continue
        res = _resource(pixel)
        totals = v.stats_totals(pixel.id)
        live = bool(totals and sum(totals.values()) > 0)
        connected = connected_accounts(v, pixel.id)
        users = sorted({a.account_id for a in all_sets if a.pixel_id == pixel.id})
        needed = sorted(set(users) | (set(advertising) if live else set()))
        missing = [acc for acc in needed if acc not in connected]
        evidence = {"connected": sorted(connected), "accounts_using_it": users,
                    "advertising_accounts": advertising, "fired_last_7_days": live}
        fix = (f"In {v.client_name}'s Business Settings: Data sources → Pixels → {pixel.label} "
               f"→ Connected assets → Add assets → select {', '.join(missing)} → Add.")
        broken = [acc for acc in missing if acc in users]
        if broken:
            yield ctx.failed(res, f"Ad sets in {', '.join(broken)} optimise for {pixel.label}, "
                             "which is not connected to that account.",
                             evidence={**evidence, "missing": missing}, remediation=fix)
        elif missing:
            yield ctx.warned(res, f"{pixel.label} receives events but is not connected to "
                             f"{', '.join(missing)}, which advertises for {v.client_name}: "
                             "its conversions are not reported there.",
                             evidence={**evidence, "missing": missing}, remediation=fix)
        elif needed:
            yield ctx.passed(res, f"{pixel.label} is connected to every advertising account "
                             f"({', '.join(needed)}).", evidence=evidence)
