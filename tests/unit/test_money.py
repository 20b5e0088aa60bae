"""Money in minor units (Meta's currency offsets), rule thresholds in money, and the
cost per result computed from the spend of the objects that produced the results."""

from __future__ import annotations

import pytest

from audit import numbers
from audit.evaluate.analysis import Analysis
from audit.facts import currency
from tests.helpers import make_snapshot

ACT = "act_5"
PURCHASE = "offsite_conversion.fb_pixel_purchase"
INSTALL = "mobile_app_install"


@pytest.mark.parametrize(("code", "minor", "major"), [
    ("USD", 40000, 400.0), ("EUR", 1999, 19.99), ("AUD", 5, 0.05),
    ("JPY", 5000, 5000.0), ("KRW", 12000, 12000.0), ("jpy", 7, 7.0), ("HUF", 300, 300.0)])
def test_minor_units_follow_metas_offset_table(code, minor, major):
    assert currency.to_major(minor, code) == major
    assert currency.to_minor(major, code) == minor


def test_offsets_and_rounding_to_what_a_currency_can_express():
    assert currency.offset("USD") == 100 and currency.offset("EUR") == 100
    assert currency.offset("JPY") == 1 and currency.offset("KRW") == 1
    assert currency.offset(None) == 100  # unknown: the table's usual offset
    assert currency.round_major(484.004, "USD") == 484.0
    assert currency.round_major(6050.4, "JPY") == 6050.0


@pytest.mark.parametrize(("field", "money"), [
    ("cost_per_purchase_fb", True), ("spent", True), ("campaign.28d_click:lifetime_spent", True),
    ("28d_view_1d_click:cost_per_lead_fb", True), ("cpa", True), ("cpm", True),
    ("daily_budget", True), ("bid_amount", True),
    ("website_purchase_roas", False), ("website_purchases", False), ("frequency", False),
    ("impressions", False), ("ctr", False)])
def test_money_fields_of_rule_filters(field, money):
    assert currency.is_money_field(field) is money


def test_money_is_shown_with_its_currency_and_ratios_as_percentages():
    assert numbers.money(1950, "AUD") == "A$1,950.00"
    assert numbers.money(5000, "JPY") == "¥5,000"
    assert numbers.money(12000, "KRW") == "₩12,000"
    assert numbers.money(19.99, "EUR") == "€19.99"
    assert numbers.money(None, "USD") == "—"
    assert numbers.percent(0.7236) == "72.4%"
    assert numbers.percent(-0.2346, signed=True) == "−23.5%"
    assert numbers.count(1596.0) == "1,596"
    assert numbers.number(46.4157) == "46.42"
    assert numbers.number(12) == "12"


def rule(rid, filters, execution="PAUSE"):
    return {"id": rid, "name": f"Rule {rid}", "status": "ENABLED",
            "evaluation_spec": {"evaluation_type": "SCHEDULE", "filters": filters},
            "execution_spec": {"execution_type": execution}}


def purchases(old28=39, new7=33, view1=8):
    return [{"campaign_id": "1", "spend": "500", "date_start": "2026-10-31",
             "date_stop": "2026-11-27",
             "actions": [{"action_type": PURCHASE, "value": "41", "1d_click": "20",
                          "7d_click": str(new7), "28d_click": str(old28),
                          "1d_view": str(view1)}]}]


@pytest.mark.parametrize(("code", "threshold", "expected", "shown_before", "shown_after"), [
    # old = 28d click + 1d view = 47, new = 7d click + 1d view = 41: cost factor 47/41.
    # USD: 40000 minor = $400.00; 400 * 47/41 = 458.536… → $458.54 → sent as 45854.
    ("USD", 40000, 45854, "$400.00", "$458.54"),
    # JPY has no minor unit: 5000 = ¥5,000; 5000 * 47/41 = 5731.7… → ¥5,732 → sent as 5732.
    ("JPY", 5000, 5732, "¥5,000", "¥5,732"),
    # KRW likewise: 12000 * 47/41 = 13756.09… → ₩13,756.
    ("KRW", 12000, 13756, "₩12,000", "₩13,756"),
])
def test_rule_money_thresholds_are_recalibrated_in_major_units(code, threshold, expected,
                                                              shown_before, shown_after):
    r = rule("r1", [{"field": "attribution_window", "value": "1D_VIEW_28D_CLICK",
                     "operator": "EQUAL"},
                    {"field": "cost_per_purchase_fb", "value": threshold,
                     "operator": "GREATER_THAN"}])
    snap = make_snapshot({f"adaccount/{ACT}": {"id": ACT, "currency": code},
                          f"adaccount/{ACT}/rules": [r],
                          f"adaccount/{ACT}/insights/campaign": purchases()},
                         ad_accounts=[ACT])
    [s] = Analysis.of(snap).rules
    assert s.suggested["filters"][1]["value"] == expected
    text = next(c for c in s.changes if c.startswith("cost_per_purchase_fb"))
    assert f"{shown_before} × 1.1463 = {shown_after}" in text
    assert f"sent to Meta as {expected} in minor units" in text


def test_app_install_cost_per_result_uses_the_app_campaigns_spend():
    # Two campaigns: a web campaign spending 636,195.00 with purchases, and the app
    # campaign spending 4,144.00 with the installs. 28d click installs 1,500 + 1d view 96
    # = 1,596 under the old default; 7d click 1,498 + 96 = 1,594 under the new one.
    rows = [
        {"campaign_id": "web", "campaign_name": "Web", "spend": "636195.00",
         "date_start": "2026-10-31", "date_stop": "2026-11-27",
         "actions": [{"action_type": PURCHASE, "value": "900", "1d_click": "700",
                      "7d_click": "900", "28d_click": "1000", "1d_view": "50"}]},
        {"campaign_id": "app", "campaign_name": "App", "spend": "4144.00",
         "date_start": "2026-10-31", "date_stop": "2026-11-27",
         "actions": [{"action_type": INSTALL, "value": "1594", "1d_click": "1400",
                      "7d_click": "1498", "28d_click": "1500", "1d_view": "96"}]},
    ]
    snap = make_snapshot({f"adaccount/{ACT}": {"id": ACT, "currency": "AUD"},
                          f"adaccount/{ACT}/insights/campaign": rows}, ad_accounts=[ACT])
    windows = Analysis.of(snap).windows
    [install] = [t for t in windows.account_totals if t.action_type == INSTALL]
    assert install.spend == 4144.00
    m = install.metrics()
    assert m["cost_per_result_old"] == round(4144.00 / 1596, 4)  # 2.5965, not 401.21
    assert m["cost_per_result_new"] == round(4144.00 / 1594, 4)
    [purchase] = [t for t in windows.account_totals if t.action_type == PURCHASE]
    assert purchase.spend == 636195.00
    [client_install] = [t for t in windows.client_totals if t.action_type == INSTALL]
    assert client_install.spend == 4144.00
