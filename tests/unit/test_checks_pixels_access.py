from __future__ import annotations

from audit.evaluate.analysis import Analysis
from audit.evaluate.checks import REGISTRY
from audit.evaluate.engine import run_checks
from audit.graph.result import Fetched
from audit.models import Status
from tests.helpers import AGENCY_ID, failed, make_snapshot, stats


def pixel(pid="p1", **fields):
    data = {"id": pid, "name": f"Pixel {pid}", "is_unavailable": False,
            "last_fired_time": "2026-11-28T11:00:00+0000"}
    data.update(fields)
    return data


def results(snap, check_id, overrides=None):
    return [f for f in run_checks(Analysis.of(snap), overrides) if f.check_id == check_id]


def statuses(snap, check_id, overrides=None):
    return {f.resource.id: f.status for f in results(snap, check_id, overrides)}


# ------------------------------------------------------------------ access_pixel_shared

def test_shared_with_agency_passes():
    snap = make_snapshot({"pixel/p1": pixel(), "pixel/p1/agencies": [
        {"id": AGENCY_ID, "name": "Northwind", "permitted_tasks": ["ANALYZE", "ADVERTISE"]}]})
    assert statuses(snap, "access_pixel_shared") == {"p1": Status.PASS}


def test_not_shared_fails_with_click_path_and_agency_id():
    snap = make_snapshot({"pixel/p1": pixel(), "pixel/p1/agencies": [
        {"id": "999", "name": "Other agency", "permitted_tasks": ["ANALYZE"]}]})
    [finding] = results(snap, "access_pixel_shared")
    assert finding.status is Status.FAIL
    assert finding.evidence["partners"] == ["999"]
    assert "Partners → Assign partner" in finding.remediation
    assert AGENCY_ID in finding.remediation


def test_unreadable_partner_list_is_skipped_not_failed():
    snap = make_snapshot({"pixel/p1": pixel(),
                          "pixel/p1/agencies": failed("p1/agencies", kind="unsupported", code=100),
                          "pixel/p1/shared_agencies": failed("p1/shared_agencies")})
    [finding] = results(snap, "access_pixel_shared")
    assert finding.status is Status.SKIPPED
    assert "unsupported error 100" in finding.message


def test_agency_client_pixels_is_evidence_when_the_pixel_edges_are_closed():
    # The agency's own list of client pixels (GET /{agency}/client_pixels) answers even
    # when the pixel's partner edges and node refuse the agency's token.
    snap = make_snapshot({
        "pixel/p1": failed("p1", kind="permission", code=200),
        "pixel/p1/agencies": failed("p1/agencies", kind="permission", code=200),
        "pixel/p1/shared_agencies": failed("p1/shared_agencies", kind="permission", code=200),
        "agency/client_pixels": [{"id": "p1", "name": "Pixel p1",
                                  "permitted_tasks": ["ANALYZE", "ADVERTISE"]}]})
    [shared] = results(snap, "access_pixel_shared")
    assert shared.status is Status.PASS
    assert shared.evidence["source"] == "client_pixels"
    [tasks] = results(snap, "access_pixel_tasks")
    assert tasks.status is Status.WARN  # UPLOAD (recommended) is missing
    assert tasks.evidence["permitted_tasks"] == ["ADVERTISE", "ANALYZE"]
    assert tasks.evidence["source"] == "client_pixels"


def test_pixel_agencies_edge_comes_before_client_pixels():
    snap = make_snapshot({
        "pixel/p1": pixel(),
        "pixel/p1/agencies": [{"id": AGENCY_ID, "permitted_tasks": ["ANALYZE"]}],
        "agency/client_pixels": [{"id": "p1", "permitted_tasks": ["ANALYZE", "ADVERTISE",
                                                                   "UPLOAD"]}]})
    [tasks] = results(snap, "access_pixel_tasks")
    assert tasks.status is Status.FAIL and tasks.evidence["source"] == "agencies"


def test_shared_agencies_without_tasks_takes_tasks_from_client_pixels():
    snap = make_snapshot({
        "pixel/p1": pixel(),
        "pixel/p1/agencies": failed("p1/agencies", kind="unsupported", code=100),
        "pixel/p1/shared_agencies": [{"id": AGENCY_ID, "name": "Northwind"}],
        "agency/client_pixels": [{"id": "p1", "permitted_tasks": ["ANALYZE", "ADVERTISE",
                                                                   "UPLOAD"]}]})
    assert statuses(snap, "access_pixel_tasks") == {"p1": Status.PASS}


def test_shared_agencies_is_the_fallback():
    snap = make_snapshot({"pixel/p1": pixel(),
                          "pixel/p1/agencies": failed("p1/agencies", kind="unsupported", code=100),
                          "pixel/p1/shared_agencies": [{"id": AGENCY_ID, "name": "Northwind"}],
                          "pixel/p2": pixel("p2"), "pixel/p2/agencies": [
                              {"id": AGENCY_ID, "permitted_tasks": ["EDIT"]}]})
    assert statuses(snap, "access_pixel_shared") == {"p1": Status.PASS, "p2": Status.PASS}
    # Tasks are unknown through the fallback edge: the tasks check says so for that pixel.
    assert statuses(snap, "access_pixel_tasks") == {"p1": Status.SKIPPED, "p2": Status.PASS}


def test_tasks_check_skipped_when_no_agencies_edge_was_read():
    snap = make_snapshot({"pixel/p1": pixel(),
                          "pixel/p1/agencies": failed("p1/agencies", kind="unsupported", code=100),
                          "pixel/p1/shared_agencies": [{"id": AGENCY_ID, "name": "Northwind"}]})
    [finding] = results(snap, "access_pixel_tasks")
    assert finding.status is Status.SKIPPED
    assert finding.resource.id == "p1"
    assert finding.message == ("Pixel Pixel p1 (p1) is shared with Northwind, but the API "
                               "did not report which tasks.")


def test_pixel_the_agency_cannot_read_fails():
    snap = make_snapshot({"pixel/p1": failed("p1", kind="permission", code=200)}, pixels=["p1"])
    [finding] = results(snap, "access_pixel_shared")
    assert finding.status is Status.FAIL
    assert "cannot read pixel" in finding.message


# ------------------------------------------------------------------ access_pixel_tasks

def test_tasks_missing_required_fail_missing_recommended_warn():
    snap = make_snapshot({
        "pixel/a": pixel("a"), "pixel/b": pixel("b"), "pixel/c": pixel("c"),
        "pixel/d": pixel("d"),
        "pixel/a/agencies": [{"id": AGENCY_ID, "permitted_tasks": ["ANALYZE"]}],
        "pixel/b/agencies": [{"id": AGENCY_ID, "permitted_tasks": ["ANALYZE", "ADVERTISE"]}],
        "pixel/c/agencies": [{"id": AGENCY_ID,
                              "permitted_tasks": ["ANALYZE", "ADVERTISE", "UPLOAD"]}],
        "pixel/d/agencies": [{"id": AGENCY_ID, "permitted_tasks": ["EDIT"]}],
    })
    assert statuses(snap, "access_pixel_tasks") == {
        "a": Status.FAIL, "b": Status.WARN, "c": Status.PASS, "d": Status.PASS}
    fail = next(f for f in results(snap, "access_pixel_tasks") if f.resource.id == "a")
    assert "ADVERTISE" in fail.message


def test_task_parameters_come_from_config():
    snap = make_snapshot({"pixel/a": pixel("a"),
                          "pixel/a/agencies": [{"id": AGENCY_ID, "permitted_tasks": ["ANALYZE"]}]})
    overrides = {"access_pixel_tasks": {"required_tasks": ["ANALYZE"], "recommended_tasks": []}}
    assert statuses(snap, "access_pixel_tasks", overrides) == {"a": Status.PASS}


# ------------------------------------------------------------------ pixel_fire_recent

def test_fire_recency_thresholds():
    snap = make_snapshot({
        "pixel/fresh": pixel("fresh", last_fired_time="2026-11-28T11:30:00+0000"),
        "pixel/stale": pixel("stale", last_fired_time="2026-11-26T12:00:00+0000"),
        "pixel/dead": pixel("dead", last_fired_time="2026-11-08T12:00:00+0000"),
        "pixel/unix": pixel("unix", last_fired_time=1764327600),  # 2025: very old
    })
    assert statuses(snap, "pixel_fire_recent") == {
        "fresh": Status.PASS, "stale": Status.WARN, "dead": Status.FAIL, "unix": Status.FAIL}
    dead = next(f for f in results(snap, "pixel_fire_recent") if f.resource.id == "dead")
    assert dead.evidence["hours_since_last_fire"] == 480.0


def test_missing_last_fired_uses_stats_or_skips():
    snap = make_snapshot({
        "pixel/a": {"id": "a"}, "pixel/a/stats/event": stats(("PageView", 12)),
        "pixel/b": {"id": "b"}, "pixel/b/stats/event": [],
        "pixel/c": {"id": "c"}, "pixel/c/stats/event": failed("c/stats"),
    })
    assert statuses(snap, "pixel_fire_recent") == {
        "a": Status.PASS, "b": Status.FAIL, "c": Status.SKIPPED}


def test_garbage_dates_are_unknown_not_crashes():
    snap = make_snapshot({"pixel/a": pixel("a", last_fired_time="yesterday-ish"),
                          "pixel/a/stats/event": stats(("Purchase", "3"))})
    assert statuses(snap, "pixel_fire_recent") == {"a": Status.PASS}


# ------------------------------------------------------------------ pixel_status_available

def test_unavailable_pixel_fails():
    snap = make_snapshot({"pixel/a": pixel("a", is_unavailable=True),
                          "pixel/b": pixel("b"), "pixel/c": {"id": "c"}})
    assert statuses(snap, "pixel_status_available") == {
        "a": Status.FAIL, "b": Status.PASS, "c": Status.SKIPPED}


# ------------------------------------------------------------------ runner behaviour

def test_check_with_nothing_to_check_is_skipped_not_silent():
    snap = make_snapshot({})
    found = results(snap, "access_pixel_shared")
    assert [f.status for f in found] == [Status.SKIPPED]


def test_crashing_check_becomes_error_finding():
    from audit.evaluate.checks.registry import Registry

    reg = Registry()

    @reg.check("demo_check_crash", title="t", severity=REGISTRY.all()[0].severity, area="x")
    def boom(ctx):
        """Crashes."""
        raise KeyError("access_token=abcdef")

    [finding] = run_checks(Analysis.of(make_snapshot({})), registry=reg)
    assert finding.status is Status.ERROR
    assert "abcdef" not in finding.message and "KeyError" in finding.message


def test_not_audited_snapshot_runs_no_ordinary_checks():
    # A pixel was read before the audit stopped, yet no pixel check runs: only the three
    # token checks, which say why the client was not audited.
    snap = make_snapshot({"pixel/p1": pixel()})
    snap.not_audited = "token expired"
    found = [(f.check_id, f.status, f.message) for f in run_checks(Analysis.of(snap))]
    assert found == [
        ("token_access_valid", Status.FAIL, "The client could not be audited: token expired"),
        ("token_permissions_granted", Status.SKIPPED,
         "The token's permissions could not be read."),
        ("token_business_visible", Status.SKIPPED,
         "The business was not read (the run stopped before)."),
    ]


def test_fingerprints_ignore_message_and_numbers():
    a = make_snapshot({"pixel/p1": pixel(last_fired_time="2026-11-28T11:00:00+0000")})
    b = make_snapshot({"pixel/p1": pixel(last_fired_time="2026-11-01T11:00:00+0000")})
    [fa] = results(a, "pixel_fire_recent")
    [fb] = results(b, "pixel_fire_recent")
    assert fa.message != fb.message and fa.fingerprint == fb.fingerprint


def test_partial_edge_data_is_used():
    partial = Fetched("GET /p1/agencies", [{"id": AGENCY_ID, "permitted_tasks": ["ANALYZE"]}],
                      {"kind": "transient", "code": 2, "message": "later"}, partial=True)
    snap = make_snapshot({"pixel/p1": pixel(), "pixel/p1/agencies": partial})
    assert statuses(snap, "access_pixel_shared") == {"p1": Status.PASS}


# ------------------------------------------------------------------ users and accounts

def shared(pid):
    return [{"id": AGENCY_ID, "permitted_tasks": ["ANALYZE", "ADVERTISE", "UPLOAD"]}]


def test_agency_users_assigned():
    snap = make_snapshot({
        "pixel/a": pixel("a"), "pixel/a/agencies": shared("a"),
        f"pixel/a/assigned_users/{AGENCY_ID}": [
            {"id": "u1", "name": "Audit bot", "user_type": "SYSTEM_USER", "tasks": ["ANALYZE"]}],
        "pixel/b": pixel("b"), "pixel/b/agencies": shared("b"),
        f"pixel/b/assigned_users/{AGENCY_ID}": [],
        "pixel/c": pixel("c"), "pixel/c/agencies": shared("c"),
        f"pixel/c/assigned_users/{AGENCY_ID}": failed("users"),
    })
    assert statuses(snap, "access_pixel_users") == {
        "a": Status.PASS, "b": Status.WARN, "c": Status.SKIPPED}


def test_pixel_connected_to_accounts_that_use_it():
    adset = {"id": "s1", "effective_status": "ACTIVE", "optimization_goal": "OFFSITE_CONVERSIONS",
             "promoted_object": {"pixel_id": "a", "custom_event_type": "PURCHASE"}}
    snap = make_snapshot({
        "pixel/a": pixel("a"), "pixel/b": pixel("b"), "pixel/c": pixel("c"),
        "pixel/b/stats/event": stats(("PageView", 40)), "pixel/c/stats/event": [],
        "adaccount/act_1/adsets": [adset], "adaccount/act_1/adspixels": [{"id": "c"}],
        "adaccount/act_2/adsets": [], "adaccount/act_2/adspixels": [{"id": "a"}],
    }, ad_accounts=["act_1", "act_2"])
    found = {f.resource.id: f for f in results(snap, "access_pixel_accounts")}
    assert found["a"].status is Status.FAIL
    assert found["a"].evidence["missing"] == ["act_1"]
    assert found["b"].status is Status.WARN  # live, act_1 advertises, not connected
    assert "c" not in found  # silent and used by nobody: nothing to connect


def test_live_pixel_connected_everywhere_passes():
    snap = make_snapshot({
        "pixel/a": pixel("a"), "pixel/a/stats/event": stats(("Purchase", 3)),
        "adaccount/act_1/adsets": [{"id": "s", "effective_status": "ACTIVE"}],
        "adaccount/act_1/adspixels": [],
        "pixel/a/shared_accounts": [{"id": "act_1"}],
    }, ad_accounts=["act_1"])
    assert statuses(snap, "access_pixel_accounts") == {"a": Status.PASS}
