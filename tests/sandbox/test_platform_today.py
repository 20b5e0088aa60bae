"""Issue 18 in the sandbox: 1d_ev answered like the other windows, offline event sets,
custom conversion flags, per-key uplift in the Dataset Quality API, tokens that never
expire."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import requests

from audit.sandbox import SandboxServer, parse_world
from audit.sandbox.world.validate import WorldError

TOKEN = "t-agency"
AGENCY, CLIENT = "900000001", "900000002"
ACCOUNT = "act_700000009"
PURCHASE = "offsite_conversion.fb_pixel_purchase"
EV_SPEC = [{"event_type": "CLICK_THROUGH", "window_days": 7},
           {"event_type": "VIEW_THROUGH", "window_days": 1},
           {"event_type": "ENGAGED_VIDEO_VIEW", "window_days": 1}]
RATES = {"7d_click": 2.0, "1d_view": 1.0, "1d_ev": 1.0}


def _world(**extra: Any) -> dict[str, Any]:
    def adset(adset_id: str, **fields: Any) -> dict[str, Any]:
        return {"id": adset_id, "name": f"Set {adset_id}", **fields,
                "delivery": {"spend_per_day": 10, "impressions_per_day": 100,
                             "active_from": "-30d", "conversions": {PURCHASE: dict(RATES)}}}

    data: dict[str, Any] = {
        "app": {"id": "111222333", "name": "Test App", "secret": "test-secret"},
        "settings": {"now": "2026-03-02T12:30:00Z"},
        "tokens": [{"token": TOKEN, "user": {"id": "500000001", "name": "Bot"},
                    "scopes": ["ads_read", "ads_management", "business_management"],
                    "businesses": [AGENCY], "expires": "never", "data_access_expires": "never"}],
        "businesses": [{"id": AGENCY, "name": "Agency", "clients": [CLIENT]},
                       {"id": CLIENT, "name": "Client"}],
        "offline_event_sets": [{"id": "410000009", "name": "Stores (offline)",
                                "owner_business": CLIENT, "ad_accounts": [ACCOUNT],
                                "last_fired_time": "2025-05-13T20:00:00Z"}],
        "ad_accounts": [{
            "id": ACCOUNT, "name": "Client AU", "owner_business": CLIENT, "agencies": [AGENCY],
            "campaigns": [{"id": "1201", "name": "C", "adsets": [
                adset("12011", attribution_spec=EV_SPEC),
                adset("12012", promoted_object={"offline_conversion_data_set_id": "410000009",
                                                "custom_event_type": "PURCHASE"})]}],
            "custom_conversions": [
                {"id": "7001", "name": "Store purchase", "custom_event_type": "PURCHASE",
                 "offline_conversion_data_set": "410000009"},
                {"id": "7002", "name": "Credit score 700+", "custom_event_type": "LEAD",
                 "is_unavailable": True}]}],
    }
    data.update(extra)
    return data


def _get(srv: SandboxServer, path: str, token: str = TOKEN, **params: str) -> Any:
    return requests.get(f"{srv.base_url}/v26.0/{path}",
                        params={"access_token": token, **params}, timeout=5).json()


@pytest.fixture
def world_srv(start_server: Callable[..., SandboxServer]) -> SandboxServer:
    return start_server(_world())


def test_engaged_view_is_answered_like_the_other_windows(world_srv: SandboxServer) -> None:
    body = _get(world_srv, f"{ACCOUNT}/insights", level="adset", date_preset="last_7d",
                fields="adset_id,actions,attribution_setting",
                action_attribution_windows='["7d_click","1d_view","1d_ev"]')
    rows = {r["adset_id"]: r for r in body["data"]}
    entry = {k: next(e for e in r["actions"] if e["action_type"] == PURCHASE)
             for k, r in rows.items()}
    # 7 complete days (2026-02-23 to 03-01) at 2, 1 and 1 a day: 14, 7 and 7
    for adset_id in ("12011", "12012"):
        assert (entry[adset_id]["7d_click"], entry[adset_id]["1d_view"],
                entry[adset_id]["1d_ev"]) == ("14", "7", "7")
    # value follows each ad set's setting: with engaged view 14 + 7 + 7, without 14 + 7
    assert entry["12011"]["value"] == "28"
    assert entry["12012"]["value"] == "21"
    assert rows["12011"]["attribution_setting"] == "7d_click_1d_view_1d_ev"


def test_engaged_view_not_in_the_world_is_omitted_not_zero(
        start_server: Callable[..., SandboxServer]) -> None:
    data = _world()
    for campaign in data["ad_accounts"][0]["campaigns"]:
        for adset in campaign["adsets"]:
            adset["delivery"]["conversions"][PURCHASE].pop("1d_ev")
    srv = start_server(data)
    body = _get(srv, f"{ACCOUNT}/insights", date_preset="last_7d", fields="actions",
                action_attribution_windows='["7d_click","1d_ev"]')
    entry = next(e for e in body["data"][0]["actions"] if e["action_type"] == PURCHASE)
    assert "1d_ev" not in entry and entry["7d_click"] == "28"


def test_offline_event_set_node_and_the_accounts_it_is_attached_to(
        world_srv: SandboxServer) -> None:
    node = _get(world_srv, "410000009/",
                fields="id,name,is_unavailable,last_fired_time,owner_business")
    assert node == {"id": "410000009", "name": "Stores (offline)", "is_unavailable": False,
                    "last_fired_time": "2025-05-13T20:00:00+0000",
                    "owner_business": {"id": CLIENT, "name": "Client"}}
    shared = _get(world_srv, "410000009/shared_accounts", business=CLIENT,
                  fields="id,account_id,name")
    assert shared["data"] == [{"id": ACCOUNT, "account_id": "700000009", "name": "Client AU"}]
    # the agency is a partner on the account (default AdAccount fields: id, account_id)
    assert _get(world_srv, "410000009/shared_accounts", business=AGENCY)["data"] == [
        {"id": ACCOUNT, "account_id": "700000009"}]
    bad = _get(world_srv, "410000009/", fields="id,upload_tag")["error"]
    assert bad["code"] == 100 and "OfflineConversionDataSet" in bad["message"]
    assert _get(world_srv, "410000009/uploads")["error"]["code"] == 100


def test_custom_conversions_carry_the_flag_and_the_offline_set(world_srv: SandboxServer) -> None:
    body = _get(world_srv, f"{ACCOUNT}/customconversions",
                fields="id,is_unavailable,offline_conversion_data_set,action_source_type")
    by_id = {c["id"]: c for c in body["data"]}
    assert by_id["7001"]["offline_conversion_data_set"] == {"id": "410000009",
                                                            "name": "Stores (offline)"}
    assert by_id["7001"]["is_unavailable"] is False  # not flagged unless the world says so
    assert by_id["7002"]["is_unavailable"] is True
    adsets = _get(world_srv, f"{ACCOUNT}/adsets", fields="id,promoted_object")["data"]
    assert {a["id"]: a.get("promoted_object", {}).get("offline_conversion_data_set_id")
            for a in adsets} == {"12011": None, "12012": "410000009"}


def test_debug_token_reports_zero_for_never_on_both_expiries(world_srv: SandboxServer) -> None:
    data = _get(world_srv, "debug_token", input_token=TOKEN)["data"]
    assert (data["expires_at"], data["data_access_expires_at"]) == (0, 0)


def test_unknown_offline_set_is_a_world_error_naming_the_key() -> None:
    data = _world()
    data["ad_accounts"][0]["custom_conversions"][0]["offline_conversion_data_set"] = "999"
    with pytest.raises(WorldError, match=r"custom_conversions\[0\]\.offline_conversion_data_set"):
        parse_world(data)


def test_dataset_quality_reports_the_uplift_of_each_match_key(demo_srv: SandboxServer) -> None:
    fields = ("web{event_name,event_match_quality{composite_score,match_key_feedback{"
              "identifier,coverage{percentage},potential_aly_acr_increase{percentage}}}}")
    web = _get(demo_srv, "dataset_quality", "sandbox-agency-token",
               dataset_id="200000000000011", fields=fields)["web"]
    lead = next(e for e in web if e["event_name"] == "Lead")
    keys = {k["identifier"]: k for k in lead["event_match_quality"]["match_key_feedback"]}
    # the demo world: email sent with 31% (+18.4), external_id not sent at all (+9.6)
    assert keys["email"] == {"identifier": "email", "coverage": {"percentage": 31.0},
                             "potential_aly_acr_increase": {"percentage": 18.4}}
    assert keys["external_id"] == {"identifier": "external_id",
                                   "potential_aly_acr_increase": {"percentage": 9.6}}
    assert "potential_aly_acr_increase" not in keys["user_agent"]
