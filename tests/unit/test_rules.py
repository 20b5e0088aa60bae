from __future__ import annotations

import copy
import json

import pytest

from audit.actions.rules import (
    PlanError,
    WriteNotPermitted,
    apply,
    dry_run,
    load_backup,
    load_plan,
    make_plan,
    require_write_permission,
    rollback,
    save_plan,
)
from audit.evaluate.analysis import Analysis
from audit.evaluate.engine import run_checks
from audit.evaluate.recommend.rules import window_parts, windows_in
from audit.graph.client import GraphClient
from audit.graph.errors import GraphError, PermissionDenied
from audit.models import Status, canonical
from tests.fakes import FakeTransport
from tests.helpers import make_snapshot

ACT = "act_5"
PURCHASE = "offsite_conversion.fb_pixel_purchase"


@pytest.mark.parametrize(("token", "parts"), [
    ("1D_VIEW_28D_CLICK", ("1d_view", "28d_click")), ("28D_CLICK", ("28d_click",)),
    ("7D_VIEW", ("7d_view",)), ("28d_view_1d_click", ("1d_click", "28d_view")),
    ("ACCOUNT_DEFAULT", ()), ("7D_CLICK", ("7d_click",)),
])
def test_window_parts(token, parts):
    assert window_parts(token) == parts


def f(field, value, op="GREATER_THAN"):
    return {"field": field, "value": value, "operator": op}


def rule(rid, filters, execution="PAUSE", status="ENABLED", name=None):
    return {"id": rid, "name": name or f"Rule {rid}", "status": status,
            "evaluation_spec": {"evaluation_type": "SCHEDULE", "filters": filters},
            "execution_spec": {"execution_type": execution},
            "updated_time": "2026-01-01T00:00:00+0000"}


def test_both_window_forms_are_found():
    spec = {"filters": [f("attribution_window", "1D_VIEW_28D_CLICK", "EQUAL"),
                        f("28d_click:cost_per_purchase_fb", 100),
                        f("campaign.28d_view_1d_click:lifetime_results", 3, "LESS_THAN"),
                        f("spent", 1000)],
            "trigger": {"field": "7d_view:results", "value": 1}}
    uses = windows_in(spec)
    assert [(u.where, u.raw) for u in uses] == [
        ("attribution_window filter", "1D_VIEW_28D_CLICK"),
        ("prefix on cost_per_purchase_fb", "28d_click"),
        ("prefix on lifetime_results", "28d_view_1d_click"),
        ("prefix on the trigger field", "7d_view")]


def insights(c1d=20, c7=33, c28=39, v1=8, values=(1000, 1650, 1950, 400)):
    return [{"campaign_id": "1", "spend": "500", "date_start": "2026-10-31",
             "date_stop": "2026-11-27",
             "actions": [{"action_type": PURCHASE, "value": "41", "1d_click": str(c1d),
                          "7d_click": str(c7), "28d_click": str(c28), "1d_view": str(v1)}],
             "action_values": [{"action_type": PURCHASE, "value": "0",
                                "1d_click": str(values[0]), "7d_click": str(values[1]),
                                "28d_click": str(values[2]), "1d_view": str(values[3])}]}]


def snap_with(rules, campaign_rows=None, target="ACCOUNT_DEFAULT"):
    return make_snapshot({f"adaccount/{ACT}/rules": rules,
                          f"adaccount/{ACT}/insights/campaign":
                              insights() if campaign_rows is None else campaign_rows},
                         ad_accounts=[ACT], rules_target_window=target)


def test_cost_threshold_recalibrated_with_measured_ratio():
    r = rule("r1", [f("entity_type", "ADSET", "EQUAL"),
                    f("attribution_window", "1D_VIEW_28D_CLICK", "EQUAL"),
                    f("cost_per_purchase_fb", 5000)])
    [s] = Analysis.of(snap_with([r])).rules
    assert s.classification == "deprecated" and s.dangerous
    filters = s.suggested["filters"]
    assert filters[1]["value"] == "ACCOUNT_DEFAULT"
    # old = 28d click + 1d view = 47; new = 7d click + 1d view = 41; cost factor 47/41
    assert filters[2]["value"] == round(5000 * 47 / 41)
    assert any("× 1.1463" in c for c in s.changes)
    assert s.current["filters"][2]["value"] == 5000  # the current spec is untouched


def test_prefix_count_and_roas_thresholds():
    r = rule("r2", [f("28d_click:website_purchases", 10, "LESS_THAN"),
                    f("28d_click:website_purchase_roas", 2.5, "LESS_THAN"),
                    f("spent", 100)])
    [s] = Analysis.of(snap_with([r], target="7D_CLICK")).rules
    filters = s.suggested["filters"]
    assert filters[0]["field"] == "7d_click:website_purchases"
    assert filters[0]["value"] == round(10 * 33 / 39)
    assert filters[1]["value"] == round(2.5 * 1650 / 1950, 2)
    assert filters[2] == f("spent", 100)  # not conversion-dependent: untouched


def test_account_default_target_removes_prefixes_and_keeps_object_level():
    r = rule("r3", [f("campaign.28d_view_1d_click:lifetime_results", 3, "LESS_THAN")])
    [s] = Analysis.of(snap_with([r])).rules
    assert s.suggested["filters"][0]["field"] == "campaign.lifetime_results"
    # 28d view is unavailable in the data: the threshold is kept for a human
    assert s.needs_review and s.suggested["filters"][0]["value"] == 3


def test_no_conversions_keeps_threshold_for_review():
    r = rule("r4", [f("attribution_window", "28D_CLICK", "EQUAL"), f("cost_per_lead_fb", 900)])
    [s] = Analysis.of(snap_with([r], campaign_rows=[])).rules
    assert s.needs_review
    assert s.suggested["filters"][1]["value"] == 900
    assert any("review by hand" in c for c in s.changes)


def test_classification_and_order():
    rules = [rule("ok", [f("attribution_window", "ACCOUNT_DEFAULT", "EQUAL")]),
             rule("none", [f("spent", 10)]),
             rule("note", [f("attribution_window", "28D_CLICK", "EQUAL")], "NOTIFICATION"),
             rule("pause", [f("attribution_window", "28D_CLICK", "EQUAL")], "PAUSE")]
    found = Analysis.of(snap_with(rules)).rules
    assert [s.rule_id for s in found] == ["pause", "note", "ok", "none"]
    assert [s.classification for s in found] == ["deprecated", "deprecated", "current", "none"]
    checks = {x.resource.id: x for x in run_checks(Analysis.of(snap_with(rules)))
              if x.check_id == "rules_window_supported"}
    assert checks["pause"].status is Status.FAIL and checks["pause"].severity.value == "high"
    assert checks["note"].severity.value == "medium"
    assert checks["ok"].status is Status.PASS and checks["none"].status is Status.PASS


# ------------------------------------------------------------------ plan / apply / rollback

def world(rules):
    return FakeTransport(nodes={r["id"]: copy.deepcopy(r) for r in rules})


def plan_for(rules, tmp_path):
    items = Analysis.of(snap_with(rules)).rules
    plan = make_plan({"slug": "acme"}, items, "ACCOUNT_DEFAULT", "2026-11-28T12:00:00Z", "test")
    path = tmp_path / "plan.json"
    save_plan(path, plan)
    return load_plan(path)


RULES = [rule("r1", [f("attribution_window", "1D_VIEW_28D_CLICK", "EQUAL"),
                     f("cost_per_purchase_fb", 5000)]),
         rule("r2", [f("attribution_window", "28D_CLICK", "EQUAL"),
                     f("cost_per_purchase_fb", 800)], "CHANGE_BUDGET"),
         rule("fine", [f("spent", 5)])]


def test_dry_run_writes_nothing(tmp_path):
    plan = plan_for(RULES, tmp_path)
    assert [r["rule_id"] for r in plan["rules"]] == ["r1", "r2"]
    t = world(RULES)
    out = dry_run(GraphClient(t), plan)
    assert [o.result for o in out] == ["would_update", "would_update"]
    assert t.posts() == []


def test_apply_backs_up_first_verifies_and_is_idempotent(tmp_path):
    plan = plan_for(RULES, tmp_path)
    t = world(RULES)
    backup = tmp_path / "backup.json"
    out, path = apply(GraphClient(t), plan, backup, lambda: "now")
    assert {o.rule_id: o.result for o in out} == {"r1": "updated", "r2": "updated"}
    saved = load_backup(path)
    assert [r["rule_id"] for r in saved["rules"]] == ["r1", "r2"]
    assert canonical(saved["rules"][1]["evaluation_spec"]) == canonical(
        RULES[1]["evaluation_spec"])
    assert t.nodes["r1"]["evaluation_spec"]["filters"][0]["value"] == "ACCOUNT_DEFAULT"
    # second run: nothing to do, no new backup, no writes
    posts = len(t.posts())
    again, path2 = apply(GraphClient(t), plan, tmp_path / "backup2.json", lambda: "now")
    assert {o.result for o in again} == {"unchanged"} and path2 is None
    assert len(t.posts()) == posts


def test_rule_edited_after_planning_is_refused(tmp_path):
    plan = plan_for(RULES, tmp_path)
    t = world(RULES)
    t.nodes["r1"]["evaluation_spec"]["filters"][1]["value"] = 4200  # someone edited it
    out, _ = apply(GraphClient(t), plan, tmp_path / "b.json", lambda: "now")
    res = {o.rule_id: o for o in out}
    assert res["r1"].result == "refused" and "edited after the plan" in res["r1"].detail
    assert res["r2"].result == "updated"
    assert t.nodes["r1"]["evaluation_spec"]["filters"][1]["value"] == 4200


def test_failed_write_and_unverified_write(tmp_path):
    plan = plan_for(RULES, tmp_path)
    t = world(RULES)
    t.fail_posts["r1"] = PermissionDenied("no ads_management", code=200)
    t.ignore_posts.add("r2")
    out, _ = apply(GraphClient(t), plan, tmp_path / "b.json", lambda: "now")
    res = {o.rule_id: o for o in out}
    assert res["r1"].result == "failed" and "ads_management" in res["r1"].detail
    assert res["r2"].result == "failed" and "reads back differently" in res["r2"].detail


def test_rollback_restores_and_refuses_later_edits(tmp_path):
    plan = plan_for(RULES, tmp_path)
    t = world(RULES)
    _, path = apply(GraphClient(t), plan, tmp_path / "b.json", lambda: "now")
    t.nodes["r2"]["evaluation_spec"]["filters"][1]["value"] = 1  # edited after apply
    out = rollback(GraphClient(t), load_backup(path))
    res = {o.rule_id: o.result for o in out}
    assert res == {"r2": "refused", "r1": "restored"}
    assert canonical(t.nodes["r1"]["evaluation_spec"]) == canonical(RULES[0]["evaluation_spec"])
    forced = rollback(GraphClient(t), load_backup(path), force=True)
    assert {o.rule_id: o.result for o in forced} == {"r2": "restored", "r1": "unchanged"}


def test_damaged_plan_is_a_clear_error(tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"kind": "ios14-audit/rules-plan", "version": 1, "rules": [{"x": 1}]}')
    with pytest.raises(PlanError, match=r"rules\[0\] has no rule_id"):
        load_plan(path)
    with pytest.raises(PlanError, match="not an ios14-audit"):
        load_backup(path)


# ------------------------------------------------------------------ real response shapes

def test_a_spec_arriving_as_json_text_is_classified_by_its_window():
    r = rule("txt", [f("entity_type", "ADSET", "EQUAL"),
                     f("attribution_window", "1D_VIEW_28D_CLICK", "EQUAL"),
                     f("cost_per_purchase_fb", 5000)], "CHANGE_BUDGET")
    r["evaluation_spec"] = json.dumps(r["evaluation_spec"])
    [s] = Analysis.of(snap_with([r])).rules
    assert s.classification == "deprecated"
    assert s.suggested["filters"][1]["value"] == "ACCOUNT_DEFAULT"
    [check] = [x for x in run_checks(Analysis.of(snap_with([r])))
               if x.check_id == "rules_window_supported"]
    assert check.status is Status.FAIL


@pytest.mark.parametrize("spec", ["{not json", json.dumps([1, 2]), 42, None])
def test_an_unreadable_spec_could_not_be_checked(spec):
    r = rule("bad", [])
    r["evaluation_spec"] = spec
    [s] = Analysis.of(snap_with([r])).rules
    assert s.classification == "unreadable" and s.suggested is None
    [check] = [x for x in run_checks(Analysis.of(snap_with([r])))
               if x.check_id == "rules_window_supported"]
    assert check.status is Status.SKIPPED and "could not be checked" in check.message


def test_suggested_spec_holds_only_writable_keys():
    r = rule("ids", [f("attribution_window", "28D_CLICK", "EQUAL"), f("cost_per_lead_fb", 900)])
    r["evaluation_spec"]["id"] = "9990001"  # reads return the spec's own id
    r["evaluation_spec"]["filters"][1]["extra"] = "read-only"
    [s] = Analysis.of(snap_with([r])).rules
    assert "id" not in s.suggested and "extra" not in s.suggested["filters"][1]
    assert s.current["id"] == "9990001"  # the plan still shows the rule as read


def test_rule_level_window_becomes_account_default_and_a_per_filter_target():
    r = rule("pf", [f("entity_type", "ADSET", "EQUAL"),
                    f("attribution_window", "1D_VIEW_28D_CLICK", "EQUAL"),
                    f("adset.cost_per_purchase_fb", 5000), f("spent", 100)], "CHANGE_BUDGET")
    [s] = Analysis.of(snap_with([r], target="7d_click")).rules
    fields = [(x["field"], x["value"]) for x in s.suggested["filters"]]
    # ACCOUNT_DEFAULT is the only rule-level value a write carries; the target moves onto
    # the conversion filter; spend is left alone
    assert fields[1] == ("attribution_window", "ACCOUNT_DEFAULT")
    assert fields[2][0] == "adset.7d_click:cost_per_purchase_fb"
    assert fields[2][1] == round(5000 * 47 / 33)  # 28d click + 1d view → 7d click
    assert fields[3] == ("spent", 100)


def test_a_current_rule_level_window_moves_onto_the_filters_when_rewritten():
    r = rule("mix", [f("attribution_window", "7D_CLICK", "EQUAL"),
                     f("cost_per_lead_fb", 900), f("28d_click:website_purchases", 3, "LESS_THAN")],
             "NOTIFICATION")
    [s] = Analysis.of(snap_with([r])).rules
    fields = [x["field"] for x in s.suggested["filters"]]
    assert fields == ["attribution_window", "7d_click:cost_per_lead_fb", "website_purchases"]
    assert s.suggested["filters"][0]["value"] == "ACCOUNT_DEFAULT"


def test_a_time_preset_prefixed_cost_is_recalibrated_as_a_cost():
    r = rule("lt", [f("campaign.28d_click:lifetime_cost_per_purchase_fb", 6000)])
    [s] = Analysis.of(snap_with([r], target="7d_click")).rules
    flt = s.suggested["filters"][0]
    assert flt["field"] == "campaign.7d_click:lifetime_cost_per_purchase_fb"
    assert flt["value"] == round(6000 * 39 / 33)  # fewer conversions: the cost bar rises


def test_pausing_on_a_cost_condition_carries_the_2703_note():
    r = rule("p", [f("attribution_window", "28D_CLICK", "EQUAL"), f("cost_per_purchase_fb", 50)])
    [s] = Analysis.of(snap_with([r])).rules
    assert any("error 2703" in n for n in s.notes)
    r2 = rule("n", [f("attribution_window", "28D_CLICK", "EQUAL"), f("cost_per_purchase_fb", 50)],
              "NOTIFICATION")
    [s2] = Analysis.of(snap_with([r2])).rules
    assert not any("2703" in n for n in s2.notes)


def test_recalibration_ignores_engagement_actions():
    link = {"action_type": "link_click", "value": "900", "1d_click": "800", "7d_click": "850",
            "28d_click": "900"}
    rows = insights()
    rows[0]["actions"].append(link)
    r = rule("res", [f("attribution_window", "28D_CLICK", "EQUAL"), f("cost_per_result", 100)])
    [s] = Analysis.of(snap_with([r], campaign_rows=rows)).rules
    assert "link" not in " ".join(s.changes).lower()
    # purchases measured it (28d click 39 → 7d click + 1d view 41), not the link clicks
    assert s.suggested["filters"][1]["value"] == round(100 * 39 / 41)


class ReadsBack(FakeTransport):
    """A fake Graph that, like the real one, returns the spec's own id on every read."""

    def get(self, node_id, fields=(), params=None):
        node = super().get(node_id, fields, params)
        if isinstance(node.get("evaluation_spec"), dict):
            node["evaluation_spec"] = {"id": f"{node_id}1", **node["evaluation_spec"]}
        return node


def test_update_body_has_no_read_only_keys_and_read_back_ignores_them(tmp_path):
    as_read = copy.deepcopy(RULES)
    for r in as_read:
        r["evaluation_spec"]["id"] = f"{r['id']}1"  # the plan is made from reads with ids
    plan = plan_for(as_read, tmp_path)
    plan["rules"][0]["suggested"]["evaluation_spec"]["id"] = "r11"  # even if a plan has one
    t = ReadsBack(nodes={r["id"]: copy.deepcopy(r) for r in RULES})
    out, _ = apply(GraphClient(t), plan, tmp_path / "b.json", lambda: "now")
    assert {o.rule_id: o.result for o in out} == {"r1": "updated", "r2": "updated"}
    assert len(t.posts()) == 2
    for _, _node, body in t.posts():
        assert set(body) == {"evaluation_spec"}
        assert "id" not in body["evaluation_spec"]


def test_error_2703_is_explained(tmp_path):
    plan = plan_for(RULES, tmp_path)
    t = world(RULES)
    t.fail_posts["r1"] = GraphError("Rules that turn off ads can't have cost conditions.",
                                    code=2703, http_status=400)
    out, _ = apply(GraphClient(t), plan, tmp_path / "b.json", lambda: "now")
    r1 = next(o for o in out if o.rule_id == "r1")
    assert r1.result == "failed"
    assert "cannot have cost conditions" in r1.detail and "notification" in r1.detail


def test_writes_need_ads_management():
    missing = FakeTransport(edges={("me", "permissions"): [
        {"permission": "ads_read", "status": "granted"},
        {"permission": "ads_management", "status": "declined"}]})
    with pytest.raises(WriteNotPermitted, match="lacks the ads_management permission") as info:
        require_write_permission(GraphClient(missing))
    assert info.value.exit_code == 2
    granted = FakeTransport(edges={("me", "permissions"): [
        {"permission": "ads_management", "status": "granted"}]})
    require_write_permission(GraphClient(granted))  # does not raise
