"""Insights: attribution windows, the view-window cutoff, exact scaling, sync limits, async."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adreportrun import AdReportRun
from facebook_business.exceptions import FacebookRequestError
from sbx_helpers import ACCOUNT, TOKEN, make_api, small_world_data

from audit.sandbox import SandboxServer

PURCHASE = "offsite_conversion.fb_pixel_purchase"
ALL_WINDOWS = '["1d_click","7d_click","28d_click","1d_view","7d_view","28d_view"]'


def _insights(srv: SandboxServer, method: str = "GET", **params: str) -> requests.Response:
    url = f"{srv.base_url}/v26.0/{ACCOUNT}/insights"
    if method == "POST":
        return requests.post(url, params={"access_token": TOKEN}, data=params, timeout=5)
    return requests.get(url, params={"access_token": TOKEN, **params}, timeout=5)


def _entry(row: dict[str, Any], key: str = "actions") -> dict[str, str]:
    return next(e for e in row[key] if e["action_type"] == PURCHASE)


def test_windows_and_value_per_adset(srv: SandboxServer) -> None:
    body = _insights(srv, level="adset", date_preset="last_7d", limit="50",
                     fields="adset_id,adset_name,spend,actions,action_values,date_start,"
                            "date_stop,attribution_setting",
                     action_attribution_windows=ALL_WINDOWS).json()
    rows = body["data"]
    assert len(rows) == 9
    row = rows[0]
    assert (row["date_start"], row["date_stop"]) == ("2026-02-23", "2026-03-01")
    assert row["spend"] == "70.00"
    assert row["attribution_setting"] == "7d_click_1d_view"
    purchase = _entry(row)
    # 7 days x rates; value = 7d_click + 1d_view (the ad set's attribution setting)
    assert purchase == {"action_type": PURCHASE, "value": "28", "1d_click": "14",
                        "7d_click": "21", "28d_click": "28", "1d_view": "7"}
    assert _entry(row, "action_values")["value"] == "1400.00"
    omni = next(e for e in row["actions"] if e["action_type"] == "omni_purchase")
    assert omni["value"] == "28"


def test_view_windows_before_the_cutoff(start_server: Callable[..., SandboxServer]) -> None:
    data = small_world_data()
    data["settings"]["view_windows_removed_on"] = "2026-06-01"
    srv = start_server(data)
    row = _insights(srv, date_preset="last_7d", fields="actions",
                    action_attribution_windows=ALL_WINDOWS).json()["data"][0]
    purchase = _entry(row)
    assert purchase["7d_view"] == str(9 * 10)  # 9 ad sets x round(1.5 x days) telescoped
    assert purchase["28d_view"] == str(9 * 14)


def test_daily_rows_sum_to_the_range(srv: SandboxServer) -> None:
    daily = _insights(srv, time_increment="1", fields="spend,actions,date_start",
                      time_range='{"since":"2026-02-01","until":"2026-02-10"}',
                      action_attribution_windows='["7d_click","1d_view"]').json()["data"]
    total = _insights(srv, fields="spend,actions",
                      time_range='{"since":"2026-02-01","until":"2026-02-10"}',
                      action_attribution_windows='["7d_click","1d_view"]').json()["data"][0]
    assert len(daily) == 10 and daily[0]["date_start"] == "2026-02-01"
    for key in ("7d_click", "1d_view", "value"):
        assert sum(int(_entry(r)[key]) for r in daily) == int(_entry(total)[key])
    assert sum(float(r["spend"]) for r in daily) == pytest.approx(float(total["spend"]))


def test_mixed_attribution_settings_hide_the_value(
        start_server: Callable[..., SandboxServer]) -> None:
    data = small_world_data()
    adset = data["ad_accounts"][0]["campaigns"][0]["adsets"][0]
    adset["attribution_spec"] = [{"event_type": "CLICK_THROUGH", "window_days": 1}]
    srv = start_server(data)
    plain = _insights(srv, fields="actions,attribution_setting").json()["data"][0]
    assert plain["attribution_setting"] == "mixed"
    assert [e["action_type"] for e in plain["actions"]] == ["link_click"]
    windows = _insights(srv, fields="actions",
                        action_attribution_windows='["7d_click"]').json()["data"][0]
    assert "value" not in _entry(windows) and "7d_click" in _entry(windows)


def test_parameter_errors(srv: SandboxServer) -> None:
    composite = _insights(srv, action_attribution_windows='["7d_view_1d_click"]').json()
    assert composite["error"]["message"].startswith(
        "(#100) action_attribution_windows[0] must be one of the following values")
    field = _insights(srv, fields="spend,landing_page_views").json()["error"]
    assert field["message"].startswith("(#100) landing_page_views is not valid for fields param")
    old = _insights(srv, time_range='{"since":"2020-01-01","until":"2020-02-01"}').json()
    assert old["error"]["code"] == 3018


def test_too_much_data_for_sync(start_server: Callable[..., SandboxServer]) -> None:
    data = small_world_data()
    data["settings"]["insights_sync_max_rows"] = 5
    srv = start_server(data)
    response = _insights(srv, level="adset", fields="spend")
    error = response.json()["error"]
    assert response.status_code == 500
    assert (error["code"], error["error_subcode"]) == (1, 99)
    assert error["message"].startswith("Please reduce the amount of data")
    assert _insights(srv, level="account", fields="spend").status_code == 200


def test_async_report_flow_with_the_sdk(srv: SandboxServer) -> None:
    api = make_api(srv.base_url)
    job = AdAccount(ACCOUNT, api=api).get_insights(
        fields=["adset_id", "spend"], params={"level": "adset", "date_preset": "last_30d"},
        is_async=True)
    statuses = []
    for _ in range(5):
        job = job.api_get()
        statuses.append(job[AdReportRun.Field.async_status])
        if statuses[-1] == "Job Completed":
            break
    assert statuses == ["Job Not Started", "Job Running", "Job Completed"]
    assert job[AdReportRun.Field.async_percent_completion] == 100
    rows = list(job.get_insights())
    assert len(rows) == 9 and rows[0]["spend"] == "300.00"
    assert set(rows[0].export_all_data()) == {"adset_id", "spend"}


def test_report_not_ready_and_failed(srv: SandboxServer) -> None:
    run_id = _insights(srv, "POST", fields='["spend"]').json()["report_run_id"]
    early = requests.get(f"{srv.base_url}/v26.0/{run_id}/insights",
                         params={"access_token": TOKEN}, timeout=5).json()
    assert early["error"]["code"] == 100
    srv.add_fault(r"^act_700000001/insights$", method="POST", kind="job_failed", code=None)
    failed_id = _insights(srv, "POST", fields='["spend"]').json()["report_run_id"]
    status = requests.get(f"{srv.base_url}/v26.0/{failed_id}/",
                          params={"access_token": TOKEN}, timeout=5).json()
    assert status["async_status"] == "Job Failed"


def test_demo_long_purchase_cycle_and_sync_limit(demo_srv: SandboxServer) -> None:
    url = f"{demo_srv.base_url}/v26.0/act_100000000004/insights"
    params = {"access_token": "sandbox-agency-token", "date_preset": "last_28d"}
    too_big = requests.get(url, params={**params, "level": "adset"}, timeout=5)
    assert too_big.status_code == 500
    row = requests.get(url, params={**params, "fields": "actions",
                                    "action_attribution_windows": '["7d_click","28d_click"]'},
                       timeout=5).json()["data"][0]
    purchase = next(e for e in row["actions"] if e["action_type"] == PURCHASE)
    assert int(purchase["28d_click"]) > 1.8 * int(purchase["7d_click"])
    ready = requests.get(f"{demo_srv.base_url}/v26.0/act_100000000001/insights",
                         params={**params, "fields": "actions",
                                 "action_attribution_windows": '["7d_click","28d_click"]'},
                         timeout=5).json()["data"][0]
    small = next(e for e in ready["actions"] if e["action_type"] == PURCHASE)
    assert int(small["28d_click"]) < 1.15 * int(small["7d_click"])


def test_insights_of_an_account_outside_the_token_reach(srv: SandboxServer) -> None:
    with pytest.raises(FacebookRequestError) as info:
        list(AdAccount(ACCOUNT, api=make_api(srv.base_url, "test-other-token")).get_insights())
    assert info.value.api_error_code() == 200
