from __future__ import annotations

import pytest

from audit.evaluate.analysis import Analysis
from audit.evaluate.checks.windows import spec_tokens
from audit.evaluate.engine import run_checks
from audit.evaluate.recommend.windows import label_for
from audit.models import Status
from tests.helpers import make_snapshot

ACT = "act_9"
PURCHASE = "offsite_conversion.fb_pixel_purchase"


def action(kind, **windows):
    return {"action_type": kind, "value": str(windows.pop("value", "0")),
            **{k: str(v) for k, v in windows.items()}}


def row(cid, spend, actions=(), values=(), start="2026-10-31", stop="2026-11-27", level="campaign"):
    return {f"{level}_id": cid, f"{level}_name": f"C{cid}", "spend": spend,
            "actions": list(actions), "action_values": list(values),
            "date_start": start, "date_stop": stop}


def snap(campaign_rows, adset_rows=(), currency="EUR", extra=None, mode=None):
    data = {f"adaccount/{ACT}": {"id": ACT, "currency": currency},
            f"adaccount/{ACT}/insights/campaign": list(campaign_rows),
            f"adaccount/{ACT}/insights/adset": list(adset_rows)}
    data.update(extra or {})
    return make_snapshot(data, ad_accounts=[ACT])


def test_arithmetic_with_decimal_strings():
    s = snap([row("1", "250.50", [action(PURCHASE, **{"1d_click": "20", "7d_click": "33",
                                                      "28d_click": "39.5", "1d_view": "8",
                                                      "7d_view": "12", "28d_view": "15"})],
                  [action(PURCHASE, **{"1d_click": "1000", "7d_click": "1650.25",
                                       "28d_click": "1975", "1d_view": "400",
                                       "7d_view": "600", "28d_view": "750"})])])
    result = Analysis.of(s).windows
    [c] = result.rows["campaign"]
    m = c.metrics()
    assert c.figures.counts["28d_click"] == 39.5
    assert m["old_default"] == 47.5 and m["new_default"] == 41.0
    assert m["change"] == round((41 - 47.5) / 47.5, 4)
    assert m["kept_7d_of_28d_click"] == round(33 / 39.5, 4)
    assert m["view_share_new_default"] == round(8 / 41, 4)
    assert m["cost_per_result_old"] == round(250.5 / 47.5, 4)
    assert m["roas_new"] == round(2050.25 / 250.5, 4)
    assert result.available == ["1d_click", "7d_click", "28d_click", "1d_view", "7d_view",
                                "28d_view"]


def test_view_windows_missing_are_unavailable_not_zero():
    s = snap([row("1", "100", [action(PURCHASE, **{"1d_click": 5, "7d_click": 9,
                                                   "28d_click": 12, "1d_view": 3})])])
    result = Analysis.of(s).windows
    [c] = result.rows["campaign"]
    assert c.figures.counts["7d_view"] is None and c.figures.counts["28d_view"] is None
    # 1-day engaged view was not returned either: unavailable too, never zero
    assert result.unavailable == ["7d_view", "28d_view", "1d_ev"]
    assert c.figures.counts["1d_ev"] is None
    assert any("unavailable" in n and "2026-01-12" in n for n in result.notes)
    assert c.metrics()["old_default"] == 15.0


def test_missing_28d_click_makes_projection_unknown_and_check_skips():
    s = snap([row("1", "100", [action(PURCHASE, **{"1d_click": 5, "7d_click": 9,
                                                   "1d_view": 3})])])
    result = Analysis.of(s).windows
    [c] = result.rows["campaign"]
    assert c.metrics()["change"] is None
    [f] = [f for f in run_checks(Analysis.of(s)) if f.check_id == "windows_conversions_drop"]
    assert f.status is Status.SKIPPED and "28d_click" in f.message


def test_zero_conversions_and_value_without_count():
    s = snap([row("1", "80", [action(PURCHASE, **{"1d_click": 0, "7d_click": 0,
                                                  "28d_click": 0, "1d_view": 0})],
                  [action(PURCHASE, **{"1d_click": 0, "7d_click": 40, "28d_click": 55,
                                       "1d_view": 5})])])
    [c] = Analysis.of(s).windows.rows["campaign"]
    m = c.metrics()
    assert m["old_default"] == 0 and m["change"] is None and m["cost_per_result_old"] is None
    assert m["roas_old"] == round(60 / 80, 4)


def test_no_conversions_at_all():
    s = snap([row("1", "10", [{"action_type": "link_click", "value": "4"}])])
    result = Analysis.of(s).windows
    assert result.rows["campaign"] == [] and result.account_totals == []
    assert "nothing to compare" in result.notes[0]


def test_account_totals_and_drop_warning():
    heavy = action(PURCHASE, **{"1d_click": 10, "7d_click": 30, "28d_click": 100,
                                "1d_view": 20})
    light = action(PURCHASE, **{"1d_click": 10, "7d_click": 18, "28d_click": 20,
                                "1d_view": 2})
    s = snap([row("1", "500", [heavy]), row("2", "100", [light])])
    result = Analysis.of(s).windows
    [total] = result.account_totals
    assert total.figures.counts["28d_click"] == 120 and total.spend == 600
    assert total.metrics()["change"] == round((48 + 22 - 142) / 142, 4)
    assert result.ratio(ACT, PURCHASE, "7d_click", "28d_click") == 0.4
    [f] = [f for f in run_checks(Analysis.of(s)) if f.check_id == "windows_conversions_drop"]
    assert f.status is Status.WARN and "-51%" in f.message
    [client] = result.client_totals
    assert client.figures.counts["7d_click"] == 48


def test_straddling_unified_attribution_is_marked():
    s = snap([row("1", "1", [action(PURCHASE, **{"7d_click": 1, "28d_click": 2})],
                  start="2025-05-20", stop="2025-06-30")])
    assert any("2025-06-10" in n for n in Analysis.of(s).windows.notes)


def test_mixed_currencies_have_no_client_total():
    s = snap([row("1", "1", [action(PURCHASE, **{"7d_click": 1, "28d_click": 2})])],
             extra={"adaccount/act_2": {"id": "act_2", "currency": "USD"},
                    "adaccount/act_2/insights/campaign": [
                        row("5", "3", [action(PURCHASE, **{"7d_click": 1, "28d_click": 1})])]})
    s.client["ad_accounts"] = [ACT, "act_2"]
    result = Analysis.of(s).windows
    assert len(result.account_totals) == 2 and result.client_totals == []


def test_labels():
    assert label_for(PURCHASE) == "Purchase (website)"
    assert label_for("omni_add_to_cart") == "Add to cart (all channels)"
    assert label_for("offsite_conversion.custom.77", {"77": "Big order"}) == \
        "Big order (custom conversion)"


@pytest.mark.parametrize(("spec", "tokens"), [
    ([{"event_type": "CLICK_THROUGH", "window_days": 7},
      {"event_type": "VIEW_THROUGH", "window_days": 1}], ["1d_view", "7d_click"]),
    ([{"event_type": "CLICK_THROUGH", "window_days": "28"}], ["28d_click"]),
    (None, None), ([{"weird": 1}], []),
])
def test_spec_tokens(spec, tokens):
    assert spec_tokens(spec) == tokens


def test_adset_attribution_and_ios_skan_checks():
    adsets = [
        {"id": "a1", "attribution_spec": [{"event_type": "CLICK_THROUGH", "window_days": 28}]},
        {"id": "a2", "attribution_spec": [{"event_type": "CLICK_THROUGH", "window_days": 1}]},
        {"id": "a3", "attribution_spec": [{"event_type": "CLICK_THROUGH", "window_days": 7},
                                          {"event_type": "VIEW_THROUGH", "window_days": 1}]},
        {"id": "a4", "campaign_id": "c1", "targeting": {"user_os": ["iOS_ver_14.5_and_above"]}},
        {"id": "a5", "campaign_id": "c2",
         "promoted_object": {"object_store_url": "https://apps.apple.com/app/id1"}},
        {"id": "a6", "campaign_id": "c3", "targeting": {"user_os": ["Android"]}},
        {"id": "a7", "attribution_spec": [{"event_type": "CLICK_THROUGH", "window_days": 7},
                                          {"event_type": "VIEW_THROUGH", "window_days": 1},
                                          {"event_type": "ENGAGED_VIDEO_VIEW",
                                           "window_days": 1}]},
    ]
    campaigns = [{"id": "c1", "objective": "APP_INSTALLS", "is_skadnetwork_attribution": False},
                 {"id": "c2", "objective": "OUTCOME_APP_PROMOTION",
                  "is_skadnetwork_attribution": True},
                 {"id": "c3", "objective": "OUTCOME_APP_PROMOTION"}]
    s = snap([], extra={f"adaccount/{ACT}/adsets": adsets,
                        f"adaccount/{ACT}/campaigns": campaigns})
    found = run_checks(Analysis.of(s))
    attr = {f.resource.id: f.status for f in found
            if f.check_id == "windows_adset_attribution_supported"}
    # a3 is on the 2021-2026 default (no engaged view), a7 on Meta's default today
    assert attr == {"a1": Status.FAIL, "a2": Status.WARN, "a3": Status.WARN, "a7": Status.PASS}
    skan = {f.resource.id: f.status for f in found if f.check_id == "windows_ios_app_skan"}
    assert skan == {"c1": Status.FAIL, "c2": Status.PASS}


def test_events_without_value_have_no_roas_rather_than_zero():
    s = snap([row("1", "100", [action("offsite_conversion.fb_pixel_add_to_cart",
                                      **{"7d_click": 40, "28d_click": 50, "1d_view": 5})])])
    [c] = Analysis.of(s).windows.rows["campaign"]
    assert c.metrics()["roas_old"] is None and c.metrics()["cost_per_result_old"] == 1.8182


ENGAGEMENT = ("link_click", "post_engagement", "page_engagement", "video_view", "comment")


def test_engagement_actions_with_windows_never_enter_the_comparison():
    # real rows carry click/view windows on engagement actions too
    busy = [action(kind, value=900, **{"1d_click": 800, "7d_click": 850, "28d_click": 900,
                                       "1d_view": 50}) for kind in ENGAGEMENT]
    purchase = action(PURCHASE, **{"1d_click": 5, "7d_click": 9, "28d_click": 12,
                                   "1d_view": 3})
    result = Analysis.of(snap([row("1", "100", [*busy, purchase])])).windows
    assert {c.action_type for c in result.rows["campaign"]} == {PURCHASE}
    assert [t.action_type for t in result.account_totals] == [PURCHASE]


@pytest.mark.parametrize(("kind", "counts"), [
    ("offsite_conversion.fb_pixel_lead", True), ("offsite_conversion.custom.123", True),
    ("app_custom_event.fb_mobile_purchase", True), ("mobile_app_install", True),
    ("offline_conversion.purchase", True), ("onsite_conversion.lead_grouped", True),
    ("lead", True), ("omni_purchase", True), ("link_click", False),
    ("post_engagement", False), ("video_view", False), ("landing_page_view", False),
])
def test_conversion_allow_list(kind, counts):
    from audit.evaluate.recommend.windows import is_conversion

    assert is_conversion(kind) is counts


def test_windows_that_do_not_nest_are_inconsistent_not_a_drop():
    odd = action(PURCHASE, **{"1d_click": 5, "7d_click": 30, "28d_click": 4, "1d_view": 2})
    fine = action(PURCHASE, **{"1d_click": 5, "7d_click": 9, "28d_click": 12, "1d_view": 3})
    s = snap([row("1", "100", [odd]), row("2", "100", [fine])])
    result = Analysis.of(s).windows
    rows = {c.object_id: c for c in result.rows["campaign"]}
    assert rows["1"].inconsistent == ["conversions: 7d_click 30 > 28d_click 4"]
    assert rows["1"].metrics()["change"] is None
    assert rows["2"].inconsistent == [] and rows["2"].metrics()["change"] is not None
    assert any("do not nest" in n for n in result.notes)
    [total] = result.account_totals
    assert total.inconsistent and total.metrics()["change"] is None
    [f] = [f for f in run_checks(Analysis.of(s)) if f.check_id == "windows_conversions_drop"]
    assert f.status is Status.SKIPPED and "do not add up" in f.message
    assert "-100%" not in f.message and f.evidence["inconsistent"]


def test_zero_conversions_are_said_to_be_zero_not_unavailable():
    zero = action(PURCHASE, **{"1d_click": 0, "7d_click": 0, "28d_click": 0, "1d_view": 0})
    other = action("offsite_conversion.fb_pixel_lead", **{"1d_click": 1, "7d_click": 2,
                                                          "28d_click": 3, "1d_view": 1})
    s = snap([row("1", "100", [zero, other])])
    found = {f.resource.id: f for f in run_checks(Analysis.of(s))
             if f.check_id == "windows_conversions_drop"}
    purchase = found[f"{ACT}:{PURCHASE}"]
    assert purchase.status is Status.SKIPPED
    assert "no conversions" in purchase.message and "unavailable" not in purchase.message
def test_stats_rows_in_any_shape_are_summed_like_the_wire_shape():
    from datetime import datetime, timezone

    from audit.facts.ads import last_seen
    from audit.facts.view import SnapshotView, sum_buckets

    buckets = [
        {"start_time": "2026-11-23T13:00:00+0000", "data": [
            {"value": "Purchase", "count": 24}, {"value": " Lead ", "count": "3"},
            {"value": "Purchase", "count": "1,000"}, {"value": "", "event": "Search", "count": 2},
            {"value": "Bad", "count": -5}, {"value": "Zero", "count": 0}, "junk", None]},
        {"start_time": "2026-11-24T09:00:00+0000", "data": [
            {"value": "Lead", "count": 1}, {"value": "Purchase", "count": 0}]},
        {"start_time": None, "data": [{"value": "Purchase", "count": 7}]},
    ]
    assert sum_buckets(buckets) == {"Purchase": 1031, "Lead": 4, "Search": 2, "Zero": 0}
    from tests.helpers import make_snapshot

    snap = make_snapshot({"pixel/9/stats/event": buckets})
    seen = last_seen(SnapshotView(snap), "9")
    day1, day2 = (datetime(2026, 11, 23, 13, tzinfo=timezone.utc),
                  datetime(2026, 11, 24, 9, tzinfo=timezone.utc))
    # (a negative count is "seen" here: only zero counts are left out)
    assert seen == {"Purchase": day1, "Lead": day2, "Bad": day1}
