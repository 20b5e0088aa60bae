"""``AdsPixel`` node and edges: sharing, assigned users, accounts, checks, stats, last fired,
and the Conversions API ``POST /{pixel}/events``."""

from __future__ import annotations

import json
from typing import Any

from ..wire.call import Call, edge_body, node_body, required
from ..wire.errors import (
    SandboxError,
    enum_error,
    invalid_param,
    new_trace_id,
    nonexisting_field,
    permission_error,
)
from ..wire.serialize import account_dict, business_dict, business_ref, pixel_dict
from ..world.model import Pixel
from ..world.timeutil import unix
from . import access
from .capi import record_events, record_receipt, validate_event
from .pixel_stats import host_last_fired, pixel_stats

READ_EDGES = ("da_checks", "stats", "domain_last_fired_time", "event_last_fired_time")
BUSINESS_EDGES = ("agencies", "shared_agencies", "assigned_users", "shared_accounts",
                  "adaccounts")
UPDATABLE = ("name", "data_use_setting", "first_party_cookie_status", "enable_automatic_matching",
             "automatic_matching_fields")


def node(call: Call, pixel_id: str) -> dict[str, Any]:
    """``GET`` or ``POST /{pixel_id}/``."""
    pixel = call.world.pixels[pixel_id]
    if call.method == "POST":
        return _update(call, pixel)
    access.require_scope(call.world, call.user, access.READ_ADS)
    return node_body(call, pixel_dict(call.world, pixel), "AdsPixel")


def _update(call: Call, pixel: Pixel) -> dict[str, Any]:
    access.require_scope(call.world, call.user, access.WRITE_ADS)
    _require_task(call, pixel, "EDIT")
    for key, raw in call.params.items():
        if key in ("access_token", "appsecret_proof"):
            continue
        if key not in UPDATABLE:
            raise invalid_param(f"Param {key} is not a valid parameter for this request")
        if key == "name":
            pixel.name = raw
        else:
            pixel.fields[key] = json.loads(raw) if raw[:1] in "[{tf" else raw
    return {"success": True}


def _require_task(call: Call, pixel: Pixel, task: str) -> None:
    if task not in access.pixel_tasks(call.user, pixel):
        raise permission_error(f"(#200) The business does not have the {task} permission on "
                               "this dataset", call.world.settings.permission_http_status)


def edge(call: Call, pixel_id: str, name: str) -> dict[str, Any]:
    """``/{pixel_id}/{edge}``."""
    world, pixel = call.world, call.world.pixels[pixel_id]
    if name == "events" and call.method == "POST":
        return _capi(call, pixel)
    if name not in READ_EDGES + BUSINESS_EDGES:
        raise nonexisting_field(name, "AdsPixel")
    if call.method != "GET":
        raise SandboxError(f"(#100) The sandbox does not support {call.method} on {name}")
    access.require_scope(world, call.user,
                         access.BUSINESS if name in BUSINESS_EDGES else access.READ_ADS)
    if name in ("agencies", "shared_agencies"):
        items = [{**business_dict(world.businesses[s.business]), "permitted_tasks": s.tasks,
                  "permitted_roles": s.roles} for s in pixel.shared_with]
        extras = ("permitted_tasks", "permitted_roles") if name == "agencies" else ()
        return edge_body(call, pixel_id, name, items, "Business", extras=extras,
                         default_extras=extras)
    if name == "assigned_users":
        business = required(call, "business")
        users = [{**u, "business": business_ref(world, u["business"])}
                 for u in pixel.assigned_users if u["business"] == business]
        extras = ("tasks", "permitted_tasks")
        return edge_body(call, pixel_id, name, users, "AssignedUser", extras=extras,
                         default_extras=extras)
    if name in ("shared_accounts", "adaccounts"):
        business = required(call, "business")
        accounts = [account_dict(world, world.ad_accounts[a]) for a in pixel.ad_accounts
                    if world.ad_accounts[a].owner_business == business
                    or business in world.ad_accounts[a].agencies]
        return edge_body(call, pixel_id, name, accounts, "AdAccount",
                         summary=False, paged=name == "adaccounts")
    if name == "da_checks":
        return edge_body(call, pixel_id, name, _da_checks(call, pixel), "DACheck", summary=False)
    if name == "stats":
        items = pixel_stats(pixel, call.params, call.now, world.runtime.extra_counts)
        return edge_body(call, pixel_id, name, items, "AdsPixelStatsResult", summary=False)
    if name == "domain_last_fired_time":
        return edge_body(call, pixel_id, name, _domains_fired(call, pixel),
                         "AdsPixelDomainLastFiredTime", summary=False)
    fired = [{"event": e.name, "last_fired_time": unix(max(m for m in (e.last_fired,
                                                                          e.server_last_fired)
                                                           if m))}
             for e in pixel.events.values() if e.last_fired or e.server_last_fired]
    wanted = call.params.get("event")
    items = [f for f in fired if not wanted or f["event"] == wanted]
    return edge_body(call, pixel_id, name, items, "AdsPixelEventLastFiredTime", summary=False)


def _da_checks(call: Call, pixel: Pixel) -> list[dict[str, Any]]:
    method = call.params.get("connection_method")
    if method and method not in ("ALL", "APP", "BROWSER", "SERVER"):
        raise enum_error("connection_method", ("ALL", "APP", "BROWSER", "SERVER"))
    raw = call.params.get("checks")
    wanted: list[str] | None = None
    if raw:
        try:
            decoded = json.loads(raw)
        except ValueError:
            decoded = [c.strip() for c in raw.split(",")]
        if not isinstance(decoded, list):
            raise invalid_param("Param checks must be a list of strings")
        wanted = [str(c) for c in decoded]
    return [dict(c) for c in pixel.da_checks if wanted is None or c.get("key") in wanted]


def _domains_fired(call: Call, pixel: Pixel) -> list[dict[str, Any]]:
    raw = required(call, "domain_name_list")
    try:
        names = json.loads(raw)
    except ValueError:
        names = [n.strip() for n in raw.split(",") if n.strip()]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise invalid_param("Param domain_name_list must be an array of strings")
    out: list[dict[str, Any]] = []
    for name in names:
        fired = host_last_fired(pixel, name.lower())
        entry: dict[str, Any] = {"domain_name": name}
        if fired is not None:
            entry["last_fired_time"] = unix(fired)
        out.append(entry)
    return out


def _capi(call: Call, pixel: Pixel) -> dict[str, Any]:
    access.require_scope(call.world, call.user, access.WRITE_ADS)
    _require_task(call, pixel, "UPLOAD")
    raw = required(call, "data")
    try:
        events = json.loads(raw)
    except ValueError:
        raise invalid_param("Param data must be a JSON array of events") from None
    if not isinstance(events, list) or not 1 <= len(events) <= 1000:
        raise invalid_param("Param data must be an array of 1 to 1000 events")
    parsed = [validate_event(item, i, call.now) for i, item in enumerate(events)]
    test_code = call.params.get("test_event_code") or None
    if not test_code:
        record_events(call.world, pixel, parsed)
    trace = new_trace_id()
    record_receipt(call.world, pixel, parsed, test_code, trace, call.now)
    return {"events_received": len(parsed), "messages": [], "fbtrace_id": trace}

