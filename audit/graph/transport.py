"""The interface between the read catalogue and a connection to the Graph API.

:class:`GraphTransport` is what :class:`~audit.graph.client.GraphClient` needs; the
SDK-backed ``GraphSession`` (``sdk/session.py``) implements it, and so do the tests'
in-memory fakes. A transport that also offers ``batch_get`` lets the client send independent
reads through the batch endpoint.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from audit.graph.errors import GraphError
from audit.redact import redact

JSON = dict[str, Any]


def endpoint_label(method: str, node_id: str, edge: str = "") -> str:
    """Human-readable endpoint for errors and reports (ids only, never credentials)."""
    path = f"/{node_id}" + (f"/{edge}" if edge else "")
    return redact(f"{method} {path}")


@dataclass(frozen=True)
class BatchCall:
    """One GET inside a batch request."""

    node_id: str
    edge: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def endpoint(self) -> str:
        """Human-readable endpoint, e.g. ``GET /123/agencies``."""
        return endpoint_label("GET", self.node_id, self.edge)


class GraphTransport(Protocol):
    """What the client needs from a connection (implemented by ``GraphSession``)."""

    def get(self, node_id: str, fields: Sequence[str] = (),
            params: Mapping[str, Any] | None = None) -> JSON:
        """Read one node."""

    def edge(self, node_id: str, edge: str, fields: Sequence[str] = (),
             params: Mapping[str, Any] | None = None, *, page_size: int | None = None
             ) -> Iterator[Any]:
        """Yield every item of an edge across pages."""

    def post(self, node_id: str, edge: str = "",
             params: Mapping[str, Any] | None = None) -> JSON:
        """Create or update."""


class BatchTransport(GraphTransport, Protocol):
    """A transport that can also send many GETs through the batch endpoint."""

    def batch_get(self, calls: Sequence[BatchCall]) -> list[JSON | GraphError]:
        """Per call, the parsed JSON body or the GraphError for that item, in order."""
