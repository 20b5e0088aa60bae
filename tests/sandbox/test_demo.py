"""The demo world and config: every client shows the state it is meant to show."""

from __future__ import annotations

import json
from typing import Any

import requests
import yaml

from audit.graph import reads
from audit.sandbox import SandboxServer, demo_config_path, demo_world_path, load_world

AGENCY_TOKEN = "sandbox-agency-token"
CLIENT2_TOKEN = "sandbox-client2-token"


def _get(srv: SandboxServer, path: str, token: str = AGENCY_TOKEN, **params: str) -> Any:
    return requests.get(f"{srv.base_url}/v26.0/{path}",
                        params={"access_token": token, **params}, timeout=5).json()


def test_config_matches_world() -> None:
    config = yaml.safe_load(demo_config_path().read_text(encoding="utf-8"))
    world = load_world(demo_world_path())
    assert config["agency"]["business_id"] in world.businesses
    assert config["graph"]["base_url"] == "http://127.0.0.1:0"
    assert len(config["clients"]) >= 5
    for client in config["clients"]:
        assert client["business_id"] in world.businesses
        assert all(a in world.ad_accounts for a in client["ad_accounts"])
        assert all(p in world.pixels for p in client.get("pixels", []))
        assert client["aem_mode"] in ("legacy", "relaxed", "auto")
    text = demo_config_path().read_text(encoding="utf-8")
    assert "IOS14_DEMO_AGENCY_TOKEN   <- sandbox-agency-token" in text
    assert "IOS14_DEMO_CLIENT2_TOKEN  <- sandbox-client2-token" in text


def test_owned_domains_answers_nonexisting_field_on_every_business(demo_srv: SandboxServer
                                                                     ) -> None:
    # as on current Graph versions: the edge left the Business node
    config = yaml.safe_load(demo_config_path().read_text(encoding="utf-8"))
    for business in [config["agency"]["business_id"],
                     *(c["business_id"] for c in config["clients"])]:
        error = _get(demo_srv, f"{business}/owned_domains", fields="domain_name")["error"]
        assert error["code"] == 100
        assert error["message"] == ("(#100) Tried accessing nonexisting field (owned_domains) "
                                    "on node type (Business)")


def test_ready_client(demo_srv: SandboxServer) -> None:
    pixels = _get(demo_srv, "5566778899/client_pixels", fields="permitted_tasks")["data"]
    lumen = next(p for p in pixels if p["id"] == "200000000000001")
    assert lumen["permitted_tasks"] == ["ANALYZE", "ADVERTISE", "UPLOAD"]
    quality = _get(demo_srv, "dataset_quality", dataset_id="200000000000001",
                   fields="web{event_name,event_match_quality{composite_score}}")["web"]
    assert min(e["event_match_quality"]["composite_score"] for e in quality) >= 7.5


def test_access_gaps_client(demo_srv: SandboxServer) -> None:
    assert _get(demo_srv, "200000000000003/")["error"]["code"] == 200
    agencies = _get(demo_srv, "200000000000003/agencies", CLIENT2_TOKEN)["data"]
    assert agencies == []
    analyze = _get(demo_srv, "200000000000002/agencies", CLIENT2_TOKEN)["data"]
    assert analyze[0]["permitted_tasks"] == ["ANALYZE"]
    unconnected = _get(demo_srv, "200000000000004/shared_accounts", CLIENT2_TOKEN,
                       business="1000000000002")
    assert unconnected == {"data": []}
    token = _get(demo_srv, "debug_token", CLIENT2_TOKEN, input_token=CLIENT2_TOKEN)["data"]
    assert 4 * 86400 < token["expires_at"] - 1772442000 <= 5 * 86400


def test_silent_pixels_client(demo_srv: SandboxServer) -> None:
    error = _get(demo_srv, "1000000000003/owned_domains")["error"]
    assert "nonexisting field (owned_domains)" in error["message"]
    unavailable = _get(demo_srv, "200000000000007/", fields="is_unavailable,last_fired_time")
    assert unavailable["is_unavailable"] is True
    hosts = _get(demo_srv, "200000000000005/stats", aggregation="host", limit="500")["data"]
    assert "checkout.tidewater-roasters.com" in {r["value"] for b in hosts for r in b["data"]}
    server = _get(demo_srv, "200000000000005/stats", event_source="SERVER_ONLY")
    assert server == {"data": []}
    events = {r["value"] for b in _get(demo_srv, "200000000000005/stats", limit="500")["data"]
              for r in b["data"]}
    assert "Purchase" not in events  # the ad sets optimise for an event silent for 9 days


def test_large_client_rules_and_events(demo_srv: SandboxServer) -> None:
    rules = _get(demo_srv, "act_100000000004/adrules_library",
                 fields="name,evaluation_spec")["data"]
    text = json.dumps(rules)
    assert "1D_VIEW_28D_CLICK" in text and "28D_CLICK" in text
    assert "28d_click:lifetime_purchase_fb" in text
    assert "campaign.28d_view_1d_click:lifetime_cost_per_purchase_fb" in text
    totals = _get(demo_srv, "200000000000008/stats", aggregation="event_total_counts")
    ranking = [row["value"] for row in totals["data"][0]["data"]]
    assert len(ranking) >= 20 and "Purchase" not in ranking[:8]
    app = _get(demo_srv, "120240000000401/", fields="objective,is_skadnetwork_attribution")
    assert app == {"id": "120240000000401", "objective": "OUTCOME_APP_PROMOTION",
                   "is_skadnetwork_attribution": False}


def test_lead_gen_client(demo_srv: SandboxServer) -> None:
    web = _get(demo_srv, "dataset_quality", dataset_id="200000000000011",
               fields="web{event_name,event_match_quality{composite_score},"
                      "dedupe_key_feedback{dedupe_key,overall_browser_coverage_from_dedupe_key}}"
               )["web"]
    leads = next(e for e in web if e["event_name"] == "Lead")
    assert leads["event_match_quality"]["composite_score"] < 6
    event_id = leads["dedupe_key_feedback"][0]
    assert event_id["overall_browser_coverage_from_dedupe_key"]["percentage"] == 0.0


def test_large_client_legacy_account_attribution(demo_srv: SandboxServer) -> None:
    account = _get(demo_srv, "act_100000000004/",
                   fields="attribution_spec,is_attribution_spec_system_default")
    assert account["is_attribution_spec_system_default"] is False
    assert account["attribution_spec"][0] == {"event_type": "CLICK_THROUGH", "window_days": 28}


def test_dataset_quality_refuses_the_misspelt_dedup_field(demo_srv: SandboxServer) -> None:
    misspelt = _get(demo_srv, "dataset_quality", dataset_id="200000000000001",
                    fields="web{event_name,dedup_key_feedback}")["error"]
    assert misspelt["code"] == 100
    assert "nonexisting field (dedup_key_feedback)" in misspelt["message"]
    # the audit's own read (every sub-field it parses) is answered in full
    web = _get(demo_srv, "dataset_quality", dataset_id="200000000000001",
               fields=reads.DATASET_QUALITY_FIELDS[0])["web"]
    purchase = next(e for e in web if e["event_name"] == "Purchase")
    assert purchase["event_match_quality"]["composite_score"] == 9.1
    assert [k["dedupe_key"] for k in purchase["dedupe_key_feedback"]] == ["event_id",
                                                                          "external_id"]
    assert purchase["dedupe_key_feedback"][0]["overall_browser_coverage_from_dedupe_key"] == {
        "percentage": 98.6}
    assert purchase["data_freshness"] == {"upload_frequency": "real_time"}
