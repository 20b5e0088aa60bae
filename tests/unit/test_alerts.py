from __future__ import annotations

import logging

from audit.evaluate.run import RunResult
from audit.models import Finding, Resource, Severity, Status
from audit.publish.alerts import (
    AlertPolicy,
    ClientState,
    Notifier,
    compose,
    register_url_secrets,
)
from audit.publish.summary import ClientSummary
from audit.redact import MASK, redact


def finding(check="access_pixel_shared", status=Status.FAIL, severity=Severity.CRITICAL,
            rid="111", evidence=None, muted=None):
    return Finding(check, "acme", status, severity, "access", "title", f"message {rid}",
                   Resource("pixel", rid, "Main pixel"), evidence=evidence or {}, muted=muted)


def change(kind, status, severity, rid, was=None):
    return {"check_id": "access_pixel_shared", "status": status, "severity": severity,
            "resource": {"type": "pixel", "id": rid, "name": None}, "message": f"msg {rid}",
            "previous_status": was, "evidence": {"big": "x" * 100}}


def run(findings=(), changes=None, not_audited=None):
    return RunResult(
        run_id="20261130T060000.000Z", client={"slug": "acme", "name": "Acme Shoes"},
        agency={"name": "Northwind"}, started_at="2026-11-30T06:00:00+00:00",
        finished_at="2026-11-30T06:00:09+00:00", findings=list(findings),
        collection_errors=[], checks=[], snapshot={}, not_audited=not_audited,
        sections={"changes": changes or {}})


PREVIOUS = {"previous_run_id": "20261123T060000.000Z", "previous_score": 90.0,
            "new": [change("new", "FAIL", "critical", "111"),
                    change("new", "WARN", "critical", "222"),
                    change("new", "FAIL", "low", "333")],
            "regressed": [change("regressed", "FAIL", "high", "444", was="WARN")],
            "resolved": [], "improved": []}


def test_summary_keeps_what_the_index_alerts_and_exit_code_need():
    s = ClientSummary.from_run(run([finding(), finding(rid="9", muted="agreed"),
                                    finding("token_access_valid", Status.WARN,
                                            evidence={"days_left": 4.6})], PREVIOUS))
    assert (s.slug, s.status, s.previous_score, s.previous_run_id) == (
        "acme", "audited", 90.0, "20261123T060000.000Z")
    assert s.failing == {"critical": 1}  # the muted FAIL does not count
    assert s.fails_at(Severity.HIGH) and not ClientSummary.from_run(run()).fails_at(
        Severity.INFO)
    assert s.token_days_left == 4.6
    assert [c["resource"]["id"] for c in s.changes] == ["111", "222", "333", "444"]
    assert all("evidence" not in c for c in s.changes)
    assert s.row["slug"] == "acme" and s.row["counts"]["FAIL"] == 1
    assert ClientSummary.from_dict(s.to_dict()) == s
    assert ClientSummary.from_dict({**s.to_dict(), "version": 0}) is None


def test_alert_lists_new_and_regressed_fails_at_the_threshold():
    summary = ClientSummary.from_run(run([finding()], PREVIOUS))
    alert = compose("Northwind", "R1", [ClientState("acme", "Acme Shoes", summary,
                                                    report="/srv/out/acme/report.html")],
                    AlertPolicy(threshold=Severity.HIGH))
    assert alert is not None
    assert alert.title == "iOS 14 audit · Northwind: 1 client needs attention"
    lines = alert.body.splitlines()
    assert lines[2] == "Acme Shoes (acme) · score 90.0 → 0.0 (\u221290.0)"  # nothing passes
    assert lines[3:] == [
        "  - new FAIL (critical) access_pixel_shared · pixel 111: msg 111",
        "  - WARN→FAIL (high) access_pixel_shared · pixel 444: msg 444",
        "  report: /srv/out/acme/report.html"]
    assert alert.clients == ["acme"]


def test_nothing_to_send_when_nothing_changed_or_below_threshold():
    quiet = ClientSummary.from_run(run([finding()], {**PREVIOUS, "new": [], "regressed": []}))
    low = ClientSummary.from_run(run([finding()], {**PREVIOUS, "new": [
        change("new", "FAIL", "low", "1")], "regressed": []}))
    states = [ClientState("a", "A", quiet), ClientState("b", "B", low)]
    assert compose("N", "R", states, AlertPolicy(threshold=Severity.HIGH)) is None
    assert compose("N", "R", states, AlertPolicy(threshold=None)) is None
    assert compose("N", "R", states, AlertPolicy(threshold=Severity.LOW)) is not None


def test_not_audited_and_expiring_tokens_are_states():
    broken = ClientSummary.from_run(run(not_audited="no access token"))
    expiring = ClientSummary.from_run(run([finding("token_access_valid", Status.WARN,
                                                   evidence={"days_left": 3.2})]))
    states = [ClientState("a", "A", broken), ClientState("b", "B", expiring),
              ClientState("c", "C", None, reason="evaluation crashed: KeyError")]
    alert = compose("N", "R", states, AlertPolicy(token_days=7))
    assert alert is not None and alert.clients == ["a", "b", "c"]
    assert "A (a)\n  - not audited: no access token" in alert.body
    assert "B (b) · score" in alert.body
    assert "the access token expires in 3 day(s)" in alert.body
    assert "  - not audited: evaluation crashed: KeyError" in alert.body
    assert compose("N", "R", states, AlertPolicy(not_audited=False, token_days=0)) is None


def test_long_lists_are_cut_per_client():
    many = {**PREVIOUS, "new": [change("new", "FAIL", "high", str(i)) for i in range(40)]}
    alert = compose("N", "R", [ClientState("a", "A", ClientSummary.from_run(run([], many)))],
                    AlertPolicy())
    assert alert is not None
    lines = [line for line in alert.body.splitlines() if line.startswith("  - ")]
    assert len(lines) == 15 and lines[-1] == "  - … and 27 more (see the report)"


def test_url_secrets_are_masked_and_parts_that_look_like_tokens_too():
    register_url_secrets(["json://bot:pa55-w0rd@hooks.internal:8080/hook/T0K3Nvalue9x?x=1",
                          "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#ads"])
    text = redact("posting to json://bot:pa55-w0rd@hooks.internal:8080/hook/T0K3Nvalue9x?x=1 "
                  "(pa55-w0rd, T0K3Nvalue9x, TIiajkdnlazkcOXrIdevi7FQ) from hooks.internal")
    assert "pa55-w0rd" not in text and "T0K3Nvalue9x" not in text
    assert "TIiajkdnlazkcOXrIdevi7FQ" not in text and text.count(MASK) == 4
    assert "hooks.internal" in text  # a host name is not a secret


def test_delivery_failures_are_reported_never_raised(caplog):
    state = [ClientState("a", "A", None, reason="no token")]

    def refuses(urls, title, body):
        return "HTTP 500 from json://secret-host-credential-77:1/x"

    def crashes(urls, title, body):
        raise RuntimeError("socket exploded for json://secret-host-credential-77:1/x")

    url = ["json://secret-host-credential-77:1/x"]
    failed = Notifier(url, AlertPolicy(), refuses).notify("N", "R", state)
    assert failed.failed and "secret-host-credential-77" not in failed.detail
    with caplog.at_level(logging.WARNING):
        crashed = Notifier(url, AlertPolicy(), crashes).notify("N", "R", state)
    assert crashed.failed and "RuntimeError" in crashed.detail
    assert "secret-host-credential-77" not in crashed.detail
    sent: list[tuple[str, str]] = []
    ok = Notifier(url, AlertPolicy(), lambda u, t, b: sent.append((t, b)) and None
                  ).notify("N", "R", state)
    assert ok.status == "sent" and len(sent) == 1
    assert Notifier([], AlertPolicy(), refuses).notify("N", "R", state).status == "off"
    assert Notifier(url, AlertPolicy(), refuses).notify(
        "N", "R", [ClientState("q", "Q", ClientSummary.from_run(run()))]).status == \
        "nothing to send"
