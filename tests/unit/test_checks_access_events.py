"""Pixel access and event usage checks on several pixels, events and ad sets at once.

The per-check table (``tests/unit/checks/cases.py``) has one situation per case; these
tests combine them: a first pixel (or event) the check must step past, then a second one
it must still judge, so a loop that stopped at the first would show. Expected statuses,
evidence and messages are read off the snapshots by hand.
"""

from __future__ import annotations

from typing import Any

from audit.evaluate.analysis import Analysis
from audit.evaluate.engine import run_checks
from audit.models import Finding, Status
from tests.helpers import AGENCY_ID, failed, make_snapshot, stats
from tests.unit.checks.cases import adset, partners, px

PASS, FAIL, WARN, SKIPPED = Status.PASS, Status.FAIL, Status.WARN, Status.SKIPPED
ACT = "act_1"
USERS = "assigned_users/" + AGENCY_ID


def findings(check: str, endpoints: dict[str, Any], **client: Any) -> dict[str, Finding]:
    found = [f for f in run_checks(Analysis.of(make_snapshot(endpoints, **client)))
             if f.check_id == check]
    assert len({f.resource.id for f in found}) == len(found)
    return {f.resource.id: f for f in found}


def statuses(check: str, endpoints: dict[str, Any], **client: Any) -> dict[str, Status]:
    return {k: f.status for k, f in findings(check, endpoints, **client).items()}


# ------------------------------------------------------------------ access_pixel_shared


def test_shared_goes_on_past_a_pixel_it_cannot_read() -> None:
    # p1's node is refused (FAIL, then the next pixel); p2 is shared through the agency's
    # client_pixels list; p3 is shared with someone else only.
    found = findings("access_pixel_shared", {
        "pixel/p1": failed("p1"), "pixel/p2": px("p2"),
        "pixel/p2/agencies": failed("p2/agencies", kind="unsupported", code=100),
        "agency/client_pixels": [{"id": "p2", "permitted_tasks": ["ANALYZE"]}],
        "pixel/p3": px("p3"), "pixel/p3/agencies": partners("ANALYZE", business="42")})
    assert {k: f.status for k, f in found.items()} == {"p1": FAIL, "p2": PASS, "p3": FAIL}
    assert found["p1"].evidence == {"pixel_read_error": {
        "kind": "permission", "code": 200, "subcode": None, "http_status": 400,
        "message": "denied"}}
    assert found["p2"].evidence == {"agency_business_id": AGENCY_ID, "source": "client_pixels"}
    assert found["p3"].evidence == {"partners": ["42"]}
    assert found["p3"].message == "Pixel Pixel p3 (p3) is not shared with Northwind " \
                                  "(business 5566778899)."


def test_a_refused_pixel_the_agency_lists_is_judged_by_its_partner_entry() -> None:
    # The node refuses the token, but the agency's own list names the pixel: shared.
    found = findings("access_pixel_shared", {
        "pixel/p1": failed("p1", kind="auth", code=190),
        "agency/client_pixels": [{"id": "p1", "permitted_tasks": ["EDIT"]}]})
    assert found["p1"].status is PASS


def test_a_pixel_refused_for_another_reason_is_not_called_unshared() -> None:
    # A transient error on the node is no evidence of missing access: the partner edges say.
    found = findings("access_pixel_shared", {
        "pixel/p1": failed("p1", kind="transient", code=2),
        "pixel/p1/agencies": partners("ANALYZE")})
    assert found["p1"].status is PASS


# ------------------------------------------------------------------ access_pixel_tasks


def test_edit_with_other_tasks_still_implies_the_rest() -> None:
    found = findings("access_pixel_tasks", {
        "pixel/p1": px(), "pixel/p1/agencies": partners("ANALYZE", "EDIT"),
        "pixel/p2": px("p2"), "pixel/p2/agencies": partners("edit")})
    assert {k: f.status for k, f in found.items()} == {"p1": PASS, "p2": PASS}
    assert found["p1"].message == "Northwind holds ANALYZE, EDIT on pixel Pixel p1 (p1)."
    assert found["p1"].evidence["permitted_tasks"] == ["ANALYZE", "EDIT"]


def test_tasks_go_on_past_pixels_with_nothing_to_judge() -> None:
    # p1: not shared with the agency at all (no finding here; access_pixel_shared has it);
    # p2: partners unreadable (SKIPPED); p3: shared without task details (SKIPPED);
    # p4: ADVERTISE and UPLOAD but not ANALYZE (FAIL); p5: all three (PASS).
    found = findings("access_pixel_tasks", {
        "pixel/p1": px(), "pixel/p1/agencies": partners("ANALYZE", business="42"),
        "pixel/p2": px("p2"), "pixel/p2/agencies": failed("p2/agencies"),
        "pixel/p3": px("p3"), "pixel/p3/agencies": failed("p3/agencies"),
        "pixel/p3/shared_agencies": [{"id": AGENCY_ID}],
        "pixel/p4": px("p4"), "pixel/p4/agencies": partners("UPLOAD", "ADVERTISE"),
        "pixel/p5": px("p5"), "pixel/p5/agencies": partners("ANALYZE", "ADVERTISE", "UPLOAD")})
    assert {k: f.status for k, f in found.items()} == {
        "p2": SKIPPED, "p3": SKIPPED, "p4": FAIL, "p5": PASS}
    assert found["p4"].message == ("Northwind lacks ANALYZE on pixel Pixel p4 (p4) "
                                   "(has ADVERTISE, UPLOAD).")
    assert found["p4"].evidence == {"permitted_tasks": ["ADVERTISE", "UPLOAD"],
                                    "required": ["ANALYZE", "ADVERTISE"],
                                    "recommended": ["UPLOAD"], "source": "agencies"}
    assert "grant Analyze → Assign" in found["p4"].remediation


def test_a_partner_with_no_tasks_lacks_them_all() -> None:
    found = findings("access_pixel_tasks", {"pixel/p1": px(), "pixel/p1/agencies": partners()})
    assert found["p1"].status is FAIL
    assert found["p1"].message == "Northwind lacks ANALYZE, ADVERTISE on pixel Pixel p1 (p1) " \
                                  "(has none)."
    assert "grant Analyze, Advertise, Upload → Assign" in found["p1"].remediation


def test_the_remediation_names_the_missing_recommended_task() -> None:
    found = findings("access_pixel_tasks", {"pixel/p1": px(),
                                            "pixel/p1/agencies": partners("ANALYZE",
                                                                          "ADVERTISE")})
    assert found["p1"].status is WARN
    assert found["p1"].message == ("Northwind lacks UPLOAD on pixel Pixel p1 (p1): it cannot "
                                   "send Conversions API events for the client.")
    assert "grant Upload → Assign" in found["p1"].remediation


def test_task_parameters_are_compared_without_regard_to_case() -> None:
    overrides = {"access_pixel_tasks": {"required_tasks": ["analyze"],
                                        "recommended_tasks": ["upload"]}}
    snap = make_snapshot({"pixel/p1": px(), "pixel/p1/agencies": partners("ANALYZE")})
    [f] = [f for f in run_checks(Analysis.of(snap), overrides)
           if f.check_id == "access_pixel_tasks"]
    assert f.status is WARN and f.evidence["required"] == ["ANALYZE"]


# ------------------------------------------------------------------ access_pixel_users


def test_users_go_on_past_unshared_and_unreadable_pixels() -> None:
    # p1 is not shared (nothing to judge); p2's users could not be read (SKIPPED);
    # p3 has a user without tasks beside one with tasks (PASS, 1 user counted).
    found = findings("access_pixel_users", {
        "pixel/p1": px(), "pixel/p1/agencies": partners("ANALYZE", business="42"),
        f"pixel/p1/{USERS}": [],
        "pixel/p2": px("p2"), "pixel/p2/agencies": partners("ANALYZE"),
        f"pixel/p2/{USERS}": failed("users"),
        "pixel/p3": px("p3"), "pixel/p3/agencies": partners("ANALYZE"),
        f"pixel/p3/{USERS}": [{"id": "u1", "name": "Ann", "tasks": []},
                              {"id": "u2", "name": "Bot", "user_type": "SYSTEM_USER",
                               "tasks": ["ANALYZE"]}]})
    assert {k: f.status for k, f in found.items()} == {"p2": SKIPPED, "p3": PASS}
    assert found["p3"].message == "1 Northwind user(s) assigned to Pixel p3 (p3)."
    assert found["p3"].evidence == {"users": [
        {"id": "u1", "name": "Ann", "type": None, "tasks": []},
        {"id": "u2", "name": "Bot", "type": "SYSTEM_USER", "tasks": ["ANALYZE"]}]}


def test_users_skip_a_pixel_whose_sharing_is_unknown_and_use_partial_lists() -> None:
    from audit.graph.result import Fetched

    partial = Fetched(f"GET /p2/{USERS}", [{"id": "u1", "tasks": ["ANALYZE"]}],
                      {"kind": "transient", "code": 2, "message": "later"}, partial=True)
    found = findings("access_pixel_users", {
        "pixel/p1": px(), "pixel/p1/agencies": failed("p1/agencies"),
        f"pixel/p1/{USERS}": [],
        "pixel/p2": px("p2"), "pixel/p2/agencies": partners("ANALYZE"),
        f"pixel/p2/{USERS}": partial,
        "pixel/p3": px("p3"), "pixel/p3/agencies": partners("ANALYZE")})
    # p1: sharing unknown, nothing judged; p2: the partial list counts; p3: not read at all
    assert {k: f.status for k, f in found.items()} == {"p2": PASS, "p3": SKIPPED}
    assert found["p3"].message == "Could not read who in Northwind is assigned to Pixel p3 (p3)."


# ------------------------------------------------------------------ access_pixel_accounts


def test_accounts_go_on_past_an_unreadable_pixel() -> None:
    found = findings("access_pixel_accounts", {
        "pixel/p1": failed("p1"),
        "pixel/p2": px("p2"), "pixel/p2/stats/event": stats(("Purchase", 3)),
        f"adaccount/{ACT}/adsets": [adset(1, pixel="p2")],
        f"adaccount/{ACT}/adspixels": [{"id": "p2"}]}, ad_accounts=[ACT])
    assert {k: f.status for k, f in found.items()} == {"p2": PASS}
    assert found["p2"].evidence == {"connected": [ACT], "accounts_using_it": [ACT],
                                    "advertising_accounts": [ACT], "fired_last_7_days": True}


def test_a_paused_ad_set_that_spent_makes_its_account_an_advertiser() -> None:
    # act_2's only ad set is paused but spent 80 in 28 days: act_2 advertises, and the live
    # pixel p1 (connected to act_1 only) is missing there. act_3's paused ad set spent
    # nothing: it does not advertise.
    found = findings("access_pixel_accounts", {
        "pixel/p1": px(), "pixel/p1/stats/event": stats(("Lead", 2)),
        f"adaccount/{ACT}/adspixels": [{"id": "p1"}],
        f"adaccount/{ACT}/adsets": [adset(1, pixel="p1")],
        "adaccount/act_2/adsets": [adset(2, pixel="p9", status="PAUSED")],
        "adaccount/act_2/adset_spend": [{"adset_id": "2", "spend": "80"}],
        "adaccount/act_3/adsets": [adset(3, pixel="p9", status="PAUSED")]},
        ad_accounts=[ACT, "act_2", "act_3"])
    assert found["p1"].status is WARN
    assert found["p1"].evidence["advertising_accounts"] == [ACT, "act_2"]
    assert found["p1"].evidence["missing"] == ["act_2"]
    assert found["p1"].message == ("Pixel p1 (p1) receives events but is not connected to "
                                   "act_2, which advertises for Acme: its conversions are not "
                                   "reported there.")
    assert "select act_2 → Add" in found["p1"].remediation


def test_a_silent_pixel_needs_only_the_accounts_that_use_it() -> None:
    # p1 fired nothing; act_1's ad set uses it and act_1 is connected: PASS, act_2 (which
    # advertises with another pixel) is not needed.
    found = findings("access_pixel_accounts", {
        "pixel/p1": px(), "pixel/p1/stats/event": [],
        "pixel/p1/shared_accounts": [{"id": "1"}],
        f"adaccount/{ACT}/adsets": [adset(1, pixel="p1")],
        "adaccount/act_2/adsets": [adset(2, pixel="p2")]}, ad_accounts=[ACT, "act_2"])
    assert found["p1"].status is PASS
    assert found["p1"].message == ("Pixel p1 (p1) is connected to every advertising account "
                                   "(act_1).")


# ------------------------------------------------------------------ events_optimized_fired


def test_a_paused_ad_set_with_spend_still_counts() -> None:
    # Set 1 is paused but spent 120 in 28 days on Lead, which did not fire: FAIL; set 2 is
    # paused with no spend (Purchase): no finding.
    found = findings("events_optimized_fired", {
        "pixel/p1": px(), "pixel/p1/stats/event": stats(("Purchase", 4)),
        f"adaccount/{ACT}/adsets": [adset(1, "LEAD", status="PAUSED"),
                                    adset(2, "PURCHASE", status="PAUSED")],
        f"adaccount/{ACT}/adset_spend": [{"adset_id": "1", "spend": "120"}]},
        ad_accounts=[ACT])
    assert {k: f.status for k, f in found.items()} == {"p1:Lead": FAIL}
    assert found["p1:Lead"].message == ("1 ad set(s) (spend 120.00 in 28 days) optimise for "
                                        "Lead on pixel p1, which did not fire in the last 7 "
                                        "days.")
    assert found["p1:Lead"].evidence == {
        "adsets": [{"id": "1", "name": "Set 1", "status": "PAUSED", "spend_28d": 120.0}],
        "adset_count": 1, "spend_28d": 120.0, "events_7d": 0}


def test_events_go_on_past_custom_conversions_and_unreadable_pixels() -> None:
    # Groups in order: the custom conversion (judged by its last fire), p1:Purchase (its
    # stats unreadable: SKIPPED), p2:Lead (fired 3 times: PASS).
    found = findings("events_optimized_fired", {
        "pixel/p1": px(), "pixel/p1/stats/event": failed("p1/stats"),
        "pixel/p2": px("p2"), "pixel/p2/stats/event": stats(("Lead", 3)),
        f"adaccount/{ACT}/adsets": [adset(1, custom_conversion_id="cc9"),
                                    adset(2, "PURCHASE", pixel="p1"),
                                    adset(3, "LEAD", pixel="p2"), adset(4, "LEAD", pixel="p2")],
        f"adaccount/{ACT}/adset_spend": [{"adset_id": "3", "spend": "5"},
                                         {"adset_id": "4", "spend": "7.5"}],
        f"adaccount/{ACT}/customconversions": []}, ad_accounts=[ACT])
    assert {k: f.status for k, f in found.items()} == {
        "cc9": SKIPPED, "p1:Purchase": SKIPPED, "p2:Lead": PASS}
    assert found["cc9"].message == ("1 ad set(s) optimise for custom conversion cc9, which "
                                    "could not be read.")
    assert found["p2:Lead"].message == ("Lead fired 3 times in 7 days on pixel p2 (2 ad set(s) "
                                        "optimise for it).")
    # ad sets ranked by spend: 4 (7.5) before 3 (5); the spend behind the event is 12.5
    assert [a["id"] for a in found["p2:Lead"].evidence["adsets"]] == ["4", "3"]
    assert found["p2:Lead"].evidence["spend_28d"] == 12.5
    assert found["p2:Lead"].evidence["adset_count"] == 2


def test_a_custom_conversion_that_never_fired_fails_with_its_pixel_in_the_fix() -> None:
    found = findings("events_optimized_fired", {
        f"adaccount/{ACT}/adsets": [adset(1, custom_conversion_id="cc1")],
        f"adaccount/{ACT}/customconversions": [
            {"id": "cc1", "name": "Big order", "pixel": {"id": "p7"}}]}, ad_accounts=[ACT])
    assert found["cc1"].status is FAIL
    assert "custom conversion Big order, which last fired never" in found["cc1"].message
    assert found["cc1"].evidence["last_fired"] == "never"
    assert "→ p7 → Test events" in found["cc1"].remediation


def test_a_custom_conversion_fired_exactly_at_the_cut_off_passes() -> None:
    # NOW 2026-11-28 12:00 minus 7 days = 2026-11-21 12:00 (inclusive)
    found = findings("events_optimized_fired", {
        f"adaccount/{ACT}/adsets": [adset(1, custom_conversion_id="cc1")],
        f"adaccount/{ACT}/customconversions": [
            {"id": "cc1", "last_fired_time": "2026-11-21T12:00:00+0000"},
            {"id": "cc2", "last_fired_time": "2026-11-21T11:59:00+0000"}]}, ad_accounts=[ACT])
    assert found["cc1"].status is PASS
    stale = findings("events_optimized_fired", {
        f"adaccount/{ACT}/adsets": [adset(1, custom_conversion_id="cc2")],
        f"adaccount/{ACT}/customconversions": [
            {"id": "cc2", "last_fired_time": "2026-11-21T11:59:00+0000"}]}, ad_accounts=[ACT])
    assert stale["cc2"].status is FAIL and "(spend 0.00 in 28 days)" in stale["cc2"].message


def test_spend_in_messages_is_in_the_clients_currency() -> None:
    found = findings("events_optimized_fired", {
        "pixel/p1": px(), "pixel/p1/stats/event": [],
        f"adaccount/{ACT}": {"id": ACT, "currency": "EUR"},
        f"adaccount/{ACT}/adsets": [adset(1)],
        f"adaccount/{ACT}/adset_spend": [{"adset_id": "1", "spend": "1234.5"}]},
        ad_accounts=[ACT])
    assert "(spend €1,234.50 in 28 days)" in found["p1:Purchase"].message


def test_ad_sets_without_a_pixel_event_are_not_judged() -> None:
    found = findings("events_optimized_fired", {
        "pixel/p1": px(), "pixel/p1/stats/event": stats(("Lead", 1)),
        f"adaccount/{ACT}/adsets": [{"id": "1", "effective_status": "ACTIVE",
                                     "promoted_object": {"pixel_id": "p1"}},
                                    {"id": "2", "effective_status": "ACTIVE",
                                     "promoted_object": {"custom_event_type": "LEAD"}},
                                    adset(3, "LEAD")]}, ad_accounts=[ACT])
    assert {k: f.status for k, f in found.items()} == {"p1:Lead": PASS}


def test_more_than_twenty_ad_sets_are_summarised_in_the_evidence() -> None:
    sets = [adset(i, "LEAD") for i in range(1, 26)]
    found = findings("events_optimized_fired", {
        "pixel/p1": px(), "pixel/p1/stats/event": stats(("Lead", 9)),
        f"adaccount/{ACT}/adsets": sets}, ad_accounts=[ACT])
    ev = found["p1:Lead"].evidence
    assert ev["adset_count"] == 25 and len(ev["adsets"]) == 20
    assert ev["adsets"][0]["id"] == "1"  # no spend anywhere: ordered by id ("1" < "10" …)


# ------------------------------------------------------------------ events_standard_traffic


def test_base_events_go_on_past_conversions_with_nothing_to_judge() -> None:
    # cc1: built on a custom event (nothing to judge); cc2: on Lead, but no pixel (nothing
    # to judge); cc3: its ad set paused without spend (not relevant); cc4: on Purchase
    # with traffic (PASS); cc5: on Lead, which had none (FAIL).
    conversions = [
        {"id": "cc1", "custom_event_type": "OTHER", "pixel": {"id": "p1"}},
        {"id": "cc2", "custom_event_type": "LEAD"},
        {"id": "cc3", "custom_event_type": "SEARCH", "pixel": {"id": "p1"}},
        {"id": "cc4", "name": "Big order", "custom_event_type": "PURCHASE",
         "pixel": {"id": "p1"}},
        {"id": "cc5", "custom_event_type": "LEAD", "pixel": "p1"}]
    found = findings("events_standard_traffic", {
        "pixel/p1": px(), "pixel/p1/stats/event": stats(("Purchase", 6), ("Lead", 0)),
        f"adaccount/{ACT}/customconversions": conversions,
        f"adaccount/{ACT}/adsets": [
            adset(1, custom_conversion_id="cc1"), adset(2, custom_conversion_id="cc2"),
            adset(3, custom_conversion_id="cc3", status="PAUSED"),
            adset(4, custom_conversion_id="cc4"), adset(5, custom_conversion_id="cc5")]},
        ad_accounts=[ACT])
    assert {k: f.status for k, f in found.items()} == {"p1:Purchase": PASS, "p1:Lead": FAIL}
    assert found["p1:Purchase"].message == "Purchase (behind Big order) fired 6 times in 7 days."
    assert found["p1:Lead"].message == ("Custom conversion cc5 is built on Lead, which had no "
                                        "traffic on pixel p1 in 7 days; 1 ad set(s) depend on "
                                        "it.")
    assert found["p1:Lead"].evidence == {"custom_conversion": "cc5", "adsets": [
        {"id": "5", "name": "Set 5", "status": "ACTIVE", "spend_28d": 0.0}]}


# ------------------------------------------------------------------ events_pixel_diagnostics


def test_diagnostics_go_on_past_unreadable_pixels() -> None:
    # p1: node and diagnostics refused (no finding: the node's own failure is reported
    # elsewhere); p2: node read, diagnostics refused (SKIPPED); p3: two failed diagnostics
    # (a WARN each); p4: none failed (PASS).
    found = findings("events_pixel_diagnostics", {
        "pixel/p1": failed("p1"), "pixel/p1/da_checks": failed("p1/da_checks"),
        "pixel/p2": px("p2"), "pixel/p2/da_checks": failed("p2/da_checks"),
        "pixel/p3": px("p3"), "pixel/p3/da_checks": [
            {"key": "a", "title": "Missing value", "result": "FAILED",
             "user_message": "Add a value."},
            {"title": "Untitled", "result": "failed", "action_uri": "https://example.test/x"},
            {"key": "c", "title": "Fine", "result": "passed"}],
        "pixel/p4": px("p4"), "pixel/p4/da_checks": [{"key": "x", "result": "passed"},
                                                     {"key": "y", "result": "passed"}]})
    assert {k: f.status for k, f in found.items()} == {
        "p2": SKIPPED, "p3:a": WARN, "p3:diagnostic": WARN, "p4": PASS}
    assert found["p3:a"].message == "Pixel p3 (p3): Missing value — Add a value."
    assert found["p3:diagnostic"].evidence == {"key": "diagnostic", "result": "failed",
                                               "action_uri": "https://example.test/x"}
    assert found["p4"].message == "Pixel p4 (p4): 2 diagnostic(s), none failed."
    assert found["p4"].evidence == {"checks": 2}


def test_diagnostics_of_a_pixel_whose_node_was_not_read_are_not_judged() -> None:
    # p1's node was never read and its diagnostics failed: nothing to say; p2 passes.
    found = findings("events_pixel_diagnostics", {
        "pixel/p1/da_checks": failed("p1/da_checks"), "pixel/p2": px("p2"),
        "pixel/p2/da_checks": []})
    assert {k: f.status for k, f in found.items()} == {"p2": PASS}


# ------------------------------------------------------------------ found by mutation testing


def test_only_accounts_whose_own_ad_sets_deliver_advertise() -> None:
    # act_2's ad set is active; act_1 has none: only act_2 advertises (act_1 must not count
    # because of another account's ad sets). A paused ad set that spent 0.50 counts too.
    found = findings("access_pixel_accounts", {
        "pixel/p1": px(), "pixel/p1/stats/event": stats(("Lead", 1)),
        "adaccount/act_2/adsets": [adset(2, pixel="p9")],
        "adaccount/act_3/adsets": [adset(3, pixel="p9", status="PAUSED")],
        "adaccount/act_3/adset_spend": [{"adset_id": "3", "spend": "0.5"}],
        "pixel/p1/shared_accounts": [{"id": "act_2"}]},
        ad_accounts=[ACT, "act_2", "act_3"])
    # p1 fired once (live): needed where it advertises, act_2 and act_3
    assert found["p1"].evidence["advertising_accounts"] == ["act_2", "act_3"]
    assert found["p1"].evidence["missing"] == ["act_3"]
    assert found["p1"].evidence["fired_last_7_days"] is True


def test_a_pixel_that_fired_nothing_is_not_live() -> None:
    # zero events (a row with count 0): not live, so only the accounts using it matter
    found = findings("access_pixel_accounts", {
        "pixel/p1": px(), "pixel/p1/stats/event": stats(("Lead", 0)),
        f"adaccount/{ACT}/adsets": [adset(1, pixel="p9")]}, ad_accounts=[ACT])
    # (the engine's "nothing to check" for the client stands in for no finding)
    assert list(found) == ["acme"] and found["acme"].evidence == {"not_applicable": True}


def test_a_pixel_without_a_node_or_with_a_partial_one_is_still_judged() -> None:
    # p1 is configured but its node was never read; p2's node read was cut short (partial)
    from audit.graph.result import Fetched

    partial = Fetched("GET /p2", {"id": "p2"}, {"kind": "transient", "code": 2,
                                                 "message": "later"}, partial=True)
    found = findings("access_pixel_accounts", {
        "pixel/p1/stats/event": stats(("Lead", 2)), "pixel/p2": partial,
        "pixel/p2/stats/event": stats(("Lead", 2)),
        f"adaccount/{ACT}/adsets": [adset(1, pixel="p1")],
        f"adaccount/{ACT}/adspixels": [{"id": "p1"}, {"id": "p2"}]},
        ad_accounts=[ACT], pixels=["p1"])
    assert {k: f.status for k, f in found.items()} == {"p1": PASS, "p2": PASS}


def test_numeric_pixel_ids_are_pixels_not_custom_conversions() -> None:
    # real pixel ids are digits, which sort before "custom_conversion"
    found = findings("events_optimized_fired", {
        "pixel/200000000000001": px("200000000000001"),
        "pixel/200000000000001/stats/event": stats(("Purchase", 4)),
        f"adaccount/{ACT}/adsets": [adset(1, pixel="200000000000001")]}, ad_accounts=[ACT])
    assert {k: f.status for k, f in found.items()} == {"200000000000001:Purchase": PASS}


def test_an_irrelevant_ad_set_first_does_not_hide_the_next() -> None:
    # ad set 1 is paused without spend (not relevant) and comes first; ad set 2 delivers
    found = findings("events_optimized_fired", {
        "pixel/p1": px(), "pixel/p1/stats/event": stats(("Lead", 4)),
        f"adaccount/{ACT}/adsets": [adset(1, "PURCHASE", status="PAUSED"), adset(2, "LEAD")],
        f"adaccount/{ACT}/adset_spend": [{"adset_id": "2", "spend": "7.25"},
                                         {"adset_id": "3", "spend": "5"}]},
        ad_accounts=[ACT])
    assert {k: f.status for k, f in found.items()} == {"p1:Lead": PASS}
    assert found["p1:Lead"].evidence["spend_28d"] == 7.25


def test_spend_is_summed_to_the_cent() -> None:
    # 5.00 + 7.25 = 12.25 (not 12.2 or 12.3)
    found = findings("events_optimized_fired", {
        "pixel/p1": px(), "pixel/p1/stats/event": stats(("Lead", 4)),
        f"adaccount/{ACT}/adsets": [adset(1, "LEAD", status="PAUSED"), adset(2, "LEAD")],
        f"adaccount/{ACT}/adset_spend": [{"adset_id": "1", "spend": "5"},
                                         {"adset_id": "2", "spend": "7.25"}]},
        ad_accounts=[ACT])
    assert found["p1:Lead"].evidence["spend_28d"] == 12.25
    small = findings("events_optimized_fired", {
        "pixel/p1": px(), "pixel/p1/stats/event": stats(("Lead", 4)),
        f"adaccount/{ACT}/adsets": [adset(1, "LEAD", status="PAUSED")],
        f"adaccount/{ACT}/adset_spend": [{"adset_id": "1", "spend": "0.5"}]}, ad_accounts=[ACT])
    assert small["p1:Lead"].evidence["spend_28d"] == 0.5  # 50 cents spent: still relevant


def test_a_stale_custom_conversion_names_itself_in_the_fix() -> None:
    found = findings("events_optimized_fired", {
        f"adaccount/{ACT}/adsets": [adset(1, custom_conversion_id="cc1")],
        f"adaccount/{ACT}/customconversions": [
            {"id": "cc1", "name": "Big order", "pixel": {"id": "p7"}}]}, ad_accounts=[ACT])
    assert "complete the action that should send Big order" in found["cc1"].remediation


def test_base_events_skip_unread_and_custom_based_conversions() -> None:
    # cc9 is used but could not be read; cc6 is built on a custom event type: neither is
    # judged; cc4 (Purchase, fired) passes
    found = findings("events_standard_traffic", {
        "pixel/p1": px(), "pixel/p1/stats/event": stats(("Purchase", 6)),
        f"adaccount/{ACT}/customconversions": [
            {"id": "cc6", "custom_event_type": "SWATCH_REQUEST", "pixel": {"id": "p1"}},
            {"id": "cc4", "custom_event_type": "PURCHASE", "pixel": {"id": "p1"}}],
        f"adaccount/{ACT}/adsets": [adset(1, custom_conversion_id="cc9"),
                                    adset(2, custom_conversion_id="cc6"),
                                    adset(3, custom_conversion_id="cc4")]},
        ad_accounts=[ACT])
    assert {k: f.status for k, f in found.items()} == {"p1:Purchase": PASS}


def test_only_failed_diagnostics_are_failures() -> None:
    found = findings("events_pixel_diagnostics", {
        "pixel/p1": px(), "pixel/p1/da_checks": [{"key": "a", "result": "completed"},
                                                 {"key": "b", "result": ""},
                                                 {"key": "c"}]})
    assert {k: f.status for k, f in found.items()} == {"p1": PASS}
