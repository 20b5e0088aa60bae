"""Cursor-based paging (https://developers.facebook.com/docs/graph-api/results).

``limit``, opaque ``after``/``before`` cursors, ``paging.next``/``previous`` as full URLs
carrying the original query (token included, as Meta does), no ``next`` on the last page,
and optional injected *empty* pages that still carry ``next`` (the SDK's ``Cursor`` stops
on those; a careful client must not).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlencode

from ..world.model import EdgePaging
from .errors import invalid_param

T = TypeVar("T")


@dataclass
class PageContext:
    """What a page needs to build its ``next``/``previous`` URLs."""

    base_url: str
    version: str
    path: str  # without version, e.g. "act_1/adsets"
    query: list[tuple[str, str]]  # original query pairs (token included)


def encode_cursor(index: int, page: int) -> str:
    """Opaque cursor for item ``index`` seen on page ``page``."""
    raw = f"sandbox:{index}:{page}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, name: str) -> tuple[int, int]:
    """Inverse of ``encode_cursor``; bad cursors give a code-100 error."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode()).decode()
        prefix, index, page = text.split(":")
        if prefix != "sandbox":
            raise ValueError(prefix)
        return int(index), int(page)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise invalid_param(f"The {name} cursor is invalid or has expired") from exc


def parse_limit(params: dict[str, str], cfg: EdgePaging) -> int:
    """The page size: ``limit`` (capped at the edge's maximum) or the edge default."""
    raw = params.get("limit")
    if raw is None or raw == "":
        return cfg.default_limit
    try:
        limit = int(raw)
    except ValueError:
        raise invalid_param("Param limit must be a positive integer") from None
    if limit <= 0:
        raise invalid_param("Param limit must be a positive integer")
    return min(limit, cfg.max_limit)


def wants_summary(params: dict[str, str]) -> bool:
    """``summary=true`` (the SDK sends it JSON-encoded as ``true``)."""
    value = params.get("summary", "").strip().lower()
    return value not in ("", "false", "0")


def paginate(items: list[T], params: dict[str, str], cfg: EdgePaging,
             ctx: PageContext) -> tuple[list[T], dict[str, Any] | None]:
    """Slice ``items`` for this request; return the page and its ``paging`` block (or None)."""
    limit = parse_limit(params, cfg)
    backwards = False
    if params.get("after"):
        index, page = decode_cursor(params["after"], "after")
        start, page_no = index + 1, page + 1
    elif params.get("before"):
        index, page = decode_cursor(params["before"], "before")
        start, page_no, backwards = max(0, index - limit), max(1, page - 1), True
    else:
        start, page_no = 0, 1
    start = max(0, min(start, len(items)))
    if not items:
        return [], None
    if page_no in cfg.empty_pages and not backwards:
        paging: dict[str, Any] = {"cursors": {"before": encode_cursor(start, page_no),
                                              "after": encode_cursor(start - 1, page_no)}}
        if start < len(items):
            paging["next"] = _url(ctx, "after", paging["cursors"]["after"])
        return [], paging
    end = min(len(items), start + limit)
    if backwards:
        end = min(len(items), index)
    page_items = items[start:end]
    if not page_items:
        return [], {"cursors": {"before": encode_cursor(start, page_no),
                                "after": encode_cursor(start - 1, page_no)}}
    cursors = {"before": encode_cursor(start, page_no), "after": encode_cursor(end - 1, page_no)}
    paging = {"cursors": cursors}
    if start > 0:
        paging["previous"] = _url(ctx, "before", cursors["before"])
    if end < len(items):
        paging["next"] = _url(ctx, "after", cursors["after"])
    return page_items, paging


def _url(ctx: PageContext, key: str, cursor: str) -> str:
    pairs = [(k, v) for k, v in ctx.query if k not in ("after", "before")]
    pairs.append((key, cursor))
    return f"{ctx.base_url}/{ctx.version}/{ctx.path}?{urlencode(pairs)}"
