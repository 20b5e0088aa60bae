"""``ios14-audit capi``: test events through the real SDK to the sandbox, payload checks, and
the deduplication finding of the demo audit."""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

import yaml

from audit.sandbox import SandboxServer
from tests.integration.conftest import findings, load_runs, run_cli, write_config

LUMEN_PIXEL = "200000000000001"
EMAIL = "  Jane.DOE@Example.COM "
PHONE = "+1 (650) 555-1212"
# What must never appear anywhere once the identity file has been read (lower-cased).
PLAIN = ("jane.doe@example.com", "jane", "6505551212", "555-1212", "(650)", "menlo park",
         "menlopark", "2400 sand hill")
META_PHONE_DIGEST = "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def identity_file(tmp_path: Path) -> Path:
    path = tmp_path / "ids" / "test-person.yaml"
    path.parent.mkdir()
    path.write_text(yaml.safe_dump([{"email": EMAIL, "phone": PHONE, "first_name": "Jane",
                                     "city": "Menlo Park", "country": "US",
                                     "external_id": "2400 Sand Hill"}]))
    return path


def assert_no_plain_identifier(*texts: str) -> None:
    for text in texts:
        lowered = text.lower()
        for plain in PLAIN:
            assert plain not in lowered, f"{plain!r} leaked"


def written_files(root: Path, skip: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted(root.rglob("*"))
                     if p.is_file() and p != skip)


def test_test_events_are_hashed_by_the_sdk_and_received_as_sent(
        sandbox: SandboxServer, tokens: dict[str, str], tmp_path: Path) -> None:
    config = write_config(tmp_path, sandbox.base_url)
    people = identity_file(tmp_path)
    result = run_cli("-vv", "capi", "test", "-c", str(config), "--client", "lumen-outdoor",
                     "--test-event-code", "TEST4711", "--event", "Purchase", "--event", "Lead",
                     "--identity", str(people), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    [receipt] = sandbox.capi_received()
    assert receipt["pixel_id"] == LUMEN_PIXEL and receipt["test_event_code"] == "TEST4711"
    assert (out["events_received"], out["fbtrace_id"]) == (2, receipt["fbtrace_id"])
    purchase, lead = receipt["events"]
    assert [purchase["event_id"], lead["event_id"]] == [e["event_id"] for e in out["events"]]
    assert purchase["event_id"] != lead["event_id"]
    for event in (purchase, lead):
        assert event["action_source"] == "website"
        assert event["event_source_url"] == "https://lumenoutdoor.com.au/"
        assert abs(event["event_time"] - time.time()) < 120
        user = event["user_data"]
        assert user["em"] == [sha("jane.doe@example.com")]
        assert user["ph"] == [META_PHONE_DIGEST]
        assert user["fn"] == [sha("jane")] and user["ct"] == [sha("menlopark")]
        assert user["country"] == [sha("us")]
        assert user["external_id"] == [sha("2400 sand hill")]
        assert user["client_user_agent"].startswith("Mozilla/5.0")
    # Value and the ad account's currency (AUD) for the value event only.
    assert purchase["custom_data"] == {"value": 1.0, "currency": "aud"}
    assert "custom_data" not in lead
    assert out["found"]["currency"] == "ad account act_100000000001"
    # On the wire, as the SDK sends it: data is a JSON array of JSON strings.
    [posted] = [r for r in sandbox.requests if r.method == "POST"
                and r.path == f"{LUMEN_PIXEL}/events"]
    assert all(isinstance(item, str) for item in json.loads(posted.params["data"]))
    log = json.dumps([r.as_dict() for r in sandbox.requests])
    assert_no_plain_identifier(result.stdout, result.stderr, log,
                               written_files(tmp_path, people))
    assert "DEBUG" in result.stderr  # -vv really logged


def test_the_table_names_each_event_id_and_metas_answer(
        sandbox: SandboxServer, tokens: dict[str, str], tmp_path: Path) -> None:
    config = write_config(tmp_path, sandbox.base_url)
    people = identity_file(tmp_path)
    result = run_cli("-vv", "capi", "test", "-c", str(config), "--client", "lumen-outdoor",
                     "--test-event-code", "TEST4711", "--identity", str(people))
    assert result.exit_code == 0, result.output
    [receipt] = sandbox.capi_received()
    assert receipt["events"][0]["event_id"] in result.stdout
    assert "Meta received 1 of 1 event(s)" in result.stdout
    assert f"fbtrace_id {receipt['fbtrace_id']}" in result.stdout
    assert "code TEST4711" in result.stdout
    assert_no_plain_identifier(result.stdout, result.stderr, written_files(tmp_path, people))


def test_generated_identities_are_fake_and_said_to_be(
        sandbox: SandboxServer, tokens: dict[str, str], tmp_path: Path) -> None:
    config = write_config(tmp_path, sandbox.base_url)
    result = run_cli("capi", "test", "-c", str(config), "--client", "evergreen-home-loans",
                     "--test-event-code", "TEST1", "--event", "Lead")
    assert result.exit_code == 0, result.output
    assert "generated" in result.stdout
    [receipt] = sandbox.capi_received()
    user = receipt["events"][0]["user_data"]
    assert user["em"] == [sha("capi-test-1@example.com")]
    assert user["ph"] == [sha("12015550101")]
    assert "custom_data" not in receipt["events"][0]


def test_without_a_test_event_code_nothing_is_sent(
        sandbox: SandboxServer, tokens: dict[str, str], tmp_path: Path) -> None:
    config = write_config(tmp_path, sandbox.base_url)
    result = run_cli("capi", "test", "-c", str(config), "--client", "lumen-outdoor")
    assert result.exit_code == 2
    assert "refusing to send without --test-event-code" in result.stderr
    assert "--live" in result.stderr
    assert sandbox.request_count() == 0 and sandbox.capi_received() == []


def test_live_events_are_sent_without_a_code_after_a_warning(
        sandbox: SandboxServer, tokens: dict[str, str], tmp_path: Path) -> None:
    config = write_config(tmp_path, sandbox.base_url)
    result = run_cli("capi", "test", "-c", str(config), "--client", "lumen-outdoor", "--live",
                     "--event", "Lead", "--json")
    assert result.exit_code == 0, result.output
    assert "warning: sending LIVE events" in result.stderr
    assert json.loads(result.stdout)["live"] is True
    assert sandbox.capi_received()[0]["test_event_code"] is None


def test_a_refused_send_exits_4_with_metas_message_and_trace(
        sandbox: SandboxServer, tokens: dict[str, str], tmp_path: Path) -> None:
    config = write_config(tmp_path, sandbox.base_url)
    sandbox.add_fault(f"{LUMEN_PIXEL}/events", method="POST", code=100, subcode=2804050,
                      message="(#100) Invalid parameter",
                      user_msg="This event has no customer information parameters",
                      http_status=400, is_transient=False)
    people = identity_file(tmp_path)
    result = run_cli("capi", "test", "-c", str(config), "--client", "lumen-outdoor",
                     "--test-event-code", "TEST1", "--identity", str(people))
    assert result.exit_code == 4
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("error: Meta refused the events for pixel 200000000000001")
    assert "no customer information parameters" in line and "subcode 2804050" in line
    assert "fbtrace_id" in line
    assert_no_plain_identifier(result.stdout, result.stderr)


def test_a_client_with_several_pixels_needs_pixel(
        sandbox: SandboxServer, tokens: dict[str, str], tmp_path: Path) -> None:
    config = write_config(tmp_path, sandbox.base_url)
    result = run_cli("capi", "test", "-c", str(config), "--client", "brightsmile-dental",
                     "--test-event-code", "TEST1")
    assert result.exit_code == 2
    assert "has 3 pixels (200000000000002, 200000000000003, 200000000000004)" in result.stderr
    result = run_cli("capi", "test", "-c", str(config), "--client", "brightsmile-dental",
                     "--test-event-code", "TEST1", "--pixel", "200000000000001")
    assert result.exit_code == 2 and "is not one of brightsmile-dental's pixels" in result.stderr
    assert sandbox.capi_received() == []


def test_pixel_page_and_currency_come_from_the_last_audit(
        sandbox: SandboxServer, tokens: dict[str, str], tmp_path: Path, demo_out: Path) -> None:
    config = write_config(tmp_path, sandbox.base_url, output={"directory": str(demo_out)})
    data = yaml.safe_load(config.read_text())
    for client in data["clients"]:
        if client["slug"] == "lumen-outdoor":
            client["pixels"] = []
    config.write_text(yaml.safe_dump(data, sort_keys=False))
    result = run_cli("capi", "test", "-c", str(config), "--client", "lumen-outdoor",
                     "--test-event-code", "TEST1", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["pixel_id"] == LUMEN_PIXEL and out["found"]["pixel"] == "last audit"
    # shop. carries 72% of the pixel's traffic in the demo world.
    assert out["events"][0]["event_source_url"] == "https://shop.lumenoutdoor.com.au/"
    assert out["found"]["currency"] == "ad account act_100000000001 (last audit)"
    assert sandbox.request_count(r"^act_", "GET") == 0


# ----------------------------------------------------------------------- check-payload


def _lead(**extra: Any) -> dict[str, Any]:
    event = {"event_name": "Lead", "event_time": int(time.time()) - 60,
             "action_source": "website",
             "event_source_url": "https://apply.evergreenhomeloans.co.nz/apply/thanks",
             "user_data": {"em": [sha("jane.doe@example.com")],
                           "client_user_agent": "Mozilla/5.0",
                           "client_ip_address": "203.0.113.7"}}
    event.update(extra)
    return event


def test_check_payload_takes_browser_events_from_the_audit(tmp_path: Path,
                                                           demo_out: Path) -> None:
    payload = tmp_path / "events.jsonl"
    payload.write_text(json.dumps(_lead()) + "\n")
    result = run_cli("capi", "check-payload", str(payload), "--from-snapshot", str(demo_out),
                     "--client", "evergreen-home-loans", "--json")
    assert result.exit_code == 1, result.output
    out = json.loads(result.stdout)
    assert "Lead" in out["browser_events"]
    [issue] = [i for i in out["payloads"][0]["issues"] if i["code"] == "missing_event_id"]
    assert issue["severity"] == "error"
    payload.write_text(json.dumps(_lead(event_id="lead-77")) + "\n")
    result = run_cli("capi", "check-payload", str(payload), "--from-snapshot", str(demo_out),
                     "--client", "evergreen-home-loans")
    assert result.exit_code == 0, result.output


def test_demo_dedup_finding_names_the_pixel_side_and_the_fix(demo_out: Path) -> None:
    run = load_runs(demo_out)["evergreen-home-loans"]
    lead = findings(run, "capi_event_dedup")["200000000000011:Lead"]
    assert lead["status"] == "FAIL"
    assert lead["evidence"]["missing_on"] == "browser"
    assert "fbq('track', 'Lead', {...}, {eventID: 'lead-123'})" in lead["remediation"]
    assert "client's web developer" in lead["remediation"]
