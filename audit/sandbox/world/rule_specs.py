"""Validation of automated-rule specs (``evaluation_spec``, ``execution_spec``, ``schedule_spec``).

Used both when loading the world and when a client updates or creates a rule; the rules
follow Meta's Ad Rules Engine reference (enums from the SDK).
"""

from __future__ import annotations

from typing import Any

from . import enums as E

Problem = tuple[str, str]


def validate_rule_specs(specs: dict[str, Any], require: tuple[str, ...] = ()) -> Problem | None:
    """Return ``(key_path, message)`` for the first problem, or ``None`` when all specs are fine."""
    for key in require:
        if specs.get(key) is None:
            return key, "is required"
    checks = (("evaluation_spec", _evaluation), ("execution_spec", _execution),
              ("schedule_spec", _schedule))
    for key, check in checks:
        value = specs.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            return key, "must be a JSON object"
        problem = check(value)
        if problem:
            return f"{key}{problem[0]}", problem[1]
    return None


def _enum(value: Any, allowed: frozenset[str]) -> str | None:
    if not isinstance(value, str) or value not in allowed:
        return f"must be one of {', '.join(sorted(allowed))} (got {value!r})"
    return None


def _evaluation(spec: dict[str, Any]) -> Problem | None:
    unknown = set(spec) - {"evaluation_type", "filters", "trigger"}
    if unknown:
        return f".{sorted(unknown)[0]}", "is not a valid evaluation_spec key"
    bad = _enum(spec.get("evaluation_type"), E.RULE_EVALUATION_TYPES)
    if bad:
        return ".evaluation_type", bad
    filters = spec.get("filters")
    if filters is None and spec["evaluation_type"] == "SCHEDULE":
        return ".filters", "is required for SCHEDULE rules"
    if filters is not None:
        if not isinstance(filters, list):
            return ".filters", "must be a list"
        once: dict[str, int] = {}
        for i, item in enumerate(filters):
            problem = _filter(item)
            if problem:
                return f".filters[{i}]{problem[0]}", problem[1]
            if item["field"] in ("attribution_window", "time_preset"):
                once[item["field"]] = once.get(item["field"], 0) + 1
                if once[item["field"]] > 1:
                    return f".filters[{i}].field", f"only one {item['field']} filter is allowed"
    if spec["evaluation_type"] == "TRIGGER":
        trigger = spec.get("trigger")
        if not isinstance(trigger, dict):
            return ".trigger", "is required for TRIGGER rules and must be an object"
        bad = _enum(trigger.get("type"), E.RULE_TRIGGER_TYPES)
        if bad:
            return ".trigger.type", bad
        if "operator" in trigger:
            bad = _enum(trigger["operator"], E.RULE_OPERATORS)
            if bad:
                return ".trigger.operator", bad
    return None


def _filter(item: Any) -> Problem | None:
    if not isinstance(item, dict):
        return "", "must be an object with field, value and operator"
    unknown = set(item) - {"field", "value", "operator"}
    if unknown:
        return f".{sorted(unknown)[0]}", "is not a valid filter key"
    if not isinstance(item.get("field"), str) or not item["field"]:
        return ".field", "is required"
    if "value" not in item:
        return ".value", "is required"
    bad = _enum(item.get("operator"), E.RULE_OPERATORS)
    if bad:
        return ".operator", bad
    return None


def _execution(spec: dict[str, Any]) -> Problem | None:
    unknown = set(spec) - {"execution_type", "execution_options", "is_once_off"}
    if unknown:
        return f".{sorted(unknown)[0]}", "is not a valid execution_spec key"
    bad = _enum(spec.get("execution_type"), E.RULE_EXECUTION_TYPES)
    if bad:
        return ".execution_type", bad
    options = spec.get("execution_options", [])
    if not isinstance(options, list):
        return ".execution_options", "must be a list"
    for i, option in enumerate(options):
        if not isinstance(option, dict) or not {"field", "value", "operator"} <= set(option):
            return f".execution_options[{i}]", "must be an object with field, value, operator"
        if option["operator"] not in ("EQUAL", "IN"):
            return f".execution_options[{i}].operator", "must be EQUAL or IN"
    if "is_once_off" in spec and not isinstance(spec["is_once_off"], bool):
        return ".is_once_off", "must be a boolean"
    return None


def _schedule(spec: dict[str, Any]) -> Problem | None:
    unknown = set(spec) - {"schedule_type", "schedule"}
    if unknown:
        return f".{sorted(unknown)[0]}", "is not a valid schedule_spec key"
    bad = _enum(spec.get("schedule_type"), E.RULE_SCHEDULE_TYPES)
    if bad:
        return ".schedule_type", bad
    if spec["schedule_type"] != "CUSTOM":
        return None
    schedule = spec.get("schedule")
    if not isinstance(schedule, list) or not schedule:
        return ".schedule", "is required for CUSTOM schedules and must be a non-empty list"
    for i, item in enumerate(schedule):
        if not isinstance(item, dict):
            return f".schedule[{i}]", "must be an object"
        for key in ("start_minute", "end_minute"):
            minute = item.get(key)
            if minute is not None and (not isinstance(minute, int) or minute % 30
                                       or not 0 <= minute <= 1440):
                return f".schedule[{i}].{key}", "must be a multiple of 30 between 0 and 1440"
        days = item.get("days", [])
        if not isinstance(days, list) or any(d not in range(7) for d in days):
            return f".schedule[{i}].days", "must be a list of 0 (Sunday) to 6 (Saturday)"
    return None
