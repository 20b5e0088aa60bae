"""The top-8 recommender on small clients whose scores are worked out by hand.

Score components (module docstring of ``audit.evaluate.recommend.priorities``):
in use 35 when an active ad set optimises for the event; funnel 30·(1 - position/length)
(unlisted: 3 for a standard event, 6 for a custom one); spend 15·√(spend/top spend);
volume 15·log10(1 + volume)/log10(1 + top volume); value 5 when used for value
optimisation. Volumes below are 999, 99 and 9 so that the logarithms are 3, 2 and 1.
"""

from __future__ import annotations

from typing import Any

import pytest

from audit.evaluate.analysis import Analysis
from audit.evaluate.recommend.priorities import (
    DomainPriorities,
    PriorityResult,
    PrioritySettings,
    Ranked,
    relaxed_evidence,
    resolve_mode,
)
from tests.helpers import make_snapshot

ACT = "act_1"


def hosts(*rows: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"aggregation": "host", "start_time": "2026-11-28T10:00:00+0000",
             "data": [{"value": h, "count": c} for h, c in rows]}]


def events(*rows: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"aggregation": "event", "start_time": "2026-11-28T10:00:00+0000",
             "data": [{"value": e, "count": c} for e, c in rows]}]


def adset(i: int, event: str = "PURCHASE", *, status: str = "ACTIVE",
          goal: str = "OFFSITE_CONVERSIONS", pixel: str | None = "p1", **po: Any
          ) -> dict[str, Any]:
    promoted = {"custom_event_type": event, **po}
    if pixel:
        promoted["pixel_id"] = pixel
    return {"id": str(i), "name": f"Set {i}", "effective_status": status,
            "optimization_goal": goal, "promoted_object": promoted}


def analyse(endpoints: dict[str, Any], sets: list[dict[str, Any]] = (),  # type: ignore[assignment]
            spend: dict[str, float] | None = None, **client: Any) -> PriorityResult:
    data = {"pixel/p1": {"id": "p1", "name": "Main"},
            f"adaccount/{ACT}/adsets": list(sets),
            f"adaccount/{ACT}/adset_spend": [{"adset_id": k, "spend": str(v)}
                                             for k, v in (spend or {}).items()],
            **endpoints}
    return Analysis.of(make_snapshot(data, ad_accounts=[ACT], **client)).priorities


def one_domain(result: PriorityResult) -> DomainPriorities:
    [domain] = result.domains
    return domain


def by_label(rows: list[Ranked]) -> dict[str, Ranked]:
    return {r.label: r for r in rows}


# ------------------------------------------------------------------ components by hand


SHOP = {"pixel/p1/stats/host": hosts(("www.shop.com", 100)),
        "pixel/p1/stats/event": events(("Purchase", 99), ("AddToCart", 999), ("Lead", 9))}
SHOP_SETS = [adset(1, "PURCHASE", goal="VALUE"), adset(2, "ADD_TO_CART"),
             adset(3, "LEAD", status="PAUSED")]
SHOP_SPEND = {"1": 400, "2": 100, "3": 50}


def test_every_component_of_the_score() -> None:
    d = one_domain(analyse(SHOP, SHOP_SETS, SHOP_SPEND, aem_mode="legacy"))
    assert d.domain == "shop.com"
    rows = by_label(d.recommended)
    # Purchase: in use 35, funnel first of 18 → 30, spend √(400/400)·15 = 15,
    # volume 15·log10(100)/log10(1000) = 10, value-optimised 5 → 95
    assert dict(rows["Purchase"].components) == {"in_use": 35.0, "funnel": 30.0,
                                                  "spend": 15.0, "volume": 10.0, "value": 5.0}
    assert rows["Purchase"].score == 95.0
    # AddToCart: 35, funnel 6th of 18 → 30·13/18 = 21.67, spend 15·√(100/400) = 7.5,
    # volume 15 (the busiest), not value-optimised → 79.17
    assert dict(rows["AddToCart"].components) == {"in_use": 35.0, "funnel": 21.67,
                                                   "spend": 7.5, "volume": 15.0, "value": 0.0}
    assert rows["AddToCart"].score == 79.17
    # Lead: its ad set is paused (not in use, but its 50 spent counts): funnel 8th of 18 →
    # 30·11/18 = 18.33, spend 15·√(50/400) = 5.30, volume 15·log10(10)/3 = 5 → 28.63
    assert dict(rows["Lead"].components) == {"in_use": 0.0, "funnel": 18.33,
                                              "spend": 5.3, "volume": 5.0, "value": 0.0}
    assert rows["Lead"].score == 28.63
    assert [r.label for r in d.recommended] == ["Purchase", "AddToCart", "Lead"]
    assert [r.rank for r in d.recommended] == [1, 2, 3]
    # legacy: the value-optimised event takes 4 slots: 4 + 1 + 1
    assert [r.slots for r in d.recommended] == [4, 1, 1] and d.slots_used == 6
    assert d.left_out == [] and d.affected_adsets == [] and d.problems == []
    assert d.rare_events == ["Lead"]  # 9 a week, under the default 50


def test_the_reason_and_the_run_json_form_of_a_ranked_event() -> None:
    d = one_domain(analyse(SHOP, SHOP_SETS, SHOP_SPEND, aem_mode="legacy"))
    rows = by_label(d.recommended)
    assert rows["Purchase"].to_dict() == {
        "rank": 1, "event": "Purchase", "key": "Purchase", "kind": "standard", "score": 95.0,
        "components": {"in_use": 35.0, "funnel": 30.0, "spend": 15.0, "volume": 10.0,
                       "value": 5.0},
        "volume_7d": 99, "spend_28d": 400.0, "slots": 4, "flags": ["value_optimised"],
        "reason": "1 active ad set(s) optimise for it (35/35), 400.00 spent in 28 days (15/15); "
                  "funnel depth 30/30; 99 events in 7 days (10/15); used for value "
                  "optimisation (takes 4 of the 8 slots in the legacy model)",
        "pixels": ["p1"]}
    assert rows["Lead"].reason == (
        "0 active ad set(s) optimise for it (0/35), 50.00 spent in 28 days (5/15); funnel depth "
        "18/30; 9 events in 7 days (5/15); below 50 events a week: too rare to optimise on")
    assert rows["Lead"].flags == ("too_rare",)
    assert d.to_dict()["slots"] == 8 and d.to_dict()["slots_used"] == 6
    assert [r["event"] for r in d.to_dict()["recommended"]] == ["Purchase", "AddToCart", "Lead"]


def test_value_optimisation_takes_one_slot_on_the_relaxed_model() -> None:
    d = one_domain(analyse(SHOP, SHOP_SETS, SHOP_SPEND, aem_mode="relaxed"))
    purchase = by_label(d.recommended)["Purchase"]
    assert purchase.slots == 1 and d.slots_used == 3
    assert purchase.components["value"] == 5.0  # still worth its 5 points
    assert purchase.reason.endswith("used for value optimisation")


def test_the_value_component_is_what_separates_two_otherwise_equal_events() -> None:
    # Two custom events with the same volume and spend; only CustomB's ad set optimises for
    # value: 35 + 6 + 15 + 15 + 5 = 76 against 71, so CustomB ranks first despite its name.
    d = one_domain(analyse(
        {"pixel/p1/stats/host": hosts(("shop.com", 1)),
         "pixel/p1/stats/event": events(("CustomA", 99), ("CustomB", 99))},
        [adset(1, "OTHER", custom_event_str="CustomA"),
         adset(2, "OTHER", goal="VALUE", custom_event_str="CustomB")],
        {"1": 10, "2": 10}, aem_mode="relaxed"))
    assert [(r.label, r.score) for r in d.recommended] == [("CustomB", 76.0),
                                                           ("CustomA", 71.0)]


@pytest.mark.parametrize(("business_type", "funnel"), [
    # ecommerce (18 events): Purchase 1st → 30; Lead 8th → 30·11/18 = 18.33;
    # SubmitApplication 16th → 30·3/18 = 5.0; PageView last → 30/18 = 1.67
    ("ecommerce", {"Purchase": 30.0, "Lead": 18.33, "SubmitApplication": 5.0,
                   "PageView": 1.67}),
    # lead_generation (12): SubmitApplication 1st → 30; Lead 2nd → 27.5; Purchase 5th →
    # 30·8/12 = 20.0; PageView last → 2.5
    ("lead_generation", {"Purchase": 20.0, "Lead": 27.5, "SubmitApplication": 30.0,
                         "PageView": 2.5}),
    # app (11): Purchase 1st → 30; Lead 8th → 30·4/11 = 10.91; SubmitApplication not in it
    # (a standard event: 3); PageView last → 30/11 = 2.73
    ("app", {"Purchase": 30.0, "Lead": 10.91, "SubmitApplication": 3.0, "PageView": 2.73}),
    # an unknown business type falls back to ecommerce
    ("newsletter", {"Purchase": 30.0, "Lead": 18.33, "SubmitApplication": 5.0,
                    "PageView": 1.67}),
])
def test_funnel_points_by_business_type(business_type: str, funnel: dict[str, float]) -> None:
    d = one_domain(analyse(
        {"pixel/p1/stats/host": hosts(("shop.com", 1)), "pixel/p1/stats/event": events(
            ("Purchase", 99), ("Lead", 99), ("SubmitApplication", 99), ("PageView", 99))},
        priorities={"business_type": business_type}))
    rows = by_label(d.recommended)
    assert {name: rows[name].components["funnel"] for name in funnel} == funnel


def test_a_custom_funnel_replaces_the_business_type() -> None:
    # funnel (Lead, Purchase): Lead 30, Purchase 30·(1 - 1/2) = 15; AddToCart is a standard
    # event outside it (3); Swatch a custom one (6)
    d = one_domain(analyse(
        {"pixel/p1/stats/host": hosts(("shop.com", 1)), "pixel/p1/stats/event": events(
            ("Purchase", 9), ("Lead", 9), ("AddToCart", 9), ("Swatch", 9))},
        priorities={"business_type": "app", "funnel": ["Lead", "Purchase"]}))
    rows = by_label(d.recommended)
    assert {n: rows[n].components["funnel"] for n in rows} == {
        "Lead": 30.0, "Purchase": 15.0, "AddToCart": 3.0, "Swatch": 6.0}


def test_settings_from_the_config_form() -> None:
    default = PrioritySettings.from_mapping(None)
    assert default == PrioritySettings("ecommerce", (), (), (), (), 50)
    given = PrioritySettings.from_mapping({"business_type": "app", "funnel": ["Lead"],
                                           "pin": ["A"], "exclude": ["B"], "order": ["C"],
                                           "min_weekly_events": "10", "unknown": 1})
    assert given == PrioritySettings("app", ("Lead",), ("A",), ("B",), ("C",), 10)
    assert given.funnel_events() == ("Lead",)
    assert PrioritySettings("app").funnel_events()[:2] == ("Purchase", "Subscribe")


# ------------------------------------------------------------------ custom conversions


CC_PIXEL = {"pixel/p1/stats/host": hosts(("www.shop.com", 100)),
            "pixel/p1/stats/event": events(("Purchase", 99), ("Lead", 999))}


@pytest.mark.parametrize(("conversion", "pixel", "label", "funnel", "volume"), [
    # named, built on Purchase, its pixel known from the conversion: labelled by its name;
    # Purchase's funnel points (30) and, with no volume of its own, Purchase's 99 events
    ({"id": "cc1", "name": "Big order", "custom_event_type": "PURCHASE",
      "pixel": {"id": "p1"}}, None, "Big order", 30.0, 99),
    # no name: labelled by its key
    ({"id": "cc1", "custom_event_type": "PURCHASE", "pixel": {"id": "p1"}}, None,
     "custom_conversion:cc1", 30.0, 99),
    # built on a custom event (OTHER without a name): a custom candidate (6), no volume
    ({"id": "cc1", "name": "Quiz done", "custom_event_type": "OTHER", "pixel": {"id": "p1"}},
     None, "Quiz done", 6.0, 0),
    # the custom conversion could not be read (its pixel is the ad set's): its key, no base
    # event (6), no volume
    (None, "p1", "custom_conversion:cc1", 6.0, 0),
])
def test_custom_conversions_are_named_and_scored_by_their_base_event(
        conversion: dict[str, Any] | None, pixel: str | None, label: str, funnel: float,
        volume: int) -> None:
    endpoints = {**CC_PIXEL, f"adaccount/{ACT}/customconversions":
                 [conversion] if conversion else []}
    d = one_domain(analyse(endpoints, [adset(1, "PURCHASE", custom_conversion_id="cc1",
                                             pixel=pixel)], {"1": 20}, aem_mode="relaxed"))
    [cc] = [r for r in d.recommended if r.kind == "custom_conversion"]
    assert (cc.key, cc.label) == ("custom_conversion:cc1", label)
    assert cc.components["funnel"] == funnel
    assert cc.volume_7d == volume
    assert cc.components["in_use"] == 35.0 and cc.components["spend"] == 15.0
    assert cc.spend_28d == 20.0


def test_a_custom_conversion_on_a_standard_event_outside_the_funnel_gets_standard_points(
        ) -> None:
    endpoints = {**CC_PIXEL, f"adaccount/{ACT}/customconversions": [
        {"id": "cc1", "name": "Big order", "custom_event_type": "PURCHASE",
         "pixel": {"id": "p1"}}]}
    d = one_domain(analyse(endpoints, [adset(1, "PURCHASE", custom_conversion_id="cc1")],
                           priorities={"funnel": ["Lead"]}))
    [cc] = [r for r in d.recommended if r.kind == "custom_conversion"]
    assert cc.components["funnel"] == 3.0


def test_pins_and_order_may_name_a_custom_conversion_by_its_key() -> None:
    endpoints = {**CC_PIXEL, f"adaccount/{ACT}/customconversions": [
        {"id": "cc1", "name": "Big order", "custom_event_type": "PURCHASE"}]}
    d = one_domain(analyse(endpoints, [adset(1, "PURCHASE", custom_conversion_id="cc1")],
                           priorities={"order": ["custom_conversion:cc1"],
                                       "pin": ["custom_conversion:cc1"]}))
    first = d.recommended[0]
    assert first.label == "Big order" and first.flags[:2] == ("pinned", "ordered")
    assert "pinned in the config; position fixed in the config" in first.reason


# ------------------------------------------------------------------ domains


def test_volume_is_split_between_domains_by_each_pixels_host_share() -> None:
    # p1: 75 events on shop.acme.com, 25 on blog.other.org → shares 0.75 / 0.25.
    # Purchase 100, Lead 40 → acme.com 75 and 30, other.org 25 and 10.
    # p2: only on acme.com: Purchase 5 more there.
    result = analyse({
        "pixel/p1/stats/host": hosts(("shop.acme.com", 75), ("blog.other.org", 25)),
        "pixel/p1/stats/event": events(("Purchase", 100), ("Lead", 40)),
        "pixel/p2": {"id": "p2"}, "pixel/p2/stats/host": hosts(("acme.com", 9)),
        "pixel/p2/stats/event": events(("Purchase", 5))}, aem_mode="relaxed")
    assert [d.domain for d in result.domains] == ["acme.com", "other.org"]
    acme, other = result.domains
    assert {r.label: r.volume_7d for r in acme.recommended} == {"Purchase": 80, "Lead": 30}
    assert {r.label: r.volume_7d for r in other.recommended} == {"Purchase": 25, "Lead": 10}
    assert by_label(acme.recommended)["Purchase"].pixels == ("p1", "p2")
    assert acme.shared_events == [{"event": "Purchase", "pixels": ["p1", "p2"]}]
    assert other.shared_events == []
    assert "several_pixels" in by_label(acme.recommended)["Purchase"].flags
    assert by_label(acme.recommended)["Purchase"].reason.endswith(
        "fires from 2 pixels on this domain")


def test_ad_sets_count_on_their_pixels_main_domain() -> None:
    # p1 fires 40 on acme.com and 60 on other.org: its ad set belongs to other.org.
    result = analyse({
        "pixel/p1/stats/host": hosts(("acme.com", 40), ("other.org", 60)),
        "pixel/p1/stats/event": events(("Purchase", 10))},
        [adset(1, "PURCHASE")], {"1": 30}, aem_mode="relaxed")
    spent = {d.domain: by_label(d.recommended)["Purchase"].spend_28d for d in result.domains}
    assert spent == {"acme.com": 0.0, "other.org": 30.0}


def test_equal_shares_send_ad_sets_to_the_first_domain_by_name() -> None:
    result = analyse({
        "pixel/p1/stats/host": hosts(("zeta.com", 50), ("alpha.com", 50)),
        "pixel/p1/stats/event": events(("Purchase", 10))},
        [adset(1, "PURCHASE")], {"1": 30}, aem_mode="relaxed")
    spent = {d.domain: by_label(d.recommended)["Purchase"].spend_28d for d in result.domains}
    assert spent == {"alpha.com": 30.0, "zeta.com": 0.0}


def test_without_host_traffic_the_first_declared_domain_takes_it_all() -> None:
    # No host stats: the pixel's events and ad sets go to the first declared domain,
    # reduced to its registrable domain (www.acme.co.uk → acme.co.uk).
    result = analyse({"pixel/p1/stats/event": events(("Purchase", 12), ("Lead", 3))},
                     [adset(1, "LEAD")], {"1": 7}, aem_mode="relaxed",
                     domains=["www.acme.co.uk", "other.com"])
    d = one_domain(result)
    assert d.domain == "acme.co.uk"
    assert {r.label: (r.volume_7d, r.spend_28d) for r in d.recommended} == {
        "Purchase": (12, 0.0), "Lead": (3, 7.0)}


def test_without_host_traffic_or_declared_domains_there_is_no_list() -> None:
    result = analyse({"pixel/p1/stats/event": events(("Purchase", 12))}, [adset(1)], {"1": 7})
    assert result.domains == []


def test_ad_sets_of_a_pixel_without_traffic_go_to_the_first_declared_domain() -> None:
    # p1 fires on shop.com; the ad set names p9, which has no host stats: declared domain.
    result = analyse({"pixel/p1/stats/host": hosts(("shop.com", 10)),
                      "pixel/p1/stats/event": events(("Purchase", 10))},
                     [adset(1, "LEAD", pixel="p9")], {"1": 5}, aem_mode="relaxed",
                     domains=["brand.com"])
    assert {d.domain: [r.label for r in d.recommended] for d in result.domains} == {
        "brand.com": ["Lead"], "shop.com": ["Purchase"]}


def test_ad_sets_without_an_event_or_not_delivering_are_not_candidates() -> None:
    sets = [adset(1, "PURCHASE", status="PAUSED"),            # paused, nothing spent
            {"id": "2", "effective_status": "ACTIVE", "promoted_object": {"pixel_id": "p1"}}]
    d = one_domain(analyse({"pixel/p1/stats/host": hosts(("shop.com", 10)),
                            "pixel/p1/stats/event": events(("Lead", 10))}, sets))
    assert [r.label for r in d.recommended] == ["Lead"]


# ------------------------------------------------------------------ what is left out


def _overflowing(**priorities: Any) -> DomainPriorities:
    # Purchase (value-optimised, 4 slots in legacy) and six custom events; PageView is
    # excluded. Custom events score funnel 6 + volume only:
    #   CustomA 999 → 6 + 15 = 21; CustomB 499 → 6 + 15·log10(500)/3 = 19.49;
    #   CustomC 99 → 16; CustomD 49 → 6 + 15·log10(50)/3 = 14.49; CustomE 9 → 11;
    #   CustomF 0 → 6. Purchase: 35 + 30 + 15 + 15·log10(100)/3 + 5 = 95.
    # 4 + 4 slots: Purchase and CustomA-D fit; CustomE and CustomF are left out.
    return one_domain(analyse(
        {"pixel/p1/stats/host": hosts(("shop.com", 1)), "pixel/p1/stats/event": events(
            ("Purchase", 99), ("CustomA", 999), ("CustomB", 499), ("CustomC", 99),
            ("CustomD", 49), ("CustomE", 9), ("CustomF", 0), ("PageView", 5000))},
        [adset(1, "PURCHASE", goal="VALUE"), adset(7, "PAGE_VIEW")], {"1": 10},
        aem_mode="legacy", priorities={"exclude": ["PageView"], **priorities}))


def test_left_out_holds_what_did_not_fit_then_what_was_excluded() -> None:
    d = _overflowing()
    assert [(r.label, r.score) for r in d.recommended] == [
        ("Purchase", 95.0), ("CustomA", 21.0), ("CustomB", 19.49), ("CustomC", 16.0),
        ("CustomD", 14.49)]
    assert [(r.label, r.score, r.rank) for r in d.left_out[:2]] == [
        ("CustomE", 11.0, None), ("CustomF", 6.0, None)]
    assert [r.label for r in d.left_out] == ["CustomE", "CustomF", "PageView"]
    assert d.slots_used == 8
    # the excluded PageView has an active ad set: it would be paused on the 8-event model
    assert d.affected_adsets == [{"adset_id": "7", "adset_name": "Set 7", "account": ACT,
                                  "event": "PageView", "spend_28d": 0.0, "status": "ACTIVE"}]
    assert [r["event"] for r in d.to_dict()["left_out"]] == ["CustomE", "CustomF", "PageView"]


def test_order_comes_first_and_a_pin_rescues_an_event_from_left_out() -> None:
    d = _overflowing(order=["CustomC", "CustomA"], pin=["CustomF"])
    # ordered first in config order; the pin next; then the rest by score while they fit:
    # CustomC, CustomA (2) + CustomF (1) + Purchase (4) = 7, then CustomB (8)
    assert [r.label for r in d.recommended] == [
        "CustomC", "CustomA", "Purchase", "CustomB", "CustomF"]
    assert [r.label for r in d.left_out] == ["CustomD", "CustomE", "PageView"]
    assert d.problems == []


def test_a_pin_or_order_that_does_not_fit_is_a_problem() -> None:
    # ordered: the nine custom events, one slot each; the ninth does not fit
    names = [f"Custom{c}" for c in "ABCDEFGHI"]
    d = one_domain(analyse(
        {"pixel/p1/stats/host": hosts(("shop.com", 1)),
         "pixel/p1/stats/event": events(*((n, 10) for n in names))},
        aem_mode="legacy", priorities={"order": names, "pin": ["CustomZ"]}))
    assert [r.label for r in d.recommended] == names[:8]
    assert d.problems == ["CustomI is ordered in the config but does not fit: the list "
                          "already uses 8 of 8 slots."]
    # (the pin of CustomZ, which has no traffic, is simply absent: nothing to rank)
    # ordered: four custom events and Purchase (4 slots) fill the 8; the pin does not fit
    pinned = _overflowing(pin=["CustomE"], order=["CustomD", "CustomA", "CustomB", "CustomC",
                                                  "Purchase"])
    assert pinned.problems == ["CustomE is pinned in the config but does not fit: the list "
                               "already uses 8 of 8 slots."]
    assert [r.label for r in pinned.recommended] == [
        "CustomD", "CustomA", "CustomB", "CustomC", "Purchase"]
    # pins are placed before events that merely score higher: Purchase (95) gives way
    first = _overflowing(pin=["CustomE", "CustomF"], order=["CustomA", "CustomB", "CustomC",
                                                           "CustomD"])
    assert first.problems == []
    assert [r.label for r in first.recommended] == [
        "CustomA", "CustomB", "CustomC", "CustomD", "CustomE", "CustomF"]
    assert [r.label for r in first.left_out] == ["Purchase", "PageView"]


# ------------------------------------------------------------------ the AEM model


def _nine(spend: dict[str, float], status: dict[int, str] | None = None,
          mode: str = "auto") -> PriorityResult:
    names = ["Purchase", "Lead", "AddToCart", "ViewContent", "Search", "Contact", "Schedule",
             "Subscribe", "StartTrial"]
    kinds = ["PURCHASE", "LEAD", "ADD_TO_CART", "CONTENT_VIEW", "SEARCH", "CONTACT",
             "SCHEDULE", "SUBSCRIBE", "START_TRIAL"]
    sets = [adset(i, k, status=(status or {}).get(i, "ACTIVE"))
            for i, k in enumerate(kinds, 1)]
    sets.append(adset(10, "PURCHASE"))  # a second ad set on Purchase: one event, two sets
    return analyse({"pixel/p1/stats/host": hosts(("shop.com", 10)),
                    "pixel/p1/stats/event": events(*((n, 100) for n in names))},
                   sets, spend, aem_mode=mode)


def test_nine_delivering_events_on_a_domain_show_the_relaxed_model() -> None:
    result = _nine({str(i): 10 for i in range(1, 11)})
    assert (result.mode, result.effective_mode, result.mode_basis) == ("auto", "relaxed",
                                                                      "evidence")
    ev = result.mode_evidence
    assert ev is not None and ev.to_dict() == {
        "domain": "shop.com", "adsets": 10, "spend_28d": 100.0,
        "events": ["AddToCart", "Contact", "Lead", "Purchase", "Schedule", "Search",
                   "StartTrial", "Subscribe", "ViewContent"]}
    assert result.to_dict()["mode_evidence"] == ev.to_dict()
    assert "on shop.com, 10 ad sets that are active and spent in the last 28 days optimise " \
           "for 9 different events" in result.mode_reason
    # relaxed: value optimisation would take one slot
    assert one_domain(result).slots_used == 8


@pytest.mark.parametrize(("spend", "status"), [
    ({str(i): 10 for i in range(1, 10)} | {"9": 0}, None),  # the ninth event spent nothing
    ({str(i): 10 for i in range(1, 11)}, {9: "PAUSED"}),      # the ninth is paused
])
def test_eight_delivering_events_are_no_evidence(spend: dict[str, float],
                                                 status: dict[int, str] | None) -> None:
    result = _nine(spend, status)
    assert (result.effective_mode, result.mode_basis, result.mode_evidence) == (
        "auto", "unknown", None)
    assert result.mode_reason.startswith("Not known: no API reports whether")


def test_a_configured_mode_is_not_second_guessed() -> None:
    result = _nine({str(i): 10 for i in range(1, 11)})
    assert result.mode_basis == "evidence"
    for mode in ("legacy", "relaxed"):
        configured = analyse({"pixel/p1/stats/host": hosts(("shop.com", 1)),
                              "pixel/p1/stats/event": events(("Lead", 1))}, aem_mode=mode)
        assert (configured.mode, configured.effective_mode, configured.mode_basis,
                configured.mode_evidence) == (mode, mode, "config", None)
    odd = analyse({"pixel/p1/stats/host": hosts(("shop.com", 1)),
                   "pixel/p1/stats/event": events(("Lead", 1))}, aem_mode="sometimes")
    assert (odd.mode, odd.effective_mode, odd.mode_basis) == ("sometimes", "auto", "unknown")


def test_the_relaxed_evidence_names_at_most_twelve_events() -> None:
    from audit.evaluate.recommend.priorities import RelaxedEvidence

    many = RelaxedEvidence("shop.com", tuple(f"E{i:02}" for i in range(14)), 14, 1.0)
    _, reason = resolve_mode("auto", many)
    assert "14 different events (E00, E01, E02, E03, E04, E05, E06, E07, E08, E09, E10, " \
           "E11 …)" in reason
    few = RelaxedEvidence("shop.com", tuple(f"E{i:02}" for i in range(9)), 9, 1.0)
    assert "(E00, E01, E02, E03, E04, E05, E06, E07, E08)." in resolve_mode("auto", few)[1]
    assert relaxed_evidence({}) is None


def test_the_run_json_form_of_the_result() -> None:
    result = analyse(SHOP, SHOP_SETS, SHOP_SPEND, aem_mode="legacy")
    data = result.to_dict()
    assert (data["mode"], data["effective_mode"], data["mode_basis"],
            data["mode_evidence"]) == ("legacy", "legacy", "config", None)
    assert data["mode_reason"].startswith("Set to the 8-event model in the audit settings")
    [domain] = data["domains"]
    assert {k: domain[k] for k in ("domain", "slots", "slots_used", "affected_adsets",
                                   "shared_events", "rare_events", "problems")} == {
        "domain": "shop.com", "slots": 8, "slots_used": 6, "affected_adsets": [],
        "shared_events": [], "rare_events": ["Lead"], "problems": []}


# ------------------------------------------------------------------ found by mutation testing


def test_hosts_of_one_domain_add_up_before_the_split() -> None:
    # www.acme.com 30 + shop.acme.com 30 = 60 of 100 → acme.com 0.6, other.org 0.4
    result = analyse({"pixel/p1/stats/host": hosts(("www.acme.com", 30), ("shop.acme.com", 30),
                                                   ("other.org", 40)),
                      "pixel/p1/stats/event": events(("Purchase", 100))}, aem_mode="relaxed")
    assert {d.domain: d.recommended[0].volume_7d for d in result.domains} == {
        "acme.com": 60, "other.org": 40}


def test_rare_means_below_the_weekly_minimum() -> None:
    d = one_domain(analyse({"pixel/p1/stats/host": hosts(("shop.com", 1)),
                            "pixel/p1/stats/event": events(("Purchase", 50), ("Lead", 49))}))
    assert d.rare_events == ["Lead"]  # 50 is enough, 49 is not (default minimum 50)


def test_a_candidate_known_only_from_an_ad_set() -> None:
    # No stats at all: the declared domain; an active ad set without spend on a custom event
    # and a paused one that spent 0.50 on Purchase. Nothing has volume or (for Swatch) spend:
    #   Swatch: in use 35 + custom 6 = 41; Purchase: funnel 30 + spend 15 (the top) = 45
    d = one_domain(analyse(
        {}, [adset(1, "OTHER", custom_event_str="Swatch"),
             adset(2, "PURCHASE", status="PAUSED")], {"2": 0.5}, aem_mode="relaxed",
        domains=["brand.com"]))
    rows = by_label(d.recommended)
    assert dict(rows["Swatch"].components) == {"in_use": 35.0, "funnel": 6.0, "spend": 0.0,
                                                "volume": 0.0, "value": 0.0}
    assert rows["Swatch"].kind == "custom"
    assert dict(rows["Purchase"].components) == {"in_use": 0.0, "funnel": 30.0, "spend": 15.0,
                                                  "volume": 0.0, "value": 0.0}
    assert rows["Purchase"].spend_28d == 0.5


def test_a_candidate_without_a_pixel_is_not_shared_between_pixels() -> None:
    d = one_domain(analyse({f"adaccount/{ACT}/customconversions": []},
                           [adset(1, custom_conversion_id="cc9", pixel=None)],
                           domains=["brand.com"], aem_mode="relaxed"))
    [cc] = d.recommended
    assert cc.pixels == () and cc.flags == ("too_rare",) and d.shared_events == []


def test_less_than_one_event_or_one_unit_of_spend_still_scales() -> None:
    # one Purchase split over two domains: 0.5 each, the top volume there (15 points); an ad
    # set that spent 0.50 is the top spend (15 points)
    result = analyse({"pixel/p1/stats/host": hosts(("a.com", 50), ("b.com", 50)),
                      "pixel/p1/stats/event": events(("Purchase", 1))},
                     [adset(1, "PURCHASE", status="PAUSED")], {"1": 0.5}, aem_mode="relaxed")
    a, b = result.domains
    assert a.recommended[0].components["volume"] == 15.0
    assert b.recommended[0].components["volume"] == 15.0
    assert a.recommended[0].components["spend"] == 15.0  # the ad set counts on a.com


def test_spend_points_keep_two_decimals_and_spend_keeps_cents() -> None:
    # 15·√(300/1000) = 8.2158 → 8.22; spend 7.25 stays 7.25
    d = one_domain(analyse(
        {"pixel/p1/stats/host": hosts(("shop.com", 1)),
         "pixel/p1/stats/event": events(("Purchase", 9), ("Lead", 9), ("Search", 9))},
        [adset(1, "PURCHASE"), adset(2, "LEAD"), adset(3, "SEARCH")],
        {"1": 1000, "2": 300, "3": 7.25}, aem_mode="relaxed"))
    rows = by_label(d.recommended)
    assert rows["Lead"].components["spend"] == 8.22
    assert rows["Search"].spend_28d == 7.25


def test_excluding_a_custom_conversion_by_its_name() -> None:
    endpoints = {**CC_PIXEL, f"adaccount/{ACT}/customconversions": [
        {"id": "cc1", "name": "Big order", "custom_event_type": "PURCHASE"}]}
    d = one_domain(analyse(endpoints, [adset(1, "PURCHASE", custom_conversion_id="cc1")],
                           priorities={"exclude": ["Big order"]}))
    assert "Big order" not in [r.label for r in d.recommended]
    assert [r.label for r in d.left_out] == ["Big order"]


def test_when_everything_is_excluded_the_left_out_are_scored_without_maxima() -> None:
    # no pool: top volume and spend are 0, so those components are 0 for the excluded ones
    d = one_domain(analyse({"pixel/p1/stats/host": hosts(("shop.com", 1)),
                            "pixel/p1/stats/event": events(("Purchase", 99))},
                           [adset(1)], {"1": 10}, priorities={"exclude": ["Purchase"]}))
    assert d.recommended == []
    [purchase] = d.left_out
    assert dict(purchase.components) == {"in_use": 35.0, "funnel": 30.0, "spend": 0.0,
                                         "volume": 0.0, "value": 0.0}


def test_loops_go_on_past_what_they_cannot_use() -> None:
    # p1's event stats are unreadable (its events are skipped), p2's are read; ad set 1
    # has no event and ad set 2 names a pixel on no domain with nothing declared: both are
    # skipped, ad set 3 counts
    from tests.helpers import failed

    result = analyse({
        "pixel/p1/stats/host": hosts(("shop.com", 5)), "pixel/p1/stats/event": failed("s"),
        "pixel/p2": {"id": "p2"}, "pixel/p2/stats/host": hosts(("shop.com", 5)),
        "pixel/p2/stats/event": events(("Lead", 7))},
        [{"id": "1", "effective_status": "ACTIVE", "promoted_object": {"pixel_id": "p2"}},
         adset(2, "SEARCH", pixel="p9"), adset(3, "LEAD", pixel="p2")], {"3": 4},
        aem_mode="relaxed")
    d = one_domain(result)
    assert [(r.label, r.volume_7d, r.spend_28d) for r in d.recommended] == [("Lead", 7, 4.0)]


@pytest.mark.parametrize(("count", "ellipsis"), [(12, False), (13, True)])
def test_the_relaxed_evidence_lists_twelve_events_then_an_ellipsis(count: int,
                                                                   ellipsis: bool) -> None:
    from audit.evaluate.recommend.priorities import RelaxedEvidence

    ev = RelaxedEvidence("shop.com", tuple(f"E{i:02}" for i in range(count)), count, 1.0)
    reason = resolve_mode("auto", ev)[1]
    assert ("E11 …)" in reason) is ellipsis and ("E11)" in reason) is not ellipsis


def test_modes_compare_by_value() -> None:
    # modes read from a file are equal to, not the same object as, the literals
    auto = "".join(["au", "to"])
    result = _nine({str(i): 10 for i in range(1, 11)}, mode=auto)
    assert (result.effective_mode, result.mode_basis) == ("relaxed", "evidence")
    legacy = _nine({str(i): 10 for i in range(1, 11)}, mode="".join(["leg", "acy"]))
    assert (legacy.effective_mode, legacy.mode_basis, legacy.mode_evidence) == (
        "legacy", "config", None)
    relaxed = resolve_mode("".join(["rel", "axed"]))
    assert relaxed[0] == "relaxed" and relaxed[1].startswith("Set to Meta's relaxed model")


def test_delivering_evidence_counts_small_spend_to_the_cent() -> None:
    result = _nine({str(i): 0.25 for i in range(1, 10)})
    assert result.mode_evidence is not None
    assert result.mode_evidence.spend_28d == 2.25  # nine ad sets * 0.25


def test_results_are_values() -> None:
    import dataclasses

    d = one_domain(analyse(SHOP, SHOP_SETS, SHOP_SPEND))
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.recommended[0].score = 0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        PrioritySettings().pin = ("x",)  # type: ignore[misc]
    ev = _nine({str(i): 10 for i in range(1, 11)}).mode_evidence
    with pytest.raises(dataclasses.FrozenInstanceError):
        ev.adsets = 0  # type: ignore[misc,union-attr]


def test_each_host_adds_its_own_count() -> None:
    # acme.com: 1 + 1 = 2 of 3 host events, other.org 1 of 3: Purchase 300 → 200 and 100
    result = analyse({"pixel/p1/stats/host": hosts(("www.acme.com", 1), ("shop.acme.com", 1),
                                                   ("other.org", 1)),
                      "pixel/p1/stats/event": events(("Purchase", 300))}, aem_mode="relaxed")
    assert {d.domain: d.recommended[0].volume_7d for d in result.domains} == {
        "acme.com": 200, "other.org": 100}


def test_the_default_weekly_minimum_is_fifty() -> None:
    assert PrioritySettings().min_weekly_events == 50
