"""Parsing and validation of Insights request parameters (dates, presets, windows, filters)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from ..wire.errors import SandboxError, enum_error, invalid_param
from ..world import enums as E
from ..world import fields as F

INSIGHTS_DOC = "https://developers.facebook.com/docs/marketing-api/reference/ads-insights/"
FILTER_FIELDS = ("campaign.id", "adset.id", "ad.id", "campaign.name", "adset.name",
                 "campaign.effective_status", "adset.effective_status", "ad.effective_status",
                 "campaign.objective", "adset.optimization_goal")


@dataclass
class InsightsQuery:
    """A validated Insights request."""

    level: str
    fields: list[str]
    since: date
    until: date
    increment: str  # all_days | monthly | <days>
    windows: list[str]
    filters: list[dict[str, Any]] = field(default_factory=list)


def parse_json_param(params: dict[str, str], name: str) -> Any:
    """Decode a JSON-encoded parameter (the SDK JSON-encodes lists and dicts)."""
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return json.loads(raw)
    except ValueError:
        if name == "action_attribution_windows" or name == "fields":
            return [part.strip() for part in raw.split(",") if part.strip()]
        raise invalid_param(f"Param {name} must be a JSON-encoded value") from None


def parse_query(params: dict[str, str], default_level: str, today: date) -> InsightsQuery:
    """Validate the Insights parameters; ``today`` is in the ad account's time zone."""
    level = params.get("level") or default_level
    if level not in E.INSIGHTS_LEVELS:
        raise enum_error("level", E.INSIGHTS_LEVELS)
    order = E.INSIGHTS_LEVELS
    if order.index(level) < order.index(default_level):
        level = default_level
    names = parse_json_param(params, "fields")
    if isinstance(names, str):
        names = [n.strip() for n in names.split(",") if n.strip()]
    fields_list = list(names or ["impressions", "spend", "date_start", "date_stop"])
    for name in fields_list:
        if not isinstance(name, str) or name not in F.FIELDS["AdsInsights"]:
            raise SandboxError(f"(#100) {name} is not valid for fields param. please check "
                               f"{INSIGHTS_DOC} for all valid values")
    if params.get("breakdowns") not in (None, "", "[]"):
        raise invalid_param("breakdowns are not supported by the sandbox",
                            user_msg="The sandbox models totals per object only.")
    since, until = _range(params, today)
    return InsightsQuery(level=level, fields=fields_list, since=since, until=until,
                         increment=_increment(params), windows=_windows(params),
                         filters=_filters(params))


def _range(params: dict[str, str], today: date) -> tuple[date, date]:
    raw = parse_json_param(params, "time_range")
    if raw is not None:
        if not isinstance(raw, dict) or not {"since", "until"} <= set(raw):
            raise invalid_param("Param time_range must be a JSON object with since and until")
        since, until = _date(raw["since"], "since"), _date(raw["until"], "until")
        if since > until:
            raise invalid_param("Param time_range: since must not be after until")
    else:
        preset = params.get("date_preset") or "last_30d"
        if preset not in E.DATE_PRESETS:
            raise enum_error("date_preset", E.DATE_PRESETS)
        since, until = preset_range(preset, today)
    earliest = _months_back(today, 37)
    if since < earliest:
        raise SandboxError("(#3018) The start date of the time range cannot be beyond 37 months "
                           "from the current date", code=3018)
    return since, min(until, today)


def _date(value: Any, key: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise invalid_param(f"Param time_range[{key}] must be a date in YYYY-MM-DD format") \
            from None


def _months_back(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    return date(month_index // 12, month_index % 12 + 1, 1)


def preset_range(preset: str, t: date) -> tuple[date, date]:
    """The ``[since, until]`` dates of a ``date_preset`` relative to ``t`` (today)."""
    if preset == "today":
        return t, t
    if preset == "yesterday":
        return t - timedelta(days=1), t - timedelta(days=1)
    if preset.startswith("last_") and preset.endswith("d"):
        days = int(preset[5:-1])
        return t - timedelta(days=days), t - timedelta(days=1)
    month_start = t.replace(day=1)
    if preset == "this_month":
        return month_start, t
    if preset == "last_month":
        end = month_start - timedelta(days=1)
        return end.replace(day=1), end
    quarter_start = date(t.year, 3 * ((t.month - 1) // 3) + 1, 1)
    if preset == "this_quarter":
        return quarter_start, t
    if preset == "last_quarter":
        end = quarter_start - timedelta(days=1)
        return date(end.year, 3 * ((end.month - 1) // 3) + 1, 1), end
    if preset == "this_year":
        return date(t.year, 1, 1), t
    if preset == "last_year":
        return date(t.year - 1, 1, 1), date(t.year - 1, 12, 31)
    if preset == "this_week_mon_today":
        return t - timedelta(days=t.weekday()), t
    if preset == "this_week_sun_today":
        return t - timedelta(days=(t.weekday() + 1) % 7), t
    if preset == "last_week_mon_sun":
        start = t - timedelta(days=t.weekday() + 7)
        return start, start + timedelta(days=6)
    if preset == "last_week_sun_sat":
        start = t - timedelta(days=(t.weekday() + 1) % 7 + 7)
        return start, start + timedelta(days=6)
    return _months_back(t, 37), t  # maximum, data_maximum


def _increment(params: dict[str, str]) -> str:
    raw = params.get("time_increment") or "all_days"
    if raw in ("all_days", "monthly"):
        return raw
    if raw.isdigit() and 1 <= int(raw) <= 90:
        return raw
    raise invalid_param("Param time_increment must be all_days, monthly or an integer 1-90")


def _windows(params: dict[str, str]) -> list[str]:
    raw = parse_json_param(params, "action_attribution_windows")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise invalid_param("Param action_attribution_windows must be a list")
    for i, window in enumerate(raw):
        if window not in E.ATTRIBUTION_WINDOWS:
            raise enum_error(f"action_attribution_windows[{i}]", E.ATTRIBUTION_WINDOWS)
    return [w for w in E.MODELLED_WINDOWS if w in raw]


def _filters(params: dict[str, str]) -> list[dict[str, Any]]:
    raw = parse_json_param(params, "filtering")
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise invalid_param("Param filtering must be a list of {field, operator, value}")
    for item in raw:
        if not isinstance(item, dict) or not {"field", "operator", "value"} <= set(item):
            raise invalid_param("Param filtering must be a list of {field, operator, value}")
        if item["field"] not in FILTER_FIELDS:
            raise invalid_param(f"Filtering field {item['field']} is invalid")
        if item["operator"] not in E.RULE_OPERATORS:
            raise enum_error("filtering[operator]", E.RULE_OPERATORS)
    return raw


def matches(value: Any, operator: str, target: Any) -> bool:
    """Evaluate one ``filtering`` condition."""
    text = "" if value is None else str(value)
    targets = [str(t) for t in target] if isinstance(target, list) else [str(target)]
    if operator == "EQUAL":
        return text == targets[0]
    if operator == "NOT_EQUAL":
        return text != targets[0]
    if operator == "IN":
        return text in targets
    if operator == "NOT_IN":
        return text not in targets
    if operator == "CONTAIN":
        return targets[0].lower() in text.lower()
    if operator == "NOT_CONTAIN":
        return targets[0].lower() not in text.lower()
    try:
        number, bound = float(text), float(targets[0])
    except ValueError:
        return False
    if operator == "GREATER_THAN":
        return number > bound
    if operator == "LESS_THAN":
        return number < bound
    return True
