"""``OfflineConversionDataSet`` (offline event set) nodes and their ``shared_accounts`` edge.

Meta shut the Offline Conversions API down in May 2025, but the nodes are still in the SDK's
catalogue (``OfflineConversionDataSet``, ``get_shared_accounts`` with ``business`` and
``action_source``): the audit reads the ones custom conversions and ad sets point at.
"""

from __future__ import annotations

from typing import Any

from ..wire.call import Call, edge_body, node_body
from ..wire.errors import SandboxError, nonexisting_field
from ..wire.serialize import account_dict, business_ref
from ..world.model import OfflineEventSet, Token, World
from . import access

NODE_TYPE = "OfflineConversionDataSet"


def offline_set_dict(world: World, offline: OfflineEventSet) -> dict[str, Any]:
    """An ``OfflineConversionDataSet`` node."""
    out: dict[str, Any] = {"id": offline.id, "name": offline.name, "is_unavailable": False,
                           "owner_business": business_ref(world, offline.owner_business)}
    out.update(offline.fields)
    return out


def node(call: Call, set_id: str) -> dict[str, Any]:
    """``GET /{offline_event_set_id}/``."""
    if call.method != "GET":
        raise SandboxError("(#100) The sandbox does not support "
                           f"{call.method} on offline event sets")
    access.require_scope(call.world, call.user, access.READ_ADS)
    offline = call.world.offline_event_sets[set_id]
    return node_body(call, offline_set_dict(call.world, offline), NODE_TYPE)


def edge(call: Call, set_id: str, name: str) -> dict[str, Any]:
    """``GET /{offline_event_set_id}/shared_accounts?business=…``: the ad accounts it is
    attached to (all of them without ``business``; with it, that business's)."""
    world = call.world
    if name != "shared_accounts":
        raise nonexisting_field(name, NODE_TYPE)
    if call.method != "GET":
        raise SandboxError(f"(#100) The sandbox does not support {call.method} on {name}")
    access.require_scope(world, call.user, access.READ_ADS)
    business = call.params.get("business")
    accounts = [account_dict(world, world.ad_accounts[a])
                for a in world.offline_event_sets[set_id].ad_accounts
                if not business or world.ad_accounts[a].owner_business == business
                or business in world.ad_accounts[a].agencies]
    return edge_body(call, set_id, name, accounts, "AdAccount", summary=False)


def visible(world: World, token: Token, set_id: str) -> bool:
    """Readable by the owner business's reach, or through an attached ad account."""
    offline = world.offline_event_sets[set_id]
    if offline.owner_business and access.can_see_business(world, token,
                                                          offline.owner_business):
        return True
    return any(access.can_see_account(token, world.ad_accounts[a]) for a in offline.ad_accounts)
