"""An in-memory implementation of the GraphTransport interface for unit tests."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from audit.graph.errors import GraphError, NotFound


class FakeTransport:
    """Nodes and edges from dicts; POST updates nodes; records every call."""

    def __init__(self, nodes: dict[str, dict[str, Any]] | None = None,
                 edges: dict[tuple[str, str], list[Any]] | None = None) -> None:
        self.nodes = nodes or {}
        self.edges = edges or {}
        self.calls: list[tuple[str, str, dict[str, Any]]] = []
        self.fail_posts: dict[str, GraphError] = {}
        self.ignore_posts: set[str] = set()

    def get(self, node_id: str, fields: Sequence[str] = (),
            params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        self.calls.append(("GET", node_id, dict(params or {})))
        if node_id not in self.nodes:
            raise NotFound(f"Object with ID '{node_id}' does not exist", code=100, subcode=33)
        return copy.deepcopy(self.nodes[node_id])

    def edge(self, node_id: str, edge: str, fields: Sequence[str] = (),
             params: Mapping[str, Any] | None = None, *, page_size: int | None = None
             ) -> Iterator[Any]:
        self.calls.append(("GET", f"{node_id}/{edge}", dict(params or {})))
        yield from copy.deepcopy(self.edges.get((node_id, edge), []))

    def post(self, node_id: str, edge: str = "",
             params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        self.calls.append(("POST", f"{node_id}/{edge}".rstrip("/"), dict(params or {})))
        if node_id in self.fail_posts:
            raise self.fail_posts[node_id]
        if node_id not in self.ignore_posts:
            self.nodes.setdefault(node_id, {}).update(copy.deepcopy(dict(params or {})))
        return {"success": True}

    def posts(self) -> list[tuple[str, str, dict[str, Any]]]:
        return [c for c in self.calls if c[0] == "POST"]
