"""Agency-side reads once per run, only the client's own part kept, owned_domains asked at
most once per business, and no reads that no check uses."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from audit.collect.agency import Collector
from audit.config import parse_config
from audit.evaluate.assemble import evaluate_snapshot
from audit.graph.errors import Unsupported
from tests.fakes import FakeTransport

AGENCY = "5566778899"
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
GONE = "(#100) Tried accessing nonexisting field (owned_domains) on node type (Business)"


class Graph(FakeTransport):
    """The fake Graph, with owned_domains answering #100 as on current versions."""

    def __init__(self, owned_domains_gone: bool = True) -> None:
        super().__init__(
            nodes={"debug_token": {"data": {"is_valid": True}}, "dataset_quality": {"web": []},
                   "111": {"id": "111", "name": "Acme"}, "222": {"id": "222", "name": "Bolt"}},
            edges={(AGENCY, "client_pixels"): [
                {"id": "p1", "owner_business": {"id": "111"}, "permitted_tasks": ["ANALYZE"]},
                {"id": "p2", "owner_business": {"id": "222"}, "permitted_tasks": ["EDIT"]}]})
        self.gone = owned_domains_gone

    def edge(self, node_id: str, edge: str, fields: Sequence[str] = (),
             params: Mapping[str, Any] | None = None, *, page_size: int | None = None
             ) -> Iterator[Any]:
        if edge == "owned_domains" and self.gone:
            self.calls.append(("GET", f"{node_id}/{edge}", dict(params or {})))
            raise Unsupported(GONE, code=100, http_status=400)
        yield from super().edge(node_id, edge, fields, params, page_size=page_size)


def config(**client_extra: Any) -> Any:
    return parse_config({
        "agency": {"name": "Northwind", "business_id": AGENCY},
        "graph": {"concurrency": 2},
        "clients": [{"slug": "acme", "name": "Acme", "business_id": "111"},
                    {"slug": "bolt", "name": "Bolt", "business_id": "222", **client_extra}]})


def collect(graph: Graph, cfg: Any, env: dict[str, str] | None = None) -> list[Any]:
    collector = Collector(cfg, env or {"IOS14_AUDIT_TOKEN": "t"},
                          session_factory=lambda *_: graph, clock=lambda: NOW)
    return collector.collect_all(cfg.clients)


def gets(graph: Graph, path: str) -> int:
    return sum(1 for method, p, _ in graph.calls if method == "GET" and p == path)


def test_agency_side_is_read_once_and_each_client_keeps_its_own_pixels():
    graph = Graph()
    acme, bolt = collect(graph, config())
    assert gets(graph, f"{AGENCY}/client_pixels") == 1
    assert [p["id"] for p in acme.get("agency/client_pixels").items()] == ["p1"]
    assert [p["id"] for p in bolt.get("agency/client_pixels").items()] == ["p2"]
    # the pixel found there is audited (its partner edges are read)
    assert gets(graph, "p1/agencies") == 1 and gets(graph, "p2/agencies") == 1


def test_owned_domains_gone_is_asked_once_per_run_and_is_not_a_client_problem():
    graph = Graph()
    snaps = collect(graph, config())
    owned = [p for m, p, _ in graph.calls if p.endswith("/owned_domains")]
    assert owned == [f"{AGENCY}/owned_domains"]  # the clients' businesses are not asked
    for snap in snaps:
        stored = snap.get("business/owned_domains")
        assert stored.error["code"] == 100 and "not requested" in stored.error["message"]
        assert snap.collection_errors() == []
        run = evaluate_snapshot(snap, config(), "r1", NOW, NOW, None).run
        assert run.status == "audited"
        domain_findings = [f for f in run.findings if f.check_id.startswith("domains_")]
        assert all(f.status.value not in ("FAIL", "WARN") for f in domain_findings)


def test_owned_domains_read_per_business_when_it_answers():
    graph = Graph(owned_domains_gone=False)
    collect(graph, config())
    assert gets(graph, f"{AGENCY}/owned_domains") == 1
    assert gets(graph, "111/owned_domains") == 1 and gets(graph, "222/owned_domains") == 1


def test_unused_reads_are_not_made():
    graph = Graph()
    collect(graph, config())
    paths = [p for _, p, _ in graph.calls]
    assert "111/client_pixels" not in paths and "222/client_pixels" not in paths
    users = [params for _, p, params in graph.calls if p.endswith("/assigned_users")]
    assert users and all(u["business"] == AGENCY for u in users)


def test_a_client_with_its_own_token_reads_nothing_on_the_agency_side():
    graph = Graph()
    env = {"IOS14_AUDIT_TOKEN": "t", "BOLT_TOKEN": "b"}
    acme, bolt = collect(graph, config(token_env="BOLT_TOKEN"), env)
    assert acme.get("agency/client_pixels") is not None
    assert bolt.get("agency/client_pixels") is None
    assert gets(graph, f"{AGENCY}/client_pixels") == 1
