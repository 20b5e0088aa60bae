"""View data for the report's optional sections: changes since last run, windows, rules.

Each function takes the raw ``run.sections`` entry and returns what its template lays out
(or None when the section is absent); :mod:`audit.charts` draws the window charts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from itertools import zip_longest
from typing import Any

from audit.facts.currency import base_field, is_money_field, to_major
from audit.facts.view import to_float
from audit.models import Finding

from . import charts
from .formatting import fmt_money, fmt_value


def changes_context(raw: Any) -> dict[str, Any] | None:
    """``sections.changes`` normalised; None when there is no previous run to compare."""
    if not isinstance(raw, Mapping) or not raw.get("previous_run_id"):
        return None
    assets = raw.get("assets") or {}
    lists = {k: [Finding.from_dict(f) for f in raw.get(k) or []]
             for k in ("new", "regressed", "resolved", "improved")}
    return {"previous_run_id": raw.get("previous_run_id"),
            "previous_finished_at": raw.get("previous_finished_at"),
            "previous_score": raw.get("previous_score"),
            **lists,
            "assets": {k: list(assets.get(k) or []) for k in (
                "pixels_added", "pixels_removed", "domains_lost_verification", "rules_edited")},
            "total": sum(len(v) for v in lists.values())}


def windows_context(raw: Any) -> dict[str, Any] | None:
    """The window comparison grouped per event: totals, campaigns and a chart each."""
    if not isinstance(raw, Mapping):
        return None
    windows = list(raw.get("windows") or [])
    rows = raw.get("rows") or {}
    totals = list(raw.get("client_totals") or []) or list(raw.get("account_totals") or [])
    events = []
    for total in sorted(totals, key=lambda t: (-((t.get("metrics") or {}).get("old_default") or 0),
                                               str(t.get("event")))):
        kind = total.get("action_type")
        accounts = [t for t in raw.get("account_totals") or [] if t.get("action_type") == kind]
        campaigns = sorted((r for r in rows.get("campaign") or []
                            if r.get("action_type") == kind),
                           key=lambda r: (-(r.get("spend") or 0), str(r.get("object_name"))))
        lead = [total] if total.get("level") == "client" and len(accounts) > 1 else []
        events.append({
            "event": total.get("event"), "action_type": kind, "total": total,
            "rows": [*lead, *accounts] if accounts else [total], "campaigns": campaigns,
            "chart": charts.window_chart(str(total.get("event")), total.get("conversions") or {},
                                         windows)})
    currencies = set((raw.get("currencies") or {}).values())
    return {**raw, "windows": windows, "events": _merge_identical(events),
            "currency": currencies.pop() if len(currencies) == 1 else None,
            "adset_rows": len(rows.get("adset") or [])}


def _merge_identical(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events with the very same figures (a website purchase and the all-channel purchase
    that only counts it) are shown once, under both names."""
    out: list[dict[str, Any]] = []
    seen: dict[str, dict[str, Any]] = {}
    for e in events:
        total = e["total"]
        key = repr((sorted((total.get("conversions") or {}).items()),
                    sorted((total.get("values") or {}).items()), total.get("spend")))
        if key in seen:
            seen[key]["also"].append(e["event"])
            continue
        e["also"] = []
        seen[key] = e
        out.append(e)
    return out


def rules_context(raw: Any, currencies: Mapping[str, str] | None = None
                  ) -> dict[str, Any] | None:
    """Rule suggestions with aligned before/after filters, dangerous ones first.

    Money thresholds are shown converted from the API's minor units, with the rule's
    account currency (see :mod:`audit.facts.currency`).
    """
    if not isinstance(raw, Mapping):
        return None
    suggested, unchanged = [], []
    for rule in raw.get("rules") or []:
        if rule.get("suggested"):
            before = (rule.get("current") or {}).get("evaluation_spec") or {}
            after = rule["suggested"].get("evaluation_spec") or {}
            cur = (currencies or {}).get(str(rule.get("account")))
            suggested.append({**rule, "diff": filter_diff(before.get("filters") or [],
                                                          after.get("filters") or [], cur),
                              "evaluation_type": after.get("evaluation_type")
                              or before.get("evaluation_type")})
        else:
            unchanged.append(rule)
    suggested.sort(key=lambda r: (not r.get("dangerous"), not r.get("needs_review")))
    return {"target_window": raw.get("target_window"), "suggested": suggested,
            "unchanged": unchanged}


def filter_diff(before: Sequence[Any], after: Sequence[Any], currency: str | None = None
                ) -> list[dict[str, Any]]:
    """Current and suggested filters row by row (the rewrite keeps their order)."""
    out = []
    for old, new in zip_longest(before, after):
        a, b = _filter(old, currency), _filter(new, currency)
        parts = {k for k in ("field", "operator", "value") if (a or {}).get(k) != (b or {}).get(k)}
        out.append({"before": a, "after": b, "changed": old != new, "parts": parts})
    return out


OPERATORS = {"GREATER_THAN": ">", "LESS_THAN": "<", "EQUAL": "=", "NOT_EQUAL": "≠",
             "IN_RANGE": "between", "NOT_IN_RANGE": "not between", "IN": "in",
             "NOT_IN": "not in"}


def _money_value(value: Any, currency: str | None) -> str:
    if isinstance(value, (list, tuple)):
        return " and ".join(_money_value(v, currency) for v in value)
    num = to_float(value)
    return fmt_money(to_major(num, currency), currency) if num is not None else fmt_value(value)


def _filter(flt: Any, currency: str | None = None) -> dict[str, str] | None:
    if flt is None:
        return None
    if not isinstance(flt, Mapping):
        return {"field": fmt_value(flt), "operator": "", "value": ""}
    field = str(flt.get("field", ""))
    value = flt.get("value")
    return {"field": field, "operator": str(flt.get("operator", "")),
            "value": _money_value(value, currency) if is_money_field(field)
            else fmt_value(value),
            "op": OPERATORS.get(str(flt.get("operator", "")), str(flt.get("operator", ""))),
            "label": field_label(field)}


def field_label(field: str) -> str:
    """``campaign.28d_click:lifetime_cost_per_purchase_fb`` → "cost per purchase (lifetime,
    campaign, 28-day click)": a rule field in words."""
    base = base_field(field)
    prefix = field[:len(field) - len(base)].rstrip(":.")
    words = base.removesuffix("_fb").replace("_", " ")
    extra = [w.replace("_", " ") for w in re.split(r"[.:]", prefix) if w]
    return words + (f" ({', '.join(extra)})" if extra else "")
