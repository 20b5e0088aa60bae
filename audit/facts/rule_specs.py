"""Automated-rule specs as read, and the part of them an update may send back.

Reads return ``evaluation_spec``, ``execution_spec`` and ``schedule_spec`` as objects, but
responses recorded by other Marketing API clients show them arriving as JSON *strings* too:
:func:`parse_spec` accepts both and says why when neither works, so a rule whose spec cannot
be read is "could not be checked", never "fine".

Reads also carry keys an update refuses, such as the spec objects' own ``id`` (a field of the
SDK's ``AdRuleEvaluationSpec`` and ``AdRuleExecutionSpec`` classes). :func:`writable` keeps
only the keys the AdRule update documents
(https://developers.facebook.com/docs/marketing-api/reference/ad-rule/, "Updating"; the SDK's
``AdRule.api_update`` takes ``name``, ``status``, ``evaluation_spec``, ``execution_spec`` and
``schedule_spec``), and comparisons of a spec before and after a write use that form only.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

Schema = Mapping[str, Any]  # key -> None (a value kept as is) or the schema of an object

_CONDITION: Schema = {"field": None, "value": None, "operator": None}
WRITABLE: Mapping[str, Schema] = {
    "evaluation_spec": {"evaluation_type": None, "filters": _CONDITION,
                        "trigger": {"type": None, **_CONDITION}},
    "execution_spec": {"execution_type": None, "is_once_off": None,
                       "execution_options": _CONDITION},
    "schedule_spec": {"schedule_type": None,
                      "schedule": {"start_minute": None, "end_minute": None, "days": None}},
}
SPECS = tuple(WRITABLE)


def parse_spec(value: Any) -> tuple[dict[str, Any] | None, str | None]:
    """(spec, None) for an object or a JSON string holding one; (None, why) otherwise."""
    if isinstance(value, Mapping):
        return dict(value), None
    if value is None:
        return None, "is missing from the API's answer"
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            return None, "arrived as text that is not JSON"
        if isinstance(parsed, Mapping):
            return dict(parsed), None
        return None, f"arrived as JSON text holding a {type(parsed).__name__}, not an object"
    return None, f"arrived as a {type(value).__name__}, not an object"


def _prune(value: Any, schema: Schema | None) -> Any:
    if schema is None:
        return copy.deepcopy(value)
    if isinstance(value, list):
        return [_prune(item, schema) for item in value]
    if isinstance(value, Mapping):
        return {k: _prune(v, schema[k]) for k, v in value.items() if k in schema}
    return copy.deepcopy(value)


def writable(kind: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """The keys of a ``kind`` spec (``evaluation_spec`` …) that an update may send."""
    pruned = _prune(spec, WRITABLE[kind])
    return pruned if isinstance(pruned, dict) else {}
