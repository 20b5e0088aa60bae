"""Node and edge reads through the real SDK: field selection, defaults, Graph errors."""

from __future__ import annotations

import pytest
import requests
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adspixel import AdsPixel
from facebook_business.adobjects.business import Business
from facebook_business.adobjects.owneddomain import OwnedDomain
from facebook_business.api import FacebookAdsApi, FacebookRequest
from facebook_business.exceptions import FacebookRequestError
from sbx_helpers import ACCOUNT, AGENCY, CLIENT, OTHER, PIXEL, TOKEN

from audit.sandbox import SandboxServer


def _get(srv: SandboxServer, path: str, **params: str) -> requests.Response:
    return requests.get(f"{srv.base_url}/v26.0/{path}",
                        params={"access_token": TOKEN, **params}, timeout=5)


def test_node_returns_only_requested_fields_plus_id(api: FacebookAdsApi) -> None:
    pixel = AdsPixel(PIXEL, api=api).api_get(fields=["name", "last_fired_time",
                                                      "creation_time"])
    assert dict(pixel) == {"id": PIXEL, "name": "Client Pixel",
                           "last_fired_time": "2026-03-02T12:29:00+0000",
                           "creation_time": "2020-01-02T03:04:05+0000"}


def test_nested_selection_on_owner_business(api: FacebookAdsApi) -> None:
    pixel = AdsPixel(PIXEL, api=api).api_get(fields=["owner_business{id,name}"])
    assert pixel["owner_business"]["name"] == "Test Client"
    with pytest.raises(FacebookRequestError) as info:
        AdsPixel(PIXEL, api=api).api_get(fields=["owner_business{id,nme}"])
    assert info.value.api_error_message() == (
        "(#100) Tried accessing nonexisting field (nme) on node type (Business)")


def test_nonexisting_field_error(api: FacebookAdsApi) -> None:
    with pytest.raises(FacebookRequestError) as info:
        AdsPixel(PIXEL, api=api).api_get(fields=["name", "domain_list"])
    err = info.value
    assert err.http_status() == 400
    assert err.api_error_code() == 100
    assert err.api_error_message() == (
        "(#100) Tried accessing nonexisting field (domain_list) on node type (AdsPixel)")


def test_default_fields_without_fields_param(srv: SandboxServer) -> None:
    body = _get(srv, f"{PIXEL}/").json()
    assert body == {"id": PIXEL, "name": "Client Pixel"}
    assert _get(srv, PIXEL).json() == body  # trailing slash optional


def test_unknown_id_and_unknown_edge(srv: SandboxServer) -> None:
    missing = _get(srv, "123456/")
    assert missing.status_code == 400
    error = missing.json()["error"]
    assert (error["code"], error["error_subcode"]) == (100, 33)
    assert "Object with ID '123456' does not exist" in error["message"]
    edge = _get(srv, f"{PIXEL}/owned_domains").json()["error"]
    assert edge["message"] == ("(#100) Tried accessing nonexisting field (owned_domains) "
                               "on node type (AdsPixel)")
    deep = _get(srv, f"{PIXEL}/stats/extra").json()["error"]
    assert deep["code"] == 2500


def test_version_is_required_and_checked(srv: SandboxServer) -> None:
    no_version = requests.get(f"{srv.base_url}/{PIXEL}/", params={"access_token": TOKEN},
                              timeout=5)
    assert no_version.status_code == 400
    assert no_version.json()["error"]["code"] == 2500
    old = requests.get(f"{srv.base_url}/v19.0/{PIXEL}/", params={"access_token": TOKEN},
                       timeout=5).json()["error"]
    assert old["code"] == 2635


def test_business_edges_with_sdk(api: FacebookAdsApi) -> None:
    client_pixels = list(Business(AGENCY, api=api).get_client_pixels(
        fields=["name", "permitted_tasks"]))
    assert [(p["id"], p["permitted_tasks"]) for p in client_pixels] == [
        (PIXEL, ["ANALYZE", "ADVERTISE"])]
    owned = list(Business(CLIENT, api=api).get_owned_pixels(fields=["name"]))
    assert [p["id"] for p in owned] == [PIXEL]  # the unshared pixel is not visible
    accounts = list(Business(AGENCY, api=api).get_client_ad_accounts(fields=["name"]))
    assert [a["id"] for a in accounts] == [ACCOUNT]


def test_owned_domains_through_generic_request(api: FacebookAdsApi) -> None:
    request = FacebookRequest(node_id=CLIENT, method="GET", endpoint="/owned_domains", api=api,
                              target_class=OwnedDomain, api_type="EDGE")
    request.add_fields(["domain_name", "status", "owner_business{id,name}"])
    domains = [d.export_all_data() for d in request.execute()]
    assert domains == [{"id": "600000001", "domain_name": "example-shop.co.uk",
                        "status": "verified",
                        "owner_business": {"id": CLIENT, "name": "Test Client"}}]


def test_owned_domains_switch_answers_nonexisting_field(srv: SandboxServer) -> None:
    body = requests.get(f"{srv.base_url}/v26.0/{OTHER}/owned_domains",
                        params={"access_token": "test-other-token"}, timeout=5).json()
    assert body["error"]["message"] == ("(#100) Tried accessing nonexisting field "
                                        "(owned_domains) on node type (Business)")


def test_pixel_sharing_edges(srv: SandboxServer) -> None:
    agencies = _get(srv, f"{PIXEL}/agencies").json()["data"]
    assert agencies == [{"id": AGENCY, "name": "Test Agency",
                         "permitted_tasks": ["ANALYZE", "ADVERTISE"], "permitted_roles": []}]
    missing = _get(srv, f"{PIXEL}/assigned_users").json()["error"]
    assert missing["message"] == "(#100) The parameter business is required"
    users = _get(srv, f"{PIXEL}/assigned_users", business=AGENCY,
                 fields="name,tasks,business").json()["data"]
    assert users == [{"id": "500000001", "name": "Audit Bot", "tasks": ["ANALYZE"],
                      "business": {"id": AGENCY, "name": "Test Agency"}}]
    shared = _get(srv, f"{PIXEL}/shared_accounts", business=CLIENT).json()
    assert shared == {"data": [{"id": ACCOUNT, "account_id": "700000001"}]}


def test_account_edges_and_fields(api: FacebookAdsApi) -> None:
    account = AdAccount(ACCOUNT, api=api).api_get(fields=["name", "currency", "business",
                                                          "is_attribution_spec_system_default"])
    assert account["currency"] == "GBP"
    assert account["business"]["id"] == CLIENT
    assert account["is_attribution_spec_system_default"] is True
    adset = next(iter(AdAccount(ACCOUNT, api=api).get_ad_sets(
        fields=["name", "promoted_object", "attribution_spec", "campaign{name}"])))
    assert adset["promoted_object"]["custom_event_type"] == "PURCHASE"
    assert adset["campaign"]["name"] == "Sales"
    assert [s["window_days"] for s in adset["attribution_spec"]] == [7, 1]
    pixels = list(AdAccount(ACCOUNT, api=api).get_ads_pixels(fields=["name"]))
    assert [p["id"] for p in pixels] == [PIXEL]


def test_da_checks_and_last_fired_edges(srv: SandboxServer) -> None:
    checks = _get(srv, f"{PIXEL}/da_checks").json()["data"]
    assert checks == [{"key": "pixel_decline", "title": "Decline", "result": "passed"}]
    need = _get(srv, f"{PIXEL}/domain_last_fired_time").json()["error"]
    assert need["message"] == "(#100) The parameter domain_name_list is required"
    fired = _get(srv, f"{PIXEL}/domain_last_fired_time",
                 domain_name_list='["example-shop.co.uk","nothing.example"]').json()["data"]
    assert fired[0] == {"domain_name": "example-shop.co.uk", "last_fired_time": 1772454540}
    assert fired[1] == {"domain_name": "nothing.example"}
    events = _get(srv, f"{PIXEL}/event_last_fired_time", event="Lead").json()["data"]
    assert events == [{"event": "Lead", "last_fired_time": 1772454600 - 10 * 86400}]


def test_me_and_permissions(srv: SandboxServer) -> None:
    assert _get(srv, "me").json() == {"id": "500000001", "name": "Audit Bot"}
    perms = _get(srv, "me/permissions").json()["data"]
    assert {"permission": "business_management", "status": "granted"} in perms


def test_field_expansion_of_edges(srv: SandboxServer) -> None:
    body = _get(srv, ACCOUNT, fields="name,adsets{name}.limit(2),"
                                     "insights.date_preset(last_7d){spend}").json()
    assert body["name"] == "Client Account"
    assert [a["name"] for a in body["adsets"]["data"]] == ["Ad set 1", "Ad set 2"]
    assert "next" in body["adsets"]["paging"]
    assert body["insights"]["data"] == [{"spend": "630.00"}]
    bad = _get(srv, ACCOUNT, fields="adsets{nme}").json()["error"]
    assert bad["message"] == "(#100) Tried accessing nonexisting field (nme) on node type (AdSet)"
