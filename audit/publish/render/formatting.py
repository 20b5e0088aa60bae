"""Plain-text formatting for the report: numbers, money, percentages, times and evidence.

These are the Jinja2 filters registered by :mod:`.templates`; they return text, which the
template escapes when it inserts it. Numbers, money, percentages and dates follow the
active report language (:mod:`.i18n`) unless a locale is given: ``€ 1.234,56`` and
``30 nov 2026`` in Dutch, ``€1,234.56`` and ``30 Nov 2026`` in English (Babel, CLDR).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from babel.dates import format_datetime

from audit import numbers

from . import i18n

MINUS = numbers.MINUS
_ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$")


def fmt_num(value: Any, unavailable: str = "—", locale: str | None = None) -> str:
    """1234.5 → "1,234.5"; integers without decimals; None → the ``unavailable`` text."""
    if isinstance(value, bool):
        return i18n.gettext("yes") if value else i18n.gettext("no")
    return numbers.number(value, locale or i18n.babel_locale(), unavailable)


def fmt_money(value: Any, currency: str | None = None, locale: str | None = None) -> str:
    """An amount with its currency, by locale: 1950 AUD → "A$1,950.00" ("AU$ 1.950,00")."""
    return numbers.money(value, currency, locale or i18n.babel_locale())


def fmt_pct(value: Any, signed: bool = False, locale: str | None = None) -> str:
    """A ratio as a percentage: 0.9375 → "93.8%" (signed: -0.06 → "-6.0%" with a minus sign)."""
    return numbers.percent(value, locale or i18n.babel_locale(), signed)


def fmt_count(value: Any, locale: str | None = None) -> str:
    """A count, always whole."""
    return numbers.count(value, locale or i18n.babel_locale())


def fmt_factor(value: Any, locale: str | None = None) -> str:
    """A multiplier (ROAS): 1.2100 → "1.21" ("1,21")."""
    return numbers.factor(value, locale or i18n.babel_locale())


def fmt_when(value: Any, locale: str | None = None) -> str:
    """ISO timestamp → "28 Nov 2026, 16:08 UTC" ("28 nov 2026, 16:08 UTC"); the text itself
    when it does not parse."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value or "")
    offset = moment.utcoffset()
    zone = "" if offset is None else " UTC" if not offset else moment.strftime(" %z")
    # An explicit pattern, not the locale's "medium" format: day first in every language.
    return str(format_datetime(moment, "d MMM y, HH:mm", tzinfo=moment.tzinfo,
                               locale=locale or i18n.babel_locale())) + zone


def fmt_date(value: Any, locale: str | None = None) -> str:
    """ISO date or timestamp → "30 Nov 2026" ("30 nov 2026"): the day, without the time."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value or "")
    return str(format_datetime(moment, "d MMM y", tzinfo=moment.tzinfo,
                               locale=locale or i18n.babel_locale()))


def fmt_value(value: Any) -> str:
    """A rule filter value as written in the API (lists in brackets)."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {fmt_value(v)}" for k, v in value.items()) + "}"
    return "—" if value is None else str(value)


RATIO_KEYS = ("change", "kept_", "share", "ratio")
MONEY_KEYS = ("spend", "cost_per_result", "cost_per")


def format_value_for(key: str, value: Any, currency: str | None = None) -> str:
    """An evidence value by what its key says it is: money with the currency, ratios as
    percentages, ``*_percent`` with a percent sign, counts whole, the rest as is."""
    k = key.lower()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if any(m in k for m in MONEY_KEYS):
            return fmt_money(value, currency)
        if k.endswith("_percent"):
            return f"{numbers.number(round(value, 1))}%"
        if any(r in k for r in RATIO_KEYS) or k.startswith("roas"):
            return fmt_pct(value, signed=k == "change") if not k.startswith("roas") \
                else numbers.factor(value)
        if k.endswith(("_7d", "_count", "events", "count")):
            return fmt_count(value)
    return format_evidence(value, 1 if isinstance(value, (list, tuple)) else 0)


def format_evidence(value: Any, depth: int = 0) -> str:
    """Compact, readable text for an evidence value (escaped later by the template)."""
    kind = type(value)  # the usual types first: Mapping's isinstance check is slow
    if kind is str:
        return _text(value)
    if kind is int or kind is float:
        return fmt_num(value)
    if kind is dict or isinstance(value, Mapping):
        if depth and value:
            # an item of a list: its name (or first value), then a few other values
            key = next((k for k in ("name", "id") if value.get(k)), next(iter(value)))
            extra = [format_evidence(v, depth + 1) for k, v in value.items()
                     if k not in (key, "id") and isinstance(v, (int, float, str, list))][:3]
            head = format_evidence(value[key], depth + 1)
            return head + (f" ({', '.join(extra)})" if extra else "")
        items = [f"{k.replace('_', ' ')}: {format_evidence(v, depth + 1)}"
                 for k, v in value.items()]
        return "; ".join(items) or "—"
    if isinstance(value, (list, tuple)):
        if not value:
            return "none"
        nested = any(isinstance(v, Mapping) for v in value)
        limit = 5 if nested else 12
        shown = ("; " if nested else ", ").join(format_evidence(v, depth + 1)
                                                for v in value[:limit])
        return shown + (f" … (+{len(value) - limit} more)" if len(value) > limit else "")
    if value is None:
        return "n/a"
    if isinstance(value, (int, float)):
        return fmt_num(value)
    return _text(str(value))


def _text(text: str) -> str:
    """An evidence string: a timestamp in words, anything long cut."""
    if _ISO_TIME.match(text):
        return fmt_when(text)
    return text if len(text) <= 240 else text[:237] + "…"


def evidence_items(evidence: Mapping[str, Any], currency: str | None = None
                   ) -> list[tuple[str, str]]:
    """(label, text) pairs for a finding's evidence, plain numbers first."""
    keys = sorted(evidence, key=lambda k: not _numeric(evidence[k]))
    return [(str(k).replace("_", " "), format_value_for(str(k), evidence[k], currency))
            for k in keys]


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
