"""Insights: sync ``GET …/insights``, async ``POST …/insights`` → ``report_run_id``, the
``AdReportRun`` node that advances over polls, and ``GET /{report_run_id}/insights``."""

from __future__ import annotations

from typing import Any

from ..wire.call import Call, edge_body, node_body
from ..wire.errors import SandboxError, nonexisting_field
from ..wire.serialize import report_dict
from ..world.model import AdSet, ReportRun
from ..world.timeutil import local_date
from . import access
from .insights_params import parse_query
from .insights_rows import compute_rows

LEVEL_OF = {"AdAccount": "account", "Campaign": "campaign", "AdSet": "adset"}


def _scope(call: Call, node_id: str, node_type: str) -> tuple[str, list[AdSet]]:
    world = call.world
    adsets = list(world.adsets.values())
    if node_type == "AdAccount":
        return node_id, [a for a in adsets if a.account_id == node_id]
    if node_type == "Campaign":
        return world.campaigns[node_id].account_id, [a for a in adsets
                                                     if a.campaign_id == node_id]
    return world.adsets[node_id].account_id, [world.adsets[node_id]]


def insights(call: Call, node_id: str, node_type: str) -> dict[str, Any]:
    """Sync (GET) or async (POST) Insights on an account, campaign or ad set."""
    world = call.world
    access.require_scope(world, call.user, access.READ_ADS)
    if call.method not in ("GET", "POST"):
        raise SandboxError(f"(#100) Unsupported {call.method.lower()} request on insights")
    account_id, adsets = _scope(call, node_id, node_type)
    account = world.ad_accounts[account_id]
    today = local_date(call.now, account.timezone_offset)
    query = parse_query(call.params, LEVEL_OF[node_type], today)
    cutoff = world.settings.view_windows_removed_on
    gone = cutoff is not None and call.now.date() >= cutoff
    rows = compute_rows(world, adsets, query, today, gone)
    if call.method == "POST":
        run_id = world.runtime.new_id("6", world.runtime.report_runs)
        world.runtime.report_runs[run_id] = ReportRun(
            id=run_id, account_id=account_id, rows=rows, date_start=query.since.isoformat(),
            date_stop=query.until.isoformat(), created=call.now,
            fail="job_failed" in call.flags)
        return {"report_run_id": run_id}
    if len(rows) > world.settings.insights_sync_max_rows:
        raise SandboxError(
            "Please reduce the amount of data you're asking for, then retry your request",
            code=1, subcode=99, http_status=500, is_transient=False,
            user_title="Please reduce the amount of data",
            user_msg="Please reduce the amount of data you're asking for, then retry your "
                     "request")
    return _rows_body(call, node_id, rows)


def _rows_body(call: Call, node_id: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    return edge_body(call, node_id, "insights", rows, "AdsInsights", summary=False, shaped=True)


def _progress(call: Call, run: ReportRun) -> tuple[str, int]:
    polls = call.world.settings.async_polls
    if run.fail:
        return "Job Failed", min(90, 100 * run.polls // max(1, polls + 1))
    if run.polls > polls:
        return "Job Completed", 100
    if run.polls <= 1 and polls >= 2:
        return "Job Not Started", 0
    return "Job Running", min(99, 100 * run.polls // (polls + 1))


def report_node(call: Call, run_id: str) -> dict[str, Any]:
    """``GET /{report_run_id}/`` — each poll advances the job."""
    if call.method != "GET":
        raise SandboxError("(#100) Unsupported request method on AdReportRun")
    access.require_scope(call.world, call.user, access.READ_ADS)
    run = call.world.runtime.report_runs[run_id]
    run.polls += 1
    status, percent = _progress(call, run)
    return node_body(call, report_dict(run, status, percent), "AdReportRun")


def report_edge(call: Call, run_id: str, name: str) -> dict[str, Any]:
    """``GET /{report_run_id}/insights`` (only once the job completed)."""
    if name != "insights":
        raise nonexisting_field(name, "AdReportRun")
    access.require_scope(call.world, call.user, access.READ_ADS)
    run = call.world.runtime.report_runs[run_id]
    status, _ = _progress(call, run)
    if status != "Job Completed":
        raise SandboxError(f"(#100) The report run is not complete (async_status: {status})",
                           user_msg="Poll the AdReportRun until async_status is Job Completed.")
    return _rows_body(call, run_id, run.rows)
