"""``Business`` node and its edges (pixels, ad accounts, owned domains, clients)."""

from __future__ import annotations

from typing import Any

from ..wire.call import Call, edge_body, node_body
from ..wire.errors import SandboxError, nonexisting_field, permission_error
from ..wire.serialize import account_dict, business_dict, domain_dict, pixel_dict
from . import access

EDGES = ("owned_pixels", "client_pixels", "adspixels", "owned_ad_accounts", "client_ad_accounts",
         "owned_domains", "clients", "agencies")


def node(call: Call, business_id: str) -> dict[str, Any]:
    """``GET /{business_id}/``."""
    if call.method != "GET":
        raise SandboxError("(#100) The sandbox does not support updating businesses")
    access.require_scope(call.world, call.user, access.BUSINESS)
    return node_body(call, business_dict(call.world.businesses[business_id]), "Business")


def edge(call: Call, business_id: str, name: str) -> dict[str, Any]:
    """``GET /{business_id}/{edge}``."""
    if name not in EDGES:
        raise nonexisting_field(name, "Business")
    if call.method != "GET":
        raise SandboxError(f"(#100) The sandbox does not support {call.method} on {name}")
    world, token = call.world, call.user
    access.require_scope(world, token, access.BUSINESS)
    if name == "owned_domains":
        return _owned_domains(call, business_id)
    if name in ("clients", "agencies"):
        return edge_body(call, business_id, name, _partners(call, business_id, name), "Business")
    if name.endswith("ad_accounts"):
        owned = name == "owned_ad_accounts"
        accounts = [account_dict(world, a) for a in world.ad_accounts.values()
                    if (a.owner_business == business_id if owned else business_id in a.agencies)
                    and access.can_see_account(token, a)]
        return edge_body(call, business_id, name, accounts, "AdAccount")
    pixels: list[dict[str, Any]] = []
    for pixel in world.pixels.values():
        if not access.can_see_pixel(token, pixel):
            continue
        share = next((s for s in pixel.shared_with if s.business == business_id), None)
        if name == "owned_pixels" and pixel.owner_business == business_id:
            pixels.append(pixel_dict(world, pixel))
        elif name == "client_pixels" and share:
            pixels.append({**pixel_dict(world, pixel), "permitted_tasks": share.tasks})
        elif name == "adspixels" and (pixel.owner_business == business_id or share):
            pixels.append(pixel_dict(world, pixel))
    if name == "adspixels":
        pixels = _filter_pixels(call, pixels)
    extras = ("permitted_tasks",) if name == "client_pixels" else ()
    return edge_body(call, business_id, name, pixels, "AdsPixel", extras=extras,
                     default_extras=extras)


def _filter_pixels(call: Call, pixels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    id_filter = call.params.get("id_filter")
    name_filter = (call.params.get("name_filter") or "").lower()
    out = [p for p in pixels if (not id_filter or p["id"] == id_filter)
           and name_filter in p["name"].lower()]
    if call.params.get("sort_by") == "NAME":
        out.sort(key=lambda p: p["name"].lower())
    elif call.params.get("sort_by") == "LAST_FIRED_TIME":
        out.sort(key=lambda p: p.get("last_fired_time", ""), reverse=True)
    return out


def _owned_domains(call: Call, business_id: str) -> dict[str, Any]:
    world = call.world
    mode = world.businesses[business_id].owned_domains_mode
    if mode == "nonexisting_field":
        raise nonexisting_field("owned_domains", "Business")
    if mode == "permission_error":
        raise permission_error("(#200) Requires business_management permission to manage the "
                               "object", world.settings.permission_http_status)
    domains = [domain_dict(world, d) for d in world.domains.values()
               if d.owner_business == business_id]
    return edge_body(call, business_id, "owned_domains", domains, "OwnedDomain",
                     summary=False, paged=False)


def _partners(call: Call, business_id: str, name: str) -> list[dict[str, Any]]:
    world, token = call.world, call.user
    if name == "clients":
        ids = list(world.businesses[business_id].clients)
    else:
        ids = []
        for pixel in world.pixels.values():
            if pixel.owner_business == business_id:
                ids.extend(s.business for s in pixel.shared_with if s.business not in ids)
        for account in world.ad_accounts.values():
            if account.owner_business == business_id:
                ids.extend(a for a in account.agencies if a not in ids)
    return [business_dict(world.businesses[b]) for b in ids
            if access.can_see_business(world, token, b)]
