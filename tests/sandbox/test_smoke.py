"""Every served endpoint answers Graph-shaped JSON (no sandbox crash) on the demo world."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from audit.sandbox import SandboxServer

TOKEN = "sandbox-agency-token"
GETS: list[tuple[str, dict[str, str]]] = [
    ("me/businesses", {}), ("me/adaccounts", {"fields": "name,currency"}),
    ("5566778899/agencies", {}), ("5566778899/clients", {"fields": "name"}),
    ("1000000000004/adspixels", {"sort_by": "NAME", "name_filter": "aurora"}),
    ("1000000000004/owned_ad_accounts", {"fields": "name,business{name}"}),
    ("200000000000008/stats", {"aggregation": "device_type"}),
    ("200000000000008/stats", {"aggregation": "browser_type", "event_source": "WEB_ONLY"}),
    ("200000000000008/stats", {"aggregation": "event_source"}),
    ("200000000000008/stats", {"aggregation": "pixel_fire"}),
    ("200000000000008/stats", {"aggregation": "match_keys"}),
    ("200000000000008/shared_agencies", {}),
    ("200000000000008/adaccounts", {"business": "1000000000004"}),
    ("200000000000008/da_checks", {"checks": '["pixel_decline"]', "connection_method": "ALL"}),
    ("act_100000000004/campaigns", {"effective_status": '["PAUSED"]', "fields": "name"}),
    ("act_100000000004/adsets", {"filtering": '[{"field":"adset.optimization_goal",'
                                              '"operator":"EQUAL","value":"VALUE"}]'}),
    ("act_100000000004/customconversions", {"fields": "name,rule,pixel,custom_event_type"}),
    ("act_100000000004/insights", {"level": "campaign", "time_increment": "monthly",
                                   "date_preset": "last_90d", "fields": "campaign_name,spend"}),
    ("act_100000000005/insights", {"level": "ad", "fields": "ad_id,ad_name,spend,cpc,ctr"}),
    ("act_100000000005/insights", {"filtering": '[{"field":"campaign.id","operator":"IN",'
                                                '"value":["120250000000502"]}]',
                                   "fields": "spend,cost_per_action_type"}),
    ("120250000000501/adsets", {"fields": "name,attribution_spec"}),
    ("120250000000501/insights", {"fields": "spend"}),
    ("120250000005101/insights", {"date_preset": "this_quarter"}),
    ("700000000000401/", {"fields": "name,rule,pixel{name}"}),
    ("310000000000101/", {"fields": "domain_name,owner_business"}),
    ("act_100000000001/ads", {}),
]


def _graph_shaped(body: Any) -> bool:
    return isinstance(body, dict) and ("error" in body or "data" in body or "id" in body)


@pytest.mark.parametrize(("path", "params"), GETS)
def test_get_endpoints_answer(demo_srv: SandboxServer, path: str,
                              params: dict[str, str]) -> None:
    response = requests.get(f"{demo_srv.base_url}/v26.0/{path}",
                            params={"access_token": TOKEN, **params}, timeout=5)
    assert response.status_code == 200, response.text
    assert _graph_shaped(response.json())


def test_pixel_settings_update_needs_edit_task(demo_srv: SandboxServer) -> None:
    url = f"{demo_srv.base_url}/v26.0/200000000000001/"
    denied = requests.post(url, params={"access_token": TOKEN},
                           data={"enable_automatic_matching": "false"}, timeout=5)
    assert denied.status_code == 403
    allowed = requests.post(f"{demo_srv.base_url}/v26.0/200000000000008/",
                            params={"access_token": TOKEN},
                            data={"automatic_matching_fields": '["em","ph"]'}, timeout=5)
    assert allowed.json() == {"success": True}
    assert demo_srv.state.pixels["200000000000008"].fields["automatic_matching_fields"] == [
        "em", "ph"]
    demo_srv.reset_state()
