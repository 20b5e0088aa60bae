"""Contract: every read in ``audit/graph/reads.py`` fits the SDK's catalogue.

Each public read function is called with sample ids (and every value of the parameters that
change what it asks for), encoded the way the SDK sends it, and checked by the sandbox's own
request validation (``audit.sandbox.wire.schema``), which reads node types, fields, edges,
parameters and enums from the installed ``facebook_business`` package. A misspelt field or
parameter fails here, not in a user's run against the real API.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest
from facebook_business.api import _top_level_param_json_encode

from audit.graph import client as graph_client
from audit.graph import reads
from audit.graph.client import Read
from audit.sandbox.wire import schema
from audit.sandbox.wire.errors import SandboxError

BUSINESS, AGENCY, PIXEL, ACCOUNT, RUN = "1001", "1002", "2001", "act_3001", "6001"
OFFLINE_SET = "4001"
NODE_TYPES = {BUSINESS: "Business", AGENCY: "Business", PIXEL: "AdsPixel",
              ACCOUNT: "AdAccount", RUN: "AdReportRun", "me": "User",
              OFFLINE_SET: "OfflineConversionDataSet"}
ROOTS = ("debug_token", "dataset_quality")
# Sample values by parameter name; a tuple means "each of these" (they shape the read).
SAMPLES: dict[str, Any] = {
    "business_id": BUSINESS, "agency_id": AGENCY, "pixel_id": PIXEL, "account_id": ACCOUNT,
    "set_id": OFFLINE_SET,
    "token": "sample-token", "start": 1_700_000_000, "end": 1_700_600_000,
    "since": "2026-01-01", "until": "2026-01-28", "date_preset": "last_28d",
    "aggregation": ("event", "host"), "event_source": (None, *reads.EVENT_SOURCES),
    "level": tuple(reads.INSIGHTS_FIELDS),
}


def read_functions(module: ModuleType) -> list[Callable[..., Read]]:
    """The module's public functions that build a Read."""
    return [f for name, f in inspect.getmembers(module, inspect.isfunction)
            if not name.startswith("_") and f.__module__ == module.__name__
            and inspect.signature(f).return_annotation in ("Read", Read)]


def specimens(func: Callable[..., Read]) -> Iterator[Read]:
    """``func`` called with the sample value(s) of each of its parameters."""
    combos: list[dict[str, Any]] = [{}]
    for name, param in inspect.signature(func).parameters.items():
        if name not in SAMPLES:
            if param.default is not inspect.Parameter.empty:
                continue
            raise AssertionError(f"{func.__name__}({name}=…): add a sample value for {name!r}")
        values = SAMPLES[name] if isinstance(SAMPLES[name], tuple) else (SAMPLES[name],)
        combos = [{**c, name: v} for c in combos for v in values
                  if v is not None or param.default is None]
    for kwargs in combos:
        yield func(**kwargs)


def wire_params(read: Read) -> dict[str, str]:
    """The query the SDK sends for ``read`` (lists, dicts and bools JSON-encoded)."""
    params: dict[str, Any] = dict(read.params)
    if read.fields:
        params["fields"] = ",".join(read.fields)
    if read.edge:
        params["limit"] = 100
    return {k: str(v) for k, v in _top_level_param_json_encode(params).items()}


def problem(read: Read) -> str | None:
    """The error the sandbox (and Meta) would give ``read``, or None when it fits."""
    params = wire_params(read)
    try:
        if read.node in ROOTS:
            schema.check_root(read.node, params)
        else:
            schema.check_request(NODE_TYPES[read.node], read.edge, "GET", params)
    except SandboxError as exc:
        return f"{read.key}: {exc.message}"
    return None


def contract_problems(functions: list[Callable[..., Read]]) -> list[str]:
    """Every read the functions build that the catalogue refuses."""
    found = [problem(read) for func in functions for read in specimens(func)]
    return [p for p in found if p is not None]


def test_the_catalogue_walk_covers_the_read_functions() -> None:
    names = {f.__name__ for f in read_functions(reads)}
    assert {"pixel", "pixel_agencies", "pixel_stats", "dataset_quality", "insights",
            "ad_rules", "token_debug"} <= names
    assert len(list(specimens(reads.insights))) == len(reads.INSIGHTS_FIELDS)


def test_every_shipped_read_fits_the_sdk_catalogue() -> None:
    assert contract_problems(read_functions(reads)) == []


def test_the_report_run_polls_fit_the_catalogue() -> None:
    status = Read("report", RUN, fields=graph_client.REPORT_STATUS_FIELDS)
    rows = Read("report/rows", RUN, "insights", reads.INSIGHTS_FIELDS["adset"])
    assert problem(status) is None and problem(rows) is None


def test_a_misspelt_field_fails_the_contract() -> None:
    def pixel_with_typo(pixel_id: str) -> Read:
        return Read(f"pixel/{pixel_id}", pixel_id, fields=("id", "last_fird_time"))

    def stats_with_bad_enum(pixel_id: str) -> Read:
        return Read("stats", pixel_id, "stats", (), {"aggregation": "events"})

    def nested_typo(pixel_id: str) -> Read:
        return Read("nested", pixel_id, fields=("owner_business{id,nme}",))

    assert contract_problems([pixel_with_typo, stats_with_bad_enum, nested_typo]) == [
        "pixel/2001: (#100) Tried accessing nonexisting field (last_fird_time) on node type "
        "(AdsPixel)",
        "stats: (#100) aggregation must be one of the following values: browser_type, "
        "custom_data_field, device_os, device_type, event, event_detection_method, "
        "event_processing_results, event_source, event_total_counts, event_value_count, "
        "had_pii, host, match_keys, pixel_fire, url, url_by_rule",
        "nested: (#100) Tried accessing nonexisting field (nme) on node type (Business)",
    ]


@pytest.mark.parametrize(("read", "message"), [
    (Read("x", ACCOUNT, "insights", ("spend", "actionz"), {"level": "adset"}),
     "(#100) actionz is not valid for fields param"),
    (Read("x", ACCOUNT, "insights", ("spend",), {"action_attribution_windows": ["28d_clik"]}),
     "(#100) action_attribution_windows[0] must be one of the following values: 1d_click"),
    (Read("x", ACCOUNT, "insights", ("spend",), {"summary": True}),
     "(#100) Cannot include true in summary param"),
    (Read("x", PIXEL, "stats", (), {"aggregaton": "event"}),
     "(#100) Param aggregaton is not a valid parameter"),
    (Read("x", BUSINESS, "owned_pixelz", ("id",)),
     "(#100) Tried accessing nonexisting field (owned_pixelz) on node type (Business)"),
    (Read("x", "dataset_quality", fields=("web{event_name,dedup_key_feedback}",),
          params={"dataset_id": PIXEL}),
     "(#100) Tried accessing nonexisting field (dedup_key_feedback) on node type "
     "(AdsPixelCAPIIntegrationQuality)"),
    (Read("x", PIXEL, "agencies", ("id", "permitted_taks")),
     "(#100) Tried accessing nonexisting field (permitted_taks) on node type (Business)"),
])
def test_what_meta_refuses_the_contract_refuses(read: Read, message: str) -> None:
    found = problem(read)
    assert found is not None and found.startswith(f"x: {message}"), found


def test_edge_only_fields_are_accepted_where_meta_documents_them() -> None:
    assert problem(Read("x", PIXEL, "agencies", ("id", "permitted_tasks"))) is None
    assert problem(Read("x", PIXEL, "assigned_users", ("id", "tasks"),
                        {"business": AGENCY})) is None
    # …and only there: a pixel itself has no permitted_tasks.
    assert problem(Read("x", PIXEL, fields=("id", "permitted_tasks"))) is not None
