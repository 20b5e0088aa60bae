"""``POST /{pixel}/events``: Meta's validation errors, and a record of what was received."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from typing import Any

import pytest
import requests
from facebook_business.adobjects.adspixel import AdsPixel
from sbx_helpers import PIXEL, TOKEN, make_api, small_world_data

from audit.sandbox import SandboxServer

NOW = 1772454600  # the small world's clock, 2026-03-02T12:30:00Z
EMAIL = "jane.doe@example.com"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


EVENT: dict[str, Any] = {
    "event_name": "Purchase", "event_time": NOW - 60, "event_id": "order-1",
    "action_source": "website", "event_source_url": "https://shop.example-shop.co.uk/done",
    "user_data": {"em": [sha(EMAIL)], "client_user_agent": "Mozilla/5.0",
                  "client_ip_address": "203.0.113.7"},
    "custom_data": {"value": 12.5, "currency": "gbp"}}


@pytest.fixture
def capi_srv(start_server: Callable[..., SandboxServer]) -> SandboxServer:
    data = small_world_data()
    data["pixels"][0]["shared_with"][0]["tasks"].append("UPLOAD")
    return start_server(data)


def post(srv: SandboxServer, events: list[Any], **params: str) -> dict[str, Any]:
    body = {"data": json.dumps(events), **params}
    answer: dict[str, Any] = requests.post(f"{srv.base_url}/v26.0/{PIXEL}/events",
                                           params={"access_token": TOKEN}, data=body,
                                           timeout=5).json()
    return answer


def changed(**changes: Any) -> dict[str, Any]:
    event = copy.deepcopy(EVENT)
    for path, value in changes.items():
        target = event
        *parents, last = path.split("__")
        for part in parents:
            target = target[part]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value
    return event


def test_sdk_events_are_recorded_exactly_as_received(capi_srv: SandboxServer) -> None:
    api = make_api(capi_srv.base_url)
    answer = AdsPixel(PIXEL, api=api).create_event(
        params={"data": [json.dumps(EVENT)], "test_event_code": "TEST123"})
    assert answer["events_received"] == 1 and answer["messages"] == []
    assert answer["fbtrace_id"]
    [receipt] = capi_srv.capi_received()
    assert receipt["pixel_id"] == PIXEL and receipt["test_event_code"] == "TEST123"
    assert receipt["fbtrace_id"] == answer["fbtrace_id"]
    assert receipt["events"] == [EVENT]
    admin = requests.get(f"{capi_srv.base_url}/__sandbox/capi", timeout=5).json()
    assert admin["received"] == [receipt]


def _server_purchases(srv: SandboxServer) -> int:
    stats = requests.get(f"{srv.base_url}/v26.0/{PIXEL}/stats",
                         params={"access_token": TOKEN, "event": "Purchase",
                                 "event_source": "SERVER_ONLY",
                                 "start_time": NOW - NOW % 3600}, timeout=5).json()["data"]
    return sum(int(row["count"]) for bucket in stats for row in bucket["data"])


def test_test_events_stay_out_of_stats_live_events_count(capi_srv: SandboxServer) -> None:
    before = _server_purchases(capi_srv)
    assert post(capi_srv, [EVENT], test_event_code="TEST1")["events_received"] == 1
    assert _server_purchases(capi_srv) == before
    assert post(capi_srv, [changed(event_id="order-2")])["events_received"] == 1
    assert _server_purchases(capi_srv) == before + 1
    assert [r["test_event_code"] for r in capi_srv.capi_received()] == ["TEST1", None]


def test_events_as_objects_are_accepted_too(capi_srv: SandboxServer) -> None:
    response = requests.post(f"{capi_srv.base_url}/v26.0/{PIXEL}/events",
                             params={"access_token": TOKEN},
                             json={"data": [EVENT], "test_event_code": "T9"}, timeout=5)
    assert response.json()["events_received"] == 1
    assert capi_srv.capi_received()[0]["events"] == [EVENT]


@pytest.mark.parametrize(("event", "subcode", "title", "words"), [
    (changed(event_name=None), 2804050, "Invalid event", "data[1]: event_name is required"),
    (changed(event_time=None), 2804050, "Invalid event", "data[1]: event_time is required"),
    (changed(action_source=None), 2804050, "Invalid event",
     "data[1]: action_source is required"),
    (changed(action_source="web"), 2804050, "Invalid event", "action_source must be one of"),
    (changed(event_time=NOW - 8 * 86400), 2804003, "Event Timestamp Too Old",
     "more than 7 days in the past"),
    (changed(event_time=NOW + 3600), 2804050, "Invalid event", "must not be in the future"),
    (changed(event_source_url=None), 2804050, "Invalid event",
     "event_source_url is required for website events"),
    (changed(user_data__client_user_agent=None), 2804050, "Invalid event",
     "client_user_agent is required for website events"),
    (changed(user_data__em=[EMAIL]), None, "Unhashed customer information",
     "user_data.em must be the SHA-256"),
    (changed(user_data__ph="+1 (650) 555-1212"), None, "Unhashed customer information",
     "user_data.ph must be the SHA-256"),
    (changed(user_data={"ct": sha("london"), "ge": sha("f"),
                        "client_user_agent": "Mozilla/5.0"}), 2804050,
     "You haven't added sufficient customer information parameter data for this event",
     "so broad that it is unlikely to be effective for matching"),
])
def test_invalid_events_are_refused_like_meta(capi_srv: SandboxServer, event: dict[str, Any],
                                              subcode: int | None, title: str,
                                              words: str) -> None:
    error = post(capi_srv, [EVENT, event], test_event_code="TEST1")["error"]
    assert (error["code"], error.get("error_subcode")) == (100, subcode)
    assert error["message"] == "(#100) Invalid parameter"
    assert error["error_user_title"] == title
    assert words in error["error_user_msg"]
    # One invalid event rejects the whole request: nothing is recorded.
    assert capi_srv.capi_received() == []
    # Personal data is never echoed back.
    assert EMAIL not in json.dumps(error) and "555" not in json.dumps(error)


def test_physical_store_events_may_be_62_days_old(capi_srv: SandboxServer) -> None:
    store = changed(action_source="physical_store", event_source_url=None,
                    event_time=NOW - 30 * 86400)
    assert post(capi_srv, [store])["events_received"] == 1
    too_old = changed(action_source="physical_store", event_time=NOW - 63 * 86400)
    assert post(capi_srv, [too_old])["error"]["error_subcode"] == 2804003


def test_data_must_be_an_array_of_1_to_1000(capi_srv: SandboxServer) -> None:
    assert "1 to 1000" in post(capi_srv, [])["error"]["message"]
    assert "1 to 1000" in post(capi_srv, [EVENT] * 1001)["error"]["message"]


def test_state_reset_forgets_received_events(capi_srv: SandboxServer) -> None:
    post(capi_srv, [EVENT])
    capi_srv.reset_state()
    assert capi_srv.capi_received() == []
