"""``doctor`` and ``--trace`` through the CLI, the SDK and the sandbox."""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.errors import ExitCode
from audit.sandbox import SandboxServer
from tests.integration.conftest import write_config

FAMILIES = ["token", "token", "business", "pixels", "partner edges", "partner edges", "stats",
            "dataset quality", "ad accounts", "ad sets", "insights", "rules"]
APP_SECRET = "sandbox-app-secret"  # the demo world's app secret
SECRET_WORDS = ("access_token", "appsecret_proof", "input_token")


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _doctor_json(config: Path, *extra: str) -> tuple[int, list[dict[str, Any]]]:
    code, out, err = _invoke("doctor", "-c", str(config), "--json", *extra)
    assert "Traceback" not in out + err
    return code, json.loads(out)


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_doctor_all_ok(sandbox: SandboxServer, tmp_path: Path,
                       tokens: dict[str, str]) -> None:
    config = write_config(tmp_path, sandbox.base_url)
    code, [result] = _doctor_json(config, "--client", "lumen-outdoor")
    assert code == ExitCode.OK
    assert result["client"] == "lumen-outdoor" and result["token_refused"] is False
    assert [p["family"] for p in result["probes"]] == FAMILIES
    assert {p["status"] for p in result["probes"]} == {"OK"}
    endpoints = [p["endpoint"] for p in result["probes"]]
    assert "GET /act_100000000001/insights" in endpoints
    assert "GET /dataset_quality" in endpoints
    # One small read each: no batch, one page.
    assert sandbox.request_count(r"^$", "POST") == 0
    assert sandbox.request_count(r"^act_100000000001/adsets$", "GET") == 1


def test_doctor_lists_refusals_with_meaning_and_fix(
        sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config(tmp_path, sandbox.base_url)
    monkeypatch.setenv("IOS14_DEMO_AGENCY_TOKEN", "sandbox-readonly-token")  # ads_read only
    code, [result] = _doctor_json(config, "--client", "lumen-outdoor")
    assert code == ExitCode.OK  # the token works: refused families are listed, not fatal
    probes = {p["endpoint"]: p for p in result["probes"]}
    scopes = probes["GET /me/permissions"]
    assert (scopes["status"], scopes["meaning"]) == (
        "missing", "the token lacks ads_management, business_management")
    business = probes["GET /1000000000001"]
    assert (business["status"], business["kind"], business["code"]) == (
        "refused", "permission", 200)
    assert "Partners" in business["fix"] and "Northwind Digital" in business["fix"]
    assert probes["GET /act_100000000001/adsets"]["status"] == "OK"
    code, out, _ = _invoke("doctor", "-c", str(config), "--client", "lumen-outdoor")
    assert "• business GET /1000000000001 (200): the token may not read this" in out
    assert "fix: the client's Business Settings" in out


@pytest.mark.parametrize(("token", "kind"), [("sandbox-expired-token", "auth"),
                                              (None, "no token")])
def test_doctor_exits_3_when_the_token_is_refused(
        sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        token: str | None, kind: str) -> None:
    config = write_config(tmp_path, sandbox.base_url)
    if token is None:
        monkeypatch.delenv("IOS14_DEMO_AGENCY_TOKEN", raising=False)
    else:
        monkeypatch.setenv("IOS14_DEMO_AGENCY_TOKEN", token)
    code, [result] = _doctor_json(config, "--client", "lumen-outdoor")
    assert code == ExitCode.NOT_AUDITED == 3
    first = result["probes"][0]
    assert result["token_refused"] is True and first["kind"] == kind
    assert "IOS14_DEMO_AGENCY_TOKEN" in first["fix"]


def _config_with_app_secret(tmp_path: Path, base_url: str,
                            monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("IOS14_DEMO_APP_SECRET", APP_SECRET)
    return write_config(tmp_path, base_url, clients=["lumen-outdoor"],
                        graph={"app_secret_env": "IOS14_DEMO_APP_SECRET"})


def _assert_no_secret(text: str, tokens: dict[str, str]) -> None:
    proofs = [hmac.new(APP_SECRET.encode(), t.encode(), hashlib.sha256).hexdigest()
              for t in tokens.values()]
    for secret in (*tokens.values(), APP_SECRET, *proofs, *SECRET_WORDS):
        assert secret not in text


def test_the_trace_of_a_run_has_every_call_and_no_secret(
        sandbox: SandboxServer, tmp_path: Path, tokens: dict[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config_with_app_secret(tmp_path, sandbox.base_url, monkeypatch)
    trace = tmp_path / "trace.jsonl"
    code, _, err = _invoke("run", "-c", str(config), "--trace", str(trace))
    assert code == ExitCode.OK, err
    text = trace.read_text()
    _assert_no_secret(text, tokens)
    lines = _lines(trace)
    batches = [x for x in lines if x.get("items")]
    items = [x for x in lines if "batch_index" in x]
    # Three phases, plus one batch retrying the demo world's throttled Insights item.
    assert [b["method"] for b in batches] == ["POST"] * 4
    assert len(items) == sum(b["items"] for b in batches)
    assert sandbox.request_count(batch_items=True) == len(items)
    first = {x["path"]: x for x in items if x["batch"] == batches[0]["batch"]}
    assert set(first) == {"/debug_token", "/me/permissions", "/1000000000001"}
    assert first["/1000000000001"]["fields"] == ["id", "name", "verification_status"]
    assert all(x["client"] == "lumen-outdoor" for x in items)
    [throttled] = [x for x in items if x["status"] != 200]
    assert (throttled["path"], throttled["error_code"], throttled["error_subcode"]) == (
        "/act_100000000001/insights", 80000, 2446079)
    insights = [x for x in items if x["path"] == "/act_100000000001/insights"]
    assert {x["params"]["level"] for x in insights} == {"campaign", "adset"}
    assert not [x for x in insights if "summary" in x["params"]]
    assert all(isinstance(b["duration_ms"], float) for b in batches)


def test_the_trace_of_a_refused_batch_shows_the_190(
        sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    monkeypatch.setenv("IOS14_DEMO_AGENCY_TOKEN", "sandbox-expired-token")
    trace = tmp_path / "trace.jsonl"
    code, _, _ = _invoke("run", "-c", str(config), "--trace", str(trace))
    assert code == ExitCode.NOT_AUDITED
    [batch, *items] = _lines(trace)
    assert (batch["path"], batch["status"], batch["error_code"], batch["error_subcode"]) == (
        "/", 400, 190, 463)
    assert [x["status"] for x in items] == [None, None, None]  # no per-item answers
    assert "sandbox-expired-token" not in trace.read_text()


def test_the_trace_of_doctor_has_one_line_per_probe_and_no_secret(
        sandbox: SandboxServer, tmp_path: Path, tokens: dict[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config_with_app_secret(tmp_path, sandbox.base_url, monkeypatch)
    trace = tmp_path / "doctor.jsonl"
    code, _, err = _invoke("doctor", "-c", str(config), "--trace", str(trace))
    assert code == ExitCode.OK, err
    _assert_no_secret(trace.read_text(), tokens)
    lines = _lines(trace)
    assert [x["path"] for x in lines][:4] == ["/debug_token", "/me/permissions",
                                             "/1000000000001", "/1000000000001/owned_pixels"]
    # One line per probe, and one more for the demo world's throttled Insights read retried.
    assert len(lines) == len(FAMILIES) + 1
    assert [x["error_code"] for x in lines if x["status"] != 200] == [80000]
    assert lines[0]["params"] == {}  # input_token dropped


def test_an_unwritable_trace_file_is_a_usage_error(sandbox: SandboxServer, tmp_path: Path,
                                                   tokens: dict[str, str]) -> None:
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    code, _, err = _invoke("run", "-c", str(config), "--trace",
                           str(tmp_path / "missing" / "trace.jsonl"))
    assert code == ExitCode.USAGE
    assert err.startswith("error: cannot write the trace file") and "Traceback" not in err
