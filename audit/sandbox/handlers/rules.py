"""Automated rules: ``GET/POST act_<id>/adrules_library`` and ``GET/POST/DELETE /{rule_id}``.

Updates arrive form-encoded with the specs JSON-encoded (as the SDK sends them); they are
validated like Graph does, stored in ``srv.state`` only, and bump ``updated_time``. Reads
return the specs with their own ``id`` (a field of the SDK's spec classes); an update that
sends it back, or any other key the update does not document, is refused with #100.

Error 2703, "Rules that turn off ads can't have cost conditions", is documented for creating
and updating rules (https://developers.facebook.com/docs/marketing-api/reference/ad-rule/).
The sandbox answers it where both that page and public field reports agree Meta refuses: a
rule that pauses ad sets or ads (``execution_type`` PAUSE, ``entity_type`` AD or ADSET) with
a cost filter (``cost_per_…``, CPA, CPC, CPM, prefixes allowed). Reports that campaign-level
rules are accepted are unconfirmed, so the sandbox accepts them.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..wire.call import Call, edge_body, node_body
from ..wire.errors import SandboxError, enum_error, invalid_param
from ..wire.serialize import rule_dict
from ..world import enums as E
from ..world.model import Rule
from ..world.rule_specs import validate_rule_specs
from . import access

SPECS = ("evaluation_spec", "execution_spec", "schedule_spec")
UPDATABLE = ("name", "status", *SPECS)
IGNORED = ("access_token", "appsecret_proof")
COST_FIELD = re.compile(r"cost_per|(?:^|_)(?:cpa|cpc|cpm|cpp)$")
FIELD_PREFIXES = re.compile(r"^(?:(?:campaign|adset|ad)\.)?(?:[0-9a-z_]+:)?", re.IGNORECASE)


def library(call: Call, account_id: str) -> dict[str, Any]:
    """List (GET) or create (POST) the rules of an ad account."""
    world = call.world
    if call.method == "POST":
        access.require_scope(world, call.user, access.WRITE_ADS)
        values = _parsed(call)
        for key in ("name", "evaluation_spec", "execution_spec"):
            if key not in values:
                raise SandboxError(f"(#100) The parameter {key} is required")
        _refuse_cost_conditions(values["evaluation_spec"], values["execution_spec"])
        rule_id = world.runtime.new_id("2385", world.rules)
        rule = Rule(id=rule_id, account_id=account_id, name=str(values["name"]),
                    status=str(values.get("status", "ENABLED")),
                    evaluation_spec=values["evaluation_spec"],
                    execution_spec=values["execution_spec"],
                    schedule_spec=values.get("schedule_spec"),
                    created_time=call.now, updated_time=call.now,
                    created_by={"id": call.user.user_id, "name": call.user.user_name})
        world.rules[rule_id] = rule
        return {"id": rule_id}
    if call.method != "GET":
        raise SandboxError("(#100) Unsupported request method for adrules_library")
    access.require_scope(world, call.user, access.READ_ADS)
    items = [rule_dict(r) for r in world.rules.values() if r.account_id == account_id]
    return edge_body(call, account_id, "adrules_library", items, "AdRule")


def rule_node(call: Call, rule_id: str) -> dict[str, Any]:
    """Read, update or delete one rule."""
    world = call.world
    rule = world.rules[rule_id]
    if call.method == "GET":
        access.require_scope(world, call.user, access.READ_ADS)
        return node_body(call, rule_dict(rule), "AdRule")
    access.require_scope(world, call.user, access.WRITE_ADS)
    if call.method == "DELETE":
        del world.rules[rule_id]
        return {"success": True}
    values = _parsed(call)
    if not values:
        raise invalid_param("No fields to update were given")
    _refuse_cost_conditions(values.get("evaluation_spec", rule.evaluation_spec),
                            values.get("execution_spec", rule.execution_spec))
    for key, value in values.items():
        if key == "name":
            rule.name = str(value)
        elif key == "status":
            rule.status = str(value)
        else:
            setattr(rule, key, value)
    rule.updated_time = call.now
    return {"success": True}


def _refuse_cost_conditions(evaluation: dict[str, Any], execution: dict[str, Any]) -> None:
    """Error 2703 for a rule that pauses ad sets or ads on a cost condition."""
    if execution.get("execution_type") != "PAUSE":
        return
    filters = [f for f in evaluation.get("filters") or [] if isinstance(f, dict)]
    scope = {str(f.get("value")) for f in filters if f.get("field") == "entity_type"}
    fields = [str(f.get("field", "")) for f in filters]
    trigger = evaluation.get("trigger")
    if isinstance(trigger, dict):
        fields.append(str(trigger.get("field", "")))
    if scope & {"AD", "ADSET"} and any(
            COST_FIELD.search(FIELD_PREFIXES.sub("", name, count=1).lower()) for name in fields):
        raise SandboxError("Rules that turn off ads can't have cost conditions. You need to "
                           "change the rule's conditions or action.", code=2703)


def _parsed(call: Call) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, raw in call.params.items():
        if key in IGNORED:
            continue
        if key not in UPDATABLE:
            raise invalid_param(f"Param {key} is not a valid parameter for AdRule")
        if key in SPECS:
            try:
                values[key] = json.loads(raw)
            except ValueError:
                raise invalid_param(f"Param {key} must be a JSON object") from None
        else:
            values[key] = raw
    if "name" in values and not str(values["name"]).strip():
        raise invalid_param("Param name must be a non-empty string")
    if "status" in values and values["status"] not in ("ENABLED", "DISABLED"):
        raise enum_error("status", E.RULE_STATUSES - {"DELETED", "HAS_ISSUES"})
    problem = validate_rule_specs({k: values.get(k) for k in SPECS})
    if problem:
        raise invalid_param(f"Param {_graph_path(problem[0])} {problem[1]}")
    return values


def _graph_path(path: str) -> str:
    """``evaluation_spec.filters[0].operator`` → ``evaluation_spec[filters][0][operator]``."""
    head, _, rest = path.partition(".")
    parts = re.findall(r"[^.\[\]]+", rest)
    return head + "".join(f"[{p}]" for p in parts)
