"""Admin endpoints under ``/__sandbox/`` (not versioned, not authenticated, never logged).

``GET requests`` · ``POST reset`` · ``GET|POST|DELETE faults`` · ``GET state[/table[/id]]`` ·
``GET capi`` (Conversions API requests received) · ``GET health``.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from ..world.load import parse_fault
from ..world.validate import WorldError
from . import serialize as S
from .app import GraphApp
from .exchange import Result


def handle_admin(app: GraphApp, method: str, path: str, raw_body: bytes) -> Result:
    """Serve ``/__sandbox/<path>``."""
    parts = [p for p in path.split("/") if p]
    head = parts[0] if parts else ""
    if head == "health" and method == "GET":
        return _ok({"ok": True})
    if head == "requests" and method == "GET":
        with app.lock:
            logged = [r.as_dict() for r in app.requests]
        counts = Counter(f"{r['method']} {r['path']}" for r in logged if not r["batch_item"])
        return _ok({"total": sum(counts.values()), "counts": dict(counts), "requests": logged})
    if head == "reset" and method == "POST":
        options = _json(raw_body) or {}
        app.reset_counters()
        if isinstance(options, dict) and options.get("state"):
            app.reset_state()
        if isinstance(options, dict) and options.get("faults"):
            app.faults.clear()
        return _ok({"reset": True})
    if head == "faults":
        return _faults(app, method, raw_body)
    if head == "state" and method == "GET":
        return _state(app, parts[1:])
    if head == "capi" and method == "GET":
        return _ok({"received": app.capi_received()})
    return Result(404, {"error": f"unknown admin endpoint {method} /__sandbox/{path}"})


def _ok(body: Any) -> Result:
    return Result(200, body, {})


def _json(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _faults(app: GraphApp, method: str, raw_body: bytes) -> Result:
    if method == "GET":
        return _ok({"faults": app.faults.list()})
    if method == "DELETE":
        app.faults.clear()
        return _ok({"cleared": True})
    if method == "POST":
        data = _json(raw_body)
        try:
            spec = parse_fault(data, "fault")
            fault_id = app.add_fault(spec)
        except (WorldError, ValueError) as exc:
            return Result(400, {"error": str(exc)})
        return _ok({"id": fault_id})
    return Result(405, {"error": "use GET, POST or DELETE"})


def _state(app: GraphApp, parts: list[str]) -> Result:
    with app.lock:
        world = app.state
        tables: dict[str, dict[str, Any]] = {
            "businesses": {k: S.business_dict(v) for k, v in world.businesses.items()},
            "pixels": {k: S.pixel_dict(world, v) for k, v in world.pixels.items()},
            "ad_accounts": {k: S.account_dict(world, v) for k, v in world.ad_accounts.items()},
            "campaigns": {k: S.campaign_dict(v) for k, v in world.campaigns.items()},
            "adsets": {k: S.adset_dict(world, v) for k, v in world.adsets.items()},
            "rules": {k: S.rule_dict(v) for k, v in world.rules.items()},
            "domains": {k: S.domain_dict(world, v) for k, v in world.domains.items()},
        }
        if not parts:
            return _ok({name: len(rows) for name, rows in tables.items()}
                       | {"now": world.clock.now().isoformat(),
                          "report_runs": len(world.runtime.report_runs)})
        table = tables.get(parts[0])
        if table is None:
            return Result(404, {"error": f"unknown table {parts[0]!r}"})
        if len(parts) == 1:
            return _ok({"ids": list(table)})
        if parts[1] not in table:
            return Result(404, {"error": f"no {parts[0]} with id {parts[1]!r}"})
        return _ok(table[parts[1]])
