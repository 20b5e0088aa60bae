"""Unknown is never zero: a read that fails makes the checks that depend on it SKIPPED with
the reason, never "not applicable", and counts of what was not read show as unknown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from audit.errors import ExitCode
from audit.sandbox import SandboxServer
from tests.faults.conftest import cli, fault_config, load_json_strict

CLIENT = "lumen-outdoor"


def _run(tmp_path: Path, sandbox: SandboxServer) -> tuple[dict[str, Any], Path]:
    config = fault_config(tmp_path, sandbox.base_url, clients=(CLIENT,),
                          graph={"timeout_seconds": 20})
    result = cli("run", "-c", str(config))
    assert result.code == ExitCode.OK, result.err
    folder = tmp_path / "out" / CLIENT
    return load_json_strict(folder / "run.json"), folder


def _by_check(run: dict[str, Any], check_id: str) -> list[dict[str, Any]]:
    return [f for f in run["findings"] if f["check_id"] == check_id]


# (the failing edge, as a sandbox fault path; the checks that need it; the endpoint named)
FAILED_READS = {
    "adsets": (r"^act_\d+/adsets$",
               ("access_pixel_accounts", "events_standard_traffic",
                "priorities_events_volume", "events_optimized_fired"),
               "GET /act_100000000001/adsets"),
    "stats-host": (r"^\d+/stats$", ("domains_traffic_verified",), "/stats"),
}


@pytest.mark.parametrize("read", sorted(FAILED_READS))
def test_a_failed_read_skips_the_checks_that_need_it_with_the_reason(
        read: str, sandbox: SandboxServer, tmp_path: Path, tokens: dict[str, str]) -> None:
    path, checks, endpoint = FAILED_READS[read]
    sandbox.add_fault(path, code=200, subcode=None, message="(#200) Permission denied",
                      times=None)
    run, _ = _run(tmp_path, sandbox)
    assert run["status"] == "partial"
    for check_id in checks:
        found = _by_check(run, check_id)
        assert [f["status"] for f in found] == ["SKIPPED"], (check_id, found)
        assert found[0]["message"].startswith("Skipped: "), check_id
        assert endpoint in found[0]["message"], (check_id, found[0]["message"])
        assert "could not be read (permission error 200)" in found[0]["message"]
        assert not found[0]["evidence"].get("not_applicable"), check_id
        assert found[0]["evidence"]["unmet_needs"], check_id


def test_failed_event_stats_skip_the_server_events_check(
        sandbox: SandboxServer, tmp_path: Path, tokens: dict[str, str]) -> None:
    sandbox.add_fault(r"^\d+/stats$", code=200, subcode=None, times=None)
    run, _ = _run(tmp_path, sandbox)
    found = _by_check(run, "capi_event_server")
    assert [f["status"] for f in found] == ["SKIPPED"]
    assert "pixel/*/stats/event" in found[0]["evidence"]["unmet_needs"]


def test_ad_set_counts_are_unknown_when_the_ad_sets_could_not_be_read(
        sandbox: SandboxServer, tmp_path: Path, tokens: dict[str, str]) -> None:
    sandbox.add_fault(r"^act_\d+/adsets$", code=200, subcode=None, times=None)
    run, folder = _run(tmp_path, sandbox)
    rows = run["sections"]["events"]["rows"]
    assert rows, "the events inventory has rows (the stats were read)"
    assert all(r["adsets"] is None and r["active_adsets"] is None and r["spend_28d"] is None
               for r in rows)
    report = (folder / "report.html").read_text(encoding="utf-8")
    events = report[report.index('id="inv-events"'):]
    events = events[:events.index("</table>")]
    assert ">unknown<" in events
    assert "0 (0)" not in events


def test_when_the_ad_sets_are_read_the_counts_are_numbers(
        sandbox: SandboxServer, tmp_path: Path, tokens: dict[str, str]) -> None:
    run, _ = _run(tmp_path, sandbox)
    rows = run["sections"]["events"]["rows"]
    assert any(isinstance(r["adsets"], int) and r["adsets"] > 0 for r in rows)
    assert all(isinstance(r["spend_28d"], (int, float)) for r in rows)
