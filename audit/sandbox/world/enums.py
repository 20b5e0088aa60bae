"""Enum value sets used for validation, read from the installed SDK's classes on first use.

``E.STATS_AGGREGATIONS`` is ``AdsPixelStatsResult.Aggregation`` as the SDK declares it
(``catalogue.py``); the names below map each constant to its SDK class and enum. The few sets
the SDK does not declare, or whose order matters, are plain constants here.
"""

from __future__ import annotations

import functools

from .catalogue import catalogue
from .sdk_gaps import RULE_SCHEDULE_TYPES as RULE_SCHEDULE_TYPES

# Constant name -> (SDK class, nested enum class).
SDK_ENUMS: dict[str, tuple[str, str]] = {
    "CUSTOM_EVENT_TYPES": ("AdPromotedObject", "CustomEventType"),
    "OPTIMIZATION_GOALS": ("AdSet", "OptimizationGoal"),
    "CAMPAIGN_OBJECTIVES": ("Campaign", "Objective"),
    "OBJECT_STATUSES": ("Campaign", "Status"),
    "ATTRIBUTION_WINDOWS": ("AdsInsights", "ActionAttributionWindows"),
    "DATE_PRESETS": ("AdsInsights", "DatePreset"),
    "STATS_AGGREGATIONS": ("AdsPixelStatsResult", "Aggregation"),
    "PIXEL_TASKS": ("AdsPixel", "Tasks"),
    "RULE_STATUSES": ("AdRule", "Status"),
    "RULE_EVALUATION_TYPES": ("AdRuleEvaluationSpec", "EvaluationType"),
    "RULE_OPERATORS": ("AdRuleFilters", "Operator"),
    "RULE_TRIGGER_TYPES": ("AdRuleTrigger", "Type"),
    "RULE_EXECUTION_TYPES": ("AdRuleExecutionSpec", "ExecutionType"),
}

# Windows the sandbox models with numbers; the other enum values are accepted and return nothing.
MODELLED_WINDOWS = ("1d_click", "7d_click", "28d_click", "1d_view", "7d_view", "28d_view",
                    "1d_ev")
# AdsInsights.Level, broadest first (the order decides which level a request may ask for).
INSIGHTS_LEVELS = ("account", "campaign", "adset", "ad")


@functools.cache
def _load(name: str) -> frozenset[str]:
    values = catalogue().enum(*SDK_ENUMS[name])
    if not values:
        raise LookupError(f"the installed SDK declares no {'.'.join(SDK_ENUMS[name])} enum")
    return values


def __getattr__(name: str) -> frozenset[str]:
    """``E.STATS_AGGREGATIONS`` and the other SDK enums, parsed on first use."""
    if name in SDK_ENUMS:
        return _load(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
