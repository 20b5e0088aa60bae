"""Cursor paging: several pages with the SDK, empty pages that still carry ``next``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from facebook_business.adobjects.adaccount import AdAccount
from sbx_helpers import ACCOUNT, TOKEN, make_api, small_world_data

from audit.sandbox import SandboxServer


def _follow_next(url: str) -> tuple[list[dict[str, Any]], int]:
    """Follow ``paging.next`` until it disappears; return all items and the page count."""
    items: list[dict[str, Any]] = []
    pages = 0
    while url:
        body = requests.get(url, timeout=5).json()
        pages += 1
        items.extend(body["data"])
        url = body.get("paging", {}).get("next", "")
    return items, pages


def test_sdk_cursor_reads_all_pages(srv: SandboxServer) -> None:
    api = make_api(srv.base_url)
    cursor = AdAccount(ACCOUNT, api=api).get_ad_sets(fields=["name"])
    names = [a["name"] for a in cursor]
    assert names == [f"Ad set {i}" for i in range(1, 10)]
    assert cursor.total() == 9  # summary=true is sent by the SDK
    assert srv.request_count(r"^act_700000001/adsets$", "GET") == 3  # 4 + 4 + 1


def test_paging_block_shape_and_next_url(srv: SandboxServer) -> None:
    body = requests.get(f"{srv.base_url}/v26.0/{ACCOUNT}/adsets",
                        params={"access_token": TOKEN, "fields": "name", "limit": "2",
                                "summary": "true"}, timeout=5).json()
    assert len(body["data"]) == 2
    assert body["summary"] == {"total_count": 9}
    paging = body["paging"]
    assert set(paging["cursors"]) == {"before", "after"}
    assert "previous" not in paging
    next_url = urlsplit(paging["next"])
    query = parse_qs(next_url.query)
    assert next_url.path == f"/v26.0/{ACCOUNT}/adsets"
    assert query["access_token"] == [TOKEN]  # Meta puts the token in next URLs
    assert query["fields"] == ["name"] and query["limit"] == ["2"]
    assert query["after"] == [paging["cursors"]["after"]]
    second = requests.get(paging["next"], timeout=5).json()
    assert [a["name"] for a in second["data"]] == ["Ad set 3", "Ad set 4"]
    back = requests.get(second["paging"]["previous"], timeout=5).json()
    assert [a["name"] for a in back["data"]] == ["Ad set 1", "Ad set 2"]


def test_last_page_has_no_next(srv: SandboxServer) -> None:
    items, pages = _follow_next(f"{srv.base_url}/v26.0/{ACCOUNT}/adsets?access_token={TOKEN}"
                                "&fields=name&limit=5")
    assert (len(items), pages) == (9, 2)


def test_empty_page_with_next_stops_the_sdk_cursor(
        start_server: Callable[..., SandboxServer]) -> None:
    data = small_world_data()
    data["settings"]["paging"]["edges"]["adsets"] = {"default_limit": 3, "empty_pages": [2]}
    srv = start_server(data)
    empty = requests.get(f"{srv.base_url}/v26.0/{ACCOUNT}/adsets",
                         params={"access_token": TOKEN, "after": _after_first_page(srv)},
                         timeout=5).json()
    assert empty["data"] == [] and "next" in empty["paging"]
    # Documented SDK behaviour: Cursor.load_next_page returns False on an empty page.
    sdk_names = [a["name"] for a in AdAccount(ACCOUNT, api=make_api(srv.base_url))
                 .get_ad_sets(fields=["name"])]
    assert sdk_names == ["Ad set 1", "Ad set 2", "Ad set 3"]
    # A client that follows `next` gets everything.
    items, pages = _follow_next(f"{srv.base_url}/v26.0/{ACCOUNT}/adsets?access_token={TOKEN}")
    assert len(items) == 9 and pages == 4


def _after_first_page(srv: SandboxServer) -> str:
    body = requests.get(f"{srv.base_url}/v26.0/{ACCOUNT}/adsets",
                        params={"access_token": TOKEN}, timeout=5).json()
    return str(body["paging"]["cursors"]["after"])


def test_limit_is_capped_and_validated(start_server: Callable[..., SandboxServer]) -> None:
    data = small_world_data()
    data["settings"]["paging"]["edges"]["adsets"] = {"default_limit": 2, "max_limit": 3}
    srv = start_server(data)
    capped = requests.get(f"{srv.base_url}/v26.0/{ACCOUNT}/adsets",
                          params={"access_token": TOKEN, "limit": "100"}, timeout=5).json()
    assert len(capped["data"]) == 3
    bad = requests.get(f"{srv.base_url}/v26.0/{ACCOUNT}/adsets",
                       params={"access_token": TOKEN, "limit": "-1"}, timeout=5)
    assert bad.status_code == 400 and bad.json()["error"]["code"] == 100
    cursor = requests.get(f"{srv.base_url}/v26.0/{ACCOUNT}/adsets",
                          params={"access_token": TOKEN, "after": "not-a-cursor"}, timeout=5)
    assert cursor.json()["error"]["code"] == 100


def test_demo_large_account_needs_many_pages(demo_srv: SandboxServer) -> None:
    url = (f"{demo_srv.base_url}/v26.0/act_100000000004/adsets?"
           "access_token=sandbox-agency-token&fields=name,optimization_goal")
    items, pages = _follow_next(url)
    expected = sum(1 for a in demo_srv.state.adsets.values()
                   if a.account_id == "act_100000000004")
    assert expected == 482  # 60 generated campaigns x 8 ad sets + 2 hand-written
    assert len(items) == expected
    assert len({i["id"] for i in items}) == expected
    assert pages == -(-expected // 25) + 1  # pages of 25 plus one injected empty page
