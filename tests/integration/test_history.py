"""Periodic reruns: three successive runs with changes, history, diff, mutes, exit codes."""

from __future__ import annotations

import json

from tests.integration.conftest import findings, load_runs, run_cli, write_config

PIXEL = "200000000000001"
AGENCY = "5566778899"


def test_three_runs_with_changes(sandbox, tokens, tmp_path):
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    out = tmp_path / "out"

    assert run_cli("run", "-c", str(config)).exit_code == 0
    first = load_runs(out)["lumen-outdoor"]
    assert first["sections"]["changes"] == {}  # first run: nothing to compare with

    # the client removes the agency from the pixel, and a rule is edited in Ads Manager
    pixel = sandbox.state.pixels[PIXEL]
    shares = list(pixel.shared_with)
    pixel.shared_with = [s for s in shares if s.business != AGENCY]
    rule = next(r for r in sandbox.state.rules.values() if r.account_id == "act_100000000001")
    rule.evaluation_spec["filters"].append({"field": "spent", "value": 1, "operator":
                                            "GREATER_THAN"})
    assert run_cli("run", "-c", str(config)).exit_code == 0
    second = load_runs(out)["lumen-outdoor"]
    changes = second["sections"]["changes"]
    assert changes["previous_run_id"] == first["run_id"]
    new = {(f["check_id"], f["resource"]["id"]) for f in changes["new"] + changes["regressed"]}
    assert ("access_pixel_shared", PIXEL) in new
    assert [r["rule_id"] for r in changes["assets"]["rules_edited"]] == [rule.id]
    assert second["summary"]["score"] < first["summary"]["score"]

    # the access is restored: the finding is resolved
    pixel.shared_with = shares
    assert run_cli("run", "-c", str(config)).exit_code == 0
    third = load_runs(out)["lumen-outdoor"]
    resolved = {(f["check_id"], f["resource"]["id"]) for f in third["sections"]["changes"]
                ["resolved"]}
    assert ("access_pixel_shared", PIXEL) in resolved

    listed = json.loads(run_cli("history", "-c", str(config), "--json").output)
    assert [r["run_id"] for r in listed] == [third["run_id"], second["run_id"],
                                             first["run_id"]]
    assert all((tmp_path / "out" / r["run_path"]).exists() for r in listed)

    diff = json.loads(run_cli("diff", "-c", str(config), "--json").output)["lumen-outdoor"]
    assert (diff["from"], diff["to"]) == (second["run_id"], third["run_id"])
    explicit = json.loads(run_cli("diff", "-c", str(config), first["run_id"],
                                  second["run_id"], "--json").output)["lumen-outdoor"]
    assert any(f["check_id"] == "access_pixel_shared" for f in explicit["new"] +
               explicit["regressed"])
    text = run_cli("diff", "-c", str(config)).output
    assert "resolved" in text and "access_pixel_shared" in text


def test_mutes_stay_visible_and_expire(sandbox, tokens, tmp_path):
    mute = [{"check": "access_pixel_shared", "resource": f"pixel:{PIXEL}",
             "reason": "client revokes access on purpose during a migration",
             "until": "2099-01-01"}]
    pixel = sandbox.state.pixels[PIXEL]
    pixel.shared_with = [s for s in pixel.shared_with if s.business != AGENCY]
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"], mute=mute)
    assert run_cli("run", "-c", str(config), "--fail-on", "critical").exit_code == 0
    run = load_runs(tmp_path / "out")["lumen-outdoor"]
    muted = findings(run, "access_pixel_shared")[PIXEL]
    assert muted["status"] == "FAIL" and "migration" in muted["muted"]
    html = (tmp_path / "out" / "lumen-outdoor" / "report.html").read_text()
    assert "migration" in html

    mute[0]["until"] = "2020-01-01"
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"], mute=mute)
    assert run_cli("run", "-c", str(config), "--fail-on", "critical").exit_code == 1
    run = load_runs(tmp_path / "out")["lumen-outdoor"]
    assert findings(run, "access_pixel_shared")[PIXEL]["muted"] is None


def test_mute_for_an_unknown_check_is_a_config_error(sandbox, tmp_path):
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"],
                          mute=[{"check": "no_such_check_here", "resource": "x",
                                 "reason": "because"}])
    result = run_cli("run", "-c", str(config))
    assert result.exit_code == 2 and "mute[0].check" in result.output


def test_report_from_run_json_re_renders_without_the_api(sandbox, tokens, tmp_path):
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    run_cli("run", "-c", str(config))
    sandbox.reset_counters()
    target = tmp_path / "rerendered"
    result = run_cli("report", "--from", str(tmp_path / "out"), "--out", str(target))
    assert result.exit_code == 0, result.output
    assert (target / "lumen-outdoor" / "report.html").exists()
    assert (target / "index.html").exists()
    assert sandbox.request_count() == 0
    broken = tmp_path / "broken.json"
    broken.write_text('{"kind": "ios14-audit/run"}')
    bad = run_cli("report", "--from", str(broken))
    assert bad.exit_code == 2 and "schema_version" in bad.output
