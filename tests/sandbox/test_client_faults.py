"""Our Graph client's error paths, through the real SDK and HTTP, against sandbox faults.

Each test builds the production stack (``GraphClient`` over ``GraphSession`` over
``facebook_business`` over ``requests``) pointed at a sandbox, injects one fault, and checks
what the client returns, how many requests reached the server, and how long it chose to
wait (sleeps are recorded, not slept). The sandbox's own behaviour is tested elsewhere; here
the subject is the client: timeouts, ``null`` batch items, asynchronous report runs that fail
or never finish, a failure in the middle of paging, and the slowdown near the usage limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from sbx_helpers import ACCOUNT, PIXEL, TOKEN, small_world_data

from audit.graph.breaker import Breaker
from audit.graph.client import GraphClient, Read
from audit.graph.retry import RetryPolicy
from audit.graph.sdk import GraphSession, GraphSettings
from audit.sandbox import SandboxServer

PIXEL_READ = Read("pixel", PIXEL, fields=("id", "name"))
ACCOUNT_READ = Read("account", ACCOUNT, fields=("id", "name", "currency"))
ADSETS_READ = Read("adsets", ACCOUNT, "adsets", fields=("id", "name"))
INSIGHTS_READ = Read("insights", ACCOUNT, "insights", fields=("spend", "actions"),
                     params={"date_preset": "last_7d", "level": "account"},
                     async_fallback=True)
# The small world's nine ad sets, in the order the edge serves them (pages of four).
AD_SETS = [f"72000000{i}" for i in range(1, 10)]
TOO_MUCH_DATA = "Please reduce the amount of data you're asking for, then retry your request"


@dataclass
class Stack:
    """The client under test, its session, and the waits it asked for."""

    client: GraphClient
    session: GraphSession
    sleeps: list[float] = field(default_factory=list)


@pytest.fixture
def stack(srv: SandboxServer) -> Callable[..., Stack]:
    """Factory for a client on ``srv`` (keyword arguments go to the settings or client)."""

    def make(*, server: SandboxServer = srv, timeout: float = 5.0, use_batch: bool = True,
             max_retries: int = 2, backoff: float = 0.25, max_polls: int = 60,
             page_size: int = 100, slowdown_percent: float = 90.0) -> Stack:
        sleeps: list[float] = []
        settings = GraphSettings(
            base_url=server.base_url, api_version="v26.0", access_token=TOKEN,
            timeout_seconds=timeout, page_size=page_size,
            retry=RetryPolicy(max_retries=max_retries, backoff_seconds=backoff,
                              slowdown_percent=slowdown_percent))
        session = GraphSession(settings, sleep=sleeps.append, breaker=Breaker())
        client = GraphClient(session, use_batch=use_batch, sleep=sleeps.append,
                             max_polls=max_polls, poll_seconds=0.5)
        return Stack(client, session, sleeps)

    return make


def _ids(data: Any) -> list[str]:
    assert isinstance(data, list)
    return [item["id"] for item in data]


# ---------------------------------------------------------------------------- timeouts


def test_a_timed_out_read_is_retried_once_and_then_answered(
        srv: SandboxServer, stack: Callable[..., Stack]) -> None:
    srv.add_fault(rf"^{PIXEL}$", kind="latency", code=None, latency_ms=1500, times=1)
    s = stack(timeout=0.4)
    result = s.client.fetch(PIXEL_READ)
    assert result.error is None
    assert result.data == {"id": PIXEL, "name": "Client Pixel"}
    assert srv.request_count(rf"^{PIXEL}$") == 2
    assert s.sleeps == [0.25]  # the first backoff, nothing more
    assert (s.session.stats.requests, s.session.stats.retries) == (2, 1)


def test_reads_that_keep_timing_out_open_the_breaker_and_are_not_an_access_problem(
        srv: SandboxServer, stack: Callable[..., Stack]) -> None:
    srv.add_fault(rf"^{PIXEL}$", kind="latency", code=None, latency_ms=1500, times=None)
    s = stack(timeout=0.3, max_retries=5)
    first = s.client.fetch(PIXEL_READ)
    assert first.data is None and first.error is not None
    # Three timeouts in a row open the client's breaker before the retry budget (5) is spent.
    assert first.error["kind"] == "unreachable"
    assert srv.request_count(rf"^{PIXEL}$") == 3
    assert s.sleeps == [0.25, 0.5]  # waits between the three attempts only
    # The next read is refused by the open breaker without a request.
    second = s.client.fetch(ACCOUNT_READ)
    assert second.error is not None and second.error["kind"] == "unreachable"
    assert srv.request_count(rf"^{ACCOUNT}$") == 0
    assert srv.request_count() == 3


def test_a_batch_that_times_out_fails_each_of_its_reads_with_the_network_error(
        srv: SandboxServer, stack: Callable[..., Stack]) -> None:
    srv.add_fault(r"^$", method="POST", kind="latency", code=None, latency_ms=1500, times=1)
    s = stack(timeout=0.4)
    results = s.client.fetch_all([PIXEL_READ, ACCOUNT_READ])
    # The timed-out batch is sent again (same retry policy as a single call) and answered.
    assert results["pixel"].data == {"id": PIXEL, "name": "Client Pixel"}
    assert results["account"].data == {"id": ACCOUNT, "name": "Client Account",
                                       "currency": "GBP"}
    assert srv.request_count(r"^$", "POST") == 2
    assert s.sleeps == [0.25]


# ---------------------------------------------------------------------------- batch items


def test_a_null_batch_item_is_asked_again_alone(
        srv: SandboxServer, stack: Callable[..., Stack]) -> None:
    srv.add_fault(rf"^{PIXEL}$", kind="batch_null", code=None, times=1)
    s = stack()
    results = s.client.fetch_all([ACCOUNT_READ, PIXEL_READ])
    assert results["pixel"].error is None
    assert results["pixel"].data == {"id": PIXEL, "name": "Client Pixel"}
    assert results["account"].error is None
    # Two batches: both reads, then the pixel alone.
    assert srv.request_count(r"^$", "POST") == 2
    assert srv.request_count(rf"^{PIXEL}$", batch_items=True) == 2
    assert srv.request_count(rf"^{ACCOUNT}$", batch_items=True) == 1
    assert s.sleeps == [0.25]
    assert s.session.stats.retries == 1


def test_a_batch_item_that_never_completes_is_an_invalid_response_for_that_read_only(
        srv: SandboxServer, stack: Callable[..., Stack]) -> None:
    srv.add_fault(rf"^{PIXEL}$", kind="batch_null", code=None, times=None)
    s = stack(max_retries=2)
    results = s.client.fetch_all([ACCOUNT_READ, PIXEL_READ])
    assert results["account"].data is not None and results["account"].error is None
    error = results["pixel"].error
    assert results["pixel"].data is None and error is not None
    assert error["kind"] == "invalid_response"
    assert "never completed" in error["message"]
    assert srv.request_count(rf"^{PIXEL}$", batch_items=True) == 3  # 1 + max_retries
    assert s.sleeps == [0.25, 0.5]


# ---------------------------------------------------------------------------- async reports


def _too_much_data(srv: SandboxServer) -> None:
    srv.add_fault(rf"^{ACCOUNT}/insights$", method="GET", code=1, subcode=99,
                  http_status=500, is_transient=False, message=TOO_MUCH_DATA, times=1)


def test_too_much_data_falls_back_to_an_async_report_that_completes(
        srv: SandboxServer, stack: Callable[..., Stack]) -> None:
    _too_much_data(srv)
    s = stack()
    result = s.client.fetch(INSIGHTS_READ)
    assert result.error is None, result.error
    assert result.endpoint == f"GET /{ACCOUNT}/insights (async report run)"
    assert isinstance(result.data, list) and len(result.data) == 1
    # 9 ad sets x 10.00 a day x 7 days.
    assert float(result.data[0]["spend"]) == pytest.approx(630.0)
    assert srv.request_count(rf"^{ACCOUNT}/insights$", "POST") == 1
    # The small world's job completes on the third poll: two waits, growing by half.
    assert s.sleeps == [0.5, 0.75]


def test_an_async_report_that_fails_is_an_error_with_its_state_not_data(
        srv: SandboxServer, stack: Callable[..., Stack]) -> None:
    _too_much_data(srv)
    srv.add_fault(rf"^{ACCOUNT}/insights$", method="POST", kind="job_failed", code=None)
    s = stack()
    result = s.client.fetch(INSIGHTS_READ)
    assert result.data is None and result.error is not None
    assert result.error["message"] == "the asynchronous report ended with 'Job Failed'"
    assert result.error["kind"] == "error"
    assert result.endpoint == f"GET /{ACCOUNT}/insights (async report run)"
    # No rows are read from a failed job.
    assert srv.request_count(r"^\d+/insights$", "GET") == 0


def test_an_async_report_that_never_finishes_gives_up_after_max_polls(
        start_server: Callable[..., SandboxServer], stack: Callable[..., Stack]) -> None:
    data = small_world_data()
    data["settings"]["async_polls"] = 50
    server = start_server(data)
    _too_much_data(server)
    s = stack(server=server, max_polls=4)
    result = s.client.fetch(INSIGHTS_READ)
    assert result.data is None and result.error is not None
    assert result.error["kind"] == "transient"
    assert result.error["message"] == "the asynchronous report did not finish after 4 polls"
    assert server.request_count(r"^\d+$", "GET") == 4
    assert s.sleeps == [0.5, 0.75, 1.125, 1.6875]


# ---------------------------------------------------------------------------- paging


@pytest.mark.parametrize("use_batch", [True, False], ids=["batched", "one-by-one"])
def test_a_failure_on_the_second_page_keeps_the_first_page_marked_partial(
        srv: SandboxServer, stack: Callable[..., Stack], use_batch: bool) -> None:
    srv.add_fault(rf"^{ACCOUNT}/adsets$", code=100, subcode=None, is_transient=False,
                  message="(#100) Sandbox: the second page failed", skip=1, times=1)
    s = stack(use_batch=use_batch, page_size=4)
    result = s.client.fetch_all([ADSETS_READ, PIXEL_READ])["adsets"]
    assert result.partial is True
    assert _ids(result.data) == AD_SETS[:4]
    assert result.error is not None
    assert result.error["message"] == "(#100) Sandbox: the second page failed"
    assert s.sleeps == []  # a code 100 is not retried


def test_a_transient_failure_on_the_second_page_is_retried_and_the_list_is_whole(
        srv: SandboxServer, stack: Callable[..., Stack]) -> None:
    srv.add_fault(rf"^{ACCOUNT}/adsets$", code=2, subcode=None, skip=1, times=1)
    s = stack(use_batch=False, page_size=4)
    result = s.client.fetch(ADSETS_READ)
    assert result.error is None and result.partial is False
    assert _ids(result.data) == AD_SETS
    assert srv.request_count(rf"^{ACCOUNT}/adsets$") == 4  # pages 1, 2 (failed), 2, 3
    assert s.sleeps == [0.25]


# ---------------------------------------------------------------------------- usage


def test_the_client_slows_down_as_usage_nears_the_limit(
        start_server: Callable[..., SandboxServer], stack: Callable[..., Stack]) -> None:
    data = small_world_data()
    data["settings"]["quotas"] = {"account_calls": 10}
    server = start_server(data)
    s = stack(server=server, backoff=1.0, use_batch=False)
    for _ in range(10):
        assert s.client.fetch(ACCOUNT_READ).error is None
    # x-ad-account-usage: call k of 10 is at 10k %. Below 90 % no pause; at 90 % the
    # backoff (1 s); at 100 % five times it (1 s x (1 + 4 x 1)).
    assert s.sleeps == [1.0, 5.0]
    assert s.session.stats.waited_seconds == 6.0


def test_batches_work_through_the_sdks_own_dispatch_too(
        srv: SandboxServer, stack: Callable[..., Stack], monkeypatch: pytest.MonkeyPatch) -> None:
    """As with an SDK whose batch keeps its state under other names than our copy reads."""
    from audit.graph.sdk.batch import Batch

    monkeypatch.setattr(Batch, "SDK_ATTRIBUTES", (*Batch.SDK_ATTRIBUTES, "_renamed"))
    srv.add_fault(rf"^{PIXEL}$", kind="batch_null", code=None, times=1)
    s = stack()
    results = s.client.fetch_all([ACCOUNT_READ, PIXEL_READ, ADSETS_READ])
    assert results["pixel"].data == {"id": PIXEL, "name": "Client Pixel"}
    assert results["account"].data == {"id": ACCOUNT, "name": "Client Account",
                                       "currency": "GBP"}
    assert _ids(results["adsets"].data) == AD_SETS
    assert srv.request_count(rf"^{PIXEL}$", batch_items=True) == 2


def test_edge_pages_slow_down_as_usage_nears_the_limit_too(
        start_server: Callable[..., SandboxServer], stack: Callable[..., Stack]) -> None:
    data = small_world_data()
    data["settings"]["quotas"] = {"account_calls": 3}
    server = start_server(data)
    s = stack(server=server, backoff=1.0, use_batch=False, page_size=4)
    result = s.client.fetch(ADSETS_READ)
    assert _ids(result.data) == AD_SETS
    # Three pages: 33 % and 67 % of the quota ask for nothing, the third (100 %) for 5 x 1 s.
    assert s.sleeps == [5.0]
