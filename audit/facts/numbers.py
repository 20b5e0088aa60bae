"""Numbers in Meta's answers that cannot be right, with the evidence.

The parsers in :mod:`audit.facts.view` treat such values as unknown (``to_float`` and
``to_amount`` return None), so no NaN or infinity reaches a sum, a score, a chart or a
file. This module says what was set aside: for each value, the read, the object, the
field and the raw value as Meta sent it, and why it is invalid (not a number, infinite,
implausibly large, or a negative spend or count). The run lists them (``run.json``
section ``invalid_values``, the technical page) and is marked partial.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from audit.facts.view import SnapshotView, number_problem, to_str
from audit.graph.reads import WINDOWS
from audit.safetext import truncate

# The numeric fields of insights rows (every figure Meta reports there is a quantity).
INSIGHTS_NUMBERS = ("spend",)
ACTION_LISTS = ("actions", "action_values")
ACTION_FIGURES = ("value", *WINDOWS)
# Raw values are evidence, not data: a few dozen characters say what arrived.
RAW_CHARS = 40


@dataclass(frozen=True)
class InvalidValue:
    """One number from Meta that was set aside."""

    key: str  # the snapshot key of the read
    endpoint: str
    object: str  # the campaign, ad set or pixel it belongs to
    field: str  # e.g. "spend" or "actions[offsite_conversion.fb_pixel_purchase].7d_click"
    raw: str  # the value as sent
    problem: str  # not a number | infinite | implausibly large | negative

    def to_dict(self) -> dict[str, str]:
        """Serialisable form (run.json)."""
        return asdict(self)


def _raw(value: Any) -> str:
    return truncate(value if isinstance(value, str) else repr(value), RAW_CHARS)


def _check(key: str, endpoint: str, obj: str, field: str, value: Any
           ) -> InvalidValue | None:
    problem = number_problem(value)
    return None if problem is None else InvalidValue(key, endpoint, obj, field, _raw(value),
                                                     problem)


def _object(row: Mapping[str, Any]) -> str:
    return (to_str(row.get("adset_id")) or to_str(row.get("campaign_id"))
            or to_str(row.get("account_id")) or "?")


def _insights_row(key: str, endpoint: str, row: Mapping[str, Any]) -> Iterator[InvalidValue]:
    # Each value is judged first; the words that name it are put together only for one
    # that is invalid (a client has thousands of figures, nearly all of them fine).
    for name in INSIGHTS_NUMBERS:
        found = _check(key, endpoint, _object(row), name, row.get(name))
        if found is not None:
            yield found
    for name in ACTION_LISTS:
        entries = row.get(name)
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, Mapping):
                continue
            for figure in ACTION_FIGURES:
                value = entry.get(figure)
                if number_problem(value) is None:
                    continue
                kind = to_str(entry.get("action_type")) or "?"
                found = _check(key, endpoint, _object(row), f"{name}[{kind}].{figure}", value)
                if found is not None:
                    yield found


def _stats(key: str, endpoint: str, pixel: str, buckets: list[dict[str, Any]]
           ) -> Iterator[InvalidValue]:
    for bucket in buckets:
        rows = bucket.get("data")
        for row in rows if isinstance(rows, list) else []:
            if type(row) is dict and type(row.get("count")) is int and row["count"] >= 0:
                continue  # the wire shape, valid: checked at C speed
            if isinstance(row, Mapping):
                label = to_str(row.get("value")) or "?"
                found = _check(key, endpoint, pixel, f"count ({label})", row.get("count"))
                if found is not None:
                    yield found


def invalid_values(view: SnapshotView) -> list[InvalidValue]:
    """Every invalid number in the reads the audit computes with, in key order."""
    out: list[InvalidValue] = []
    for key in sorted(view.snap.endpoints):
        res = view.snap.endpoints[key]
        parts = key.split("/")
        if parts[0] == "adaccount" and len(parts) >= 3 and parts[2] in ("insights",
                                                                          "adset_spend"):
            for row in res.items():
                out.extend(_insights_row(key, res.endpoint, row))
        elif parts[0] == "pixel" and len(parts) >= 3 and parts[2] == "stats":
            out.extend(_stats(key, res.endpoint, parts[1], res.items()))
    return out
