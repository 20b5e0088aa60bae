"""Inventories: what the audit found, as tables for the CLI, run.json and the report.

Domains (verified, where the pixels fire, declared), pixel access (partners, tasks,
assigned users, connected ad accounts) and event usage (browser/server counts, the ad sets
optimising for each event, Conversions API quality). Pure functions of a snapshot view.
"""

from __future__ import annotations

from typing import Any

from audit.facts.domains import owned_domains_available
from audit.facts.facts import Facts
from audit.facts.markers import markers_mode
from audit.facts.rule_specs import parse_spec
from audit.facts.view import SnapshotView, str_list, to_str
from audit.models import spec_hash


def access_rows(view: SnapshotView) -> list[dict[str, Any]]:
    """Per pixel: partners and tasks, assigned users, connected ad accounts."""
    out = []
    for pixel in view.pixels:
        partners, _ = view.partners(pixel.id)
        agency, unknown = view.agency_access(pixel.id)
        users = view.get(f"pixel/{pixel.id}/assigned_users/{view.agency_id}")
        accounts = connected_accounts(view, pixel.id)
        out.append({
            "pixel_id": pixel.id, "pixel_name": pixel.name,
            "readable": not (pixel.read is not None and pixel.read.error and
                             not pixel.read.partial),
            "partners": None if partners is None else [
                {"business_id": p.business_id, "name": p.name,
                 "tasks": sorted(p.tasks) if p.tasks is not None else None} for p in partners],
            "agency_shared": None if unknown else agency is not None,
            "agency_tasks": sorted(agency.tasks) if agency and agency.tasks is not None else None,
            "agency_users": None if users is None or (users.error and not users.partial) else [
                {"id": to_str(u.get("id")), "name": to_str(u.get("name")),
                 "type": to_str(u.get("user_type")), "tasks": str_list(u.get("tasks"))}
                for u in users.items()],
            "ad_accounts": sorted(accounts),
        })
    return out


def connected_accounts(view: SnapshotView, pixel_id: str) -> set[str]:
    """Ad accounts the pixel is connected to (from both sides of the connection)."""
    out: set[str] = set()
    for account in view.client.ad_accounts:
        res = view.get(f"adaccount/{account}/adspixels")
        if res and any(to_str(i.get("id")) == pixel_id for i in res.items()):
            out.add(str(account))
    shared = view.get(f"pixel/{pixel_id}/shared_accounts")
    for item in shared.items() if shared else []:
        acc = to_str(item.get("id"))
        if acc:
            out.add(acc if acc.startswith("act_") else f"act_{acc}")
    return out


def event_rows(facts: Facts) -> list[dict[str, Any]]:
    """Per pixel and event: counts, server share, ad sets, spend and data quality (ad set
    counts and spend are None, unknown, when those reads failed)."""
    adsets, spend = facts.adsets_read, facts.adsets_read and facts.spend_read
    out = []
    for pixel in facts.view.pixels:
        usage = facts.event_usage(pixel.id)
        quality = facts.dataset_quality(pixel.id) or {}
        for name, u in sorted((usage or {}).items(), key=lambda kv: (-kv[1].total, kv[0])):
            q = quality.get(name)
            out.append({
                "pixel_id": pixel.id, "pixel_name": pixel.name, "event": name,
                "total_7d": u.total, "browser_7d": u.browser, "server_7d": u.server,
                "server_share": round(u.server_share, 4) if u.server_share is not None else None,
                "last_seen": u.last_seen.isoformat() if u.last_seen else None,
                "adsets": len(u.adsets) if adsets else None,
                "active_adsets": sum(a.active for a in u.adsets) if adsets else None,
                "spend_28d": u.spend if spend else None,
                "match_quality": q.match_quality if q else None,
                "coverage_percent": q.coverage_percent if q else None,
                "dedup_percent": q.dedup.best_percent if q and q.dedup else None,
            })
    return out


def optimised_adsets(facts: Facts) -> list[dict[str, Any]]:
    """Ad sets with a pixel conversion goal, and their 28-day spend."""
    return [{"id": a.id, "name": a.name, "account": a.account_id, "pixel_id": a.pixel_id,
             "event": a.event, "custom_conversion_id": a.custom_conversion_id,
             "status": a.effective_status, "optimization_goal": a.optimization_goal,
             "spend_28d": a.spend if facts.spend_read else None}
            for a in facts.adsets if a.pixel_id or a.custom_conversion_id]


def snapshot_assets(facts: Facts) -> dict[str, dict[str, str]]:
    """Assets whose changes the history reports: pixels, domain verification, rule specs."""
    view = facts.view
    out: dict[str, dict[str, str]] = {"pixel": {}, "domain_verified": {}, "rule": {}}
    for pixel in view.pixels:
        if pixel.read is not None and (pixel.read.succeeded or pixel.read.partial):
            out["pixel"][pixel.id] = pixel.name or ""
    if owned_domains_available(view)[0]:
        for row in facts.domain_rows.values():
            if row.listed or row.events or row.declared:
                out["domain_verified"][row.domain] = "yes" if row.verified is not False else "no"
    else:
        # From markers: the client's code seen is "yes"; another code or none seen is "no".
        for row in facts.domain_rows.values():
            verified = row.markers.state.verified if row.markers else None
            if verified is not None:
                out["domain_verified"][row.domain] = "yes" if verified else "no"
    for account in view.client.ad_accounts:
        res = view.get(f"adaccount/{account}/rules")
        for rule in res.items() if res else []:
            rid = to_str(rule.get("id"))
            if rid:
                key = f"{rid}|{to_str(rule.get('name')) or ''}"
                spec, _ = parse_spec(rule.get("evaluation_spec"))  # may arrive as JSON text
                out["rule"][key] = spec_hash(spec if spec is not None
                                             else rule.get("evaluation_spec"))
    return out


def sections(facts: Facts) -> dict[str, Any]:
    """All inventories, as stored in run.json ``sections``."""
    view = facts.view
    available, error = owned_domains_available(view)
    rows = []
    for row in sorted(facts.domain_rows.values(), key=lambda r: (-r.events, r.domain)):
        data = row.to_dict()
        if not available and row.markers is not None:
            data["verified"] = row.markers.state.verified  # from the domain's own markers
        rows.append(data)
    return {
        "domains": {
            "owned_domains_available": available, "owned_domains_error": error,
            "markers": markers_mode(view) or "unchecked",
            "rows": rows,
        },
        "access": {"rows": access_rows(view)},
        "events": {"rows": event_rows(facts), "adsets": optimised_adsets(facts),
                   "window": dict(view.snap.window)},
    }
