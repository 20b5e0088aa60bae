"""Table of check cases: a small hand-made snapshot, and what each check must say about it.

Every registered check needs at least one PASS case (every finding PASS) and one problem
case (a FAIL, WARN or SKIPPED that is not the engine's "nothing to check"); the meta-test
in ``test_cases.py`` reads this table and fails when a check lacks either. Expected
statuses and phrases are worked out by hand from the snapshot (the arithmetic is in the
comments), never computed with the code under test.

The collection time of every snapshot is ``tests.helpers.COLLECTED_AT``:
2026-11-28 12:00 UTC.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from audit.collect.snapshot import Snapshot
from audit.graph.result import Fetched
from audit.models import Status
from tests.helpers import AGENCY_ID, CLIENT_ID, error, failed, make_snapshot, stats

PASS, FAIL, WARN, SKIPPED = Status.PASS, Status.FAIL, Status.WARN, Status.SKIPPED
NOTHING = "nothing to check for this client"
CLIENT = "acme"  # the client resource id: standard SKIPPED findings are about the client
ACT = "act_1"
NOW = datetime(2026, 11, 28, 12, tzinfo=timezone.utc)
AGENCY_USERS = f"pixel/p1/assigned_users/{AGENCY_ID}"
PURCHASE = "offsite_conversion.fb_pixel_purchase"


@dataclass(frozen=True)
class Case:
    """One snapshot and the findings one check must produce for it."""

    check: str
    name: str
    endpoints: Mapping[str, Any]
    expected: Mapping[str, Status]  # resource id → status, for every finding of the check
    phrases: Mapping[str, str] = field(default_factory=dict)  # resource id → in its message
    client: Mapping[str, Any] = field(default_factory=dict)  # make_snapshot client fields
    params: Mapping[str, Any] = field(default_factory=dict)  # checks: overrides
    not_audited: str | None = None

    @property
    def id(self) -> str:
        """The pytest id."""
        return f"{self.check}-{self.name}"

    @property
    def is_pass(self) -> bool:
        """Every finding is PASS."""
        return bool(self.expected) and all(s is PASS for s in self.expected.values())

    @property
    def is_problem(self) -> bool:
        """Some finding is FAIL, WARN or a SKIPPED other than "nothing to check"."""
        return any(s is not PASS and self.phrases.get(r) != NOTHING
                   for r, s in self.expected.items())

    def snapshot(self) -> Snapshot:
        """A fresh snapshot for this case."""
        snap = make_snapshot(dict(self.endpoints), **self.client)
        snap.not_audited = self.not_audited
        return snap


# ------------------------------------------------------------------ builders


def px(pid: str = "p1", **fields: Any) -> dict[str, Any]:
    """A pixel node (label "Pixel p1 (p1)"), available, last fired an hour before NOW."""
    return {"id": pid, "name": f"Pixel {pid}", "is_unavailable": False,
            "last_fired_time": "2026-11-28T11:00:00+0000", **fields}


def partners(*tasks: str, business: str = AGENCY_ID) -> list[dict[str, Any]]:
    """A pixel's agencies edge with one partner business."""
    return [{"id": business, "name": "Northwind", "permitted_tasks": list(tasks)}]


def adset(i: int, event: str = "PURCHASE", pixel: str = "p1", status: str = "ACTIVE",
          **promoted: Any) -> dict[str, Any]:
    """An ad set optimising for a pixel event (or a custom conversion, via promoted)."""
    return {"id": str(i), "name": f"Set {i}", "effective_status": status,
            "optimization_goal": "OFFSITE_CONVERSIONS",
            "promoted_object": {"pixel_id": pixel, "custom_event_type": event, **promoted}}


def dq(**events: Mapping[str, Any]) -> dict[str, Any]:
    """A Dataset Quality answer: one entry per event."""
    return {"web": [{"event_name": name, **fields} for name, fields in events.items()]}


def owned(domain: str, owner: str = CLIENT_ID, **fields: Any) -> list[dict[str, Any]]:
    """An owned_domains edge listing one domain."""
    return [{"id": "d1", "domain_name": domain, "owner_business": {"id": owner},
             **({"status": "verified"} | fields)}]


def debug(**data: Any) -> dict[str, Any]:
    """A debug_token answer."""
    return {"data": {"is_valid": True, "type": "SYSTEM_USER", **data}}


def in_days(days: int) -> int:
    """Unix time ``days`` after the collection time (input only)."""
    return int((NOW + timedelta(days=days)).timestamp())


def rule(rid: str, name: str, filters: list[dict[str, Any]], execution: str = "PAUSE"
         ) -> dict[str, Any]:
    """An automated rule."""
    return {"id": rid, "name": name, "status": "ENABLED",
            "evaluation_spec": {"evaluation_type": "SCHEDULE", "filters": filters},
            "execution_spec": {"execution_type": execution}}


def purchases(**windows: float) -> dict[str, Any]:
    """One campaign's insights row with Purchase counts per attribution window."""
    return {"campaign_id": "1", "campaign_name": "C1", "spend": "100",
            "actions": [{"action_type": PURCHASE, **{k: str(v) for k, v in windows.items()}}],
            "action_values": [], "date_start": "2026-10-31", "date_stop": "2026-11-27"}


def attribution(*spec: tuple[str, int]) -> dict[str, Any]:
    """An ad set with an attribution spec of (event type, days)."""
    return {"id": "s1", "name": "Prospecting",
            "attribution_spec": [{"event_type": t, "window_days": d} for t, d in spec]}


ONE_PIXEL: dict[str, Any] = {"pixel/p1": px()}
SHARED: dict[str, Any] = {"pixel/p1": px(), "pixel/p1/agencies": partners("ANALYZE")}
ACCOUNT = {"ad_accounts": [ACT]}
HOSTS = {"pixel/p1": px(), "pixel/p1/stats/host": stats(("shop.acme.co.uk", 70))}
ACME_COM: dict[str, Any] = {
    "pixel/p1": px(), "pixel/p1/stats/host": stats(("www.acme.com", 100)),
    "pixel/p1/stats/event": stats(("Purchase", 80), ("Lead", 60)),
    f"adaccount/{ACT}/adsets": [adset(1, "PURCHASE"), adset(2, "LEAD")]}
NINE = ("Purchase", "Lead", "AddToCart", "ViewContent", "Search", "Contact", "Schedule",
        "Subscribe", "StartTrial")
NINE_TYPES = ("PURCHASE", "LEAD", "ADD_TO_CART", "CONTENT_VIEW", "SEARCH", "CONTACT", "SCHEDULE",
              "SUBSCRIBE", "START_TRIAL")  # the promoted_object names of NINE
TOKEN = {"token_env": "ACME_TOKEN"}  # the token findings' resource id
DENIED = "could not be read (permission error 200)"


# ------------------------------------------------------------------ access

ACCESS = [
    Case("access_pixel_shared", "shared", {**ONE_PIXEL, "pixel/p1/agencies": partners("EDIT")},
         {"p1": PASS}, {"p1": "Pixel p1 (p1) is shared with Northwind."}),
    Case("access_pixel_shared", "fallback_edge",
         {**ONE_PIXEL, "pixel/p1/agencies": failed("p1/agencies", kind="unsupported", code=100),
          "pixel/p1/shared_agencies": [{"id": AGENCY_ID, "name": "Northwind"}]},
         {"p1": PASS}),
    Case("access_pixel_shared", "other_partner_only",
         {**ONE_PIXEL, "pixel/p1/agencies": partners("ANALYZE", business="999")},
         {"p1": FAIL}, {"p1": "is not shared with Northwind (business 5566778899)"}),
    # The pixel node itself is refused: name unknown, so the label is the bare id.
    Case("access_pixel_shared", "node_refused", {"pixel/p1": failed("p1")}, {"p1": FAIL},
         {"p1": "cannot read pixel p1 (permission error 200)"}, client={"pixels": ["p1"]}),
    # Both partner edges fail: the first one's error is quoted.
    Case("access_pixel_shared", "partners_unreadable",
         {**ONE_PIXEL, "pixel/p1/agencies": failed("p1/agencies", kind="unsupported", code=100),
          "pixel/p1/shared_agencies": failed("p1/shared_agencies")},
         {"p1": SKIPPED}, {"p1": "(unsupported error 100); access not verified"}),

    Case("access_pixel_tasks", "all_tasks",
         {**ONE_PIXEL, "pixel/p1/agencies": partners("UPLOAD", "ANALYZE", "ADVERTISE")},
         {"p1": PASS}, {"p1": "Northwind holds ADVERTISE, ANALYZE, UPLOAD on pixel"}),
    Case("access_pixel_tasks", "edit_implies_the_rest",
         {**ONE_PIXEL, "pixel/p1/agencies": partners("EDIT")}, {"p1": PASS}),
    Case("access_pixel_tasks", "required_missing",
         {**ONE_PIXEL, "pixel/p1/agencies": partners("ANALYZE")},
         {"p1": FAIL}, {"p1": "Northwind lacks ADVERTISE on pixel Pixel p1 (p1) (has ANALYZE)"}),
    Case("access_pixel_tasks", "recommended_missing",
         {**ONE_PIXEL, "pixel/p1/agencies": partners("ANALYZE", "ADVERTISE")},
         {"p1": WARN}, {"p1": "lacks UPLOAD"}),
    Case("access_pixel_tasks", "fewer_required_by_config",
         {**ONE_PIXEL, "pixel/p1/agencies": partners("ANALYZE")}, {"p1": PASS},
         params={"required_tasks": ["ANALYZE"], "recommended_tasks": []}),
    # p1 is known to be shared only through the task-less fallback edge; p2 is fine.
    Case("access_pixel_tasks", "tasks_unknown_for_one_pixel",
         {**ONE_PIXEL, "pixel/p1/agencies": failed("p1/agencies"),
          "pixel/p1/shared_agencies": [{"id": AGENCY_ID}],
          "pixel/p2": px("p2"), "pixel/p2/agencies": partners("EDIT")},
         {"p1": SKIPPED, "p2": PASS}, {"p1": "did not report which tasks"}),
    Case("access_pixel_tasks", "agencies_unreadable",
         {**ONE_PIXEL, "pixel/p1/agencies": failed("p1/agencies")},
         {"p1": SKIPPED}, {"p1": "Could not read which tasks Northwind holds on pixel "
                                 "Pixel p1 (p1) (permission error 200)"}),

    Case("access_pixel_users", "system_user_assigned",
         {**SHARED, AGENCY_USERS: [{"id": "u1", "name": "Audit bot", "user_type":
                                    "SYSTEM_USER", "tasks": ["ANALYZE"]}]},
         {"p1": PASS}, {"p1": "1 Northwind user(s) assigned to Pixel p1 (p1)"}),
    Case("access_pixel_users", "nobody_with_tasks",
         {**SHARED, AGENCY_USERS: [{"id": "u2", "name": "Ann", "tasks": []}]},
         {"p1": WARN}, {"p1": "no one in the agency is assigned to it"}),
    Case("access_pixel_users", "one_pixel_unreadable",
         {**SHARED, AGENCY_USERS: failed("p1/assigned_users"),
          "pixel/p2": px("p2"), "pixel/p2/agencies": partners("ANALYZE"),
          f"pixel/p2/assigned_users/{AGENCY_ID}": [{"id": "u1", "tasks": ["ANALYZE"]}]},
         {"p1": SKIPPED, "p2": PASS}, {"p1": "Could not read who in Northwind is assigned"}),
    Case("access_pixel_users", "assigned_users_unreadable",
         {**SHARED, AGENCY_USERS: failed("p1/assigned_users")},
         {CLIENT: SKIPPED}, {CLIENT: f"Skipped: GET /p1/assigned_users {DENIED}"}),

    Case("access_pixel_accounts", "connected_from_the_account",
         {**ONE_PIXEL, f"adaccount/{ACT}/adspixels": [{"id": "p1"}],
          f"adaccount/{ACT}/adsets": [adset(1)],
          "pixel/p1/stats/event": stats(("Purchase", 10))},
         {"p1": PASS}, {"p1": "connected to every advertising account (act_1)"}, ACCOUNT),
    Case("access_pixel_accounts", "connected_from_the_pixel",
         {**ONE_PIXEL, f"adaccount/{ACT}/adspixels": [],
          "pixel/p1/shared_accounts": [{"id": ACT}], f"adaccount/{ACT}/adsets": [adset(1)]},
         {"p1": PASS}, client=ACCOUNT),
    Case("access_pixel_accounts", "ad_sets_use_an_unconnected_pixel",
         {**ONE_PIXEL, f"adaccount/{ACT}/adspixels": [], f"adaccount/{ACT}/adsets": [adset(1)]},
         {"p1": FAIL}, {"p1": "Ad sets in act_1 optimise for Pixel p1 (p1), which is not "
                                "connected"}, ACCOUNT),
    # Both pixels fire and both accounts advertise. p1 is connected to act_1 only, so its
    # conversions are missing from act_2 (WARN, no ad set of act_2 uses it); p2 is
    # connected to both accounts (PASS).
    Case("access_pixel_accounts", "live_pixel_missing_from_an_account",
         {**ONE_PIXEL, "pixel/p2": px("p2"),
          "pixel/p1/stats/event": stats(("Purchase", 5)),
          "pixel/p2/stats/event": stats(("Purchase", 5)),
          f"adaccount/{ACT}/adspixels": [{"id": "p1"}, {"id": "p2"}],
          "adaccount/act_2/adspixels": [{"id": "p2"}],
          f"adaccount/{ACT}/adsets": [adset(1, pixel="p1")],
          "adaccount/act_2/adsets": [adset(2, pixel="p2")]},
         {"p1": WARN, "p2": PASS},
         {"p1": "Pixel p1 (p1) receives events but is not connected to act_2"},
         {"ad_accounts": [ACT, "act_2"]}),
]


# ------------------------------------------------------------------ capi

SPLIT = {"pixel/p1/stats/event": stats(("Purchase", 10), ("PageView", 100))}
BOTH_SIDES = {**ONE_PIXEL, "pixel/p1/stats/event": stats(("Purchase", 10)),
              "pixel/p1/stats/event/WEB_ONLY": stats(("Purchase", 5)),
              "pixel/p1/stats/event/SERVER_ONLY": stats(("Purchase", 5))}

CAPI = [
    # PageView is not a high-value event: no finding. Server share 4 / (6 + 4) = 40%.
    Case("capi_event_server", "server_share",
         {**ONE_PIXEL, **SPLIT, "pixel/p1/stats/event/WEB_ONLY": stats(("Purchase", 6)),
          "pixel/p1/stats/event/SERVER_ONLY": stats(("Purchase", 4))},
         {"p1:Purchase": PASS}, {"p1:Purchase": "40% of events arrive from the server"}),
    # No split, but the dataset's coverage shows server events: the share is unknown.
    Case("capi_event_server", "coverage_fallback",
         {**ONE_PIXEL, **SPLIT, "pixel/p1/stats/event/WEB_ONLY": stats(("Purchase", 10)),
          "pixel/p1/stats/event/SERVER_ONLY": failed("p1/stats"),
          "pixel/p1/dataset_quality": dq(Purchase={"event_coverage": {"percentage": 35}})},
         {"p1:Purchase": PASS}, {"p1:Purchase": "some of events arrive from the server"}),
    Case("capi_event_server", "browser_only",
         {**ONE_PIXEL, **SPLIT, "pixel/p1/stats/event/WEB_ONLY": stats(("Purchase", 10)),
          "pixel/p1/stats/event/SERVER_ONLY": []},
         {"p1:Purchase": FAIL},
         {"p1:Purchase": "arrives only from the browser (10 in 7 days, none from the server)"}),
    Case("capi_event_server", "split_unknown",
         {**ONE_PIXEL, **SPLIT, "pixel/p1/stats/event/WEB_ONLY": stats(("Purchase", 10)),
          "pixel/p1/stats/event/SERVER_ONLY": failed("p1/stats")},
         {"p1:Purchase": SKIPPED}, {"p1:Purchase": "browser/server split could not be read"}),

    # Best dedup key covers min(90, 80) = 80% on both sides, above 50.
    Case("capi_event_dedup", "deduplicated",
         {**BOTH_SIDES, "pixel/p1/dataset_quality": dq(Purchase={"dedupe_key_feedback": [
             {"dedupe_key": "event_id", "browser_events_with_dedupe_key": {"percentage": 90},
              "server_events_with_dedupe_key": {"percentage": 80}}]})},
         {"p1:Purchase": PASS}, {"p1:Purchase": "80% of browser events are deduplicated"}),
    Case("capi_event_dedup", "double_counted",
         {**BOTH_SIDES, "pixel/p1/dataset_quality": dq(Purchase={"dedupe_key_feedback": [
             {"dedupe_key": "event_id",
              "overall_browser_coverage_from_dedupe_key": {"percentage": 20}}]})},
         {"p1:Purchase": FAIL}, {"p1:Purchase": "only 20% are deduplicated"}),
    Case("capi_event_dedup", "threshold_from_config",
         {**BOTH_SIDES, "pixel/p1/dataset_quality": dq(Purchase={"dedupe_key_feedback": [
             {"dedupe_key": "event_id",
              "overall_browser_coverage_from_dedupe_key": {"percentage": 20}}]})},
         {"p1:Purchase": PASS}, params={"min_dedup_percent": 10}),
    Case("capi_event_dedup", "no_feedback",
         {**BOTH_SIDES, "pixel/p1/dataset_quality": dq(Purchase={})},
         {"p1": SKIPPED}, {"p1": "Purchase arrive from browser and server; deduplication "
                                 "unknown (the Dataset Quality API gave no deduplication "
                                 "feedback for them)"}),
    Case("capi_event_dedup", "dataset_quality_unreadable",
         {**BOTH_SIDES, "pixel/p1/dataset_quality": failed("dataset_quality")},
         {CLIENT: SKIPPED}, {CLIENT: f"Skipped: GET /dataset_quality {DENIED}"}),

    Case("capi_event_match_quality", "good_match",
         {**ONE_PIXEL, "pixel/p1/dataset_quality": dq(
             Purchase={"event_match_quality": {"composite_score": 7.5}})},
         {"p1:Purchase": PASS}, {"p1:Purchase": "event match quality 7.5/10"}),
    Case("capi_event_match_quality", "poor_match",
         {**ONE_PIXEL, "pixel/p1/dataset_quality": dq(
             Purchase={"event_match_quality": {"composite_score": 4.2}})},
         {"p1:Purchase": WARN}, {"p1:Purchase": "event match quality 4.2/10, below 6.0"}),
    Case("capi_event_match_quality", "threshold_from_config",
         {**ONE_PIXEL, "pixel/p1/dataset_quality": dq(
             Purchase={"event_match_quality": {"composite_score": 7.5}})},
         {"p1:Purchase": WARN}, {"p1:Purchase": "7.5/10, below 8.0"},
         params={"min_match_quality": 8}),
    # email is sent with 95% of events (not missing); phone with 12% (+12); external_id not
    # at all (+15); fbp has no uplift. Ranked: external_id (15), then phone (12).
    Case("capi_event_match_quality", "poor_match_with_key_uplift",
         {**ONE_PIXEL, "pixel/p1/dataset_quality": dq(Lead={"event_match_quality": {
             "composite_score": 4.8, "match_key_feedback": [
                 {"identifier": "email", "coverage": {"percentage": 95},
                  "potential_aly_acr_increase": {"percentage": 20}},
                 {"identifier": "phone", "coverage": {"percentage": 12},
                  "potential_aly_acr_increase": {"percentage": 12}},
                 {"identifier": "external_id", "potential_aly_acr_increase": {"percentage": 15}},
                 {"identifier": "fbp", "coverage": {"percentage": 50}}]}})},
         {"p1:Lead": WARN},
         {"p1:Lead": "event match quality 4.8/10, below 6.0. Sending the customer's ID in your "
                     "own systems (hashed) would help most: Meta estimates +15% attributed "
                     "conversions."}),
    Case("capi_event_match_quality", "one_pixel_unavailable",
         {**ONE_PIXEL, "pixel/p1/dataset_quality": failed("p1/dataset_quality"),
          "pixel/p2": px("p2"), "pixel/p2/dataset_quality": dq(
              Purchase={"event_match_quality": {"composite_score": 8}})},
         {"p1": SKIPPED, "p2:Purchase": PASS},
         {"p1": "Dataset Quality API unavailable for Pixel p1 (p1) (permission error 200)"}),
]


OFFLINE_SET = {"id": "os1", "name": "Store sales", "last_fired_time": "2025-05-13T20:00:00+0000"}
IN_STORE = {"id": "c9", "name": "In-store purchase", "custom_event_type": "PURCHASE",
            "offline_conversion_data_set": {"id": "os1"}, "action_source_type": "physical_store"}

OFFLINE = [
    Case("capi_offline_set_migrated", "nothing_points_at_one",
         {f"adaccount/{ACT}/adsets": [adset(1)], f"adaccount/{ACT}/customconversions": []},
         {CLIENT_ID: PASS},
         {CLIENT_ID: "No custom conversion or ad set relies on an offline event set."}, ACCOUNT),
    # Ad set 1 optimises for the set directly and spent 300; c9 is built on it; the set is
    # still shared with act_1 (the only client account in shared_accounts).
    Case("capi_offline_set_migrated", "optimised_for",
         {f"adaccount/{ACT}/adsets": [{"id": "1", "name": "Store buyers",
                                       "effective_status": "ACTIVE", "promoted_object": {
                                           "offline_conversion_data_set_id": "os1",
                                           "custom_event_type": "PURCHASE"}}],
          f"adaccount/{ACT}/adset_spend": [{"adset_id": "1", "spend": "300"}],
          f"adaccount/{ACT}/customconversions": [IN_STORE],
          "offline_set/os1": OFFLINE_SET,
          "offline_set/os1/shared_accounts": [{"id": "act_1", "account_id": "1"},
                                              {"id": "act_77", "account_id": "77"}]},
         {"os1": FAIL},
         {"os1": "The offline event set Store sales (os1) is still used: 1 ad set optimises "
                 "for it (300.00 spent in 28 days), custom conversion In-store purchase is "
                 "built on it and it is still attached to ad account act_1. Meta shut offline "
                 "event sets down on 14 May 2025"}, ACCOUNT),
    # Only a custom conversion (used by no ad set) points at it; the set's own node and its
    # accounts could not be read, so its name is unknown and the id labels it.
    Case("capi_offline_set_migrated", "custom_conversion_only",
         {f"adaccount/{ACT}/adsets": [adset(1)],
          f"adaccount/{ACT}/customconversions": [IN_STORE],
          "offline_set/os1": failed("os1"), "offline_set/os1/shared_accounts": failed("os1")},
         {"os1": WARN},
         {"os1": "The offline event set os1 is still in use: custom conversion In-store "
                 "purchase is built on it."}, ACCOUNT),
    Case("capi_offline_set_migrated", "adsets_unreadable",
         {f"adaccount/{ACT}/adsets": failed("act_1/adsets")},
         {CLIENT: SKIPPED}, {CLIENT: f"Skipped: GET /act_1/adsets {DENIED}"}, ACCOUNT),
]


# ------------------------------------------------------------------ domains

DOMAINS = [
    Case("domains_traffic_verified", "verified",
         {**HOSTS, "business/owned_domains": owned("acme.co.uk")},
         {"acme.co.uk": PASS}, {"acme.co.uk": "acme.co.uk is verified and receives 70 events"}),
    Case("domains_traffic_verified", "listed_status_unknown",
         {**HOSTS, "business/owned_domains": owned("acme.co.uk", status=None)},
         {"acme.co.uk": PASS}, {"acme.co.uk": "did not report its verification status"}),
    Case("domains_traffic_verified", "not_verified",
         {**HOSTS, "business/owned_domains": []},
         {"acme.co.uk": FAIL}, {"acme.co.uk": "acme.co.uk receives 70 pixel events on "
                                             "shop.acme.co.uk but is not verified in Acme's"}),
    Case("domains_traffic_verified", "not_verified_relaxed",
         {**HOSTS, "business/owned_domains": []},
         {"acme.co.uk": WARN}, {"acme.co.uk": "(AEM mode relaxed"},
         client={"aem_mode": "relaxed"}),
    # auto, with the data showing the relaxed model (nine delivering events on www.acme.com):
    # an unverified domain is a warning there too, as when relaxed is configured.
    Case("domains_traffic_verified", "not_verified_auto_shown_relaxed", {
        "pixel/p1": px(), "pixel/p1/stats/host": stats(("www.acme.com", 100)),
        "pixel/p1/stats/event": stats(*[(e, 100) for e in NINE]),
        f"adaccount/{ACT}/adsets": [adset(i, kind) for i, kind in enumerate(NINE_TYPES, 1)],
        f"adaccount/{ACT}/adset_spend": [{"adset_id": str(i), "spend": "10"}
                                         for i in range(1, 10)],
        "business/owned_domains": []},
         {"acme.com": WARN}, {"acme.com": "(AEM mode relaxed"}, ACCOUNT),
    # owned_domains is only used: each domain is skipped, the check is not.
    Case("domains_traffic_verified", "owned_domains_unreadable",
         {**HOSTS, "business/owned_domains": failed("owned_domains", kind="unsupported",
                                                    code=100)},
         {"acme.co.uk": SKIPPED},
         {"acme.co.uk": "Meta's API no longer says which domains a business has verified"}),

    Case("domains_owner_client", "client_owns_it",
         {"business/owned_domains": owned("acme.co.uk"), "agency/owned_domains": []},
         {"acme.co.uk": PASS}, {"acme.co.uk": "acme.co.uk is verified by Acme."},
         {"domains": ["acme.co.uk"]}),
    Case("domains_owner_client", "another_business_owns_it",
         {"business/owned_domains": [{"domain_name": "acme.co.uk", "status": "verified",
                                      "owner_business": {"id": "777", "name": "Web Studio"}}]},
         {"acme.co.uk": FAIL}, {"acme.co.uk": "verified by Web Studio (777), not by Acme"},
         {"domains": ["acme.co.uk"]}),
    Case("domains_owner_client", "the_agency_verified_it",
         {"business/owned_domains": [], "agency/owned_domains": [{"domain_name": "acme.co.uk"}]},
         {"acme.co.uk": FAIL}, {"acme.co.uk": "verified by the agency, Northwind (5566778899)"},
         {"domains": ["acme.co.uk"]}),
    Case("domains_owner_client", "owner_unknown",
         {"business/owned_domains": failed("owned_domains"), "agency/owned_domains": []},
         {"acme.co.uk": SKIPPED}, {"acme.co.uk": "Who verified acme.co.uk is unknown"},
         {"domains": ["acme.co.uk"]}),

    Case("domains_declared_traffic", "declared_domain_has_traffic", HOSTS,
         {"acme.co.uk": PASS}, {"acme.co.uk": "acme.co.uk received 70 pixel events"},
         {"domains": ["acme.co.uk"]}),
    Case("domains_declared_traffic", "declared_domain_silent", HOSTS,
         {"acme.co.uk": PASS, "other.com": WARN},
         {"other.com": "declared for Acme but no pixel fired on it"},
         {"domains": ["acme.co.uk", "other.com"]}),
    # No pixel at all: nothing to read, and nothing fired on the declared domain.
    Case("domains_declared_traffic", "no_pixels", {}, {"acme.co.uk": WARN},
         client={"domains": ["acme.co.uk"]}),
    Case("domains_declared_traffic", "host_stats_unreadable",
         {**ONE_PIXEL, "pixel/p1/stats/host": failed("p1/stats")},
         {CLIENT: SKIPPED}, {CLIENT: f"Skipped: GET /p1/stats {DENIED}"},
         {"domains": ["acme.co.uk"]}),
]


# ------------------------------------------------------------------ events

SETS = {f"adaccount/{ACT}/adsets": [adset(1)]}
CC_SETS = {f"adaccount/{ACT}/adsets": [adset(2, custom_conversion_id="cc1")]}
BIG_ORDER = {"id": "cc1", "name": "Big order", "custom_event_type": "PURCHASE",
             "pixel": {"id": "p1"}}

EVENTS = [
    Case("events_optimized_fired", "event_fires",
         {**ONE_PIXEL, **SETS, "pixel/p1/stats/event": stats(("Purchase", 12))},
         {"p1:Purchase": PASS},
         {"p1:Purchase": "Purchase fired 12 times in 7 days on pixel p1 (1 ad set(s)"}, ACCOUNT),
    Case("events_optimized_fired", "event_silent",
         {**ONE_PIXEL, **SETS, "pixel/p1/stats/event": stats(("Lead", 3))},
         {"p1:Purchase": FAIL}, {"p1:Purchase": "optimise for Purchase on pixel p1, which did "
                                               "not fire in the last 7 days"}, ACCOUNT),
    # A paused ad set without spend is not relevant: no finding for Lead.
    Case("events_optimized_fired", "stats_unreadable",
         {**ONE_PIXEL, f"adaccount/{ACT}/adsets": [adset(1), adset(3, "LEAD", status="PAUSED")],
          "pixel/p1/stats/event": failed("p1/stats")},
         {"p1:Purchase": SKIPPED}, {"p1:Purchase": "whose event statistics could not be read"},
         ACCOUNT),
    # Fired 2026-11-27, after the cut-off (NOW - 7 days = 2026-11-21 12:00).
    Case("events_optimized_fired", "custom_conversion_fires",
         {**CC_SETS, f"adaccount/{ACT}/customconversions": [
             {"id": "cc1", "name": "Big order", "last_fired_time": "2026-11-27T10:00:00+0000"}]},
         {"cc1": PASS}, {"cc1": "Custom conversion Big order last fired 2026-11-27 10:00 UTC"},
         ACCOUNT),
    Case("events_optimized_fired", "custom_conversion_stale",
         {**CC_SETS, f"adaccount/{ACT}/customconversions": [
             {"id": "cc1", "name": "Big order", "last_fired_time": "2026-10-01T10:00:00+0000"}]},
         {"cc1": FAIL}, {"cc1": "custom conversion Big order, which last fired 2026-10-01"},
         ACCOUNT),
    Case("events_optimized_fired", "adsets_unreadable",
         {**ONE_PIXEL, f"adaccount/{ACT}/adsets": failed("act_1/adsets")},
         {CLIENT: SKIPPED}, {CLIENT: f"Skipped: GET /act_1/adsets {DENIED}"}, ACCOUNT),

    Case("events_standard_traffic", "base_event_fires",
         {**ONE_PIXEL, **CC_SETS, f"adaccount/{ACT}/customconversions": [BIG_ORDER],
          "pixel/p1/stats/event": stats(("Purchase", 9))},
         {"p1:Purchase": PASS}, {"p1:Purchase": "Purchase (behind Big order) fired 9 times"},
         ACCOUNT),
    Case("events_standard_traffic", "base_event_silent",
         {**ONE_PIXEL, **CC_SETS, f"adaccount/{ACT}/customconversions": [BIG_ORDER],
          "pixel/p1/stats/event": stats(("Lead", 4))},
         {"p1:Purchase": FAIL},
         {"p1:Purchase": "is built on Purchase, which had no traffic on pixel p1 in 7 days; "
                         "1 ad set(s) depend on it"}, ACCOUNT),
    # p2's statistics were read, so the check runs; p1's are missing.
    Case("events_standard_traffic", "stats_of_its_pixel_unreadable",
         {**ONE_PIXEL, **CC_SETS, f"adaccount/{ACT}/customconversions": [BIG_ORDER],
          "pixel/p1/stats/event": failed("p1/stats"),
          "pixel/p2": px("p2"), "pixel/p2/stats/event": stats(("Lead", 1))},
         {"p1:Purchase": SKIPPED}, {"p1:Purchase": "Statistics of pixel p1 could not be read"},
         ACCOUNT),
    Case("events_standard_traffic", "custom_conversions_unreadable",
         {**ONE_PIXEL, **CC_SETS, "pixel/p1/stats/event": stats(("Purchase", 9)),
          f"adaccount/{ACT}/customconversions": failed("act_1/customconversions")},
         {CLIENT: SKIPPED}, {CLIENT: f"Skipped: GET /act_1/customconversions {DENIED}"},
         ACCOUNT),

    Case("events_pixel_diagnostics", "all_passed",
         {**ONE_PIXEL, "pixel/p1/da_checks": [{"key": "k1", "title": "Base code",
                                              "result": "passed"}]},
         {"p1": PASS}, {"p1": "1 diagnostic(s), none failed"}),
    # Only the failed diagnostic is reported; the pixel gets no PASS of its own.
    Case("events_pixel_diagnostics", "one_failed",
         {**ONE_PIXEL, "pixel/p1/da_checks": [
             {"key": "missing_value", "title": "Missing value parameter",
              "description": "Purchase events lack value.", "result": "failed"},
             {"key": "k2", "title": "Base code", "result": "passed"}]},
         {"p1:missing_value": WARN},
         {"p1:missing_value": "Missing value parameter — Purchase events lack value."}),
    Case("events_pixel_diagnostics", "one_pixel_unreadable",
         {**ONE_PIXEL, "pixel/p1/da_checks": failed("p1/da_checks"),
          "pixel/p2": px("p2"), "pixel/p2/da_checks": []},
         {"p1": SKIPPED, "p2": PASS}, {"p1": "Diagnostics of Pixel p1 (p1) could not be read"}),
]


def _cc(unavailable: object = None, **fields: Any) -> dict[str, Any]:
    """A custom conversion c1 (is_unavailable as given; omitted when None)."""
    flag = {} if unavailable is None else {"is_unavailable": unavailable}
    return {"id": "c1", "name": "Credit score 700+", "custom_event_type": "LEAD", **flag,
            **fields}


CC_SETS = {f"adaccount/{ACT}/adsets": [adset(1, custom_conversion_id="c1"),
                                       adset(2, custom_conversion_id="c1", status="PAUSED"),
                                       adset(3, custom_conversion_id="c2", status="PAUSED")],
           f"adaccount/{ACT}/adset_spend": [{"adset_id": "1", "spend": "200"},
                                            {"adset_id": "2", "spend": "50"}]}

CONVERSIONS = [
    # Ad sets 1 (active, 200) and 2 (paused, but spent 50) use c1; 3 (paused, no spend)
    # does not count. Spend at stake: 250.
    Case("events_custom_conversion_available", "flagged",
         {**CC_SETS, f"adaccount/{ACT}/customconversions": [_cc(True)]},
         {"c1": FAIL},
         {"c1": "Meta has flagged the custom conversion Credit score 700+ as unavailable, as "
                "it does with custom conversions that suggest health or financial "
                "information: 2 ad set(s) optimise for it (250.00 spent in 28 days)"}, ACCOUNT),
    Case("events_custom_conversion_available", "not_flagged",
         {**CC_SETS, f"adaccount/{ACT}/customconversions": [_cc(False)]},
         {"c1": PASS}, {"c1": "Custom conversion Credit score 700+ (2 ad set(s) optimise for "
                              "it) is not flagged by Meta."}, ACCOUNT),
    Case("events_custom_conversion_available", "flag_not_reported",
         {**CC_SETS, f"adaccount/{ACT}/customconversions": [_cc()]},
         {"c1": SKIPPED}, {"c1": "Meta did not say whether custom conversion Credit score "
                                 "700+ is restricted."}, ACCOUNT),
    Case("events_custom_conversion_available", "custom_conversions_unreadable",
         {**CC_SETS, f"adaccount/{ACT}/customconversions": failed("act_1/customconversions")},
         {CLIENT: SKIPPED}, {CLIENT: f"Skipped: GET /act_1/customconversions {DENIED}"},
         ACCOUNT),
]


# ------------------------------------------------------------------ pixels

PIXELS = [
    Case("pixel_fire_recent", "fired_an_hour_ago", ONE_PIXEL, {"p1": PASS},
         {"p1": "fired 1.0 hours ago"}),
    # 2026-11-27 06:00 → 30 hours before NOW: over 24, under 168.
    Case("pixel_fire_recent", "quiet_for_30_hours",
         {"pixel/p1": px(last_fired_time="2026-11-27T06:00:00+0000")},
         {"p1": WARN}, {"p1": "last fired 30 hours ago"}),
    Case("pixel_fire_recent", "threshold_from_config",
         {"pixel/p1": px(last_fired_time="2026-11-27T06:00:00+0000")},
         {"p1": PASS}, {"p1": "fired 30.0 hours ago"}, params={"warn_after_hours": 48}),
    # 2026-11-18 12:00 → 240 hours = 10 days.
    Case("pixel_fire_recent", "silent_for_10_days",
         {"pixel/p1": px(last_fired_time="2026-11-18T12:00:00+0000")},
         {"p1": FAIL}, {"p1": "last fired 10 days ago"}),
    Case("pixel_fire_recent", "no_fire_time_but_events",
         {"pixel/p1": px(last_fired_time=None), "pixel/p1/stats/event": stats(("Lead", 4))},
         {"p1": PASS}, {"p1": "received 4 events in the last 7 days"}),
    Case("pixel_fire_recent", "no_fire_time_no_events",
         {"pixel/p1": px(last_fired_time=None), "pixel/p1/stats/event": []},
         {"p1": FAIL}, {"p1": "has no recorded fire and no events"}),
    Case("pixel_fire_recent", "no_fire_time_stats_unreadable",
         {"pixel/p1": px(last_fired_time=None), "pixel/p1/stats/event": failed("p1/stats")},
         {"p1": SKIPPED}, {"p1": "no last_fired_time and the stats could not be read"}),
    Case("pixel_fire_recent", "node_unreadable", {"pixel/p1": failed("p1")},
         {CLIENT: SKIPPED}, {CLIENT: f"Skipped: GET /p1 {DENIED}"}),

    Case("pixel_status_available", "available", ONE_PIXEL, {"p1": PASS},
         {"p1": "is available"}),
    Case("pixel_status_available", "unavailable", {"pixel/p1": px(is_unavailable=True)},
         {"p1": FAIL}, {"p1": "is marked unavailable by Meta"}),
    Case("pixel_status_available", "not_reported", {"pixel/p1": {"id": "p1", "name": "P"}},
         {"p1": SKIPPED}, {"p1": "did not report is_unavailable"}),
]


# ------------------------------------------------------------------ priorities

PRIORITIES = [
    # Two candidate events on acme.com, both recommended: no ad set is left out.
    Case("priorities_adsets_within_top8", "every_adset_covered", ACME_COM,
         {"acme.com": PASS},
         {"acme.com": "every active ad set optimises for one of the 2 recommended events"},
         ACCOUNT),
    # Lead is excluded from the list, so ad set 2 (Lead, active) falls outside it.
    Case("priorities_adsets_within_top8", "excluded_event_in_use_legacy", ACME_COM,
         {"acme.com": FAIL},
         {"acme.com": "1 active ad set(s) (0.00 spent in 28 days) optimise for Lead, outside "
                      "the recommended 8. Under AEM they would be paused."},
         {**ACCOUNT, "aem_mode": "legacy", "priorities": {"exclude": ["Lead"]}}),
    Case("priorities_adsets_within_top8", "excluded_event_in_use_auto", ACME_COM,
         {"acme.com": WARN}, {"acme.com": "If the account is still on the 8-event model"},
         {**ACCOUNT, "priorities": {"exclude": ["Lead"]}}),
    Case("priorities_adsets_within_top8", "excluded_event_in_use_relaxed", ACME_COM,
         {"acme.com": PASS}, {"acme.com": "On the relaxed model nothing is paused"},
         {**ACCOUNT, "aem_mode": "relaxed", "priorities": {"exclude": ["Lead"]}}),
    # Nine events on www.acme.com, each with an active ad set that spent 10: more than the 8
    # the 8-event model allowed, so auto means relaxed; one event is left out of the 8 but
    # nothing is paused.
    Case("priorities_adsets_within_top8", "auto_with_relaxed_evidence", {
        "pixel/p1": px(), "pixel/p1/stats/host": stats(("www.acme.com", 100)),
        "pixel/p1/stats/event": stats(*[(e, 100) for e in NINE]),
        f"adaccount/{ACT}/adsets": [adset(i, kind) for i, kind in enumerate(NINE_TYPES, 1)],
        f"adaccount/{ACT}/adset_spend": [{"adset_id": str(i), "spend": "10"}
                                         for i in range(1, 10)]},
         {"acme.com": PASS},
         {"acme.com": "On the relaxed model (this audit's data shows the account is on it: "
                      "more than 8 events have delivering ad sets on one domain) nothing is "
                      "paused"}, ACCOUNT),
    # The same, but the ninth ad set spent nothing: 8 delivering events are no evidence, so
    # the limit stays a possibility.
    Case("priorities_adsets_within_top8", "auto_without_evidence", {
        "pixel/p1": px(), "pixel/p1/stats/host": stats(("www.acme.com", 100)),
        "pixel/p1/stats/event": stats(*[(e, 100) for e in NINE]),
        f"adaccount/{ACT}/adsets": [adset(i, kind) for i, kind in enumerate(NINE_TYPES, 1)],
        f"adaccount/{ACT}/adset_spend": [{"adset_id": str(i), "spend": "10"}
                                         for i in range(1, 9)]},
         {"acme.com": WARN}, {"acme.com": "If the account is still on the 8-event model they "
                                          "would be paused."}, ACCOUNT),
    Case("priorities_adsets_within_top8", "adsets_unreadable",
         {**ACME_COM, f"adaccount/{ACT}/adsets": failed("act_1/adsets")},
         {CLIENT: SKIPPED}, {CLIENT: f"Skipped: GET /act_1/adsets {DENIED}"}, ACCOUNT),

    # Purchase: 80 events in 7 days (at least 50), ad set 1 spent 120.50 on it.
    Case("priorities_events_volume", "enough_volume",
         {**ACME_COM, f"adaccount/{ACT}/adsets": [adset(1)],
          f"adaccount/{ACT}/adset_spend": [{"adset_id": "1", "spend": "120.50"}]},
         {"acme.com:Purchase": PASS}, {"acme.com:Purchase": "Purchase had 80 events in 7 days"},
         ACCOUNT),
    Case("priorities_events_volume", "too_rare",
         {**ACME_COM, f"adaccount/{ACT}/adsets": [adset(1)],
          "pixel/p1/stats/event": stats(("Purchase", 12)),
          f"adaccount/{ACT}/adset_spend": [{"adset_id": "1", "spend": "120.50"}]},
         {"acme.com:Purchase": WARN},
         {"acme.com:Purchase": "Purchase had only 12 events in 7 days but ad sets optimise"},
         ACCOUNT),
    Case("priorities_events_volume", "lower_minimum_in_config",
         {**ACME_COM, f"adaccount/{ACT}/adsets": [adset(1)],
          "pixel/p1/stats/event": stats(("Purchase", 12)),
          f"adaccount/{ACT}/adset_spend": [{"adset_id": "1", "spend": "120.50"}]},
         {"acme.com:Purchase": PASS}, client={**ACCOUNT, "priorities": {"min_weekly_events": 10}}),
    Case("priorities_events_volume", "event_stats_unreadable",
         {**ACME_COM, "pixel/p1/stats/event": failed("p1/stats")},
         {CLIENT: SKIPPED}, {CLIENT: f"Skipped: GET /p1/stats {DENIED}"}, ACCOUNT),

    Case("priorities_event_pixels", "one_pixel_per_event", ACME_COM, {"acme.com": PASS},
         {"acme.com": "every event comes from one pixel"}, ACCOUNT),
    # Both pixels fire Purchase on www.acme.com; Lead only comes from p1.
    Case("priorities_event_pixels", "two_pixels_send_purchase",
         {**ACME_COM, "pixel/p2": px("p2"), "pixel/p2/stats/host": stats(("www.acme.com", 5)),
          "pixel/p2/stats/event": stats(("Purchase", 5))},
         {"acme.com": WARN}, {"acme.com": "1 event(s) fire from several pixels: Purchase (p1, p2)"},
         ACCOUNT),
    Case("priorities_event_pixels", "host_stats_unreadable",
         {**ACME_COM, "pixel/p1/stats/host": failed("p1/stats")},
         {CLIENT: SKIPPED}, {CLIENT: f"Skipped: GET /p1/stats {DENIED}"}, ACCOUNT),

    Case("priorities_config_fits", "pin_fits", ACME_COM, {"acme.com": PASS},
         {"acme.com": "the configured pins and order fit"},
         {**ACCOUNT, "priorities": {"pin": ["Purchase"]}}),
    # Nine events ordered, one slot each: the ninth (StartTrial) does not fit in 8.
    Case("priorities_config_fits", "ninth_ordered_event",
         {**ACME_COM, "pixel/p1/stats/event": stats(*((e, 100) for e in NINE))},
         {"acme.com": FAIL},
         {"acme.com": "StartTrial is ordered in the config but does not fit: the list already "
                      "uses 8 of 8 slots."},
         {**ACCOUNT, "priorities": {"order": list(NINE)}}),
]


# ------------------------------------------------------------------ rules

RULES = [
    Case("rules_window_supported", "default_and_current_windows",
         {f"adaccount/{ACT}/rules": [
             rule("r1", "Stop overspend", [{"field": "spent", "value": 10,
                                            "operator": "GREATER_THAN"}]),
             rule("r2", "Cap CPA", [{"field": "attribution_window", "value": "7D_CLICK",
                                     "operator": "EQUAL"}])]},
         {"r1": PASS, "r2": PASS},
         {"r1": "Rule Stop overspend uses the account default window",
          "r2": "Rule Cap CPA uses 7D_CLICK"}, ACCOUNT),
    Case("rules_window_supported", "retired_window",
         {f"adaccount/{ACT}/rules": [
             rule("r3", "Pause losers", [{"field": "attribution_window", "value": "28D_CLICK",
                                          "operator": "EQUAL"}])]},
         {"r3": FAIL},
         {"r3": "Rule Pause losers (ENABLED, acts on budgets or delivery) evaluates on "
                "28d_click"}, ACCOUNT),
    Case("rules_window_supported", "rules_unreadable",
         {f"adaccount/{ACT}/rules": Fetched.failed("GET /act_1/adrules_library", error())},
         {CLIENT: SKIPPED}, {CLIENT: f"Skipped: GET /act_1/adrules_library {DENIED}"}, ACCOUNT),
]


# ------------------------------------------------------------------ token

TOKENS = [
    Case("token_access_valid", "never_expires", {"token/debug": debug(expires_at=0)},
         {"ACME_TOKEN": PASS}, {"ACME_TOKEN": "valid and never expires"}, TOKEN),
    # Both expiries 0: "never" for each, so nothing counts towards the soonest expiry.
    Case("token_access_valid", "never_expires_nor_data_access",
         {"token/debug": debug(expires_at=0, data_access_expires_at=0)},
         {"ACME_TOKEN": PASS}, {"ACME_TOKEN": "The access token is valid and never expires."},
         TOKEN),
    # expires_at 0 is "never", but data access ends in 5 days (NOW + 5 = 2026-12-03).
    Case("token_access_valid", "never_expires_but_data_access_does",
         {"token/debug": debug(expires_at=0, data_access_expires_at=in_days(5))},
         {"ACME_TOKEN": WARN}, {"ACME_TOKEN": "expires in 5 day(s), on 2026-12-03: renew it"},
         TOKEN),
    # Issued 55 days before NOW, expiring 5 days after: a 60-day system-user token.
    Case("token_access_valid", "sixty_day_system_user_near_expiry",
         {"token/debug": debug(issued_at=in_days(-55), expires_at=in_days(5))},
         {"ACME_TOKEN": WARN},
         {"ACME_TOKEN": "The access token (a system-user token that expires every 60 days) "
                        "expires in 5 day(s), on 2026-12-03: refresh it before the next "
                        "scheduled run."}, TOKEN),
    # Issued 10 days ago, 50 days left (NOW + 50 = 2027-01-17).
    Case("token_access_valid", "sixty_day_system_user_far_from_expiry",
         {"token/debug": debug(issued_at=in_days(-10), expires_at=in_days(50))},
         {"ACME_TOKEN": PASS},
         {"ACME_TOKEN": "valid until 2027-01-17 (50 days). It is a 60-day system-user token: "
                        "refresh it before then."}, TOKEN),
    # NOW + 60 days = 2027-01-27.
    Case("token_access_valid", "valid_60_days", {"token/debug": debug(expires_at=in_days(60))},
         {"ACME_TOKEN": PASS}, {"ACME_TOKEN": "valid until 2027-01-27 (60 days)"}, TOKEN),
    # NOW + 5 days = 2026-12-03, under the 14-day warning.
    Case("token_access_valid", "expires_in_5_days",
         {"token/debug": debug(expires_at=in_days(5))},
         {"ACME_TOKEN": WARN}, {"ACME_TOKEN": "expires in 5 day(s), on 2026-12-03"}, TOKEN),
    Case("token_access_valid", "warning_window_from_config",
         {"token/debug": debug(expires_at=in_days(5))},
         {"ACME_TOKEN": PASS}, client=TOKEN, params={"warn_days": 3}),
    Case("token_access_valid", "invalid",
         {"token/debug": debug(is_valid=False, error={"message": "Session has expired"})},
         {"ACME_TOKEN": FAIL}, {"ACME_TOKEN": "The access token is not valid: Session has "
                                              "expired"}, TOKEN),
    # Nothing read at all: token/debug is only used, so the check explains why.
    Case("token_access_valid", "not_audited", {}, {"ACME_TOKEN": FAIL},
         {"ACME_TOKEN": "The client could not be audited: no access token"}, TOKEN,
         not_audited="no access token: environment variable ACME_TOKEN is not set"),
    Case("token_access_valid", "debug_unreadable", {"token/debug": failed("debug_token")},
         {"ACME_TOKEN": SKIPPED}, {"ACME_TOKEN": "Token details could not be read (permission)"},
         TOKEN),

    Case("token_permissions_granted", "granted",
         {"token/permissions": [{"permission": "business_management", "status": "granted"},
                                {"permission": "ads_read", "status": "granted"}]},
         {"ACME_TOKEN": PASS}, {"ACME_TOKEN": "holds the permissions the audit needs"}, TOKEN),
    Case("token_permissions_granted", "scopes_from_debug_token",
         {"token/permissions": failed("me/permissions"),
          "token/debug": debug(scopes=["business_management", "ads_management"])},
         {"ACME_TOKEN": PASS}, client=TOKEN),
    # business_management was declined, so only ads_management counts.
    Case("token_permissions_granted", "business_management_declined",
         {"token/permissions": [{"permission": "business_management", "status": "declined"},
                                {"permission": "ads_management", "status": "granted"}]},
         {"ACME_TOKEN": FAIL}, {"ACME_TOKEN": "The token lacks business_management."}, TOKEN),
    Case("token_permissions_granted", "no_ads_permission",
         {"token/permissions": [{"permission": "business_management", "status": "granted"}]},
         {"ACME_TOKEN": FAIL}, {"ACME_TOKEN": "lacks ads_read or ads_management"}, TOKEN),
    Case("token_permissions_granted", "both_sources_unreadable",
         {"token/permissions": failed("me/permissions"), "token/debug": failed("debug_token")},
         {"ACME_TOKEN": SKIPPED}, {"ACME_TOKEN": "permissions could not be read"}, TOKEN),

    Case("token_business_visible", "readable",
         {"business": {"id": CLIENT_ID, "name": "Acme Ltd"}},
         {CLIENT_ID: PASS}, {CLIENT_ID: "can read business Acme Ltd"}),
    # A refused read is this check's FAIL (business is used, not needed).
    Case("token_business_visible", "refused", {"business": failed(CLIENT_ID)},
         {CLIENT_ID: FAIL}, {CLIENT_ID: "cannot read business 1000000000001 (permission error "
                                        "200)"}),
    Case("token_business_visible", "not_read", {}, {CLIENT_ID: SKIPPED},
         {CLIENT_ID: "The business was not read"}),
]


# ------------------------------------------------------------------ windows

TOTAL = f"{ACT}:{PURCHASE}"
CAMPAIGNS = f"adaccount/{ACT}/campaigns"
IOS_SET = {"id": "s1", "campaign_id": "c1", "targeting": {"user_os": ["iOS"]}}

WINDOWS = [
    # Old default 40 + 4 = 44, new 36 + 4 = 40: -9%, above -20%.
    Case("windows_conversions_drop", "small_change",
         {f"adaccount/{ACT}/insights/campaign": [purchases(**{
             "28d_click": 40, "7d_click": 36, "1d_view": 4})]},
         {TOTAL: PASS}, {TOTAL: "44 conversions under 28-day click + 1-day view become 40 "
                                "under 7-day click + 1-day view (-9%)"}, ACCOUNT),
    # Old 100 + 10 = 110, new 50 + 10 = 60: -45%.
    Case("windows_conversions_drop", "large_drop",
         {f"adaccount/{ACT}/insights/campaign": [purchases(**{
             "28d_click": 100, "7d_click": 50, "1d_view": 10})]},
         {TOTAL: WARN}, {TOTAL: "(-45%)"}, ACCOUNT),
    Case("windows_conversions_drop", "threshold_from_config",
         {f"adaccount/{ACT}/insights/campaign": [purchases(**{
             "28d_click": 100, "7d_click": 50, "1d_view": 10})]},
         {TOTAL: PASS}, client=ACCOUNT, params={"warn_drop_percent": 50}),
    # The same row over 2026-02-15 to 2026-03-14: across the (configurable, reported)
    # click redefinition of 2026-03-01, so not like-for-like.
    Case("windows_conversions_drop", "period_across_click_redefinition",
         {f"adaccount/{ACT}/insights/campaign": [{
             **purchases(**{"28d_click": 40, "7d_click": 36, "1d_view": 4}),
             "date_start": "2026-02-15", "date_stop": "2026-03-14"}]},
         {TOTAL: PASS}, {TOTAL: "(-9%). The period includes 2026-03-01, when Meta changed how "
                                "it counts conversions, so this is not a like-for-like "
                                "comparison."}, ACCOUNT),
    # The date is configurable: on 2026-03-20 it falls outside the period.
    Case("windows_conversions_drop", "click_redefinition_date_from_config",
         {f"adaccount/{ACT}/insights/campaign": [{
             **purchases(**{"28d_click": 40, "7d_click": 36, "1d_view": 4}),
             "date_start": "2026-02-15", "date_stop": "2026-03-14"}]},
         {TOTAL: PASS}, {TOTAL: "under 7-day click + 1-day view (-9%)."},
         {**ACCOUNT, "click_redefined_on": "2026-03-20"}),
    Case("windows_conversions_drop", "28d_click_missing",
         {f"adaccount/{ACT}/insights/campaign": [purchases(**{"7d_click": 9, "1d_view": 3})]},
         {TOTAL: SKIPPED}, {TOTAL: "28d_click unavailable"}, ACCOUNT),

    # The default standard is Meta's default today: 7-day click + 1-day view + 1-day
    # engaged view (ENGAGED_VIDEO_VIEW, 1 day).
    Case("windows_adset_attribution_supported", "standard",
         {f"adaccount/{ACT}/adsets": [attribution(("CLICK_THROUGH", 7), ("VIEW_THROUGH", 1),
                                                  ("ENGAGED_VIDEO_VIEW", 1))]},
         {"s1": PASS}, {"s1": "uses the agency standard 7-day click + 1-day view + 1-day "
                              "engaged view"}, ACCOUNT),
    # Meta's own default passes even when the agency configured another standard.
    Case("windows_adset_attribution_supported", "meta_default_beside_another_standard",
         {f"adaccount/{ACT}/adsets": [attribution(("ENGAGED_VIDEO_VIEW", 1),
                                                  ("VIEW_THROUGH", 1), ("CLICK_THROUGH", 7))]},
         {"s1": PASS}, {"s1": "uses Meta's default attribution (7-day click + 1-day view + "
                              "1-day engaged view), which is always acceptable"},
         client=ACCOUNT, params={"standard": ["1d_view", "7d_click"]}),
    # The 2021-2026 default, without engaged view: an old standard.
    Case("windows_adset_attribution_supported", "old_default",
         {f"adaccount/{ACT}/adsets": [attribution(("CLICK_THROUGH", 7), ("VIEW_THROUGH", 1))]},
         {"s1": WARN}, {"s1": "uses 7-day click + 1-day view (Meta's default before the 1-day "
                              "engaged view joined it in March 2026), not the agency standard "
                              "7-day click + 1-day view + 1-day engaged view."}, ACCOUNT),
    Case("windows_adset_attribution_supported", "old_default_as_the_agency_standard",
         {f"adaccount/{ACT}/adsets": [attribution(("CLICK_THROUGH", 7), ("VIEW_THROUGH", 1))]},
         {"s1": PASS}, {"s1": "uses the agency standard 7-day click + 1-day view."},
         client=ACCOUNT, params={"standard": ["7d_click", "1d_view"]}),
    Case("windows_adset_attribution_supported", "retired_window",
         {f"adaccount/{ACT}/adsets": [attribution(("CLICK_THROUGH", 28))]},
         {"s1": FAIL}, {"s1": "uses attribution windows Meta retired: 28-day click"}, ACCOUNT),
    Case("windows_adset_attribution_supported", "not_the_standard",
         {f"adaccount/{ACT}/adsets": [attribution(("CLICK_THROUGH", 1))]},
         {"s1": WARN}, {"s1": "uses 1-day click, not the agency standard 7-day click + 1-day "
                              "view + 1-day engaged view"}, ACCOUNT),
    Case("windows_adset_attribution_supported", "standard_from_config",
         {f"adaccount/{ACT}/adsets": [attribution(("CLICK_THROUGH", 1))]},
         {"s1": PASS}, client=ACCOUNT, params={"standard": ["1d_click"]}),
    Case("windows_adset_attribution_supported", "adsets_unreadable",
         {f"adaccount/{ACT}/adsets": failed("act_1/adsets")},
         {CLIENT: SKIPPED}, {CLIENT: f"Skipped: GET /act_1/adsets {DENIED}"}, ACCOUNT),

    Case("windows_ios_app_skan", "skadnetwork_campaign",
         {CAMPAIGNS: [{"id": "c1", "name": "iOS installs", "objective": "APP_INSTALLS",
                       "is_skadnetwork_attribution": True}],
          f"adaccount/{ACT}/adsets": [IOS_SET]},
         {"c1": PASS}, {"c1": "Campaign iOS installs is a SKAdNetwork campaign"}, ACCOUNT),
    # iOS is recognised from the App Store URL too; the Android campaign is not judged.
    Case("windows_ios_app_skan", "not_skadnetwork",
         {CAMPAIGNS: [{"id": "c1", "name": "iOS installs", "objective": "OUTCOME_APP_PROMOTION",
                       "is_skadnetwork_attribution": False},
                      {"id": "c2", "name": "Android", "objective": "APP_INSTALLS"}],
          f"adaccount/{ACT}/adsets": [
              {"id": "s1", "campaign_id": "c1",
               "promoted_object": {"object_store_url": "https://apps.apple.com/app/id1"}},
              {"id": "s2", "campaign_id": "c2", "targeting": {"user_os": ["Android"]}}]},
         {"c1": FAIL}, {"c1": "promotes an iOS app but is not a SKAdNetwork campaign"}, ACCOUNT),
    Case("windows_ios_app_skan", "campaigns_unreadable",
         {CAMPAIGNS: failed("act_1/campaigns"), f"adaccount/{ACT}/adsets": [IOS_SET]},
         {CLIENT: SKIPPED}, {CLIENT: f"Skipped: GET /act_1/campaigns {DENIED}"}, ACCOUNT),
]


CASES: list[Case] = [*ACCESS, *CAPI, *OFFLINE, *CONVERSIONS, *DOMAINS, *EVENTS, *PIXELS,
                     *PRIORITIES, *RULES, *TOKENS,
                     *WINDOWS]
