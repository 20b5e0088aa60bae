"""``AdAccount``, ``Campaign``, ``AdSet`` and ``CustomConversion`` nodes and their list edges.

Insights live in ``insights.py`` and rules in ``rules.py``.
"""

from __future__ import annotations

import json
from typing import Any

from ..wire.call import Call, edge_body, node_body
from ..wire.errors import SandboxError, invalid_param, nonexisting_field
from ..wire.serialize import (
    account_dict,
    adset_dict,
    campaign_dict,
    custom_conversion_dict,
    pixel_dict,
)
from . import access, insights, rules
from .insights_params import matches

# Real edges the sandbox does not model: answered with an empty list.
UNMODELLED_EDGES = ("ads", "adcreatives", "customaudiences", "users", "activities")
HIDDEN_BY_DEFAULT = ("ARCHIVED", "DELETED")


def account_node(call: Call, account_id: str) -> dict[str, Any]:
    """``GET /act_<id>/``."""
    _read_only(call, "ad accounts")
    access.require_scope(call.world, call.user, access.READ_ADS)
    return node_body(call, account_dict(call.world, call.world.ad_accounts[account_id]),
                     "AdAccount")


def account_edge(call: Call, account_id: str, name: str) -> dict[str, Any]:
    """``/act_<id>/{edge}``."""
    world = call.world
    if name == "insights":
        return insights.insights(call, account_id, "AdAccount")
    if name == "adrules_library":
        return rules.library(call, account_id)
    access.require_scope(world, call.user, access.READ_ADS)
    if call.method != "GET":
        raise SandboxError(f"(#100) The sandbox does not support {call.method} on {name}")
    if name == "adspixels":
        account = world.ad_accounts[account_id]
        items = [pixel_dict(world, world.pixels[p]) for p in account.pixels]
        return edge_body(call, account_id, name, items, "AdsPixel")
    if name == "campaigns":
        items = [campaign_dict(c) for c in world.campaigns.values()
                 if c.account_id == account_id]
        return edge_body(call, account_id, name, _filtered(call, items), "Campaign")
    if name == "adsets":
        items = [adset_dict(world, a) for a in world.adsets.values()
                 if a.account_id == account_id]
        return edge_body(call, account_id, name, _filtered(call, items), "AdSet")
    if name == "customconversions":
        items = [custom_conversion_dict(c) for c in world.custom_conversions.values()
                 if c.account_id == account_id]
        return edge_body(call, account_id, name, items, "CustomConversion")
    if name in UNMODELLED_EDGES:
        return {"data": []}
    raise nonexisting_field(name, "AdAccount")


def _filtered(call: Call, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    statuses: list[str] | None = None
    raw = call.params.get("effective_status")
    if raw:
        try:
            decoded = json.loads(raw)
        except ValueError:
            decoded = [s.strip() for s in raw.split(",")]
        if not isinstance(decoded, list):
            raise invalid_param("Param effective_status must be an array")
        statuses = [str(s) for s in decoded]
    out = [i for i in items if (i.get("effective_status") in statuses if statuses is not None
                                else i.get("effective_status") not in HIDDEN_BY_DEFAULT)]
    raw_filter = call.params.get("filtering")
    if raw_filter:
        try:
            conditions = json.loads(raw_filter)
        except ValueError:
            raise invalid_param("Param filtering must be a JSON array") from None
        if not isinstance(conditions, list):
            raise invalid_param("Param filtering must be a JSON array")
        for cond in conditions:
            if not isinstance(cond, dict) or not {"field", "operator", "value"} <= set(cond):
                raise invalid_param("Param filtering must be a list of {field, operator, value}")
            key = str(cond["field"]).split(".")[-1]
            out = [i for i in out if matches(i.get(key), str(cond["operator"]), cond["value"])]
    return out


def campaign_node(call: Call, campaign_id: str) -> dict[str, Any]:
    """``GET /{campaign_id}/``."""
    _read_only(call, "campaigns")
    access.require_scope(call.world, call.user, access.READ_ADS)
    return node_body(call, campaign_dict(call.world.campaigns[campaign_id]), "Campaign")


def campaign_edge(call: Call, campaign_id: str, name: str) -> dict[str, Any]:
    """``/{campaign_id}/adsets`` and ``/insights``."""
    if name == "insights":
        return insights.insights(call, campaign_id, "Campaign")
    if name != "adsets":
        if name == "ads":
            return {"data": []}
        raise nonexisting_field(name, "Campaign")
    _read_only(call, "adsets")
    access.require_scope(call.world, call.user, access.READ_ADS)
    world = call.world
    items = [adset_dict(world, a) for a in world.adsets.values() if a.campaign_id == campaign_id]
    return edge_body(call, campaign_id, name, _filtered(call, items), "AdSet")


def adset_node(call: Call, adset_id: str) -> dict[str, Any]:
    """``GET /{adset_id}/``."""
    _read_only(call, "ad sets")
    access.require_scope(call.world, call.user, access.READ_ADS)
    return node_body(call, adset_dict(call.world, call.world.adsets[adset_id]), "AdSet")


def adset_edge(call: Call, adset_id: str, name: str) -> dict[str, Any]:
    """``/{adset_id}/insights``."""
    if name == "insights":
        return insights.insights(call, adset_id, "AdSet")
    if name == "ads":
        return {"data": []}
    raise nonexisting_field(name, "AdSet")


def custom_conversion_node(call: Call, cc_id: str) -> dict[str, Any]:
    """``GET /{custom_conversion_id}/``."""
    _read_only(call, "custom conversions")
    access.require_scope(call.world, call.user, access.READ_ADS)
    cc = call.world.custom_conversions[cc_id]
    return node_body(call, custom_conversion_dict(cc), "CustomConversion")


def _read_only(call: Call, what: str) -> None:
    if call.method != "GET":
        raise SandboxError(f"(#100) The sandbox does not support {call.method} on {what}")
