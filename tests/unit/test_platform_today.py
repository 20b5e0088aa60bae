"""Issue 18: the rules that tell the truth about today's platform, each on hand-made data.

Expected values are worked out by hand in the comments, never with the code under test.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from audit.collect.collector import client_record, offline_set_ids
from audit.config import parse_config
from audit.evaluate.affected import platform_data
from audit.evaluate.analysis import Analysis
from audit.evaluate.checks.capi import key_advice, key_fixes
from audit.evaluate.checks.token import sixty_day_system_user
from audit.evaluate.engine import run_checks
from audit.evaluate.recommend.priorities import resolve_mode
from audit.evaluate.recommend.windows import period_breaks
from audit.evaluate.run import RunResult
from audit.facts.facts import Facts
from audit.facts.quality import EventQuality, MatchKey
from audit.graph.result import Fetched
from audit.models import Finding, Resource, Severity, Status
from audit.platform import CHANGES
from audit.publish.render.charts import window_colour, window_label
from tests.helpers import make_snapshot

ACT = "act_9"
PURCHASE = "offsite_conversion.fb_pixel_purchase"
DAY = 86400


def _quality(*keys: MatchKey) -> EventQuality:
    return EventQuality("Lead", 4.0, None, None, None, None, match_keys=keys)


# ---------------------------------------------------------------- match-quality fixes


def test_missing_keys_are_ranked_by_metas_uplift() -> None:
    q = _quality(MatchKey("email", 95.0, 30.0),       # sent with 95% of events: not missing
                 MatchKey("phone", 40.0, 12.0),       # partly sent: a fix (+12)
                 MatchKey("external_id", None, 15.0),  # not sent: a fix (+15)
                 MatchKey("fbc", None, 15.0),          # not sent, ties with external_id
                 MatchKey("fbp", 10.0, None),          # no uplift reported: not listed
                 MatchKey("zip", None, 0.0))           # no gain: not listed
    assert [k.identifier for k in key_fixes(q, 90.0)] == ["external_id", "fbc", "phone"]
    # a lower coverage target keeps phone (40%) out
    assert [k.identifier for k in key_fixes(q, 30.0)] == ["external_id", "fbc"]


def test_key_advice_in_plain_words() -> None:
    assert key_advice(MatchKey("phone", None, 12.0)) == (
        "Send the customer's phone number (hashed): Meta estimates +12% attributed conversions")
    assert key_advice(MatchKey("email", 31.0, 18.4)) == (
        "Send the customer's email address (hashed) with every event (today 31% of them): "
        "Meta estimates +18.4% attributed conversions")


def test_dataset_quality_parses_per_key_and_event_uplift() -> None:
    snap = make_snapshot({"pixel/p1": {"id": "p1"}, "pixel/p1/dataset_quality": {"web": [
        {"event_name": "Lead",
         "event_match_quality": {"composite_score": 5.1, "match_key_feedback": [
             {"identifier": "email", "coverage": {"percentage": 31},
              "potential_aly_acr_increase": {"percentage": 18.4, "description": "…"}},
             {"identifier": "phone", "potential_aly_acr_increase": {"percentage": 12}}]},
         "event_potential_aly_acr_increase": {"percentage": 22.5}}]}})
    lead = Facts(snap).dataset_quality("p1")["Lead"]  # type: ignore[index]
    assert lead.match_keys == (MatchKey("email", 31.0, 18.4), MatchKey("phone", None, 12.0))
    assert lead.potential_uplift_percent == 22.5


def test_match_quality_remediation_lists_every_fix_in_order() -> None:
    snap = make_snapshot({"pixel/p1": {"id": "p1", "name": "Web"},
                          "pixel/p1/dataset_quality": {"web": [{
                              "event_name": "Lead", "event_match_quality": {
                                  "composite_score": 5.0, "match_key_feedback": [
                                      {"identifier": "phone",
                                       "potential_aly_acr_increase": {"percentage": 12}},
                                      {"identifier": "external_id",
                                       "potential_aly_acr_increase": {"percentage": 9.6}}]}}]}})
    [f] = [f for f in run_checks(Analysis.of(snap)) if f.check_id == "capi_event_match_quality"]
    assert f.status is Status.WARN
    assert ("1) Send the customer's phone number (hashed): Meta estimates +12% attributed "
            "conversions; 2) Send the customer's ID in your own systems (hashed): Meta "
            "estimates +9.6% attributed conversions.") in f.remediation
    assert f.remediation.startswith("For the client's web developer")
    assert [k["key"] for k in f.evidence["match_key_fixes"]] == ["phone", "external_id"]
    assert "dq-metrics-2025" in f.platform_changes


# ---------------------------------------------------------------- windows


def test_period_breaks_on_both_changes_and_a_configurable_date() -> None:
    click = date(2026, 3, 1)
    assert period_breaks("2026-10-31", "2026-11-27", click) == []
    assert [b["change"] for b in period_breaks("2025-06-01", "2025-06-28", click)] == [
        "unified-attr"]
    assert [b["date"] for b in period_breaks("2026-02-15", "2026-03-14", click)] == [
        "2026-03-01"]
    # a period that starts on the day of the change is entirely after it
    assert period_breaks("2026-03-01", "2026-03-28", click) == []
    assert period_breaks("2026-02-15", "2026-03-14", date(2026, 3, 20)) == []
    assert period_breaks(None, "2026-03-14", click) == []


def _insights(start: str, stop: str, **windows: str) -> Any:
    return make_snapshot({
        f"adaccount/{ACT}": {"id": ACT, "currency": "EUR"},
        f"adaccount/{ACT}/insights/campaign": [{
            "campaign_id": "1", "campaign_name": "C1", "spend": "100",
            "actions": [{"action_type": PURCHASE, "value": "0", **windows}],
            "action_values": [], "date_start": start, "date_stop": stop}]},
        ad_accounts=[ACT])


def test_engaged_view_is_compared_and_a_straddling_period_is_not_like_for_like() -> None:
    snap = _insights("2026-02-15", "2026-03-14", **{"7d_click": "36", "28d_click": "40",
                                                   "1d_view": "4", "1d_ev": "5"})
    result = Analysis.of(snap).windows
    [total] = result.account_totals
    assert total.figures.counts["1d_ev"] == 5.0
    # 1d_ev adds 5 to 7-day click + 1-day view (36 + 4 = 40): 0.125
    assert total.metrics()["engaged_view_adds"] == 0.125
    assert "1d_ev" in result.available
    assert result.like_for_like is False
    assert result.to_dict()["breaks"][0]["change"] == "click-link-only"
    assert any("2026-03-01" in n and "not like-for-like" in n for n in result.notes)


def test_the_click_redefinition_date_comes_from_the_settings() -> None:
    snap = _insights("2026-02-15", "2026-03-14", **{"7d_click": "36", "28d_click": "40",
                                                   "1d_view": "4"})
    snap.client["click_redefined_on"] = "2026-03-20"
    assert Analysis.of(snap).windows.like_for_like is True


def test_window_labels_and_colours_for_engaged_view() -> None:
    assert window_label("1d_ev") == "1d engaged view"
    assert window_label("7d_click") == "7d click"
    assert len({window_colour("1d_ev"), window_colour("1d_view"), window_colour("7d_click")}) == 3


# ---------------------------------------------------------------- AEM mode


def test_auto_without_evidence_is_a_possibility_never_a_fact() -> None:
    mode, reason = resolve_mode("auto")
    assert mode == "auto"
    assert reason.startswith("Not known:")
    assert "planned as if the 8-event limit still applied" in reason
    assert "aem_mode" not in reason  # no config keys in client-facing text


# ---------------------------------------------------------------- tokens


@pytest.mark.parametrize(("data", "expected"), [
    # issued 1 Jan, expires 60 days later: the expiring kind
    ({"type": "SYSTEM_USER", "issued_at": 1767225600, "expires_at": 1767225600 + 60 * DAY},
     True),
    # within the 3-day slack: 62 days
    ({"type": "SYSTEM_USER", "issued_at": 1767225600, "expires_at": 1767225600 + 62 * DAY},
     True),
    # 90 days: an older kind of expiring token
    ({"type": "SYSTEM_USER", "issued_at": 1767225600, "expires_at": 1767225600 + 90 * DAY},
     False),
    ({"type": "USER", "issued_at": 1767225600, "expires_at": 1767225600 + 60 * DAY}, False),
    ({"type": "SYSTEM_USER", "issued_at": 1767225600, "expires_at": 0}, False),  # never
])
def test_sixty_day_system_user_tokens(data: dict[str, Any], expected: bool) -> None:
    assert sixty_day_system_user(data) is expected


def test_token_evidence_says_never_for_both_zero_expiries() -> None:
    snap = make_snapshot({"token/debug": {"data": {"is_valid": True, "type": "SYSTEM_USER",
                                                   "expires_at": 0,
                                                   "data_access_expires_at": 0}}},
                         token_env="T")
    [f] = [f for f in run_checks(Analysis.of(snap)) if f.check_id == "token_access_valid"]
    assert f.status is Status.PASS
    assert f.evidence["expires_at"] == "never"
    assert f.evidence["data_access_expires_at"] == "never"


# ---------------------------------------------------------------- offline event sets


def test_offline_sets_are_found_through_custom_conversions_and_ad_sets() -> None:
    snap = make_snapshot({
        f"adaccount/{ACT}/customconversions": [
            {"id": "c1", "offline_conversion_data_set": {"id": "os1", "name": "Stores"}},
            {"id": "c2", "pixel": {"id": "p1"}}],
        f"adaccount/{ACT}/adsets": [
            {"id": "1", "promoted_object": {"offline_conversion_data_set_id": "os2"}},
            {"id": "2", "promoted_object": {"offline_conversion_data_set_id": "os1"}},
            {"id": "3", "promoted_object": {"pixel_id": "p1"}}]}, ad_accounts=[ACT])
    assert offline_set_ids(snap) == ["os1", "os2"]


def test_attached_accounts_are_the_clients_own_whatever_the_id_shape() -> None:
    snap = make_snapshot({
        f"adaccount/{ACT}/customconversions": [
            {"id": "c1", "offline_conversion_data_set": {"id": "os1"}}],
        f"adaccount/{ACT}/adsets": [],
        "offline_set/os1": {"id": "os1", "name": "Stores", "is_unavailable": False},
        # one entry as act_<id>, one with only the bare account_id, one of another business
        "offline_set/os1/shared_accounts": [{"id": ACT}, {"account_id": "8"},
                                            {"id": "act_77"}]},
        ad_accounts=[ACT, "act_8"])
    [s] = Facts(snap).offline_sets
    assert s.attached_accounts == ("act_8", ACT)
    assert [cc.id for cc in s.custom_conversions] == ["c1"]
    assert s.delivering == [] and s.name == "Stores"


# ---------------------------------------------------------------- platform changes


def _finding(status: Status, changes: tuple[str, ...], rid: str = "r") -> Finding:
    return Finding(check_id="c_x_y", client="acme", status=status, severity=Severity.LOW,
                   area="capi", title="t", message="m", resource=Resource("x", rid),
                   platform_changes=changes)


def _run(findings: list[Finding], data: dict[str, str]) -> RunResult:
    return RunResult(run_id="r1", client={"slug": "acme", "name": "Acme", "business_id": "1"},
                     agency={"name": "A", "business_id": "2"}, started_at="s", finished_at="f",
                     findings=findings, collection_errors=[], checks=[], snapshot={},
                     platform_data=data)


def test_only_changes_that_affected_the_client_are_listed_with_why() -> None:
    run = _run([_finding(Status.PASS, ("ios14-att", "attr-2021")),
                _finding(Status.WARN, ("offline-capi",), "a"),
                _finding(Status.FAIL, ("offline-capi", "attr-2021"), "b")],
               {"view-windows-gone": "The client has view-through conversions."})
    listed = run.to_dict()["platform_changes"]
    # ios14-att is only on a PASS: left out; in date order: 2021-01-19, 2025-05-14, 2026-01-12
    assert [c["id"] for c in listed] == ["attr-2021", "offline-capi", "view-windows-gone"]
    assert listed[1]["why"] == ["2 findings that need attention rest on it."]
    assert listed[0]["why"] == ["1 finding that needs attention rests on it."]
    assert listed[2]["data"] == "The client has view-through conversions."
    assert listed[1]["date"] == "2025-05-14"
    again = RunResult.from_dict(run.to_dict())
    assert again.platform_data == {"view-windows-gone": "The client has view-through "
                                                        "conversions."}


def test_platform_data_from_the_clients_windows_and_token() -> None:
    snap = _insights("2026-10-31", "2026-11-27", **{"7d_click": "36", "28d_click": "40",
                                                   "1d_view": "4", "1d_ev": "3"})
    issued = 1790000000
    snap.put("token/debug", Fetched.ok("GET /debug_token", {"data": {
        "is_valid": True, "type": "SYSTEM_USER", "issued_at": issued,
        "expires_at": issued + 60 * DAY}}))
    data = platform_data(Analysis.of(snap))
    # 4 conversions under 1-day view while 7d/28d view came back empty
    assert data["view-windows-gone"] == ("4 view-through conversions under 1-day view from "
                                         "2026-10-31 to 2026-11-27, but Meta returned no "
                                         "7-day or 28-day view figures.")
    assert data["click-link-only"].startswith("Meta reports 3 conversions under the 1-day "
                                              "engaged-view window from 2026-10-31")
    assert "system-user-60d" in data
    assert "aem-relaxed" not in data  # auto without evidence


def test_platform_data_is_empty_without_view_or_engaged_conversions() -> None:
    snap = _insights("2026-10-31", "2026-11-27", **{"7d_click": "36", "28d_click": "40"})
    assert platform_data(Analysis.of(snap)) == {}


def test_new_change_ids_are_dated_and_sourced() -> None:
    for change_id, day, confirmed in (("offline-capi", "2025-05-14", True),
                                      ("dq-metrics-2025", "2025-05-28", True),
                                      ("sensitive-cc", "2025-09-02", False),
                                      ("click-link-only", "2026-03", False),
                                      ("system-user-60d", "2026", True)):
        change = CHANGES[change_id]
        assert change.date == day and change.confirmed is confirmed
    assert CHANGES["offline-capi"].source.startswith("https://developers.facebook.com/")
    assert CHANGES["system-user-60d"].to_dict()["source"].endswith(
        "install-apps-and-generate-tokens")
    assert "source" not in CHANGES["click-link-only"].to_dict()


def test_click_redefinition_date_is_a_documented_setting_carried_to_the_snapshot() -> None:
    data = {"agency": {"name": "A", "business_id": "1"},
            "clients": [{"slug": "a", "name": "A", "business_id": "2"}]}
    config = parse_config(data)
    assert config.windows.click_redefined_on == date(2026, 3, 1)  # the reported default
    config = parse_config({**data, "windows": {"click_redefined_on": "2026-03-04"}})
    assert client_record(config, config.clients[0]).to_dict()["click_redefined_on"] == (
        "2026-03-04")
