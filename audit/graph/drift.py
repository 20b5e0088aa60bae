"""Surviving API drift: a field Meta no longer serves costs that field, not the whole read.

When one field of a request does not exist (any more) on a node type, Meta fails the whole
request with code 100 and names the field in the message, in one of two forms: Graph's
``(#100) Tried accessing nonexisting field (f) on node type (T)``, and Insights'
``(#100) f1, f2 are not valid for fields param`` (seen when Meta retired Insights fields in
v19.0: https://github.com/airbytehq/airbyte/issues/35334). The error has no code or subcode
of its own, so the field names are read from the message. The client then asks once more
without those fields and records which ones were dropped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_NONEXISTING = re.compile(r"Tried accessing nonexisting field \(([^()]+)\)")
_INSIGHTS = re.compile(r"^\(#100\) (.+?) (?:is|are) not valid for fields param")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def refused_fields(error: Mapping[str, Any] | None) -> tuple[str, ...]:
    """The field names a code-100 error says do not exist (empty for any other error)."""
    if not error or error.get("code") != 100:
        return ()
    message = str(error.get("message", ""))
    found = _NONEXISTING.findall(message)
    if not found:
        match = _INSIGHTS.match(message)
        found = [n.strip() for n in match.group(1).split(",")] if match else []
    return tuple(n for n in found if _NAME.match(n))


def split_fields(text: str) -> list[str]:
    """Split a ``fields`` list on the commas outside braces and parentheses."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "{(":
            depth += 1
        elif char in "})":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _without(item: str, names: frozenset[str]) -> str | None:
    """``item`` without the named fields at any depth (None when the item itself goes)."""
    base = re.split(r"[.{]", item, maxsplit=1)[0]
    if base in names:
        return None
    brace = item.find("{")
    if brace < 0 or not item.endswith("}"):
        return item
    inner = [kept for kept in (_without(p, names) for p in split_fields(item[brace + 1:-1]))
             if kept is not None]
    if not inner:
        return None
    return f"{item[:brace]}{{{','.join(inner)}}}"


def without_fields(fields: Sequence[str], names: Iterable[str]) -> tuple[str, ...]:
    """``fields`` with every selection of ``names`` removed, nested ones included."""
    drop = frozenset(names)
    return tuple(kept for kept in (_without(f, drop) for f in fields) if kept is not None)
