"""Field expansion: edges requested inside a node's ``fields`` (``campaigns{name}.limit(5)``,
``insights.date_preset(last_7d){spend}``) are answered inline as ``{"data", "paging"}``
blocks, the way Graph nests them; modifiers become the edge's parameters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .call import Call
from .fieldsel import Selection, render

EdgeHandler = Callable[[Call, str, str], Any]
NodeHandler = Callable[[Call, str], Any]

EXPANDABLE: dict[str, frozenset[str]] = {
    "Business": frozenset({"owned_pixels", "client_pixels", "adspixels", "owned_ad_accounts",
                           "client_ad_accounts", "owned_domains", "clients", "agencies"}),
    "AdsPixel": frozenset({"agencies", "shared_agencies", "assigned_users", "adaccounts",
                           "shared_accounts", "da_checks", "stats"}),
    "AdAccount": frozenset({"adspixels", "campaigns", "adsets", "customconversions",
                            "adrules_library", "insights"}),
    "Campaign": frozenset({"adsets", "insights"}),
    "AdSet": frozenset({"insights"}),
}


def read_with_expansion(call: Call, node_type: str, node_id: str, node: NodeHandler,
                        edge: EdgeHandler) -> Any:
    """Answer a node ``GET`` whose ``fields`` may name edges of the node."""
    selection = call.selection()
    names = EXPANDABLE.get(node_type, frozenset())
    if not selection or not any(item.name in names for item in selection):
        return node(call, node_id)
    plain = [item for item in selection if item.name not in names]
    edges = [item for item in selection if item.name in names]
    call.params["fields"] = render(plain) or "id"
    body = node(call, node_id)
    for item in edges:
        body[item.name] = edge(_sub_call(call, node_id, item), node_id, item.name)
    return body


def _sub_call(call: Call, node_id: str, item: Selection) -> Call:
    params = {k: v for k, v in call.params.items() if k in ("access_token", "appsecret_proof")}
    params.update(item.modifiers)
    if item.children:
        params["fields"] = render(item.children)
    query = list(params.items())
    return replace(call, path=f"{node_id}/{item.name}", params=params, query=query)
