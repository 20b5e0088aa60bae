"""HTTP server behaviour: loopback binding, keep-alive, request log and redaction, admin, CAPI."""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests
from facebook_business.adobjects.adspixel import AdsPixel
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from sbx_helpers import PIXEL, TOKEN, make_api, small_world_data

from audit.sandbox import SandboxServer, parse_world, serve_forever


def test_binds_loopback_only(srv: SandboxServer) -> None:
    assert srv.base_url.startswith("http://127.0.0.1:")
    assert srv.app.state is srv.state
    httpd = srv._httpd
    assert httpd is not None and httpd.server_address[0] == "127.0.0.1"


def test_keep_alive_and_content_length(srv: SandboxServer) -> None:
    session = requests.Session()
    first = session.get(f"{srv.base_url}/v26.0/me", params={"access_token": TOKEN}, timeout=5)
    second = session.get(f"{srv.base_url}/v26.0/me", params={"access_token": TOKEN}, timeout=5)
    assert first.headers["Content-Length"] == str(len(first.content))
    assert first.headers["Content-Type"].startswith("application/json")
    assert second.status_code == 200 and second.headers["facebook-api-version"] == "v26.0"


def test_request_log_counts_and_redacts(srv: SandboxServer, api: FacebookAdsApi) -> None:
    AdsPixel(PIXEL, api=api).api_get(fields=["name"])
    list(AdsPixel(PIXEL, api=api).get_stats())
    requests.get(f"{srv.base_url}/v26.0/debug_token",
                 params={"access_token": TOKEN, "input_token": "test-expired-token"}, timeout=5)
    assert srv.request_count() == 1 + 7 + 1
    assert srv.request_count(r"/stats$", "GET") == 7
    assert srv.request_count(r"/stats$", "POST") == 0
    assert all(r.params.get("access_token") == "REDACTED" for r in srv.requests)
    admin = requests.get(f"{srv.base_url}/__sandbox/requests", timeout=5).json()
    text = json.dumps(admin)
    assert TOKEN not in text and "test-expired-token" not in text
    assert admin["counts"][f"GET {PIXEL}/stats"] == 7
    requests.post(f"{srv.base_url}/__sandbox/reset", timeout=5)
    assert srv.request_count() == 0


def test_error_bodies_never_echo_tokens(srv: SandboxServer) -> None:
    for token in ("nope-secret-1", "test-expired-token"):
        body = requests.get(f"{srv.base_url}/v26.0/me", params={"access_token": token},
                            timeout=5).text
        assert token not in body


def test_admin_state_endpoint(srv: SandboxServer) -> None:
    summary = requests.get(f"{srv.base_url}/__sandbox/state", timeout=5).json()
    assert summary["adsets"] == 9 and summary["now"].startswith("2026-03-02T12:30")
    rule = requests.get(f"{srv.base_url}/__sandbox/state/rules/730000001", timeout=5).json()
    assert rule["name"] == "Legacy window rule"
    assert requests.get(f"{srv.base_url}/__sandbox/nope", timeout=5).status_code == 404


def test_conversions_api_events_show_in_stats(srv: SandboxServer) -> None:
    api = make_api(srv.base_url)
    event = {"event_name": "Subscribe", "event_time": 1772454000, "action_source": "website",
             "event_source_url": "https://shop.example-shop.co.uk/subscribe",
             "user_data": {"em": ["a" * 64], "client_user_agent": "Mozilla/5.0"}}
    with pytest.raises(FacebookRequestError) as info:  # shared without UPLOAD
        AdsPixel(PIXEL, api=api).create_event(params={"data": [json.dumps(event)]})
    assert "UPLOAD" in info.value.api_error_message()
    srv.state.pixels[PIXEL].shared_with[0].tasks.append("UPLOAD")
    answer = AdsPixel(PIXEL, api=api).create_event(params={"data": [json.dumps(event)]})
    assert answer["events_received"] == 1
    stats = requests.get(f"{srv.base_url}/v26.0/{PIXEL}/stats",
                         params={"access_token": TOKEN, "event": "Subscribe",
                                 "event_source": "SERVER_ONLY"}, timeout=5).json()["data"]
    assert stats == [{"aggregation": "event", "start_time": "2026-03-02T12:00:00+0000",
                      "data": [{"value": "Subscribe", "count": 1}]}]
    old = dict(event, event_time=1772454000 - 8 * 86400)
    error = requests.post(f"{srv.base_url}/v26.0/{PIXEL}/events",
                          params={"access_token": TOKEN}, data={"data": json.dumps([old])},
                          timeout=5).json()["error"]
    assert error["error_subcode"] == 2804003


def test_serve_forever_stops_on_event() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=serve_forever, args=(parse_world(small_world_data()),),
                              kwargs={"stop": stop}, daemon=True)
    thread.start()
    time.sleep(0.2)
    stop.set()
    thread.join(timeout=3)
    assert not thread.is_alive()
