"""``/me`` (and its permissions/businesses/adaccounts edges), ``/debug_token`` and the
``OwnedDomain`` node."""

from __future__ import annotations

from typing import Any

from ..wire.call import Call, edge_body, node_body, required
from ..wire.errors import SandboxError, nonexisting_field
from ..wire.serialize import account_dict, business_dict, domain_dict, user_dict
from ..world.model import Token
from ..world.timeutil import unix
from . import access


def me_node(call: Call) -> dict[str, Any]:
    """``GET /me``."""
    if call.method != "GET":
        raise SandboxError("(#100) Unsupported request method on User")
    return node_body(call, user_dict(call.user), "User")


def me_edge(call: Call, name: str) -> dict[str, Any]:
    """``GET /me/permissions``, ``/me/businesses``, ``/me/adaccounts``."""
    token, world = call.user, call.world
    user_id = token.user_id
    if name == "permissions":
        rows = [{"permission": s, "status": "granted"} for s in token.scopes]
        rows += [{"permission": s, "status": "declined"} for s in token.declined]
        return {"data": rows}
    if name == "businesses":
        access.require_scope(world, token, access.BUSINESS)
        items = [business_dict(world.businesses[b]) for b in sorted(access.home(token) or
                                                                   world.businesses)]
        return edge_body(call, user_id, name, items, "Business")
    if name == "adaccounts":
        access.require_scope(world, token, access.READ_ADS)
        items = [account_dict(world, a) for a in world.ad_accounts.values()
                 if access.can_see_account(token, a)]
        return edge_body(call, user_id, name, items, "AdAccount")
    raise nonexisting_field(name, "User")


def debug_token(call: Call) -> dict[str, Any]:
    """``GET /debug_token?input_token=…`` — describes a token; invalid ones are reported
    inside ``data`` (``is_valid: false`` plus an ``error`` object), not as a request error."""
    text = required(call, "input_token")
    world = call.world
    token = world.tokens.get(text)
    if token is None:
        return {"data": {"error": {"code": 190, "message": "Invalid OAuth access token."},
                         "is_valid": False, "scopes": []}}
    data: dict[str, Any] = {
        "app_id": world.app.id,
        "type": token.user_type,
        "application": world.app.name,
        "data_access_expires_at": unix(token.data_access_expires_at)
        if token.data_access_expires_at else 0,
        "expires_at": unix(token.expires_at) if token.expires_at else 0,
        "is_valid": True,
        "issued_at": unix(token.issued_at) if token.issued_at else 0,
        "scopes": list(token.scopes),
        "granular_scopes": _granular(token),
        "user_id": token.user_id,
    }
    if not token.valid:
        data["is_valid"] = False
        data["error"] = {"code": 190, "subcode": 460, "message":
                         "Error validating access token: The session has been invalidated "
                         "because the user changed their password."}
    elif token.expires_at is not None and token.expires_at <= call.now:
        data["is_valid"] = False
        data["error"] = {"code": 190, "subcode": 463, "message":
                         "Error validating access token: Session has expired."}
    return {"data": data}


def _granular(token: Token) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for scope in token.scopes:
        entry: dict[str, Any] = {"scope": scope}
        targets = token.granular_targets.get(scope)
        if targets is None and scope == "business_management" and token.businesses:
            targets = list(token.businesses)
        if targets:
            entry["target_ids"] = targets
        out.append(entry)
    return out


def domain_node(call: Call, domain_id: str) -> dict[str, Any]:
    """``GET /{owned_domain_id}/``."""
    if call.method != "GET":
        raise SandboxError("(#100) Unsupported request method on OwnedDomain")
    access.require_scope(call.world, call.user, access.BUSINESS)
    domain = call.world.domains[domain_id]
    return node_body(call, domain_dict(call.world, domain), "OwnedDomain")
