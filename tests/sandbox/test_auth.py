"""Authentication, appsecret_proof, scopes, business restriction and debug_token."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

import pytest
import requests
from facebook_business.adobjects.adspixel import AdsPixel
from facebook_business.exceptions import FacebookRequestError
from sbx_helpers import AGENCY, CLIENT, PIXEL, TOKEN, make_api, small_world_data

from audit.sandbox import SandboxServer


def _get(srv: SandboxServer, path: str, **params: str) -> requests.Response:
    return requests.get(f"{srv.base_url}/v26.0/{path}", params=params, timeout=5)


def test_missing_token(srv: SandboxServer) -> None:
    response = _get(srv, f"{PIXEL}/")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == 104
    assert response.json()["error"]["message"] == (
        "An access token is required to request this resource.")


def test_invalid_expired_and_revoked_tokens(srv: SandboxServer) -> None:
    unknown = _get(srv, "me", access_token="not-a-token").json()["error"]
    assert (unknown["code"], unknown["message"]) == (
        190, "Invalid OAuth access token - Cannot parse access token")
    assert "not-a-token" not in unknown["message"]
    expired = _get(srv, "me", access_token="test-expired-token").json()["error"]
    assert (expired["code"], expired["error_subcode"]) == (190, 463)
    assert "Session has expired" in expired["message"]
    revoked = _get(srv, "me", access_token="test-revoked-token").json()["error"]
    assert (revoked["code"], revoked["error_subcode"]) == (190, 460)


def test_appsecret_proof_required(start_server: Callable[..., SandboxServer]) -> None:
    data = small_world_data()
    data["app"]["require_appsecret_proof"] = True
    srv = start_server(data)
    # The SDK computes appsecret_proof itself when given the app secret.
    good = AdsPixel(PIXEL, api=make_api(srv.base_url, app_secret="test-secret"))
    assert good.api_get(fields=["name"])["name"] == "Client Pixel"
    with pytest.raises(FacebookRequestError) as info:
        AdsPixel(PIXEL, api=make_api(srv.base_url, app_secret="wrong-secret")).api_get()
    assert info.value.api_error_message() == (
        "Invalid appsecret_proof provided in the API argument")
    missing = _get(srv, "me", access_token=TOKEN).json()["error"]
    assert missing["code"] == 100 and "require an appsecret_proof" in missing["message"]
    proof = hmac.new(b"test-secret", TOKEN.encode(), hashlib.sha256).hexdigest()
    assert _get(srv, "me", access_token=TOKEN, appsecret_proof=proof).status_code == 200


def test_business_restriction(srv: SandboxServer) -> None:
    outsider = _get(srv, f"{PIXEL}/", access_token="test-other-token")
    assert outsider.status_code == 403
    assert outsider.json()["error"]["code"] == 200
    unshared = _get(srv, "800000002/", access_token=TOKEN).json()["error"]
    assert unshared["code"] == 200
    assert _get(srv, f"{CLIENT}/", access_token=TOKEN).status_code == 200  # client business
    assert _get(srv, f"{AGENCY}/", access_token="test-other-token").status_code == 403


def test_denied_as_not_found(start_server: Callable[..., SandboxServer]) -> None:
    data = small_world_data()
    data["settings"]["denied_error"] = "not_found"
    srv = start_server(data)
    error = _get(srv, "800000002/", access_token=TOKEN).json()["error"]
    assert (error["code"], error["error_subcode"]) == (100, 33)


def test_missing_scopes_name_the_permission(srv: SandboxServer) -> None:
    business = _get(srv, f"{AGENCY}/client_pixels", access_token="test-readonly-token")
    assert business.status_code == 403
    assert business.json()["error"]["message"] == (
        "(#200) Requires business_management permission to manage the object")
    write = requests.post(f"{srv.base_url}/v26.0/730000001/",
                          params={"access_token": "test-readonly-token"},
                          data={"name": "x"}, timeout=5).json()["error"]
    assert write["code"] == 200 and "ads_management" in write["message"]
    quality = _get(srv, "dataset_quality", dataset_id=PIXEL,
                   access_token="test-readonly-token").json()["error"]
    assert "ads_management or business_management" in quality["message"]


def test_debug_token(srv: SandboxServer) -> None:
    data = _get(srv, "debug_token", input_token=TOKEN, access_token=TOKEN).json()["data"]
    assert data["is_valid"] is True and data["type"] == "SYSTEM_USER"
    assert data["app_id"] == "111222333" and data["user_id"] == "500000001"
    assert data["expires_at"] == 1772454600 + 30 * 86400
    assert {"scope": "business_management", "target_ids": [AGENCY]} in data["granular_scopes"]
    expired = _get(srv, "debug_token", input_token="test-expired-token",
                   access_token=TOKEN).json()["data"]
    assert expired["is_valid"] is False and expired["error"]["subcode"] == 463
    unknown = _get(srv, "debug_token", input_token="zzz", access_token=TOKEN).json()["data"]
    assert unknown["is_valid"] is False and unknown["error"]["code"] == 190
    never = _get(srv, "debug_token", input_token="test-readonly-token",
                 access_token="111222333|test-secret").json()["data"]
    assert never["expires_at"] == 0
