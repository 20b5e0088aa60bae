"""Rule thresholds recalibrated by measured ratios, on window totals written by hand.

The window comparison is built directly (account totals per event, counts and values per
window), so each ratio is chosen for the test and every expected threshold is worked out
in the comments. Values are deliberately *not* a constant multiple of the counts: the value
ratio and the count ratio differ, so a ROAS threshold recalibrated with the wrong one shows.
"""

from __future__ import annotations

from typing import Any

import pytest

from audit.evaluate.recommend.rules import (
    Suggestion,
    is_cost_condition,
    measured_ratio,
    suggest,
    target_window,
    time_presets,
    window_parts,
    windows_in,
)
from audit.evaluate.recommend.windows import Comparison, Figures, WindowsResult
from audit.models import canonical

PURCHASE = "offsite_conversion.fb_pixel_purchase"
LEAD = "offsite_conversion.fb_pixel_lead"
ACT, OTHER = "act_1", "act_2"


def total(account: str, action_type: str, counts: dict[str, float | None],
          values: dict[str, float | None] | None = None, label: str = "Purchase (website)",
          inconsistent: list[str] | None = None) -> Comparison:
    return Comparison("account", account, None, account, action_type, label, 0.0,
                      Figures(dict(counts), dict(values or {})), list(inconsistent or []))


def windows(*totals: Comparison, currencies: dict[str, str] | None = None) -> WindowsResult:
    return WindowsResult(None, None, [], [], [], {}, list(totals), [], currencies or {}, {})


# Purchase in act_1. Old default 28d_click + 1d_view, new 7d_click + 1d_view:
#   counts: old 40 + 10 = 50, new 30 + 10 = 40 → count ratio 0.8 (cost factor 1.25)
#   values: old 4000 + 1000 = 5000, new 2000 + 1000 = 3000 → value ratio 0.6
#   7d_click alone: counts 30 / 50 = 0.6; values 2000 / 5000 = 0.4
PURCHASES = total(ACT, PURCHASE, {"28d_click": 40, "7d_click": 30, "1d_view": 10},
                  {"28d_click": 4000, "7d_click": 2000, "1d_view": 1000})


def flt(field: str, value: Any, operator: str = "GREATER_THAN") -> dict[str, Any]:
    return {"field": field, "value": value, "operator": operator}


def rule(*filters: dict[str, Any], execution: str = "NOTIFICATION", rid: str = "r1",
         window: str | None = "1D_VIEW_28D_CLICK") -> dict[str, Any]:
    head = [flt("attribution_window", window, "EQUAL")] if window else []
    return {"id": rid, "name": f"Rule {rid}", "status": "ENABLED",
            "evaluation_spec": {"evaluation_type": "SCHEDULE", "filters": [*head, *filters]},
            "execution_spec": {"execution_type": execution}}


def suggested(s: Suggestion) -> dict[str, Any]:
    """field → value of the suggested spec's filters."""
    assert s.suggested is not None
    return {f["field"]: f["value"] for f in s.suggested["filters"]}


# ------------------------------------------------------------------ value vs count ratios


def test_roas_and_value_use_the_value_ratio_and_counts_and_costs_the_count_ratio() -> None:
    r = rule(flt("website_purchase_roas", 2.5),
             flt("website_purchases_conversion_value", 100),
             flt("website_purchases", 10, "LESS_THAN"),
             flt("cost_per_purchase_fb", 4000))
    s = suggest(r, ACT, windows(PURCHASES, currencies={ACT: "USD"}), "ACCOUNT_DEFAULT")
    assert s.classification == "deprecated" and not s.needs_review
    assert suggested(s) == {
        "attribution_window": "ACCOUNT_DEFAULT",
        "website_purchase_roas": 1.5,                  # 2.5 * 0.6 (value ratio)
        "website_purchases_conversion_value": 60.0,    # 100 * 0.6 (value ratio)
        "website_purchases": 8,                        # 10 * 0.8 (count ratio), whole
        "cost_per_purchase_fb": 5000,                  # USD 40.00 * 1.25 = USD 50.00
    }
    assert s.changes == [
        "attribution_window 1D_VIEW_28D_CLICK → ACCOUNT_DEFAULT",
        "website_purchase_roas GREATER_THAN: 2.5 × 0.60 = 1.5 (Purchase (website) value in "
        "act_1: 7d_click + 1d_view = 3,000.00 / 1d_view + 28d_click = 5,000.00; factor = new "
        "/ old)",
        "website_purchases_conversion_value GREATER_THAN: 100 × 0.60 = 60 (Purchase (website) "
        "value in act_1: 7d_click + 1d_view = 3,000.00 / 1d_view + 28d_click = 5,000.00; "
        "factor = new / old)",
        "website_purchases LESS_THAN: 10 × 0.80 = 8 (Purchase (website) conversions in act_1: "
        "7d_click + 1d_view = 40.00 / 1d_view + 28d_click = 50.00; factor = new / old)",
        "cost_per_purchase_fb GREATER_THAN: $40.00 × 1.25 = $50.00 (Purchase (website) "
        "conversions in act_1: 7d_click + 1d_view = 40.00 / 1d_view + 28d_click = 50.00; cost "
        "per result rises as conversions fall: factor = old / new; sent to Meta as 5000 in "
        "minor units)"]


def test_a_per_filter_target_uses_that_windows_ratio() -> None:
    # Target 7d_click: new = 7d_click alone. Counts 30 / 50 = 0.6, values 2000 / 5000 = 0.4.
    r = rule(flt("website_purchase_roas", 2.5), flt("website_purchases", 10, "LESS_THAN"))
    s = suggest(r, ACT, windows(PURCHASES), "7D_CLICK")
    assert suggested(s) == {"attribution_window": "ACCOUNT_DEFAULT",
                            "7d_click:website_purchase_roas": 1.0,   # 2.5 * 0.4
                            "7d_click:website_purchases": 6}         # 10 * 0.6


def test_a_prefixed_filter_uses_its_own_window() -> None:
    # 28d_click alone → ACCOUNT_DEFAULT (7d_click + 1d_view): counts 40 / 40 = 1.0 … use
    # values instead: 3000 / 4000 = 0.75 for ROAS; counts (30 + 10) / 40 = 1.0 for counts.
    r = rule(flt("28d_click:website_purchase_roas", 2.0),
             flt("28d_click:website_purchases", 7, "LESS_THAN"), window=None)
    s = suggest(r, ACT, windows(PURCHASES), "ACCOUNT_DEFAULT")
    assert suggested(s) == {"website_purchase_roas": 1.5,   # 2.0 * 0.75
                            "website_purchases": 7}          # 7 * 1.0


# ------------------------------------------------------------------ list thresholds


@pytest.mark.parametrize(("value", "expected"), [
    ([4000, 8000], [5000, 10000]),        # USD 40 / 80 * 1.25 = USD 50 / 100
    (["4000", "8000"], [5000, 10000]),    # numeric strings count too; sent as numbers
])
def test_in_range_costs_are_recalibrated_element_by_element(value: list[Any],
                                                             expected: list[int]) -> None:
    r = rule(flt("cost_per_purchase_fb", value, "IN_RANGE"))
    s = suggest(r, ACT, windows(PURCHASES, currencies={ACT: "USD"}), "ACCOUNT_DEFAULT")
    assert suggested(s)["cost_per_purchase_fb"] == expected
    assert not s.needs_review
    assert any("IN_RANGE: [$40.00, $80.00] × 1.25 = [$50.00, $100.00]" in c
               for c in s.changes), s.changes


def test_in_range_counts_stay_whole_and_roas_keeps_decimals() -> None:
    # counts * 0.8: [8, 21] → [6.4, 16.8] → [6, 17]; ROAS * 0.6: [1.5, 3] → [0.9, 1.8]
    r = rule(flt("website_purchases", [8, 21], "IN_RANGE"),
             flt("website_purchase_roas", [1.5, 3], "NOT_IN_RANGE"))
    s = suggest(r, ACT, windows(PURCHASES), "ACCOUNT_DEFAULT")
    assert suggested(s)["website_purchases"] == [6, 17]
    assert suggested(s)["website_purchase_roas"] == [0.9, 1.8]


def test_a_list_with_a_non_number_is_kept_for_review() -> None:
    r = rule(flt("cost_per_purchase_fb", [4000, "lots"], "IN_RANGE"))
    s = suggest(r, ACT, windows(PURCHASES), "ACCOUNT_DEFAULT")
    assert suggested(s)["cost_per_purchase_fb"] == [4000, "lots"]
    assert s.needs_review


def test_a_threshold_that_is_not_a_number_is_kept_for_review() -> None:
    r = rule(flt("cost_per_purchase_fb", "soon"))
    s = suggest(r, ACT, windows(PURCHASES), "ACCOUNT_DEFAULT")
    assert suggested(s)["cost_per_purchase_fb"] == "soon"
    assert s.needs_review
    assert "cost_per_purchase_fb: threshold 'soon' is not a number; review" in s.changes


# ------------------------------------------------------------------ money in major units


@pytest.mark.parametrize(("currency", "threshold", "expected"), [
    ("USD", 4001, 5001),  # USD 40.01 * 1.25 = 50.0125 → USD 50.01
    ("JPY", 4001, 5001),  # ¥4,001 * 1.25 = 5001.25 → ¥5,001 (no minor unit)
    ("JPY", 3, 4),        # ¥3 * 1.25 = 3.75 → ¥4
    ("USD", 3, 4),        # USD 0.03 * 1.25 = 0.0375 → USD 0.04
    (None, 4000, 5000),   # currency unknown: offset 100, like USD
])
def test_money_is_scaled_and_rounded_in_the_currency(currency: str | None, threshold: int,
                                                     expected: int) -> None:
    r = rule(flt("cost_per_purchase_fb", threshold))
    currencies = {ACT: currency} if currency else {}
    s = suggest(r, ACT, windows(PURCHASES, currencies=currencies), "ACCOUNT_DEFAULT")
    assert suggested(s)["cost_per_purchase_fb"] == expected


def test_a_spend_condition_is_not_recalibrated() -> None:
    r = rule(flt("spent", 10000), flt("cost_per_purchase_fb", 4000))
    s = suggest(r, ACT, windows(PURCHASES, currencies={ACT: "USD"}), "ACCOUNT_DEFAULT")
    assert suggested(s) == {"attribution_window": "ACCOUNT_DEFAULT", "spent": 10000,
                            "cost_per_purchase_fb": 5000}


# ------------------------------------------------------------------ where the ratio comes from


def test_the_ratio_is_taken_from_the_rules_own_account() -> None:
    # act_1 comes first with counts old 100 + 0, new 50 + 0 (ratio 0.5); the rule is in
    # act_2: old 40 + 10 = 50, new 30 + 10 = 40 (ratio 0.8): 10 * 0.8 = 8, not 5.
    first = total(ACT, PURCHASE, {"28d_click": 100, "7d_click": 50, "1d_view": 0})
    second = total(OTHER, PURCHASE, {"28d_click": 40, "7d_click": 30, "1d_view": 10})
    s = suggest(rule(flt("website_purchases", 10, "LESS_THAN")), OTHER,
                windows(first, second), "ACCOUNT_DEFAULT")
    assert suggested(s)["website_purchases"] == 8
    assert any("conversions in act_2" in c for c in s.changes)


def test_the_ratio_is_taken_from_the_filters_own_event() -> None:
    # Purchase (listed first) keeps 0.8; Lead: old 20 + 5 = 25, new 5 + 5 = 10 → 0.4.
    # cost_per_lead 1000 * 1 / 0.4 = 2500; website_purchases 10 * 0.8 = 8.
    leads = total(ACT, LEAD, {"28d_click": 20, "7d_click": 5, "1d_view": 5},
                  label="Lead (website)")
    r = rule(flt("cost_per_lead_fb", 1000), flt("website_purchases", 10, "LESS_THAN"))
    s = suggest(r, ACT, windows(PURCHASES, leads, currencies={ACT: "USD"}),
                "ACCOUNT_DEFAULT")
    assert suggested(s)["cost_per_lead_fb"] == 2500
    assert suggested(s)["website_purchases"] == 8


def test_purchase_action_types_are_tried_in_order() -> None:
    # No pixel purchase in the account, but omni_purchase is there: 20 + 0 → 10 + 0 = 0.5.
    omni = total(ACT, "omni_purchase", {"28d_click": 20, "7d_click": 10, "1d_view": 0})
    s = suggest(rule(flt("website_purchases", 10, "LESS_THAN")), ACT, windows(omni),
                "ACCOUNT_DEFAULT")
    assert suggested(s)["website_purchases"] == 5


def test_generic_results_use_the_accounts_main_conversion() -> None:
    # act_1: Lead has 7d_click 50 (the most), Purchase 30; act_2's Purchase has 900 but is
    # another account. Lead: old 60 + 0, new 50 + 0 → 5/6; CPA 6000 * 6/5 = 7200.
    leads = total(ACT, LEAD, {"28d_click": 60, "7d_click": 50, "1d_view": 0},
                  label="Lead (website)")
    big = total(OTHER, PURCHASE, {"28d_click": 1000, "7d_click": 900, "1d_view": 0})
    for field in ("cost_per_result", "cpa", "campaign.lifetime_cost_per_conversion"):
        s = suggest(rule(flt(field, 6000)), ACT,
                    windows(big, PURCHASES, leads, currencies={ACT: "USD"}),
                    "ACCOUNT_DEFAULT")
        assert suggested(s)[field] == 7200, field
        assert any("Lead (website) conversions in act_1" in c for c in s.changes)


def test_generic_results_break_ties_on_the_action_type() -> None:
    # Both have 7d_click 30: the alphabetically first action type (…_lead) is used:
    # Lead old 60, new 30 → 0.5 → results 10 * 0.5 = 5 (Purchase would give 8).
    leads = total(ACT, LEAD, {"28d_click": 60, "7d_click": 30, "1d_view": 0})
    s = suggest(rule(flt("results", 10, "LESS_THAN")), ACT, windows(PURCHASES, leads),
                "ACCOUNT_DEFAULT")
    assert suggested(s)["results"] == 5


# ------------------------------------------------------------------ nothing to measure


@pytest.mark.parametrize(("counts", "why"), [
    # no conversions under the old windows: never a division by zero
    ({"28d_click": 0, "7d_click": 0, "1d_view": 0},
     "no Purchase (website) under 1d_view + 28d_click in the period"),
    # conversions vanish in the new window: a ratio of 0 is no ratio
    ({"28d_click": 10, "7d_click": 0, "1d_view": 0}, "7d_click + 1d_view = 0.00"),
    # a window the API did not return
    ({"28d_click": 10, "7d_click": None, "1d_view": 2},
     "7d_click unavailable for Purchase (website)"),
])
def test_without_a_usable_ratio_the_threshold_is_kept(counts: dict[str, float | None],
                                                      why: str) -> None:
    s = suggest(rule(flt("cost_per_purchase_fb", 4000)), ACT,
                windows(total(ACT, PURCHASE, counts)), "ACCOUNT_DEFAULT")
    assert suggested(s)["cost_per_purchase_fb"] == 4000
    assert s.needs_review
    [note] = [c for c in s.changes if "threshold 4000 kept" in c]
    assert why in note and note.endswith("review by hand")


def test_figures_that_do_not_nest_give_no_ratio() -> None:
    bad = total(ACT, PURCHASE, {"28d_click": 4, "7d_click": 30, "1d_view": 1},
                inconsistent=["conversions: 7d_click 30 > 28d_click 4"])
    ratio, why = measured_ratio(windows(bad), ACT, "purchase", ("1d_view", "28d_click"),
                                ("7d_click", "1d_view"), values=False)
    assert ratio is None
    assert why == ("the figures for Purchase (website) do not nest across windows "
                   "(conversions: 7d_click 30 > 28d_click 4)")


def test_no_measured_event_and_no_account_say_so() -> None:
    ratio, why = measured_ratio(windows(PURCHASES), OTHER, "purchase", ("28d_click",),
                                ("7d_click",), values=False)
    assert (ratio, why) == (None, "no purchase conversions measured in act_2")
    ratio, why = measured_ratio(windows(PURCHASES), ACT, "results", ("28d_click",),
                                ("7d_click",), values=True)
    # the account's main conversion is Purchase: values 2000 / 4000
    assert ratio == 0.5
    assert why.startswith("Purchase (website) value in act_1")


# ------------------------------------------------------------------ the spec itself


def test_reordered_filters_give_the_same_suggestion() -> None:
    filters = [flt("cost_per_purchase_fb", 4000), flt("website_purchases", 10, "LESS_THAN"),
               flt("entity_type", "ADSET", "EQUAL")]
    ahead = rule(*filters)
    behind = rule(*reversed(filters), window=None)
    behind["evaluation_spec"]["filters"].append(
        flt("attribution_window", "1D_VIEW_28D_CLICK", "EQUAL"))
    a = suggest(ahead, ACT, windows(PURCHASES, currencies={ACT: "USD"}), "ACCOUNT_DEFAULT")
    b = suggest(behind, ACT, windows(PURCHASES, currencies={ACT: "USD"}), "ACCOUNT_DEFAULT")
    assert canonical(a.suggested) == canonical(b.suggested)
    assert suggested(b) == {"cost_per_purchase_fb": 5000, "website_purchases": 8,
                            "entity_type": "ADSET", "attribution_window": "ACCOUNT_DEFAULT"}
    assert b.suggested is not None and b.suggested["filters"][-1]["value"] == "ACCOUNT_DEFAULT"


def test_a_rule_level_current_window_moves_onto_conversion_filters_only() -> None:
    # 7D_CLICK at rule level is current; the 28d_click prefix is what is retired.
    r = rule(flt("28d_click:website_purchases", 10, "LESS_THAN"),
             flt("cost_per_purchase_fb", 4000), flt("spent", 100), window="7D_CLICK")
    s = suggest(r, ACT, windows(PURCHASES, currencies={ACT: "USD"}), "ACCOUNT_DEFAULT")
    assert [f["field"] for f in s.suggested["filters"]] == [  # type: ignore[index]
        "attribution_window", "website_purchases", "7d_click:cost_per_purchase_fb", "spent"]
    # the prefixed count moves 28d_click (40) → 7d_click + 1d_view (40): * 1.0 = 10;
    # the cost keeps its (current) 7-day click window: unchanged
    assert suggested(s)["website_purchases"] == 10
    assert suggested(s)["7d_click:cost_per_purchase_fb"] == 4000


def test_a_rule_without_conversion_filters_still_says_what_changes() -> None:
    s = suggest(rule(flt("spent", 100), window="28D_CLICK"), ACT, windows(PURCHASES),
                "ACCOUNT_DEFAULT")
    assert s.changes == ["attribution_window 28D_CLICK → ACCOUNT_DEFAULT"]
    prefixed = {"id": "r9", "evaluation_spec": {"filters": [flt("spent", 1)], "trigger": {
        "type": "STATS_CHANGE", "field": "28d_view:results", "value": 1, "operator": "GT"}}}
    s2 = suggest(prefixed, ACT, windows(PURCHASES), "ACCOUNT_DEFAULT")
    assert s2.classification == "deprecated"
    assert s2.changes == ["window 28d_view → ACCOUNT_DEFAULT"]


@pytest.mark.parametrize(("filters", "classification"), [
    ([flt("attribution_window", "ACCOUNT_DEFAULT", "EQUAL")], "current"),
    ([flt("7d_click:website_purchases", 1)], "current"),
    ([flt("spent", 1)], "none"),
    ([flt("attribution_window", "7D_VIEW", "EQUAL")], "deprecated"),
    ([flt("campaign.28d_view_1d_click:results", 1)], "deprecated"),
])
def test_classification(filters: list[dict[str, Any]], classification: str) -> None:
    r = rule(*filters, window=None)
    s = suggest(r, ACT, windows(PURCHASES), "ACCOUNT_DEFAULT")
    assert s.classification == classification
    assert (s.suggested is not None) is (classification == "deprecated")


def test_long_time_presets_are_noted_only_where_they_matter() -> None:
    long = flt("time_preset", "LAST_28D", "EQUAL")
    deprecated = suggest(rule(long), ACT, windows(PURCHASES), "ACCOUNT_DEFAULT")
    none = suggest(rule(long, flt("spent", 1), window=None), ACT, windows(PURCHASES),
                   "ACCOUNT_DEFAULT")
    current = suggest(rule(long, window="7D_CLICK"), ACT, windows(PURCHASES),
                      "ACCOUNT_DEFAULT")
    short = suggest(rule(flt("time_preset", "TODAY", "EQUAL")), ACT, windows(PURCHASES),
                    "ACCOUNT_DEFAULT")
    note = ("time preset LAST_28D spans more than the 7-day click window: conversions in it "
            "are still being attributed; review the threshold.")
    assert note in deprecated.notes and note in none.notes
    assert current.notes == [] and short.notes == []
    assert time_presets(rule(long)["evaluation_spec"]) == ["LAST_28D"]
    assert time_presets({"filters": "not a list"}) == []


def test_the_suggestion_records_the_rule_as_read() -> None:
    r = rule(flt("cost_per_purchase_fb", 4000), execution="CHANGE_BUDGET")
    r["updated_time"] = "2026-11-01T10:00:00+0000"
    s = suggest(r, ACT, windows(PURCHASES), "ACCOUNT_DEFAULT")
    d = s.to_dict()
    assert d["account"] == ACT and d["rule_id"] == "r1" and d["name"] == "Rule r1"
    assert d["status"] == "ENABLED" and d["execution_type"] == "CHANGE_BUDGET"
    assert d["dangerous"] is True and d["needs_review"] is False
    assert d["updated_time"] == "2026-11-01T10:00:00+0000"
    assert d["windows"] == [{"where": "attribution_window filter", "value": "1D_VIEW_28D_CLICK",
                             "parts": ["1d_view", "28d_click"]}]
    assert d["current"] == {"evaluation_spec": r["evaluation_spec"]}
    assert d["suggested"] == {"evaluation_spec": s.suggested}
    assert suggest(rule(flt("spent", 1), window=None), ACT, windows(),
                   "ACCOUNT_DEFAULT").to_dict()["suggested"] is None


@pytest.mark.parametrize(("execution", "dangerous"), [
    ("PAUSE", True), ("change_budget", True), ("CHANGE_CAMPAIGN_BUDGET", True),
    ("CHANGE_BID", True), ("REBALANCE_BUDGET", True), ("NOTIFICATION", False),
    ("UNPAUSE", False)])
def test_dangerous_actions(execution: str, dangerous: bool) -> None:
    s = suggest(rule(flt("spent", 1), execution=execution), ACT, windows(), "ACCOUNT_DEFAULT")
    assert s.dangerous is dangerous


def test_a_rule_with_no_execution_spec_is_not_dangerous() -> None:
    r = rule(flt("spent", 1))
    del r["execution_spec"]
    s = suggest(r, ACT, windows(), "ACCOUNT_DEFAULT")
    assert s.execution_type is None and s.dangerous is False
    assert s.rule_id == "r1"
    r2 = {"evaluation_spec": {"filters": []}}
    assert suggest(r2, ACT, windows(), "ACCOUNT_DEFAULT").rule_id == "?"


@pytest.mark.parametrize(("field", "cost"), [
    ("cost_per_purchase_fb", True), ("adset.7d_click:cost_per_lead_fb", True),
    ("campaign.cpa", True), ("cpc", True), ("cpm", True), ("cpp", True),
    ("website_purchase_roas", False), ("spent", False), ("results", False),
])
def test_cost_conditions(field: str, cost: bool) -> None:
    assert is_cost_condition(field) is cost


@pytest.mark.parametrize(("value", "expected"), [
    ("ACCOUNT_DEFAULT", "ACCOUNT_DEFAULT"), ("account_default", "ACCOUNT_DEFAULT"),
    ("7D_CLICK", "7d_click"), ("1d_view_7d_click", "1d_view_7d_click"),
    ("28d_click", "ACCOUNT_DEFAULT"), ("nonsense", "ACCOUNT_DEFAULT"),
])
def test_target_window(value: str, expected: str) -> None:
    assert target_window(value) == expected


def test_windows_in_ignores_what_is_not_a_filter() -> None:
    spec = {"filters": ["text", flt("attribution_window", "7D_CLICK", "EQUAL"),
                        flt("clicks", 3)], "trigger": "not an object"}
    assert [(u.where, u.filter_index, u.parts) for u in windows_in(spec)] == [
        ("attribution_window filter", 1, ("7d_click",))]
    assert windows_in({"filters": None}) == []
    assert window_parts("campaign.28D_VIEW") == ("28d_view",)


# ------------------------------------------------------------------ found by mutation testing


def test_the_ratio_ignores_other_accounts_listed_before_or_after() -> None:
    # the rule is in act_1; act_2's total comes first (ratio 0.5), act_1's is 0.8
    other = total(OTHER, PURCHASE, {"28d_click": 100, "7d_click": 50, "1d_view": 0})
    s = suggest(rule(flt("website_purchases", 10, "LESS_THAN")), ACT, windows(other, PURCHASES),
                "ACCOUNT_DEFAULT")
    assert suggested(s)["website_purchases"] == 8


def test_the_ratio_ignores_other_events_listed_before_or_after() -> None:
    # Lead comes first (ratio 10 / 25 = 0.4): a purchase filter still uses Purchase's 0.8
    leads = total(ACT, LEAD, {"28d_click": 20, "7d_click": 5, "1d_view": 5})
    s = suggest(rule(flt("website_purchases", 10, "LESS_THAN")), ACT, windows(leads, PURCHASES),
                "ACCOUNT_DEFAULT")
    assert suggested(s)["website_purchases"] == 8


def test_registrations_use_their_own_event() -> None:
    # registration: old 10 + 0, new 5 + 0 → 0.5 (Purchase, listed first, would give 0.8)
    regs = total(ACT, "offsite_conversion.fb_pixel_complete_registration",
                 {"28d_click": 10, "7d_click": 5, "1d_view": 0})
    s = suggest(rule(flt("complete_registrations", 10, "LESS_THAN")), ACT,
                windows(PURCHASES, regs), "ACCOUNT_DEFAULT")
    assert suggested(s)["complete_registrations"] == 5


def test_generic_results_in_a_second_account_ignore_the_first() -> None:
    # the rule is in act_2, whose only conversion is Lead (old 60, new 30 → 0.5); act_1's
    # bigger Purchase must not be taken as act_2's main conversion
    big = total(ACT, PURCHASE, {"28d_click": 1000, "7d_click": 900, "1d_view": 0})
    leads = total(OTHER, LEAD, {"28d_click": 60, "7d_click": 30, "1d_view": 0})
    s = suggest(rule(flt("results", 10, "LESS_THAN")), OTHER, windows(big, leads),
                "ACCOUNT_DEFAULT")
    assert suggested(s)["results"] == 5


def test_generic_results_rank_by_seven_day_clicks_not_by_name() -> None:
    # Purchase 7d_click 50 beats Lead's 30 although "…_lead" sorts first:
    # Purchase old 100, new 50 → 0.5; 10 * 0.5 = 5 (Lead: 60 → 30 would give 5 too, so
    # Lead's figures differ: old 30, new 30 → 1.0 → 10)
    purchases = total(ACT, PURCHASE, {"28d_click": 100, "7d_click": 50, "1d_view": 0})
    leads = total(ACT, LEAD, {"28d_click": 30, "7d_click": 30, "1d_view": 0})
    s = suggest(rule(flt("results", 10, "LESS_THAN")), ACT, windows(leads, purchases),
                "ACCOUNT_DEFAULT")
    assert suggested(s)["results"] == 5
    # a main conversion with no 7-day figure ranks below one with half a conversion
    no_7d = total(ACT, LEAD, {"28d_click": 30, "7d_click": None, "1d_view": 0})
    half = total(ACT, PURCHASE, {"28d_click": 1, "7d_click": 0.5, "1d_view": 0})
    s2 = suggest(rule(flt("results", 10, "LESS_THAN")), ACT, windows(no_7d, half),
                 "ACCOUNT_DEFAULT")
    assert suggested(s2)["results"] == 5  # 10 * 0.5 / 1


def test_generic_results_use_only_the_main_conversion() -> None:
    # The main conversion (most 7-day clicks) has no 28-day figure: no ratio, even though
    # the second one could be measured.
    main = total(ACT, LEAD, {"28d_click": None, "7d_click": 50, "1d_view": 0})
    s = suggest(rule(flt("results", 10, "LESS_THAN")), ACT, windows(main, PURCHASES),
                "ACCOUNT_DEFAULT")
    assert suggested(s)["results"] == 10 and s.needs_review


@pytest.mark.parametrize(("counts", "expected", "review"), [
    # exactly one conversion under the old window is enough: 1 → 1, ratio 1
    ({"28d_click": 1, "7d_click": 1, "1d_view": 0}, 10, False),
    # negative figures (a correction) give no ratio, old or new
    ({"28d_click": -5, "7d_click": 1, "1d_view": 0}, 10, True),
    ({"28d_click": 40, "7d_click": -20, "1d_view": 10}, 10, True),
])
def test_edge_figures(counts: dict[str, float], expected: int, review: bool) -> None:
    s = suggest(rule(flt("website_purchases", 10, "LESS_THAN")), ACT,
                windows(total(ACT, PURCHASE, counts)), "ACCOUNT_DEFAULT")
    assert suggested(s)["website_purchases"] == expected
    assert s.needs_review is review
    if counts["28d_click"] < 0:
        assert any("no Purchase (website) under 1d_view + 28d_click in the period" in c
                   for c in s.changes)


def test_an_unmeasurable_filter_does_not_stop_the_next_one() -> None:
    # no Lead figures at all: the lead cost is kept; the purchase count after it is still
    # recalibrated (* 0.8)
    r = rule(flt("cost_per_lead_fb", 900), flt("website_purchases", 10, "LESS_THAN"))
    s = suggest(r, ACT, windows(PURCHASES), "ACCOUNT_DEFAULT")
    assert suggested(s) == {"attribution_window": "ACCOUNT_DEFAULT", "cost_per_lead_fb": 900,
                            "website_purchases": 8}
    assert s.needs_review


def test_a_count_threshold_with_decimals_keeps_them() -> None:
    # 2.5 * 0.6 (7-day click) = 1.5: a threshold written with decimals keeps them
    s = suggest(rule(flt("website_purchases", 2.5, "LESS_THAN")), ACT, windows(PURCHASES),
                "7D_CLICK")
    assert suggested(s)["7d_click:website_purchases"] == 1.5


def test_a_zero_in_a_range_stays_zero() -> None:
    s = suggest(rule(flt("cost_per_purchase_fb", [0, 8000], "IN_RANGE")), ACT,
                windows(PURCHASES, currencies={ACT: "USD"}), "ACCOUNT_DEFAULT")
    assert suggested(s)["cost_per_purchase_fb"] == [0, 10000]


def test_filters_that_are_not_objects_are_passed_over() -> None:
    r = rule(flt("website_purchases", 10, "LESS_THAN"))
    r["evaluation_spec"]["filters"].insert(0, "not a filter")
    s = suggest(r, ACT, windows(PURCHASES), "ACCOUNT_DEFAULT")
    assert s.suggested is not None
    assert s.suggested["filters"][0] == "not a filter"
    rest = {f["field"]: f["value"] for f in s.suggested["filters"][1:]}
    assert rest == {"attribution_window": "ACCOUNT_DEFAULT", "website_purchases": 8}


def test_a_current_rule_level_window_is_not_rewritten_to_itself() -> None:
    r = rule(flt("28d_click:website_purchases", 10, "LESS_THAN"), window="ACCOUNT_DEFAULT")
    s = suggest(r, ACT, windows(PURCHASES), "ACCOUNT_DEFAULT")
    assert s.changes == [
        "28d_click:website_purchases → website_purchases",
        # 28d_click alone (40) → 7d_click + 1d_view (30 + 10 = 40): * 1.00
        "website_purchases LESS_THAN: 10 × 1.00 = 10 (Purchase (website) conversions in act_1: "
        "7d_click + 1d_view = 40.00 / 28d_click = 40.00; factor = new / old)"]


def test_a_trigger_window_is_not_a_filters_window() -> None:
    spec = {"filters": [flt("website_purchases", 10), flt("cost_per_purchase_fb", 4000)],
            "trigger": {"type": "STATS_CHANGE", "field": "28d_click:results", "value": 1}}
    uses = windows_in(spec)
    assert [(u.where, u.filter_index, u.raw) for u in uses] == [
        ("prefix on the trigger field", -1, "28d_click")]
    s = suggest({"id": "t", "evaluation_spec": spec}, ACT, windows(PURCHASES), "ACCOUNT_DEFAULT")
    # the filters have no window of their own: they are left as they are
    assert suggested(s) == {"website_purchases": 10, "cost_per_purchase_fb": 4000}
    plain = {"filters": [], "trigger": {"field": "results", "value": 1}}
    assert windows_in(plain) == []


def test_a_window_use_is_a_value() -> None:
    import dataclasses

    [use] = windows_in({"filters": [flt("attribution_window", "28D_CLICK", "EQUAL")]})
    with pytest.raises(dataclasses.FrozenInstanceError):
        use.raw = "7D_CLICK"  # type: ignore[misc]
    assert hash(use) == hash(dataclasses.replace(use))


def test_two_inconsistencies_quote_the_first() -> None:
    bad = total(ACT, PURCHASE, {"28d_click": 4, "7d_click": 30, "1d_view": 1},
                inconsistent=["conversions: 7d_click 30 > 28d_click 4", "value: x"])
    _, why = measured_ratio(windows(bad), ACT, "purchase", ("28d_click",), ("7d_click",),
                            values=False)
    assert why.endswith("(conversions: 7d_click 30 > 28d_click 4)")


@pytest.mark.parametrize(("execution", "noted"), [("PAUSE", True), ("pause", True),
                                                   ("UNPAUSE", False), ("NOTIFICATION", False)])
def test_the_2703_note_is_for_pausing_rules_only(execution: str, noted: bool) -> None:
    s = suggest(rule(flt("cost_per_purchase_fb", 4000), execution=execution), ACT,
                windows(PURCHASES), "ACCOUNT_DEFAULT")
    assert any("error 2703" in n for n in s.notes) is noted


def test_time_presets_are_read_from_time_preset_filters_only() -> None:
    spec = {"filters": [flt("website_purchases", "LAST_28D"), flt("time_preset", "TODAY"),
                        flt("adset.time_preset", "LAST_7D")]}
    assert time_presets(spec) == ["TODAY"]


def test_windows_compared_by_value_not_identity() -> None:
    # strings built at run time are equal to, not the same object as, the literals
    account = "".join(["act_", "1"])
    field = "".join(["time_", "preset"])
    spec = {"filters": [{"field": field, "value": "LAST_28D"}]}
    assert time_presets(spec) == ["LAST_28D"]
    s = suggest(rule(flt("cost_per_result", 6000)), account,
                windows(PURCHASES, currencies={ACT: "USD"}), "ACCOUNT_DEFAULT")
    assert suggested(s)["cost_per_result"] == 7500  # Purchase, the only conversion: * 1.25


def _suggestions(rules: list[dict[str, Any]]) -> list[str]:
    from audit.evaluate.recommend.rules import suggestions
    from audit.facts.view import SnapshotView
    from tests.helpers import make_snapshot

    snap = make_snapshot({f"adaccount/{ACT}/rules": rules}, ad_accounts=[ACT])
    return [s.rule_id for s in suggestions(SnapshotView(snap), windows(PURCHASES),
                                           "ACCOUNT_DEFAULT")]


def _r(rid: str, name: str, *, window: str | None = "28D_CLICK", execution: str = "PAUSE",
       status: str | None = "ENABLED", spec: Any = None) -> dict[str, Any]:
    out = rule(flt("spent", 1), execution=execution, rid=rid, window=window)
    out["name"] = name
    if status is None:
        del out["status"]
    else:
        out["status"] = status
    if spec is not None:
        out["evaluation_spec"] = spec
    return out


def test_rules_are_listed_deprecated_and_dangerous_first() -> None:
    rules = [
        _r("d1", "A deleted one", status="DELETED"),           # never listed
        _r("n1", "Z none", window=None),                        # none, dangerous, enabled
        _r("c1", "Y current", window="7D_CLICK"),               # current, dangerous
        _r("u1", "X unreadable", spec="{not json", execution="NOTIFICATION"),
        _r("u2", "W unreadable", spec="{not json"),             # unreadable, dangerous
        _r("p2", "B deprecated", execution="NOTIFICATION"),     # deprecated, harmless
        _r("p1", "C deprecated"),                               # deprecated, dangerous
        _r("p3", "A deprecated", status="DISABLED"),            # dangerous, not enabled
        _r("p4", "D deprecated", status="HAS_ISSUES"),          # dangerous, not enabled
        _r("p5", "E deprecated", status=None),                  # no status: still listed
    ]
    assert _suggestions(rules) == [
        "p1",                    # deprecated, dangerous, enabled
        "p3", "p4", "p5",        # deprecated, dangerous, not enabled: by name (A, D, E)
        "p2",                    # deprecated, harmless
        "u2", "u1",              # unreadable: dangerous first
        "c1", "n1"]              # current, then no window


def test_equal_rules_are_ordered_by_name_then_id() -> None:
    rules = [_r("2", "Same"), _r("1", "Same"), _r("0", "Zeta"), _r("9", "Alpha")]
    assert _suggestions(rules) == ["9", "1", "2", "0"]
    unnamed = [_r("b", "x"), _r("a", "x")]
    for r in unnamed:
        del r["name"]
    assert _suggestions(unnamed) == ["a", "b"]
