"""Pixel stats: hourly buckets whose sums equal the world's numbers, source/host/url splits."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import requests
from facebook_business.adobjects.adspixel import AdsPixel
from facebook_business.api import FacebookAdsApi
from sbx_helpers import PIXEL, TOKEN

from audit.sandbox import SandboxServer
from audit.sandbox.handlers.pixel_stats import split

NOW = datetime(2026, 3, 2, 12, 30, tzinfo=timezone.utc)


def _stats(srv: SandboxServer, **params: str) -> list[dict[str, Any]]:
    """All buckets, following ``next``."""
    url = f"{srv.base_url}/v26.0/{PIXEL}/stats"
    query: dict[str, str] | None = {"access_token": TOKEN, "limit": "500", **params}
    buckets: list[dict[str, Any]] = []
    while url:
        response = requests.get(url, params=query, timeout=5)
        assert response.status_code == 200, response.text
        body = response.json()
        buckets.extend(body["data"])
        url, query = body.get("paging", {}).get("next", ""), None
    return buckets


def _totals(buckets: list[dict[str, Any]]) -> Counter[str]:
    totals: Counter[str] = Counter()
    for bucket in buckets:
        for row in bucket["data"]:
            totals[row["value"]] += row["count"]
    return totals


def test_split_is_exact_and_deterministic() -> None:
    parts = split(100, [3, 2, 2, 1])
    assert sum(parts) == 100 and parts == split(100, [3, 2, 2, 1])
    assert split(0, [1, 2]) == [0, 0]


def test_event_sums_equal_world_numbers(api: FacebookAdsApi) -> None:
    buckets = list(AdsPixel(PIXEL, api=api).get_stats(params={"aggregation": "event"}))
    totals: Counter[str] = Counter()
    for bucket in buckets:
        assert bucket["aggregation"] == "event"
        for row in bucket["data"]:
            totals[row["value"]] += row["count"]
    # 7 days x (100 browser + 90 server); PageView list: the last 7 of 8 days; Lead is stale.
    assert totals == {"Purchase": 7 * 190, "PageView": 20 + 30 + 40 + 50 + 60 + 70 + 80}
    starts = [b["start_time"] for b in buckets]
    assert starts == sorted(starts) and len(starts) <= 168
    assert starts[-1] == "2026-03-02T12:00:00+0000"
    assert starts[0] >= "2026-02-23T13:00:00+0000"  # never older than 7 days


def test_event_source_splits(srv: SandboxServer) -> None:
    web = _totals(_stats(srv, event_source="WEB_ONLY"))
    server = _totals(_stats(srv, event_source="SERVER_ONLY"))
    assert web == {"Purchase": 700, "PageView": 350}
    assert server == {"Purchase": 630}


def test_one_day_window_is_exactly_one_world_day(srv: SandboxServer) -> None:
    start = int((NOW.replace(minute=0) - timedelta(hours=23)).timestamp())
    totals = _totals(_stats(srv, start_time=str(start)))
    assert totals == {"Purchase": 190, "PageView": 80}
    iso = _totals(_stats(srv, start_time="2026-03-01T13:00:00+0000",
                         end_time="2026-03-02T12:30:00Z"))
    assert iso == totals


def test_old_start_time_is_clamped_to_seven_days(srv: SandboxServer) -> None:
    everything = _totals(_stats(srv, start_time="2026-01-01"))
    assert everything == {"Purchase": 1330, "PageView": 350}


def test_host_and_url_aggregations_split_exactly(srv: SandboxServer) -> None:
    hosts = _totals(_stats(srv, aggregation="host"))
    assert set(hosts) == {"shop.example-shop.co.uk", "www.example-shop.co.uk"}
    assert sum(hosts.values()) == 1330 + 350
    assert abs(hosts["shop.example-shop.co.uk"] - 0.75 * 1680) <= 168
    urls = _totals(_stats(srv, aggregation="url", event="Purchase"))
    assert urls.keys() == {"https://shop.example-shop.co.uk/checkout/thank-you",
                           "https://www.example-shop.co.uk/checkout/thank-you"}
    assert sum(urls.values()) == 1330


def test_event_total_counts_and_stale_event(srv: SandboxServer) -> None:
    total = _stats(srv, aggregation="event_total_counts")
    assert len(total) == 1
    assert total[0]["data"] == [{"value": "Purchase", "count": 1330},
                                {"value": "PageView", "count": 350}]
    assert _stats(srv, event="Lead") == []  # last fired 10 days ago: nothing within 7 days


def test_invalid_aggregation_is_a_graph_error(srv: SandboxServer) -> None:
    response = requests.get(f"{srv.base_url}/v26.0/{PIXEL}/stats",
                            params={"access_token": TOKEN, "aggregation": "events"}, timeout=5)
    error = response.json()["error"]
    assert response.status_code == 400 and error["code"] == 100
    assert error["message"].startswith("(#100) aggregation must be one of the following values")


def test_demo_silent_pixel_has_no_stats(demo_srv: SandboxServer) -> None:
    body = requests.get(f"{demo_srv.base_url}/v26.0/200000000000006/stats",
                        params={"access_token": "sandbox-agency-token"}, timeout=5).json()
    assert body == {"data": []}
    pixel = requests.get(f"{demo_srv.base_url}/v26.0/200000000000006/",
                         params={"access_token": "sandbox-agency-token",
                                 "fields": "last_fired_time"}, timeout=5).json()
    assert pixel["last_fired_time"] == "2026-02-10T09:00:00+0000"  # 20 days before the clock
