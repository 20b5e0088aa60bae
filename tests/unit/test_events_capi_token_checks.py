from __future__ import annotations

from audit.evaluate.analysis import Analysis
from audit.evaluate.engine import run_checks
from audit.facts.ads import event_name
from audit.facts.facts import Facts
from audit.facts.inventory import event_rows
from audit.graph.result import Fetched
from audit.models import Status
from tests.helpers import AGENCY_ID, failed, make_snapshot, stats

ACT = "act_1"


def ev(**counts):
    return stats(*counts.items())


def adset(i, event="PURCHASE", status="ACTIVE", pixel="p1", goal="OFFSITE_CONVERSIONS", **po):
    promoted = {"pixel_id": pixel, "custom_event_type": event, **po}
    return {"id": str(i), "name": f"Set {i}", "effective_status": status,
            "optimization_goal": goal, "promoted_object": promoted}


def snap_with(**endpoints):
    data = {"pixel/p1": {"id": "p1", "name": "Main"}}
    data.update(endpoints)
    return make_snapshot(data, ad_accounts=[ACT])


def by(snap, check_id, overrides=None):
    return {f.resource.id: f for f in run_checks(Analysis.of(snap), overrides)
            if f.check_id == check_id}


def test_event_name_mapping():
    assert event_name("INITIATED_CHECKOUT") == "InitiateCheckout"
    assert event_name("CONTENT_VIEW") == "ViewContent"
    assert event_name("OTHER", "QuoteRequested") == "QuoteRequested"
    assert event_name(None, None) is None


def test_optimised_event_that_did_not_fire_fails_with_spend():
    snap = snap_with(**{
        "pixel/p1/stats/event": ev(Purchase=40, PageView=900),
        f"adaccount/{ACT}/adsets": [adset(1), adset(2, "LEAD"), adset(3, "LEAD", "PAUSED")],
        f"adaccount/{ACT}/adset_spend": [{"adset_id": "2", "spend": "120.50"},
                                         {"adset_id": "3", "spend": "0"}],
    })
    found = by(snap, "events_optimized_fired")
    assert found["p1:Purchase"].status is Status.PASS
    lead = found["p1:Lead"]
    assert lead.status is Status.FAIL
    assert lead.evidence["spend_28d"] == 120.5 and lead.evidence["adset_count"] == 1
    assert "did not fire" in lead.message


def test_custom_conversion_staleness():
    snap = snap_with(**{
        "pixel/p1/stats/event": ev(Purchase=5),
        f"adaccount/{ACT}/adsets": [adset(1, custom_conversion_id="cc1"),
                                    adset(2, custom_conversion_id="cc2")],
        f"adaccount/{ACT}/customconversions": [
            {"id": "cc1", "name": "Big order", "custom_event_type": "PURCHASE",
             "pixel": {"id": "p1"}, "last_fired_time": "2026-11-28T09:00:00+0000"},
            {"id": "cc2", "name": "Quote", "custom_event_type": "LEAD", "pixel": {"id": "p1"},
             "last_fired_time": "2026-10-01T09:00:00+0000"}],
    })
    found = by(snap, "events_optimized_fired")
    assert found["cc1"].status is Status.PASS
    assert found["cc2"].status is Status.FAIL
    base = by(snap, "events_standard_traffic")
    assert base["p1:Purchase"].status is Status.PASS
    assert base["p1:Lead"].status is Status.FAIL


def test_optimised_event_with_unreadable_stats_is_skipped():
    snap = snap_with(**{"pixel/p1/stats/event": failed("stats"),
                        f"adaccount/{ACT}/adsets": [adset(1)]})
    assert by(snap, "events_optimized_fired")["p1:Purchase"].status is Status.SKIPPED


def test_da_checks_failures_warn():
    snap = snap_with(**{"pixel/p1/da_checks": [
        {"key": "pixel_decline", "title": "Decline", "result": "failed",
         "description": "Events fell"},
        {"key": "pixel_missing_param_in_events", "result": "passed"}]})
    found = by(snap, "events_pixel_diagnostics")
    assert found["p1:pixel_decline"].status is Status.WARN


def test_capi_server_events_and_skip():
    snap = snap_with(**{
        "pixel/p1/stats/event": ev(Purchase=100, Lead=10, PageView=1000),
        "pixel/p1/stats/event/WEB_ONLY": ev(Purchase=60, Lead=10, PageView=1000),
        "pixel/p1/stats/event/SERVER_ONLY": ev(Purchase=40),
    })
    found = by(snap, "capi_event_server")
    assert found["p1:Purchase"].status is Status.PASS and "40%" in found["p1:Purchase"].message
    assert found["p1:Lead"].status is Status.FAIL
    assert "p1:PageView" not in found  # not a high-value event


def quality(**events):
    return {"web": [{"event_name": name, **fields} for name, fields in events.items()]}


def test_dedup_and_match_quality():
    snap = snap_with(**{
        "pixel/p1/stats/event": ev(Purchase=100, Lead=20),
        "pixel/p1/stats/event/WEB_ONLY": ev(Purchase=60, Lead=10),
        "pixel/p1/stats/event/SERVER_ONLY": ev(Purchase=40, Lead=10),
        "pixel/p1/dataset_quality": quality(
            Purchase={"event_match_quality": {"composite_score": 7.4},
                      "dedupe_key_feedback": [{"dedupe_key": "event_id",
                                              "browser_events_with_dedupe_key":
                                                  {"percentage": 96.0},
                                              "server_events_with_dedupe_key":
                                                  {"percentage": 98.5}}]},
            Lead={"event_match_quality": {"composite_score": "4.2"},
                  "dedupe_key_feedback": [{"dedupe_key": "event_id",
                                          "browser_events_with_dedupe_key": 0,
                                          "server_events_with_dedupe_key": {"percentage": 0}}]}),
    })
    dedup = by(snap, "capi_event_dedup")
    assert dedup["p1:Purchase"].status is Status.PASS
    assert dedup["p1:Lead"].status is Status.FAIL
    emq = by(snap, "capi_event_match_quality")
    assert emq["p1:Purchase"].status is Status.PASS
    assert emq["p1:Lead"].status is Status.WARN
    loose = by(snap, "capi_event_match_quality", {"capi_event_match_quality":
                                                  {"min_match_quality": 4.0}})
    assert loose["p1:Lead"].status is Status.PASS


def test_dedup_unknown_without_dataset_quality():
    # p2's Dataset Quality answer means the check runs; p1's failure is skipped per pixel.
    snap = snap_with(**{
        "pixel/p1/stats/event": ev(Purchase=10),
        "pixel/p1/stats/event/WEB_ONLY": ev(Purchase=5),
        "pixel/p1/stats/event/SERVER_ONLY": ev(Purchase=5),
        "pixel/p1/dataset_quality": failed("dq", kind="permission", code=200),
        "pixel/p2": {"id": "p2", "name": "Other"},
        "pixel/p2/dataset_quality": {"web": []}})
    skipped = by(snap, "capi_event_dedup")["p1"]
    assert skipped.status is Status.SKIPPED and skipped.evidence["events"] == ["Purchase"]
    assert "Dataset Quality API was unavailable" in skipped.message
    assert by(snap, "capi_event_match_quality")["p1"].status is Status.SKIPPED


def test_dedup_skipped_by_the_engine_when_no_dataset_quality_was_read():
    snap = snap_with(**{
        "pixel/p1/stats/event/WEB_ONLY": ev(Purchase=5),
        "pixel/p1/stats/event/SERVER_ONLY": ev(Purchase=5),
        "pixel/p1/dataset_quality": failed("dataset_quality", kind="permission", code=200)})
    for check_id in ("capi_event_dedup", "capi_event_match_quality"):
        [finding] = by(snap, check_id).values()
        assert finding.status is Status.SKIPPED and finding.resource.type == "client"
        assert finding.message == ("Skipped: GET /dataset_quality could not be read "
                                   "(permission error 200)")


def test_event_rows_report_server_share():
    snap = snap_with(**{
        "pixel/p1/stats/event": ev(Purchase=100),
        "pixel/p1/stats/event/WEB_ONLY": ev(Purchase=75),
        "pixel/p1/stats/event/SERVER_ONLY": ev(Purchase=25),
        f"adaccount/{ACT}/adsets": [adset(1)],
        f"adaccount/{ACT}/adset_spend": [{"adset_id": "1", "spend": "10.25"}]})
    [row] = event_rows(Facts(snap))
    assert (row["total_7d"], row["browser_7d"], row["server_7d"]) == (100, 75, 25)
    assert row["server_share"] == 0.25 and row["spend_28d"] == 10.25


# ------------------------------------------------------------------ token preflight

NOW = 1795867200  # 2026-11-28T12:00:00Z


def token_snap(debug, permissions=None, business=None, not_audited=None):
    snap = make_snapshot({"token/debug": {"data": debug},
                          "token/permissions": permissions if permissions is not None else [
                              {"permission": "ads_read", "status": "granted"},
                              {"permission": "business_management", "status": "granted"}],
                          "business": business or {"id": "1", "name": "Acme"}},
                         token_env="ACME_TOKEN")
    snap.not_audited = not_audited
    return snap


def test_token_expiry_levels():
    soon = by(token_snap({"is_valid": True, "expires_at": NOW + 5 * 86400}), "token_access_valid")
    assert soon["ACME_TOKEN"].status is Status.WARN
    assert soon["ACME_TOKEN"].evidence["days_left"] == 5.0
    later = by(token_snap({"is_valid": True, "expires_at": NOW + 60 * 86400}),
               "token_access_valid")
    assert later["ACME_TOKEN"].status is Status.PASS
    never = by(token_snap({"is_valid": True, "expires_at": 0}), "token_access_valid")
    assert never["ACME_TOKEN"].status is Status.PASS
    gone = by(token_snap({"is_valid": True, "expires_at": NOW - 86400}), "token_access_valid")
    assert gone["ACME_TOKEN"].status is Status.FAIL


def test_invalid_token_fails_even_when_not_audited():
    snap = token_snap({"is_valid": False, "error": {"message": "Session has expired"}},
                      not_audited="the access token is not valid")
    findings = run_checks(Analysis.of(snap))
    assert {f.area for f in findings} == {"token"}
    valid = next(f for f in findings if f.check_id == "token_access_valid")
    assert valid.status is Status.FAIL and "Session has expired" in valid.message
    assert "ACME_TOKEN" in valid.remediation


def test_missing_permissions_fail():
    snap = token_snap({"is_valid": True, "expires_at": 0},
                      permissions=[{"permission": "ads_read", "status": "granted"},
                                   {"permission": "business_management", "status": "declined"}])
    found = by(snap, "token_permissions_granted")
    assert found["ACME_TOKEN"].status is Status.FAIL
    assert "business_management" in found["ACME_TOKEN"].message


def test_business_not_visible_fails():
    snap = token_snap({"is_valid": True, "expires_at": 0},
                      business=Fetched.failed("GET /1", {"kind": "permission", "code": 200,
                                                         "message": "no"}))
    found = by(snap, "token_business_visible")
    assert next(iter(found.values())).status is Status.FAIL
    assert AGENCY_ID in next(iter(found.values())).remediation


def test_dedup_key_only_on_server_events_deduplicates_nothing():
    feedback = {"dedupe_key_feedback": [
        {"dedupe_key": "event_id", "browser_events_with_dedupe_key": {"percentage": 0.0},
         "server_events_with_dedupe_key": {"percentage": 100.0},
         "overall_browser_coverage_from_dedupe_key": {"percentage": 0.0}},
        {"dedupe_key": "fbp", "browser_events_with_dedupe_key": {"percentage": 8.2},
         "server_events_with_dedupe_key": {"percentage": 7.9},
         "overall_browser_coverage_from_dedupe_key": {"percentage": 1.3}}]}
    no_overall = {"dedupe_key_feedback": [
        {"dedupe_key": "event_id", "browser_events_with_dedupe_key": 90,
         "server_events_with_dedupe_key": 80}]}
    snap = snap_with(**{
        "pixel/p1/stats/event": ev(Lead=100, Contact=10),
        "pixel/p1/stats/event/WEB_ONLY": ev(Lead=60, Contact=5),
        "pixel/p1/stats/event/SERVER_ONLY": ev(Lead=40, Contact=5),
        "pixel/p1/dataset_quality": quality(Lead=feedback, Contact=no_overall)})
    found = by(snap, "capi_event_dedup")
    assert found["p1:Lead"].status is Status.FAIL
    assert found["p1:Lead"].evidence["deduplicated_percent"] == 1.3
    assert found["p1:Contact"].status is Status.PASS
    assert found["p1:Contact"].evidence["deduplicated_percent"] == 80
