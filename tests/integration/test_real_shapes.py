"""Issue 11 (known wrong reads, real response shapes) through the real SDK and the sandbox:
Dataset Quality under its documented field names, rule specs as JSON text, engagement
actions with windows, rule updates without read-only keys, and writes refused up front."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audit.errors import ExitCode
from tests.integration.conftest import findings, load_runs, run_cli, write_config

AURORA = "act_100000000004"
CPA_RULE = "238500000000401"  # ADSET, PAUSE, cost_per_purchase_fb: Meta answers 2703
TEXT_RULE = "238500000000402"  # its evaluation_spec arrives as JSON text


def test_dataset_quality_reaches_the_report(sandbox, tokens, tmp_path):
    config = write_config(tmp_path, sandbox.base_url, clients=["evergreen-home-loans"])
    assert run_cli("run", "-c", str(config)).exit_code == 0
    asked = [r.params.get("fields", "") for r in sandbox.requests
             if r.path == "dataset_quality"]
    assert asked and all("dedupe_key_feedback{" in f and "dedup_key_feedback" not in f
                         for f in asked)
    run = load_runs(tmp_path / "out")["evergreen-home-loans"]
    assert not [e for e in run["collection_errors"] if "dataset_quality" in e["resource"]]
    rows = {r["event"]: r for r in run["sections"]["events"]["rows"]}
    assert rows["Lead"]["match_quality"] == 5.8
    assert rows["Lead"]["coverage_percent"] == 3.1
    assert rows["Lead"]["dedup_percent"] == 0.0  # event_id on server events only
    emq = findings(run, "capi_event_match_quality")
    assert emq["200000000000011:Lead"]["status"] == "WARN"
    assert emq["200000000000011:Lead"]["evidence"]["match_quality"] == 5.8
    dedup = findings(run, "capi_event_dedup")
    assert dedup["200000000000011:Lead"]["status"] == "FAIL"
    html = (tmp_path / "out" / "evergreen-home-loans" / "report.html").read_text()
    assert '<td class="num">5.8</td>' in html  # the Lead row's match quality


def test_a_rule_whose_spec_arrives_as_json_text_is_classified_by_its_window(demo_out: Path):
    snapshot = json.loads((demo_out / "aurora-living" / "snapshot.json").read_text())
    rules = snapshot["endpoints"][f"adaccount/{AURORA}/rules"]["data"]
    raw = next(r for r in rules if r["id"] == TEXT_RULE)
    assert isinstance(raw["evaluation_spec"], str)  # the shape as served
    run = load_runs(demo_out)["aurora-living"]
    rule = next(r for r in run["sections"]["rules"]["rules"] if r["rule_id"] == TEXT_RULE)
    assert rule["classification"] == "deprecated"
    assert [w["value"] for w in rule["windows"]] == ["1D_VIEW_28D_CLICK"]
    after = {f["field"]: f["value"] for f in rule["suggested"]["evaluation_spec"]["filters"]}
    assert after["attribution_window"] == "ACCOUNT_DEFAULT"
    assert findings(run, "rules_window_supported")[TEXT_RULE]["status"] == "FAIL"


def test_engagement_actions_never_enter_the_window_comparison(demo_out: Path):
    snapshot = json.loads((demo_out / "lumen-outdoor" / "snapshot.json").read_text())
    rows = snapshot["endpoints"]["adaccount/act_100000000001/insights/campaign"]["data"]
    engagement = [a for row in rows for a in row.get("actions") or []
                  if a["action_type"] in ("link_click", "post_engagement")]
    assert engagement and all("28d_click" in a for a in engagement)  # the weird shape is there
    for slug, run in load_runs(demo_out).items():
        windows = run["sections"]["windows"]
        compared = {c["action_type"] for level in windows["rows"].values() for c in level}
        compared |= {t["action_type"] for t in windows["account_totals"]}
        assert not compared & {"link_click", "post_engagement", "page_engagement"}, slug
        for rule in run["sections"]["rules"]["rules"]:
            assert "link" not in " ".join(rule["changes"]).lower(), slug


def _posts(sandbox, rule_id: str) -> list[dict]:
    return [json.loads(r.params["evaluation_spec"]) for r in sandbox.requests
            if r.method == "POST" and r.path == rule_id]


def test_rule_updates_send_no_read_only_keys_and_2703_is_explained(sandbox, tokens, tmp_path):
    config = write_config(tmp_path, sandbox.base_url, clients=["aurora-living"])
    plan_path = tmp_path / "plan.json"
    assert run_cli("rules", "-c", str(config), "--plan", str(plan_path)).exit_code == 0
    plan = json.loads(plan_path.read_text())
    planned = {r["rule_id"]: r for r in plan["rules"]}
    assert "id" in planned[CPA_RULE]["current"]["evaluation_spec"]  # reads carry the spec id
    assert any("2703" in n for n in planned[CPA_RULE]["notes"])
    applied = run_cli("rules", "apply", str(plan_path), "-c", str(config), "--yes",
                      "--backup", str(tmp_path / "backup.json"))
    assert applied.exit_code == ExitCode.ACTION_FAILED
    assert "Meta refused the" in applied.output and "(error 2703): a" in applied.output
    for rule_id in planned:
        [body] = _posts(sandbox, rule_id)
        assert "id" not in body  # the sandbox would have refused it with #100
        assert set(body) <= {"evaluation_type", "filters", "trigger"}
        assert all(set(f) == {"field", "value", "operator"} for f in body["filters"])
    state = sandbox.state.rules
    # the rule served as JSON text was updated (and verified) like the others
    assert state[TEXT_RULE].evaluation_spec == planned[TEXT_RULE]["suggested"]["evaluation_spec"]
    assert state[CPA_RULE].evaluation_spec["filters"][2]["value"] == "28D_CLICK"  # refused


def test_rules_apply_yes_is_refused_up_front_without_ads_management(
        sandbox, tokens, tmp_path, monkeypatch: pytest.MonkeyPatch):
    config = write_config(tmp_path, sandbox.base_url, clients=["aurora-living"])
    plan_path = tmp_path / "plan.json"
    assert run_cli("rules", "-c", str(config), "--plan", str(plan_path)).exit_code == 0
    monkeypatch.setenv("IOS14_DEMO_AGENCY_TOKEN", "sandbox-readonly-token")
    backup = tmp_path / "backup.json"
    refused = run_cli("rules", "apply", str(plan_path), "-c", str(config), "--yes",
                      "--backup", str(backup))
    assert refused.exit_code == ExitCode.USAGE == 2
    assert "lacks the ads_management permission" in refused.output
    assert "System users" in refused.output  # the fix
    assert sandbox.request_count(r"^2385", "POST") == 0 and not backup.exists()
    assert any(r.path == "me/permissions" for r in sandbox.requests)
