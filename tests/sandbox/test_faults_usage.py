"""Fault injection (times, latency, timeouts, admin API) and the rate-limit usage headers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable

import pytest
import requests
from facebook_business.adobjects.adspixel import AdsPixel
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from sbx_helpers import ACCOUNT, CLIENT, PIXEL, TOKEN, small_world_data

from audit.sandbox import SandboxServer


def test_throttle_once_then_success(srv: SandboxServer, api: FacebookAdsApi) -> None:
    srv.add_fault(rf"^{PIXEL}$", code=80004, subcode=2446079, times=1, regain_minutes=0)
    with pytest.raises(FacebookRequestError) as info:
        AdsPixel(PIXEL, api=api).api_get(fields=["name"])
    err = info.value
    assert (err.api_error_code(), err.api_error_subcode()) == (80004, 2446079)
    assert err.api_transient_error() is True and err.http_status() == 400
    buc = json.loads(err.http_headers()["x-business-use-case-usage"])
    assert buc[CLIENT][0]["call_count"] == 100
    assert buc[CLIENT][0]["estimated_time_to_regain_access"] == 0
    assert AdsPixel(PIXEL, api=api).api_get(fields=["name"])["name"] == "Client Pixel"
    assert srv.request_count(rf"^{PIXEL}$") == 2


def test_regain_minutes_and_custom_error(srv: SandboxServer) -> None:
    srv.add_fault(r"insights$", code=80000, times=None, regain_minutes=7,
                  headers={"retry-after": "420"})
    for _ in range(2):
        response = requests.get(f"{srv.base_url}/v26.0/{ACCOUNT}/insights",
                                params={"access_token": TOKEN}, timeout=5)
        assert response.status_code == 400
    buc = json.loads(response.headers["x-business-use-case-usage"])
    assert buc[CLIENT][0] == {"type": "ads_insights", "call_count": 100, "total_cputime": 40,
                              "total_time": 60, "estimated_time_to_regain_access": 7,
                              "ads_api_access_tier": "standard_access"}
    assert response.headers["retry-after"] == "420"
    assert json.loads(response.headers["x-ad-account-usage"])["acc_id_util_pct"] == 100
    srv.clear_faults()
    srv.add_fault(r"^me$", code=2, http_status=None, message="Service temporarily unavailable")
    transient = requests.get(f"{srv.base_url}/v26.0/me", params={"access_token": TOKEN},
                             timeout=5)
    assert transient.status_code == 500
    assert transient.json()["error"]["is_transient"] is True


def test_latency_and_client_timeout(srv: SandboxServer) -> None:
    srv.add_fault(rf"^{PIXEL}$", kind="latency", code=None, latency_ms=400, times=2)
    started = time.monotonic()
    ok = requests.get(f"{srv.base_url}/v26.0/{PIXEL}", params={"access_token": TOKEN},
                      timeout=5)
    assert ok.status_code == 200 and time.monotonic() - started >= 0.38
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(f"{srv.base_url}/v26.0/{PIXEL}", params={"access_token": TOKEN},
                     timeout=0.1)


def test_global_latency(start_server: Callable[..., SandboxServer]) -> None:
    srv = start_server(latency_ms=150)
    started = time.monotonic()
    requests.get(f"{srv.base_url}/v26.0/me", params={"access_token": TOKEN}, timeout=5)
    assert time.monotonic() - started >= 0.14


def test_faults_from_world_file_and_admin_api(start_server: Callable[..., SandboxServer]) -> None:
    data = small_world_data()
    data["faults"] = [{"path": "^me$", "code": 17, "times": 1}]
    srv = start_server(data)
    url = f"{srv.base_url}/v26.0/me"
    assert requests.get(url, params={"access_token": TOKEN}, timeout=5).status_code == 400
    assert requests.get(url, params={"access_token": TOKEN}, timeout=5).status_code == 200
    admin = f"{srv.base_url}/__sandbox/faults"
    added = requests.post(admin, json={"path": "^me$", "code": 613, "times": None}, timeout=5)
    assert added.status_code == 200 and added.json()["id"] >= 2
    assert requests.get(url, params={"access_token": TOKEN}, timeout=5).json()[
        "error"]["code"] == 613
    bad = requests.post(admin, json={"path": "^me$", "kind": "explode"}, timeout=5)
    assert bad.status_code == 400 and "fault.kind" in bad.json()["error"]
    assert requests.delete(admin, timeout=5).json() == {"cleared": True}
    assert requests.get(url, params={"access_token": TOKEN}, timeout=5).status_code == 200


def test_usage_headers_present_and_rising(start_server: Callable[..., SandboxServer]) -> None:
    data = small_world_data()
    data["settings"]["quotas"] = {"app_calls": 20, "account_calls": 10, "business_calls": 40}
    srv = start_server(data)
    session = requests.Session()
    seen = []
    for _ in range(5):
        response = session.get(f"{srv.base_url}/v26.0/{ACCOUNT}/adsets",
                               params={"access_token": TOKEN}, timeout=5)
        app = json.loads(response.headers["x-app-usage"])
        account = json.loads(response.headers["x-ad-account-usage"])
        buc = json.loads(response.headers["x-business-use-case-usage"])
        assert set(app) == {"call_count", "total_cputime", "total_time"}
        assert account["ads_api_access_tier"] == "standard_access"
        assert buc[CLIENT][0]["type"] == "ads_management"
        seen.append((app["call_count"], account["acc_id_util_pct"]))
    assert seen[0] == (5, 10.0) and seen[-1] == (25, 50.0)
    me = session.get(f"{srv.base_url}/v26.0/me", params={"access_token": TOKEN}, timeout=5)
    assert "x-app-usage" in me.headers and "x-ad-account-usage" not in me.headers


def test_quota_enforcement(start_server: Callable[..., SandboxServer]) -> None:
    data = small_world_data()
    data["settings"]["quotas"] = {"account_calls": 3, "enforce": True}
    srv = start_server(data)
    codes = [requests.get(f"{srv.base_url}/v26.0/{ACCOUNT}/", params={"access_token": TOKEN},
                          timeout=5).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 400]
    srv.reset_counters()
    assert requests.get(f"{srv.base_url}/v26.0/{ACCOUNT}/", params={"access_token": TOKEN},
                        timeout=5).status_code == 200


def test_slow_request_does_not_block_others(srv: SandboxServer) -> None:
    srv.add_fault(r"^act_700000001/insights$", kind="latency", code=None, latency_ms=600)
    slow = threading.Thread(target=requests.get,
                            args=(f"{srv.base_url}/v26.0/{ACCOUNT}/insights",),
                            kwargs={"params": {"access_token": TOKEN}, "timeout": 5})
    slow.start()
    time.sleep(0.05)
    started = time.monotonic()
    fast = requests.get(f"{srv.base_url}/v26.0/me", params={"access_token": TOKEN}, timeout=5)
    assert fast.status_code == 200 and time.monotonic() - started < 0.3
    slow.join()
