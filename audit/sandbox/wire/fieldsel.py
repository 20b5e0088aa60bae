"""Parse the ``fields`` parameter (``a,b{c,d{e}},f.limit(5)``) and apply it to objects.

Graph returns only requested fields (plus ``id`` on nodes), omits fields that have no value,
and rejects fields that do not exist on the node type with
``(#100) Tried accessing nonexisting field (x) on node type (T)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..world import fields as F
from .errors import invalid_param, nonexisting_field


@dataclass
class Selection:
    """One requested field and its nested selection (empty = none given)."""

    name: str
    children: list[Selection] = field(default_factory=list)
    modifiers: dict[str, str] = field(default_factory=dict)  # .limit(5) -> {"limit": "5"}

    def render(self) -> str:
        """Back to ``fields`` syntax (without modifiers)."""
        if not self.children:
            return self.name
        return f"{self.name}{{{render(self.children)}}}"


def render(selection: list[Selection]) -> str:
    """Render a selection list as a ``fields`` string."""
    return ",".join(item.render() for item in selection)


_MODIFIER = re.compile(r"\.(\w+)\(((?:[^()]|\([^()]*\))*)\)")


def _scan(text: str, pos: int) -> int:
    """Advance to the next ``,``/``{``/``}`` outside parentheses."""
    depth = 0
    while pos < len(text):
        char = text[pos]
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and char in ",{}":
            break
        pos += 1
    return pos


def parse_fields(text: str | None) -> list[Selection] | None:
    """Parse a ``fields`` string; ``None``/empty means "not given"."""
    if text is None or not text.strip():
        return None
    items, pos = _parse_list(text, 0)
    if pos != len(text):
        raise invalid_param(f"Syntax error \"Expected end of string instead of \"{text[pos]}\".\" "
                            f"at character {pos}: {text}")
    return items


def _parse_list(text: str, pos: int) -> tuple[list[Selection], int]:
    items: list[Selection] = []
    while pos < len(text):
        start = pos
        pos = _scan(text, pos)
        raw = text[start:pos].strip()
        name = raw.split(".", 1)[0].strip()
        children: list[Selection] = []
        if pos < len(text) and text[pos] == "{":
            children, pos = _parse_list(text, pos + 1)
            if pos >= len(text) or text[pos] != "}":
                raise invalid_param(f"Syntax error: unbalanced braces in fields: {text}")
            pos += 1
            tail_start = pos
            pos = _scan(text, pos)
            raw += text[tail_start:pos].strip()
        if name:
            modifiers = {m.group(1): m.group(2) for m in _MODIFIER.finditer(raw)}
            items.append(Selection(name, children, modifiers))
        elif children or raw:
            raise invalid_param(f"Syntax error: empty field name in fields: {text}")
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        if pos < len(text) and text[pos] == "}":
            return items, pos
    return items, pos


def validate(selection: Iterable[Selection], node_type: str,
             extras: Iterable[str] = ()) -> None:
    """Raise the nonexisting-field error for the first unknown name (recursing into known types)."""
    allowed = F.FIELDS.get(node_type, frozenset()) | frozenset(extras)
    for item in selection:
        if item.name not in allowed:
            raise nonexisting_field(item.name, node_type)
        nested = F.NESTED_TYPES.get((node_type, item.name))
        if nested and item.children:
            validate(item.children, nested)


def select(obj: dict[str, Any], selection: list[Selection] | None, node_type: str,
           extras: Iterable[str] = (), default_extras: Iterable[str] = ()) -> dict[str, Any]:
    """Return the requested fields of ``obj`` (``id`` first when the object has one)."""
    if selection is None:
        names = list(F.DEFAULT_FIELDS.get(node_type, ("id",))) + list(default_extras)
        selection = [Selection(n) for n in names]
    else:
        validate(selection, node_type, extras)
    out: dict[str, Any] = {}
    if "id" in obj and node_type in F.FIELDS and "id" in F.FIELDS[node_type]:
        out["id"] = obj["id"]
    for item in selection:
        value = obj.get(item.name)
        if value is None:
            continue
        nested = F.NESTED_TYPES.get((node_type, item.name))
        out[item.name] = _shape(value, item.children, nested)
    return out


def _shape(value: Any, children: list[Selection], nested: str | None) -> Any:
    if isinstance(value, list):
        return [_shape(v, children, nested) for v in value]
    if not isinstance(value, dict):
        return value
    if nested:
        if not children and nested not in F.DEFAULT_FIELDS:
            return value  # a struct (promoted_object, evaluation_spec …): all of it
        return select(value, children or None, nested)
    if not children:
        return value
    return pick(value, children)


def pick(value: dict[str, Any], children: list[Selection]) -> dict[str, Any]:
    """Keep only the selected keys of a plain struct (no validation)."""
    out: dict[str, Any] = {}
    for child in children:
        if child.name in value and value[child.name] is not None:
            out[child.name] = _shape(value[child.name], child.children, None)
    return out

