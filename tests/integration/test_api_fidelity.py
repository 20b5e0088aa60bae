"""What the real Graph API does that our doubles once hid: batch-level errors, insights without
``summary``, the report-run summary error. Through the CLI, the SDK and the sandbox."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from audit.cli import cli
from audit.errors import ExitCode
from audit.sandbox import SandboxServer, demo_world_path, parse_world
from audit.sandbox.wire.errors import summary_error
from tests.integration.conftest import load_runs, write_config

EXPIRED = "sandbox-expired-token"
RENEW = ("Business Settings (https://business.facebook.com/settings) → Users → System users → "
         "select the audit system user → Generate new token")


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_an_expired_token_with_batching_on_is_not_audited_with_the_fix(
        sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    monkeypatch.setenv("IOS14_DEMO_AGENCY_TOKEN", EXPIRED)
    code, out, err = _invoke("run", "-c", str(config))
    assert code == ExitCode.NOT_AUDITED == 3
    line = next(x for x in err.splitlines() if x.startswith("lumen-outdoor: not audited: "))
    assert "the access token was refused (Error validating access token: Session has " \
           "expired" in line
    assert RENEW in line and "environment variable IOS14_DEMO_AGENCY_TOKEN" in line
    assert "Traceback" not in out + err and "crashed" not in out + err
    # One batch, refused as a whole: no item of it was served.
    assert sandbox.request_count(r"^$", "POST") == 1
    assert sandbox.request_count(batch_items=True) == 0
    run = load_runs(tmp_path / "out")["lumen-outdoor"]
    assert run["status"] == "not_audited" and RENEW in run["not_audited_reason"]


def test_the_same_through_a_real_process(sandbox: SandboxServer, tmp_path: Path) -> None:
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    env = {**os.environ, "IOS14_DEMO_AGENCY_TOKEN": EXPIRED}
    done = subprocess.run([sys.executable, "-m", "audit", "run", "-c", str(config)],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert done.returncode == 3
    assert "lumen-outdoor: not audited: the access token was refused" in done.stderr
    assert RENEW in done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert EXPIRED not in done.stdout + done.stderr


@pytest.mark.parametrize("code", [4, 2])
def test_a_throttled_or_transient_batch_is_retried(
        sandbox: SandboxServer, tmp_path: Path, tokens: dict[str, str], code: int) -> None:
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    sandbox.add_fault(r"^$", method="POST", code=code, subcode=None, times=2)
    code_, _, err = _invoke("run", "-c", str(config))
    assert code_ == ExitCode.OK, err
    assert sandbox.app.faults.list()[-1]["fired"] == 2
    run = load_runs(tmp_path / "out")["lumen-outdoor"]
    assert run["status"] != "not_audited"
    assert run["collection_stats"]["retries"] >= 2


def test_a_batch_that_times_out_is_sent_again(
        sandbox: SandboxServer, tmp_path: Path, tokens: dict[str, str]) -> None:
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"],
                          graph={"timeout_seconds": 1.0})
    sandbox.add_fault(r"^$", method="POST", kind="latency", latency_ms=2500, times=1)
    code, _, err = _invoke("run", "-c", str(config))
    assert code == ExitCode.OK, err
    run = load_runs(tmp_path / "out")["lumen-outdoor"]
    assert run["status"] != "not_audited" and run["collection_stats"]["retries"] >= 1
    assert sandbox.app.faults.list()[-1]["fired"] == 1


def test_an_answer_that_is_not_json_is_not_a_crash(
        sandbox: SandboxServer, tmp_path: Path, tokens: dict[str, str]) -> None:
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    sandbox.add_fault(r"^$", method="POST", kind="not_json", times=None)
    code, out, err = _invoke("run", "-c", str(config))
    assert code == ExitCode.NOT_AUDITED
    # Not JSON is the API not answering: retried, then the circuit breaker stops the reads.
    assert "lumen-outdoor: not audited: Graph API unreachable (" in err
    assert "an HTML page instead of JSON" in err
    assert "Traceback" not in out + err


def test_insights_reads_never_send_summary_and_survive_the_report_run_error(
        sandbox: SandboxServer, tmp_path: Path, tokens: dict[str, str]) -> None:
    # aurora-living's ad-set insights are too large for a synchronous answer: they go
    # through a report run, whose pages Meta sometimes refuses with the summary error.
    config = write_config(tmp_path, sandbox.base_url, clients=["aurora-living"])
    message = summary_error(["spend", "actions"], []).message
    sandbox.add_fault(r"^6\d+/insights$", code=100, subcode=None, message=message, times=1)
    code, _, err = _invoke("run", "-c", str(config))
    assert code == ExitCode.OK, err
    assert sandbox.app.faults.list()[-1]["fired"] == 1
    insights = [r for r in sandbox.requests if r.path.endswith("/insights")]
    assert len(insights) >= 3 and any(r.path.startswith("6") for r in insights)
    assert [r.params for r in insights if "summary" in r.params] == []
    run = load_runs(tmp_path / "out")["aurora-living"]
    assert not [e for e in run["collection_errors"] if "insights" in (e["resource"] or "")]
    snapshot = json.loads((tmp_path / "out" / "aurora-living" / "snapshot.json").read_text())
    assert len(snapshot["endpoints"]["adaccount/act_100000000004/insights/adset"]["data"]) > 250


@pytest.fixture
def drifted(demo_world_data: dict[str, Any]) -> Iterator[SandboxServer]:
    """The demo world on an API version that no longer serves AdSet.attribution_spec."""
    demo_world_data.setdefault("settings", {})["retired_fields"] = {"AdSet": ["attribution_spec"]}
    with SandboxServer(parse_world(demo_world_data), port=0) as srv:
        yield srv


@pytest.fixture
def demo_world_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(demo_world_path().read_text(encoding="utf-8"))
    return data


def test_a_field_meta_refuses_is_dropped_and_reported_while_the_rest_survives(
        drifted: SandboxServer, tmp_path: Path, tokens: dict[str, str]) -> None:
    config = write_config(tmp_path, drifted.base_url, clients=["lumen-outdoor"])
    code, _, err = _invoke("run", "-c", str(config))
    assert code == ExitCode.OK, err
    out = tmp_path / "out" / "lumen-outdoor"
    key = "adaccount/act_100000000001/adsets"
    stored = json.loads((out / "snapshot.json").read_text())["endpoints"][key]
    assert stored["dropped_fields"] == ["attribution_spec"]
    assert "nonexisting field (attribution_spec) on node type (AdSet)" in \
        stored["dropped_because"]["message"]
    assert "error" not in stored and len(stored["data"]) >= 3
    assert all(a.get("name") and "attribution_spec" not in a for a in stored["data"])
    run = load_runs(tmp_path / "out")["lumen-outdoor"]
    assert run["status"] == "partial" and run["schema_version"] == "1.1"
    [missing] = run["missing_fields"]
    assert (missing["resource"], missing["fields"]) == (key, ["attribution_spec"])
    assert missing["endpoint"] == "GET /act_100000000001/adsets"
    assert "windows_adset_attribution_supported" in missing["checks"]
    report = (out / "report.html").read_text()
    assert "Meta no longer provides a few details" in report
    assert "attribution_spec" not in report and "GET /" not in report  # client-plain
    tech = (out / "technical.html").read_text()
    assert "GET /act_100000000001/adsets" in tech and "attribution_spec" in tech
    assert "windows_adset_attribution_supported" in tech
    # run.json 1.1 validates against its schema and renders again without the API.
    code, _, err = _invoke("report", "--from", str(out / "run.json"), "--out",
                           str(tmp_path / "again"))
    assert code == ExitCode.OK, err
    assert "attribution_spec" in (tmp_path / "again" / "lumen-outdoor" / "technical.html"
                                  ).read_text()
    # Asked once in a batch, refused, then once more on its own without the field.
    assert drifted.request_count(r"^act_100000000001/adsets$", "GET", batch_items=True) == 1
    assert drifted.request_count(r"^act_100000000001/adsets$", "GET") == 1
