"""The retry policy and the usage headers, case by case (each expectation worked by hand)."""

from __future__ import annotations

import json
from dataclasses import FrozenInstanceError
from typing import Any

import pytest

from audit.graph.errors import RateLimited, Transient
from audit.graph.retry import RetryPolicy, Usage, parse_usage

# regain 120 s (2 minutes in x-business-use-case-usage), reset 300 s (x-ad-account-usage)
FULL = Usage(max_percent=100, regain_seconds=120, reset_seconds=300)
BUSY = Usage(max_percent=99.5, regain_seconds=120, reset_seconds=300)
OVER = Usage(max_percent=150, regain_seconds=120, reset_seconds=300)


@pytest.mark.parametrize(("code", "usage", "seconds"), [
    # Business-use-case throttles, 80000-80014 inclusive: the regain time.
    (80000, FULL, 120), (80014, FULL, 120), (80007, FULL, 120),
    # Just outside that range, and unknown codes: the longest of the two.
    (79999, FULL, 300), (80015, FULL, 300), (None, FULL, 300), (1, BUSY, 300),
    # Ad-account throttles: the reset time once usage is at or over 100 %, else the regain.
    (17, FULL, 300), (613, FULL, 300), (17, OVER, 300), (17, BUSY, 120), (613, BUSY, 120),
    # Their neighbours are unknown codes (the longest).
    (16, BUSY, 300), (18, BUSY, 300), (612, BUSY, 300),
    # App throttles name no time.
    (4, FULL, 0), (32, FULL, 0), (33, FULL, 300), (5, FULL, 300),
])
def test_the_wait_a_throttle_asks_for(code: int | None, usage: Usage, seconds: float) -> None:
    assert RetryPolicy().requested_wait(RateLimited("t", code=code), usage) == seconds


def test_errors_other_than_throttles_ask_for_no_wait() -> None:
    assert RetryPolicy().requested_wait(Transient("t", code=2), FULL) == 0.0


def test_the_defaults_are_four_retries_from_two_seconds_capped_at_five_minutes() -> None:
    policy = RetryPolicy()
    error = Transient("t", code=2)
    waits = [policy.wait_before_retry(error, attempt, Usage()) for attempt in range(1, 6)]
    assert waits == [2.0, 4.0, 8.0, 16.0, None]  # attempt 5 is past max_retries (4)
    assert policy.slowdown(Usage(max_percent=89.9)) == 0.0
    assert policy.slowdown(Usage(max_percent=90.0)) == 2.0
    # A throttle asking for exactly the cap is waited; a second more is given up.
    assert policy.wait_before_retry(RateLimited("t", code=80000), 1,
                                    Usage(100, regain_seconds=300)) == 300
    assert policy.wait_before_retry(RateLimited("t", code=80000), 1,
                                    Usage(100, regain_seconds=301)) is None


@pytest.mark.parametrize(("threshold", "percent", "seconds"), [
    # backoff 2 s: 2 x (1 + 4 x (percent - threshold) / (100 - threshold)), at most 10 s.
    (80, 85, 4.0), (80, 90, 6.0), (50, 75, 6.0), (60, 100, 10.0), (95, 99, 8.4),
    (40, 90, 2 * (1 + 4 * 50 / 60)),  # usage above twice the threshold
])
def test_the_slowdown_grows_over_the_last_points_before_the_limit(
        threshold: float, percent: float, seconds: float) -> None:
    policy = RetryPolicy(backoff_seconds=2, slowdown_percent=threshold)
    assert policy.slowdown(Usage(max_percent=percent)) == pytest.approx(seconds)


def test_usage_is_present_when_any_figure_is() -> None:
    assert Usage().present is False
    assert Usage(max_percent=1).present is True
    assert Usage(regain_seconds=1).present is True
    assert Usage(reset_seconds=1).present is True
    assert Usage(max_percent=1, reset_seconds=0).present is True


def test_usage_and_policy_are_values() -> None:
    with pytest.raises(FrozenInstanceError):
        Usage().max_percent = 5  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        RetryPolicy().max_retries = 9  # type: ignore[misc]


@pytest.mark.parametrize(("value", "figure"), [
    (True, 0.0), (-5, 0.0), ("-5", 0.0), ("abc", 0.0), (None, 0.0), ([], 0.0),
    ("0.5", 0.5), (0.25, 0.25),
])
def test_odd_usage_figures_count_as_nothing(value: Any, figure: float) -> None:
    # One header, one figure each: nothing else can stand in for a wrong reading.
    usage = parse_usage({"x-ad-account-usage": json.dumps(
        {"acc_id_util_pct": value, "reset_time_duration": value})})
    assert usage == Usage(max_percent=figure, regain_seconds=0.0, reset_seconds=figure)


def test_batch_item_headers_are_matched_by_name_only() -> None:
    headers = [
        {"name": "x-app-usage-other", "value": json.dumps({"call_count": 99})},
        "not a header",
        {"value": json.dumps({"call_count": 98})},
        {"name": "Z-header", "value": json.dumps({"call_count": 97})},
        {"name": "X-App-Usage", "value": json.dumps({"call_count": 42})},
    ]
    assert parse_usage(headers).max_percent == 42


def test_a_malformed_business_entry_does_not_hide_the_next_ones() -> None:
    buc = {"1": ["junk", {"call_count": 12, "estimated_time_to_regain_access": 3}],
           "2": {"total_time": 61, "estimated_time_to_regain_access": 0}}
    usage = parse_usage({"x-business-use-case-usage": json.dumps(buc)})
    assert usage == Usage(max_percent=61, regain_seconds=180, reset_seconds=0)
