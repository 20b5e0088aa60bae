from __future__ import annotations

import json

import pytest

from audit.graph.errors import (
    AuthError,
    GraphError,
    InvalidResponse,
    NotFound,
    PermissionDenied,
    RateLimited,
    TooMuchData,
    Transient,
    Unsupported,
    classify,
    from_error_body,
)
from audit.graph.retry import RetryPolicy, Usage, parse_usage


@pytest.mark.parametrize(("code", "subcode", "status", "expected"), [
    (190, 463, 400, AuthError), (102, None, 400, AuthError), (104, None, 400, AuthError),
    (10, None, 403, PermissionDenied), (200, None, 400, PermissionDenied),
    (270, None, 400, PermissionDenied), (299, None, 400, PermissionDenied),
    (4, None, 400, RateLimited), (17, 2446079, 400, RateLimited), (32, None, 400, RateLimited),
    (613, 1487742, 400, RateLimited), (80000, None, 400, RateLimited),
    (80004, 2446079, 400, RateLimited), (80014, None, 400, RateLimited),
    (1, None, 500, Transient), (2, None, 503, Transient), (None, None, 502, Transient),
    (1, 99, 500, TooMuchData), (100, 33, 400, NotFound), (100, None, 400, Unsupported),
    (2500, None, 400, Unsupported), (12345, None, 400, GraphError),
])
def test_classify_by_code_and_subcode(code, subcode, status, expected):
    assert classify(code, subcode, status) is expected


def test_is_transient_flag_makes_unknown_codes_retryable():
    assert classify(12345, None, 400, is_transient=True) is Transient


def test_from_error_body_reads_the_graph_shape_and_redacts():
    body = {"error": {"message": "bad token access_token=abc123secret", "type": "OAuthException",
                      "code": 190, "error_subcode": 463, "fbtrace_id": "T1"}}
    err = from_error_body(body, 400, "GET /me")
    assert isinstance(err, AuthError)
    assert (err.code, err.subcode, err.fbtrace_id) == (190, 463, "T1")
    assert "abc123secret" not in str(err) and "[REDACTED]" in str(err)
    assert err.to_dict()["kind"] == "auth"


@pytest.mark.parametrize("body", [None, "Service Unavailable", {"error": "x"}, [1, 2],
                                  {"error": {"code": "not-a-number"}}])
def test_from_error_body_survives_junk(body):
    err = from_error_body(body, 503)
    assert isinstance(err, GraphError)
    assert err.message


def test_parse_usage_takes_the_worst_figure_of_all_headers():
    headers = {
        "X-App-Usage": json.dumps({"call_count": 12, "total_cputime": 40, "total_time": 5}),
        "x-ad-account-usage": json.dumps({"acc_id_util_pct": 99.5, "reset_time_duration": 120}),
        "x-business-use-case-usage": json.dumps({"123": [
            {"type": "ads_management", "call_count": 100, "total_cputime": 3, "total_time": 4,
             "estimated_time_to_regain_access": 2}]}),
    }
    usage = parse_usage(headers)
    assert usage == Usage(max_percent=100.0, regain_seconds=120.0, reset_seconds=120.0)


@pytest.mark.parametrize("headers", [None, {}, {"x-app-usage": "not json"},
                                     {"x-business-use-case-usage": '{"1": "weird"}'},
                                     [{"name": "x-app-usage", "value": "{"}]])
def test_parse_usage_ignores_malformed_headers(headers):
    assert parse_usage(headers) == Usage()


def test_batch_style_header_lists_are_read():
    headers = [{"name": "X-App-Usage", "value": '{"call_count": 95}'}]
    assert parse_usage(headers).max_percent == 95


def test_backoff_doubles_and_honours_regain_time():
    policy = RetryPolicy(max_retries=3, backoff_seconds=1, max_wait_seconds=100)
    transient = Transient("x")
    assert [policy.wait_before_retry(transient, n, Usage()) for n in (1, 2, 3)] == [1, 2, 4]
    assert policy.wait_before_retry(transient, 4, Usage()) is None
    throttled = RateLimited("slow down")
    assert policy.wait_before_retry(throttled, 1, Usage(regain_seconds=60)) == 60
    assert policy.wait_before_retry(throttled, 1, Usage(regain_seconds=600)) is None


def test_permanent_errors_are_not_retried():
    policy = RetryPolicy()
    for err in (AuthError("a"), PermissionDenied("p"), Unsupported("u"), InvalidResponse("i")):
        assert policy.wait_before_retry(err, 1, Usage()) is None


def test_slowdown_only_near_the_limit():
    policy = RetryPolicy(backoff_seconds=2, slowdown_percent=90)
    # 2 s x (1 + 4 x share of the last 10 points used): 89.9 % -> none, 90 % -> 2 s,
    # 95 % -> half the span -> 2 x 3 = 6 s, 100 % and over -> 2 x 5 = 10 s.
    assert policy.slowdown(Usage(max_percent=50)) == 0
    assert policy.slowdown(Usage(max_percent=89.9)) == 0
    assert policy.slowdown(Usage(max_percent=90)) == 2
    assert policy.slowdown(Usage(max_percent=95)) == 6
    assert policy.slowdown(Usage(max_percent=100)) == 10
    assert policy.slowdown(Usage(max_percent=250)) == 10
    capped = RetryPolicy(backoff_seconds=100, slowdown_percent=90, max_wait_seconds=300)
    assert capped.slowdown(Usage(max_percent=100)) == 300
    # A threshold at 100 % would divide by zero without the one-point floor on the span.
    edge = RetryPolicy(backoff_seconds=1, slowdown_percent=100)
    assert edge.slowdown(Usage(max_percent=100)) == 1
    assert edge.slowdown(Usage(max_percent=101)) == 5


def test_each_throttle_honours_its_own_header():
    policy = RetryPolicy(max_retries=3, backoff_seconds=1, max_wait_seconds=1000)
    usage = Usage(max_percent=100, regain_seconds=120, reset_seconds=300)
    assert policy.wait_before_retry(RateLimited("buc", code=80000), 1, usage) == 120
    assert policy.wait_before_retry(RateLimited("acct", code=17), 1, usage) == 300
    assert policy.wait_before_retry(RateLimited("app", code=4), 1, usage) == 1
    calm = Usage(max_percent=40, regain_seconds=0, reset_seconds=300)
    assert policy.wait_before_retry(RateLimited("acct", code=613), 2, calm) == 2


def test_the_report_run_summary_error_is_transient_and_other_100s_are_not() -> None:
    summary = {"error": {"code": 100, "type": "OAuthException", "message": (
        "(#100) Cannot include spend, actions in summary param because they weren't there "
        "while creating the report run. All available values are: ")}}
    error = from_error_body(summary, 400, "GET /6001/insights")
    assert isinstance(error, Transient) and error.retryable
    field = {"error": {"code": 100, "message": "(#100) Tried accessing nonexisting field "
                                               "(spend) on node type (AdsInsights)"}}
    assert type(from_error_body(field, 400)) is Unsupported
