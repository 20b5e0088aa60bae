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
from audit.platform import CHANGES

from . import catalogue, charts
from .formatting import fmt_count, fmt_date, fmt_money, fmt_value
from .i18n import gettext as _


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
        label = event_label(kind, total.get("event"))
        accounts = [t for t in raw.get("account_totals") or [] if t.get("action_type") == kind]
        campaigns = sorted((r for r in rows.get("campaign") or []
                            if r.get("action_type") == kind),
                           key=lambda r: (-(r.get("spend") or 0), str(r.get("object_name"))))
        lead = [total] if total.get("level") == "client" and len(accounts) > 1 else []
        events.append({
            "event": label, "action_type": kind, "total": total,
            "rows": [*lead, *accounts] if accounts else [total], "campaigns": campaigns,
            "chart": charts.window_chart(label, total.get("conversions") or {}, windows)})
    currencies = set((raw.get("currencies") or {}).values())
    return {**raw, "windows": windows, "events": _merge_identical(events),
            "currency": currencies.pop() if len(currencies) == 1 else None,
            "adset_rows": len(rows.get("adset") or []),
            "plain_notes": window_notes(raw, events)}


def event_label(action_type: Any, label: Any) -> str:
    """A conversion type in the report's language (Insights action types), else as named."""
    known = catalogue.ACTION_LABELS.get(str(action_type))
    if known is not None:
        return str(known)
    text = str(label or action_type or "")
    suffix = " (custom conversion)"
    if text.endswith(suffix):
        return str(catalogue.CUSTOM_CONVERSION).format(name=text[:-len(suffix)])
    return text


UNIFIED_ATTRIBUTION = str(CHANGES["unified-attr"].date)


def break_note(change: str, day: str) -> str:
    """A change in how Meta counts that falls inside the compared period, in words."""
    when = fmt_date(day)
    if change == "unified-attr":
        return _("The period straddles {date}, when Meta's reports switched to each ad set's "
                 "own attribution setting: figures before and after are not "
                 "like-for-like.").format(date=when)
    if change == "click-link-only":
        return _("The period straddles {date}, when Meta reportedly started counting only "
                 "link clicks as clicks (other interactions moved to the 1-day engaged "
                 "view): click figures before and after are not like-for-like.").format(
            date=when)
    return _("The period straddles {date}, when Meta changed how it counts conversions: "
             "figures before and after are not like-for-like.").format(date=when)


def window_notes(raw: Mapping[str, Any], events: Sequence[Mapping[str, Any]]) -> list[str]:
    """The client report's notes on the comparison, from its figures (run.json's ``notes``
    are the agency's, in English, on the technical page)."""
    notes: list[str] = []
    if not events:
        return notes
    breaks = raw.get("breaks")
    if isinstance(breaks, list):
        notes += [break_note(str(b.get("change")), str(b.get("date")))
                  for b in breaks if isinstance(b, Mapping)]
    else:  # a run.json from before the breaks were recorded
        start, stop = str(raw.get("date_start") or ""), str(raw.get("date_stop") or "")
        if start and stop and start < UNIFIED_ATTRIBUTION <= stop:
            notes.append(break_note("unified-attr", UNIFIED_ATTRIBUTION))
    odd = sum(len(e["total"].get("inconsistent") or []) for e in events)
    if odd:
        notes.append(_("{n} rows returned by Meta have windows that do not add up (a shorter "
                       "window showing more conversions than a longer one); they are not "
                       "projected.").format(n=fmt_count(odd)))
    return notes


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


OPERATORS = catalogue.OPERATORS


def _money_value(value: Any, currency: str | None) -> str:
    if isinstance(value, (list, tuple)):
        return f" {catalogue.AND} ".join(_money_value(v, currency) for v in value)
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
            "op": str(OPERATORS.get(str(flt.get("operator", "")), str(flt.get("operator", "")))),
            "label": field_label(field),
            "shown": _money_value(value, currency) if is_money_field(field)
            else value_words(field, value)}


def field_label(field: str) -> str:
    """``campaign.28d_click:lifetime_cost_per_purchase_fb`` → "cost per purchase (lifetime)
    (campaign, 28d click)": a rule field in words, in the report's language."""
    base = base_field(field)
    prefix = field[:len(field) - len(base)].rstrip(":.")
    known = catalogue.RULE_FIELDS.get(base)
    words = str(known) if known is not None else base.removesuffix("_fb").replace("_", " ")
    extra = [_scope_words(w) for w in re.split(r"[.:]", prefix) if w]
    return words + (f" ({', '.join(extra)})" if extra else "")


def _scope_words(part: str) -> str:
    """A field prefix: an object level ("campaign") or windows ("28d_view_1d_click")."""
    known = catalogue.RULE_SCOPES.get(part)
    if known is not None:
        return str(known)
    tokens = part.lower().split("_")
    windows = [f"{a}_{b}" for a, b in zip(tokens[::2], tokens[1::2], strict=False)]
    if windows and all(w in catalogue.WINDOW_SHORT for w in windows):
        return " + ".join(str(catalogue.WINDOW_SHORT[w]) for w in windows)
    return part.replace("_", " ")


def value_words(field: str, value: Any) -> str:
    """A rule filter's value for the client: attribution windows in words, else as written."""
    if base_field(field) == "attribution_window" and isinstance(value, str):
        if value.upper() == "ACCOUNT_DEFAULT":
            return _("the account's default")
        return _scope_words(value)
    return fmt_value(value)
