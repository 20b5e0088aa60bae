"""Constants and helpers shared by the sandbox tests (a small deterministic world)."""

from __future__ import annotations

import copy
from typing import Any

import yaml
from facebook_business.api import FacebookAdsApi
from facebook_business.session import FacebookSession

from audit.sandbox import demo_world_path

NOW = "2026-03-02T12:30:00Z"  # fixed sandbox clock for the small world
TOKEN = "test-agency-token"
AGENCY = "900000001"
CLIENT = "900000002"
OTHER = "900000003"
PIXEL = "800000001"
ACCOUNT = "act_700000001"

PURCHASE_RATES = {"1d_click": 2.0, "7d_click": 3.0, "28d_click": 4.0, "1d_view": 1.0,
                  "7d_view": 1.5, "28d_view": 2.0, "value_per_conversion": 50.0}

SMALL_WORLD: dict[str, Any] = {
    "app": {"id": "111222333", "name": "Test App", "secret": "test-secret"},
    "settings": {"now": NOW, "paging": {"edges": {"adsets": {"default_limit": 4}}}},
    "tokens": [
        {"token": TOKEN, "user": {"id": "500000001", "name": "Audit Bot"},
         "scopes": ["ads_read", "ads_management", "business_management"],
         "businesses": [AGENCY], "expires": "+30d"},
        {"token": "test-expired-token", "user": {"id": "500000001", "name": "Audit Bot"},
         "scopes": ["ads_read"], "businesses": [AGENCY], "expires": "-1d"},
        {"token": "test-revoked-token", "user": {"id": "500000001", "name": "Audit Bot"},
         "scopes": ["ads_read"], "valid": False},
        {"token": "test-readonly-token", "user": {"id": "500000002", "name": "Reader"},
         "scopes": ["ads_read"], "businesses": [AGENCY]},
        {"token": "test-other-token", "user": {"id": "500000003", "name": "Outsider"},
         "scopes": ["ads_read", "business_management"], "businesses": [OTHER]},
    ],
    "businesses": [
        {"id": AGENCY, "name": "Test Agency", "clients": [CLIENT]},
        {"id": CLIENT, "name": "Test Client", "verification_status": "verified",
         "owned_domains": [{"id": "600000001", "domain_name": "example-shop.co.uk",
                            "status": "verified"}]},
        {"id": OTHER, "name": "Other Business", "owned_domains_mode": "nonexisting_field"},
    ],
    "pixels": [
        {"id": PIXEL, "name": "Client Pixel", "owner_business": CLIENT,
         "creation_time": "2020-01-02T03:04:05Z",
         "shared_with": [{"business": AGENCY, "tasks": ["ANALYZE", "ADVERTISE"]}],
         "assigned_users": [{"id": "500000001", "name": "Audit Bot", "business": AGENCY,
                             "tasks": ["ANALYZE"]}],
         "hosts": {"shop.example-shop.co.uk": 3, "www.example-shop.co.uk": 1},
         "events": {
             "Purchase": {"browser_per_day": 100, "server_per_day": 90, "last_fired": "-1m",
                          "quality": {"emq": 7.5, "match_keys": {"email": 90.0},
                                      "dedup": {"event_id": [99.0, 98.0, 95.0]}}},
             "PageView": {"browser_per_day": [10, 20, 30, 40, 50, 60, 70, 80],
                          "last_fired": "-1m"},
             "Lead": {"browser_per_day": 5, "last_fired": "-10d"},
         },
         "da_checks": [{"key": "pixel_decline", "title": "Decline", "result": "passed"}]},
        {"id": "800000002", "name": "Unshared Pixel", "owner_business": CLIENT},
        {"id": "800000003", "name": "Other Pixel", "owner_business": OTHER},
    ],
    "ad_accounts": [{
        "id": ACCOUNT, "name": "Client Account", "owner_business": CLIENT,
        "agencies": [AGENCY], "pixels": [PIXEL], "currency": "GBP",
        "campaigns": [{
            "id": "710000001", "name": "Sales", "objective": "OUTCOME_SALES",
            "adsets": [{"id": f"72000000{i}", "name": f"Ad set {i}",
                        "promoted_object": {"pixel_id": PIXEL, "custom_event_type": "PURCHASE"},
                        "delivery": {"spend_per_day": 10.0, "impressions_per_day": 1000,
                                     "clicks_per_day": 20, "active_from": "-60d",
                                     "conversions": {"offsite_conversion.fb_pixel_purchase":
                                                     dict(PURCHASE_RATES)}}}
                       for i in range(1, 10)],
        }],
        "rules": [{"id": "730000001", "name": "Legacy window rule",
                   "evaluation_spec": {"evaluation_type": "SCHEDULE", "filters": [
                       {"field": "entity_type", "value": "ADSET", "operator": "EQUAL"},
                       {"field": "attribution_window", "value": "28D_CLICK",
                        "operator": "EQUAL"}]},
                   "execution_spec": {"execution_type": "PAUSE"},
                   "schedule_spec": {"schedule_type": "DAILY"},
                   "updated_time": "-30d"}],
    }],
}


def small_world_data() -> dict[str, Any]:
    """A fresh deep copy of the small world mapping (tests may edit it)."""
    return copy.deepcopy(SMALL_WORLD)


def make_api(base_url: str, token: str = TOKEN, app_secret: str | None = None) -> FacebookAdsApi:
    """An SDK API pointed at the sandbox (never ``FacebookAdsApi.init``)."""
    api = FacebookAdsApi(FacebookSession(access_token=token, app_secret=app_secret))
    api._session.GRAPH = base_url
    return api


def demo_data(now: str | None = "2026-03-02T09:00:00Z") -> dict[str, Any]:
    """The demo world mapping, optionally with a fixed clock."""
    data = yaml.safe_load(demo_world_path().read_text(encoding="utf-8"))
    if now:
        data.setdefault("settings", {})["now"] = now
    return dict(data)
