"""Builders for small hand-made snapshots used by the unit tests."""

from __future__ import annotations

from typing import Any

from audit.collect.snapshot import Snapshot
from audit.graph.result import Fetched

AGENCY_ID = "5566778899"
CLIENT_ID = "1000000000001"
COLLECTED_AT = "2026-11-28T12:00:00+00:00"


def make_snapshot(endpoints: dict[str, Any] | None = None, **client: Any) -> Snapshot:
    """A snapshot whose endpoints map keys to data, or to Fetched values as given."""
    info = {"slug": "acme", "name": "Acme", "business_id": CLIENT_ID, "ad_accounts": [],
            "pixels": [], "domains": [], "aem_mode": "auto"}
    info.update(client)
    snap = Snapshot(client=info, agency={"name": "Northwind", "business_id": AGENCY_ID},
                    collected_at=COLLECTED_AT, tool_version="test", api_version="v26.0")
    for key, value in (endpoints or {}).items():
        snap.put(key, value if isinstance(value, Fetched) else Fetched.ok(f"GET /{key}", value))
    return snap


def error(kind: str = "permission", code: int = 200, message: str = "denied") -> dict[str, Any]:
    """A stored error as the client records it."""
    return {"kind": kind, "code": code, "subcode": None, "http_status": 400, "message": message}


def failed(key: str, **kw: Any) -> Fetched:
    """A failed read."""
    return Fetched.failed(f"GET /{key}", error(**kw))


def stats(*rows: tuple[str, int], hour: str = "2026-11-28T10:00:00+0000") -> list[dict[str, Any]]:
    """One hourly stats bucket with the given (value, count) rows."""
    return [{"aggregation": "event", "start_time": hour,
             "data": [{"value": v, "count": c} for v, c in rows]}]
