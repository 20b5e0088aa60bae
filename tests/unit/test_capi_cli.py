"""``ios14-audit capi check-payload`` offline, and the argument checks of ``capi test``."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from audit.cli import cli

EMAIL = "Jane.Doe@Example.com"
PHONE = "+1 (650) 555-1212"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def event(**user: Any) -> dict[str, Any]:
    return {"event_name": "Purchase", "event_time": int(time.time()) - 60,
            "event_id": "order-9", "action_source": "website",
            "event_source_url": "https://shop.example.com/thanks",
            "user_data": {"em": [sha("jane.doe@example.com")], "client_user_agent": "Mozilla/5.0",
                          "client_ip_address": "203.0.113.7", **user},
            "custom_data": {"value": 10, "currency": "USD"}}


@pytest.mark.parametrize("as_json", [False, True])
def test_errors_exit_1_and_never_show_the_plain_identifier(tmp_path: Path,
                                                           as_json: bool) -> None:
    path = tmp_path / "payload.json"
    path.write_text(json.dumps({"data": [event(), event(em=EMAIL, ph=PHONE)]}))
    result = run("-vv", "capi", "check-payload", str(path), *(["--json"] if as_json else []))
    assert result.exit_code == 1
    for text in (result.stdout, result.stderr):
        for plain in (EMAIL, EMAIL.lower(), "6505551212", "555-1212"):
            assert plain not in text
    assert "j***@e***.com" in result.stdout
    if as_json:
        out = json.loads(result.stdout)
        assert (out["events"], out["with_errors"]) == (2, 1)
        assert [p["ok"] for p in out["payloads"]] == [True, False]


def test_clean_payloads_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "payload.jsonl"
    path.write_text(json.dumps(event()) + "\n" + json.dumps(event() | {"event_id": "o-10"}))
    result = run("capi", "check-payload", str(path), "--browser-events", "Purchase,Lead")
    assert result.exit_code == 0, result.output
    assert "0 of 2 event(s) with errors" in result.stdout


def test_unreadable_payload_file_is_a_usage_error(tmp_path: Path) -> None:
    path = tmp_path / "payload.jsonl"
    path.write_text(json.dumps(event()) + "\n{not json\n")
    result = run("capi", "check-payload", str(path))
    assert result.exit_code == 2
    assert "line 2 is not valid JSON" in result.stderr
    result = run("capi", "check-payload", str(tmp_path / "missing.jsonl"))
    assert result.exit_code == 2 and "file not found" in result.stderr


def test_client_needs_from_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "payload.jsonl"
    path.write_text(json.dumps(event()))
    result = run("capi", "check-payload", str(path), "--client", "acme")
    assert result.exit_code == 2 and "--client goes with --from-snapshot" in result.stderr


@pytest.mark.parametrize(("args", "words"), [
    (["--live", "--test-event-code", "TEST1"], "exclude each other"),
    (["--test-event-code", "TEST 1; rm"], "must be the code Events Manager shows"),
    (["--test-event-code", "TEST1", "--currency", "dollars"], "not an ISO 4217 code"),
    (["--test-event-code", "TEST1", "--event", "Purchase!"], "an event name is letters"),
])
def test_capi_test_argument_errors_exit_2_before_any_work(tmp_path: Path, args: list[str],
                                                          words: str) -> None:
    # The config does not even exist: arguments are checked first.
    result = run("capi", "test", "-c", str(tmp_path / "none.yaml"), "--client", "x", *args)
    assert result.exit_code == 2
    assert words in result.stderr
