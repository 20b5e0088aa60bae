"""The request object handlers receive, and shared response helpers (node and edge bodies)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..world.model import EdgePaging, Token, World
from .errors import SandboxError
from .fieldsel import Selection, parse_fields, select, validate
from .paging import PageContext, paginate, wants_summary

VERSION_RE = re.compile(r"v(\d+)\.(\d+)")


@dataclass
class Call:
    """One Graph request (top-level or a batch item) as handlers see it."""

    method: str
    version: str
    path: str  # without version and slashes: "act_1/insights", "123", ""
    params: dict[str, str]
    query: list[tuple[str, str]]
    base_url: str
    world: World
    now: datetime
    token: Token | None = None
    flags: set[str] = field(default_factory=set)  # e.g. {"job_failed"} from a fault

    @property
    def user(self) -> Token:
        """The authenticated token (handlers only run after authentication)."""
        if self.token is None:  # pragma: no cover - guarded by the dispatcher
            raise SandboxError("An access token is required to request this resource.", code=104)
        return self.token

    def selection(self) -> list[Selection] | None:
        """The parsed ``fields`` parameter."""
        return parse_fields(self.params.get("fields"))

    def paging_config(self, node_id: str, edge: str) -> EdgePaging:
        """Paging settings for ``node/edge`` (exact path first, then edge name, then default)."""
        settings = self.world.settings
        return settings.edge_paging.get(f"{node_id}/{edge}") or settings.edge_paging.get(
            edge, settings.paging)


def node_body(call: Call, obj: dict[str, Any], node_type: str) -> dict[str, Any]:
    """Field-selected node body."""
    return select(obj, call.selection(), node_type)


def edge_body(call: Call, node_id: str, edge: str, items: list[dict[str, Any]], item_type: str,
              *, extras: Iterable[str] = (), default_extras: Iterable[str] = (),
              summary: bool = True, paged: bool = True, shaped: bool = False) -> dict[str, Any]:
    """A ``{"data": [...], "paging": {...}, "summary": {...}}`` edge body.

    ``shaped=True`` means the items already hold exactly the requested fields (Insights rows).
    """
    chosen = None if shaped else call.selection()
    extras = tuple(extras)
    if chosen is not None:
        validate(chosen, item_type, extras)
    body: dict[str, Any] = {}
    if paged:
        ctx = PageContext(call.base_url, call.version, call.path, call.query)
        page, paging = paginate(items, call.params, call.paging_config(node_id, edge), ctx)
    else:
        page, paging = items, None
    body["data"] = page if shaped else [select(item, chosen, item_type, extras, default_extras)
                                        for item in page]
    if paging:
        body["paging"] = paging
    if summary and wants_summary(call.params):
        body["summary"] = {"total_count": len(items)}
    return body


def required(call: Call, name: str) -> str:
    """A required parameter (``(#100) The parameter x is required``)."""
    value = call.params.get(name)
    if value is None or value == "":
        raise SandboxError(f"(#100) The parameter {name} is required")
    return value
