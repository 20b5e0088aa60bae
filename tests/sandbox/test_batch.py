"""Batch API: SDK batches, per-item errors and faults, the 50-item limit, ``null`` items."""

from __future__ import annotations

import json
from typing import Any

import requests
from facebook_business.adobjects.adspixel import AdsPixel
from facebook_business.api import FacebookAdsApi, FacebookResponse
from sbx_helpers import ACCOUNT, PIXEL, TOKEN

from audit.sandbox import SandboxServer


def _post_batch(srv: SandboxServer, items: list[dict[str, Any]]) -> requests.Response:
    return requests.post(f"{srv.base_url}/v26.0/", params={"access_token": TOKEN},
                         data={"batch": json.dumps(items)}, timeout=5)


def test_sdk_batch_with_success_and_failure(srv: SandboxServer, api: FacebookAdsApi) -> None:
    ok: list[dict[str, Any]] = []
    failed: list[FacebookResponse] = []
    batch = api.new_batch()
    AdsPixel(PIXEL, api=api).api_get(fields=["name"], batch=batch,
                                     success=lambda r: ok.append(r.json()),
                                     failure=failed.append)
    AdsPixel("800000002", api=api).api_get(fields=["name"], batch=batch,
                                           success=lambda r: ok.append(r.json()),
                                           failure=failed.append)
    batch.add("GET", f"{ACCOUNT}/adsets?fields=name&limit=2",
              success=lambda r: ok.append(r.json()), failure=failed.append)
    assert batch.execute() is None
    assert ok[0] == {"id": PIXEL, "name": "Client Pixel"}
    assert [a["name"] for a in ok[1]["data"]] == ["Ad set 1", "Ad set 2"]
    assert "access_token" in ok[1]["paging"]["next"]
    assert len(failed) == 1 and failed[0].status() == 403
    assert failed[0].json()["error"]["code"] == 200  # unshared pixel
    assert srv.request_count(r"^$", "POST") == 1
    assert srv.request_count(batch_items=True) == 3


def test_relative_url_forms_and_item_headers(srv: SandboxServer) -> None:
    items = [{"method": "GET", "relative_url": f"/v26.0/{PIXEL}?fields=name"},
             {"method": "GET", "relative_url": f"{PIXEL}/stats?aggregation=host&limit=1"},
             {"method": "GET", "relative_url": "nope/"}]
    answer = _post_batch(srv, items).json()
    assert [a["code"] for a in answer] == [200, 200, 400]
    assert json.loads(answer[0]["body"])["name"] == "Client Pixel"
    names = {h["name"] for h in answer[1]["headers"]}
    assert "x-app-usage" in names and "x-business-use-case-usage" in names
    assert json.loads(answer[2]["body"])["error"]["error_subcode"] == 33


def test_more_than_fifty_items_is_rejected(srv: SandboxServer) -> None:
    items = [{"method": "GET", "relative_url": f"{PIXEL}?fields=name"}] * 51
    response = _post_batch(srv, items)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "(#100) Too many requests in batch message. Maximum batch size is 50")
    assert srv.request_count(batch_items=True) == 0


def test_null_item_is_returned_for_retry(srv: SandboxServer, api: FacebookAdsApi) -> None:
    srv.add_fault(rf"^{PIXEL}$", kind="batch_null", code=None, times=1)
    seen: list[str] = []
    batch = api.new_batch()
    for pixel_id in (PIXEL, "800000002"):
        AdsPixel(pixel_id, api=api).api_get(fields=["name"], batch=batch,
                                            success=lambda r: seen.append(r.json()["id"]),
                                            failure=lambda r: seen.append("error"))
    retry = batch.execute()
    assert retry is not None and len(retry) == 1
    assert seen == ["error"]
    assert retry.execute() is None
    assert seen == ["error", PIXEL]


def test_item_faults_and_missing_top_level_token(srv: SandboxServer) -> None:
    srv.add_fault(r"/adsets$", code=17, subcode=2446079, times=1)
    items = [{"method": "GET", "relative_url": f"{ACCOUNT}/adsets"},
             {"method": "GET", "relative_url": f"{ACCOUNT}/adsets"}]
    first, second = _post_batch(srv, items).json()
    assert json.loads(first["body"])["error"]["code"] == 17
    assert second["code"] == 200
    no_token = requests.post(f"{srv.base_url}/v26.0/", data={"batch": json.dumps(items)},
                             timeout=5).json()
    assert no_token["error"]["code"] == 104


def test_an_expired_top_level_token_fails_the_whole_batch(srv: SandboxServer) -> None:
    items = [{"method": "GET", "relative_url": f"{ACCOUNT}/adsets"},
             {"method": "GET", "relative_url": "me"}]
    response = requests.post(f"{srv.base_url}/v26.0/",
                             data={"batch": json.dumps(items),
                                   "access_token": "test-expired-token"}, timeout=5)
    assert response.status_code == 400
    error = response.json()["error"]  # one error for the batch, no per-item answers
    assert (error["code"], error["error_subcode"]) == (190, 463)
    assert srv.request_count(batch_items=True) == 0


def test_a_not_json_fault_answers_an_html_page(srv: SandboxServer) -> None:
    srv.add_fault(r"^$", method="POST", kind="not_json", times=1)
    items = [{"method": "GET", "relative_url": "me"}]
    first = requests.post(f"{srv.base_url}/v26.0/", data={"batch": json.dumps(items),
                                                            "access_token": TOKEN}, timeout=5)
    assert first.status_code == 502 and first.text.startswith("<html>")
    assert first.headers["Content-Type"].startswith("text/html")
    again = requests.post(f"{srv.base_url}/v26.0/", data={"batch": json.dumps(items),
                                                            "access_token": TOKEN}, timeout=5)
    assert again.status_code == 200 and isinstance(again.json(), list)
