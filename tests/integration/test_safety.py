"""Secrets never leave the process; API-provided text is escaped; bad files are clear errors."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from pathlib import Path

import pytest

from tests.integration.conftest import load_runs, run_cli, write_config

TOKEN = "sandbox-agency-token"


def _all_text(folder: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file()
                     and p.suffix in (".json", ".html", ".csv", ".txt"))


def test_no_token_secret_or_proof_anywhere(sandbox, tokens, tmp_path, monkeypatch, caplog):
    secret = sandbox.state.app.secret
    sandbox.state.app.require_appsecret_proof = True
    proof = hmac.new(secret.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()
    monkeypatch.setenv("IOS14_AUDIT_APP_SECRET", secret)
    sandbox.add_fault(r"^200000000000001/da_checks$", code=1, times=None, is_transient=True,
                      message=f"transient, echoing access_token={TOKEN}")
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"],
                          graph={"app_secret_env": "IOS14_AUDIT_APP_SECRET", "max_retries": 1})
    with caplog.at_level(logging.DEBUG):
        result = run_cli("-vv", "run", "-c", str(config))
    assert result.exit_code == 0, result.output
    run = load_runs(tmp_path / "out")["lumen-outdoor"]
    assert run["collection_errors"], "the injected fault must have been recorded"
    assert sandbox.request_count(batch_items=True) > 10  # proofs were accepted
    haystack = "\n".join([_all_text(tmp_path / "out"), result.output, result.stderr,
                          caplog.text, (tmp_path / "out" / "history.sqlite").read_bytes()
                          .decode("latin-1")])
    for needle in (TOKEN, secret, proof):
        assert needle not in haystack


def test_wrong_app_secret_is_an_auth_style_failure_not_a_leak(sandbox, tokens, tmp_path,
                                                              monkeypatch):
    sandbox.state.app.require_appsecret_proof = True
    monkeypatch.setenv("IOS14_AUDIT_APP_SECRET", "not-the-secret")
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"],
                          graph={"app_secret_env": "IOS14_AUDIT_APP_SECRET"})
    result = run_cli("run", "-c", str(config))
    run = load_runs(tmp_path / "out")["lumen-outdoor"]
    # Meta refuses every request with a wrong proof (code 100, as the sandbox answers):
    # each read is a collection error with that code, and the business check fails.
    snapshot = json.loads((tmp_path / "out" / "lumen-outdoor" / "snapshot.json").read_text())
    reads = {k: v for k, v in snapshot["endpoints"].items() if not k.startswith("domain/")}
    assert reads and all(v.get("error") for v in reads.values())
    errors = run["collection_errors"]
    # owned_domains (the client's and the agency's) is gone on current Graph versions and
    # never counts as a client's collection error; every other refused read does
    counted = set(reads) - {"business/owned_domains", "agency/owned_domains"}
    assert len(errors) == len(counted) and {e["code"] for e in errors} == {100}
    business = [f for f in run["findings"] if f["check_id"] == "token_business_visible"]
    assert [f["status"] for f in business] == ["FAIL"]
    assert "not-the-secret" not in _all_text(tmp_path / "out") + result.output


def test_hostile_names_are_escaped_end_to_end(sandbox, tokens, tmp_path):
    hostile = '<script>alert("pwned")</script>'
    sandbox.state.pixels["200000000000001"].name = hostile
    sandbox.state.businesses["1000000000001"].name = hostile
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    assert run_cli("run", "-c", str(config)).exit_code == 0
    html = (tmp_path / "out" / "lumen-outdoor" / "report.html").read_text()
    index = (tmp_path / "out" / "index.html").read_text()
    assert hostile not in html and "<script" not in html.lower()
    assert "&lt;script&gt;" in html
    assert "<script" not in index.lower()


@pytest.mark.parametrize("content, message", [
    ("{not json", "cannot read JSON"),
    ('{"kind": "something-else"}', "not an ios14-audit snapshot"),
    ('{"kind": "ios14-audit/snapshot", "snapshot_version": 99}', "not supported"),
])
def test_damaged_snapshot_is_a_clear_error(tmp_path, content, message):
    from audit.sandbox import demo_config_path

    config = tmp_path / "c.yaml"
    config.write_text(demo_config_path().read_text())
    snap = tmp_path / "snapshot.json"
    snap.write_text(content)
    result = run_cli("run", "-c", str(config), "--from-snapshot", str(snap))
    assert result.exit_code == 2
    assert message in result.output


def test_unexpected_shapes_do_not_break_the_run(sandbox, tokens, tmp_path):
    """Legal but surprising answers: extra fields, missing optional fields, odd types."""
    pixel = sandbox.state.pixels["200000000000001"]
    pixel.fields["unexpected_new_field"] = {"nested": [1, 2, 3]}
    pixel.fields.pop("is_unavailable", None)
    pixel.last_fired = None
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    result = run_cli("run", "-c", str(config))
    assert result.exit_code == 0, result.output
    run = load_runs(tmp_path / "out")["lumen-outdoor"]
    assert run["summary"]["by_status"]["ERROR"] == 0
    available = [f for f in run["findings"] if f["check_id"] == "pixel_status_available"]
    assert available and available[0]["status"] in ("SKIPPED", "PASS")
