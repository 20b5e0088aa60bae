"""GraphClient on a scripted transport: batching, paging from a batch answer, async reports.

The transport answers exactly what each test scripts and records every call, so each
expectation below is the call sequence and result the client must produce for that script
(the SDK-and-HTTP side of the same paths is in tests/sandbox/test_client_faults.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import FrozenInstanceError
from typing import Any

import pytest

from audit.graph.client import REPORT_STATUS_FIELDS, GraphClient, Read
from audit.graph.errors import (
    GraphError,
    NotFound,
    PermissionDenied,
    TooMuchData,
    Transient,
    Unreachable,
    Unsupported,
)
from audit.graph.transport import BatchCall

JSON = dict[str, Any]


class Settings:
    """What the client reads from a session's settings (the page size)."""

    page_size = 25


class Scripted:
    """A batch-capable transport whose answers are scripted per call."""

    def __init__(self, *, nodes: Mapping[str, Any] | None = None,
                 edges: Mapping[tuple[str, str], Any] | None = None,
                 batch: Sequence[JSON | GraphError] | None = None,
                 posts: Sequence[JSON | GraphError] = (),
                 polls: Sequence[JSON] = (), runs: Sequence[str] = ()) -> None:
        self.nodes = dict(nodes or {})
        self.edges = dict(edges or {})
        self.batch = list(batch or [])
        self.posts = list(posts)
        self.polls = list(polls)
        self.runs = set(runs)  # report run ids besides those named run-…
        self.calls: list[tuple[Any, ...]] = []
        self.settings = Settings()

    def get(self, node_id: str, fields: Sequence[str] = (),
            params: Mapping[str, Any] | None = None) -> JSON:
        self.calls.append(("get", node_id, tuple(fields), dict(params or {})))
        if node_id.startswith("run-") or node_id in self.runs:
            return self.polls.pop(0)
        answer = self.nodes[node_id]
        if isinstance(answer, GraphError):
            raise answer
        return dict(answer)

    def edge(self, node_id: str, edge: str, fields: Sequence[str] = (),
             params: Mapping[str, Any] | None = None, *, page_size: int | None = None
             ) -> Iterator[Any]:
        self.calls.append(("edge", node_id, edge, tuple(fields), dict(params or {})))
        for item in self.edges[(node_id, edge)]:
            if isinstance(item, GraphError):
                raise item
            yield item

    def post(self, node_id: str, edge: str = "",
             params: Mapping[str, Any] | None = None) -> JSON:
        self.calls.append(("post", node_id, edge, dict(params or {})))
        answer = self.posts.pop(0) if self.posts else {"success": True}
        if isinstance(answer, GraphError):
            raise answer
        return answer

    def batch_get(self, calls: Sequence[BatchCall]) -> list[JSON | GraphError]:
        self.calls.append(("batch", [(c.node_id, c.edge, dict(c.params)) for c in calls]))
        answers, self.batch = self.batch[:len(calls)], self.batch[len(calls):]
        assert len(answers) == len(calls), "the test scripted fewer batch answers"
        return answers


class Plain:
    """A transport without ``batch_get``."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def get(self, node_id: str, fields: Sequence[str] = (),
            params: Mapping[str, Any] | None = None) -> JSON:
        self.calls.append(node_id)
        return {"id": node_id}

    def edge(self, node_id: str, edge: str, fields: Sequence[str] = (),
             params: Mapping[str, Any] | None = None, *, page_size: int | None = None
             ) -> Iterator[Any]:
        self.calls.append(f"{node_id}/{edge}")
        yield {"id": "e1"}

    def post(self, node_id: str, edge: str = "",
             params: Mapping[str, Any] | None = None) -> JSON:
        raise AssertionError("not used")


NODE = Read("pixel", "1", fields=("id", "name"))
OTHER = Read("account", "act_2", fields=("id",))
EDGE = Read("agencies", "1", "agencies", fields=("id", "name"), params={"x": "y"})
INSIGHTS = Read("insights", "act_2", "insights", fields=("spend",),
                params={"level": "account"}, async_fallback=True)


def _sleeps() -> tuple[list[float], Any]:
    waits: list[float] = []
    return waits, waits.append


# ------------------------------------------------------------------------- single reads


def test_a_node_read_returns_the_object_and_its_endpoint() -> None:
    t = Scripted(nodes={"1": {"id": "1", "name": "Pixel"}})
    result = GraphClient(t, use_batch=False).fetch(NODE)
    assert result.data == {"id": "1", "name": "Pixel"} and result.error is None
    assert result.endpoint == "GET /1"
    assert t.calls == [("get", "1", ("id", "name"), {})]


def test_a_failed_node_read_is_captured_not_raised() -> None:
    t = Scripted(nodes={"1": PermissionDenied("no access", code=200)})
    result = GraphClient(t, use_batch=False).fetch(NODE)
    assert result.data is None and result.partial is False
    assert result.error == {"kind": "permission", "code": 200, "subcode": None,
                            "http_status": None, "message": "no access"}


def test_an_edge_read_without_batching_reads_every_item() -> None:
    t = Scripted(edges={("1", "agencies"): [{"id": "a"}, {"id": "b"}]})
    result = GraphClient(t, use_batch=False).fetch(EDGE)
    assert result.data == [{"id": "a"}, {"id": "b"}] and result.error is None
    assert result.endpoint == "GET /1/agencies"
    assert t.calls == [("edge", "1", "agencies", ("id", "name"), {"x": "y"})]


def test_an_edge_that_fails_after_some_items_keeps_them_partial() -> None:
    t = Scripted(edges={("1", "agencies"): [{"id": "a"}, Transient("gone", code=2)]})
    result = GraphClient(t, use_batch=False).fetch(EDGE)
    assert result.partial is True and result.data == [{"id": "a"}]
    assert result.error is not None and result.error["kind"] == "transient"


def test_an_edge_that_fails_before_any_item_is_failed_not_partial() -> None:
    t = Scripted(edges={("1", "agencies"): [Transient("gone", code=2)]})
    result = GraphClient(t, use_batch=False).fetch(EDGE)
    assert result.partial is False and result.data is None
    assert result.error is not None and result.error["message"] == "gone"


def test_an_item_that_is_not_an_object_ends_the_list_as_invalid() -> None:
    t = Scripted(edges={("1", "agencies"): [{"id": "a"}, "b", {"id": "c"}]})
    result = GraphClient(t, use_batch=False).fetch(EDGE)
    assert result.partial is True and result.data == [{"id": "a"}]
    assert result.error is not None
    assert result.error["kind"] == "invalid_response"
    assert result.error["message"] == "an item of the 'data' list is a str, not an object"


# ------------------------------------------------------------------------- batching


def test_no_reads_make_no_call() -> None:
    t = Scripted()
    assert GraphClient(t).fetch_all([]) == {}
    assert t.calls == []


def test_one_read_is_not_batched() -> None:
    t = Scripted(nodes={"1": {"id": "1"}})
    assert GraphClient(t).fetch_all([NODE])["pixel"].data == {"id": "1"}
    assert [c[0] for c in t.calls] == ["get"]


def test_batching_off_or_unsupported_reads_one_by_one() -> None:
    t = Scripted(nodes={"1": {"id": "1"}, "act_2": {"id": "act_2"}})
    out = GraphClient(t, use_batch=False).fetch_all([NODE, OTHER])
    assert [c[0] for c in t.calls] == ["get", "get"]
    assert out["account"].data == {"id": "act_2"}
    plain = Plain()
    client = GraphClient(plain, use_batch=True)
    assert client.use_batch is False
    assert client.fetch_all([NODE, EDGE])["agencies"].data == [{"id": "e1"}]
    assert plain.calls == ["1", "1/agencies"]


def test_batch_calls_carry_fields_and_a_page_size_on_edges_only() -> None:
    t = Scripted(batch=[{"id": "1"}, {"data": []}, {"data": []}])
    limited = Read("users", "1", "assigned_users", fields=("id",), params={"limit": 7})
    GraphClient(t).fetch_all([NODE, EDGE, limited])
    assert t.calls == [("batch", [
        ("1", "", {"fields": "id,name"}),
        ("1", "agencies", {"x": "y", "fields": "id,name", "limit": 25}),
        ("1", "assigned_users", {"limit": 7, "fields": "id"}),
    ])]


def test_a_read_without_fields_sends_no_fields_parameter() -> None:
    t = Scripted(batch=[{"id": "1"}, {"id": "act_2"}])
    GraphClient(t).fetch_all([Read("a", "1"), Read("b", "act_2")])
    assert t.calls == [("batch", [("1", "", {}), ("act_2", "", {})])]


def test_batch_answers_become_results_by_key() -> None:
    t = Scripted(batch=[{"id": "1", "name": "P"}, NotFound("gone", code=100, subcode=33),
                        {"data": [{"id": "a"}], "paging": {}}])
    out = GraphClient(t).fetch_all([NODE, OTHER, EDGE])
    assert out["pixel"].data == {"id": "1", "name": "P"}
    assert out["account"].error is not None and out["account"].error["kind"] == "not_found"
    assert out["account"].endpoint == "GET /act_2"
    assert out["agencies"].data == [{"id": "a"}] and out["agencies"].error is None
    assert len(t.calls) == 1  # no paging call: the answer had no next page


@pytest.mark.parametrize("answer", [{"data": {"id": "a"}}, {"items": []}, {"data": None}])
def test_an_edge_answer_without_a_data_list_is_invalid(answer: JSON) -> None:
    t = Scripted(batch=[{"id": "1"}, answer])
    result = GraphClient(t).fetch_all([NODE, EDGE])["agencies"]
    assert result.data is None and result.error is not None
    assert result.error["kind"] == "invalid_response"
    assert result.error["message"] == "expected a JSON object with a 'data' list"


def test_an_edge_answer_with_a_non_object_item_is_invalid() -> None:
    t = Scripted(batch=[{"id": "1"}, {"data": [{"id": "a"}, 3]}])
    result = GraphClient(t).fetch_all([NODE, EDGE])["agencies"]
    assert result.data is None and result.error is not None
    assert result.error["message"] == "an item of the 'data' list is a int, not an object"


def test_a_batch_answer_with_a_next_page_is_followed_from_its_cursor() -> None:
    t = Scripted(batch=[{"id": "1"},
                        {"data": [{"id": "a"}],
                         "paging": {"cursors": {"after": "CUR1"}, "next": "https://x/next"}}],
                 edges={("1", "agencies"): [{"id": "b"}, {"id": "c"}]})
    result = GraphClient(t).fetch_all([NODE, EDGE])["agencies"]
    assert result.data == [{"id": "a"}, {"id": "b"}, {"id": "c"}] and result.error is None
    assert t.calls[1] == ("edge", "1", "agencies", ("id", "name"), {"x": "y", "after": "CUR1"})


@pytest.mark.parametrize("paging", [
    {"cursors": {"after": "CUR1"}},                      # no next: the last page
    {"cursors": {"after": "CUR1"}, "next": ""},          # an empty next
    {"next": "https://x/next"},                          # next without cursors
    {"next": "https://x/next", "cursors": ["CUR1"]},     # cursors of the wrong type
    {"next": "https://x/next", "cursors": {"after": 5}},  # a cursor that is not text
    "next",                                              # paging of the wrong type
])
def test_a_batch_answer_without_a_usable_next_cursor_is_the_whole_list(paging: Any) -> None:
    t = Scripted(batch=[{"id": "1"}, {"data": [{"id": "a"}], "paging": paging}])
    result = GraphClient(t).fetch_all([NODE, EDGE])["agencies"]
    assert result.data == [{"id": "a"}] and result.error is None
    assert len(t.calls) == 1


def test_a_later_page_that_fails_keeps_the_batch_page_partial() -> None:
    t = Scripted(batch=[{"id": "1"},
                        {"data": [{"id": "a"}],
                         "paging": {"cursors": {"after": "CUR1"}, "next": "n"}}],
                 edges={("1", "agencies"): [PermissionDenied("later", code=200)]})
    result = GraphClient(t).fetch_all([NODE, EDGE])["agencies"]
    assert result.partial is True and result.data == [{"id": "a"}]
    assert result.error is not None and result.error["message"] == "later"


# ------------------------------------------------------------------------- async reports


def _too_much() -> TooMuchData:
    return TooMuchData("Please reduce the amount of data", code=1, subcode=99)


def test_too_much_data_runs_the_read_as_an_async_report() -> None:
    t = Scripted(nodes={}, edges={("act_2", "insights"): [_too_much()],
                                  ("run-7", "insights"): [{"spend": "1.00"}]},
                 posts=[{"report_run_id": "run-7"}],
                 polls=[{"async_status": "Job Not Started"}, {"async_status": "Job Running"},
                        {"async_status": "Job Completed"}])
    waits, sleep = _sleeps()
    result = GraphClient(t, use_batch=False, sleep=sleep, poll_seconds=2.0).fetch(INSIGHTS)
    assert result.data == [{"spend": "1.00"}] and result.error is None
    assert result.endpoint == "GET /act_2/insights (async report run)"
    assert t.calls[1] == ("post", "act_2", "insights", {"level": "account", "fields": "spend"})
    assert t.calls[2] == ("get", "run-7", REPORT_STATUS_FIELDS, {})
    assert t.calls[-1] == ("edge", "run-7", "insights", ("spend",), {})
    assert waits == [2.0, 3.0]  # 2 s, then half as long again


def test_a_report_run_answering_with_id_instead_of_report_run_id_is_accepted() -> None:
    t = Scripted(edges={("run-9", "insights"): []}, posts=[{"id": "run-9"}],
                 polls=[{"async_status": "Job Completed"}])
    result = GraphClient(t, use_batch=False).fetch_async(INSIGHTS)
    assert result.data == [] and result.error is None
    assert [c[1] for c in t.calls] == ["act_2", "run-9", "run-9"]


def test_a_batched_too_much_data_answer_also_falls_back_to_async() -> None:
    t = Scripted(batch=[{"id": "1"}, _too_much()], posts=[{"report_run_id": "run-3"}],
                 polls=[{"async_status": "Job Completed"}],
                 edges={("run-3", "insights"): [{"spend": "2.00"}]})
    out = GraphClient(t).fetch_all([NODE, INSIGHTS])
    assert out["insights"].data == [{"spend": "2.00"}]
    assert out["insights"].endpoint == "GET /act_2/insights (async report run)"


def test_too_much_data_on_a_read_without_the_fallback_is_an_error() -> None:
    t = Scripted(edges={("act_2", "insights"): [_too_much()]})
    read = Read("insights", "act_2", "insights", fields=("spend",))
    result = GraphClient(t, use_batch=False).fetch(read)
    assert result.error is not None and result.error["kind"] == "too_much_data"
    assert [c[0] for c in t.calls] == ["edge"]


def test_other_errors_on_an_async_capable_read_are_not_retried_async() -> None:
    t = Scripted(edges={("act_2", "insights"): [PermissionDenied("no", code=200)]})
    result = GraphClient(t, use_batch=False).fetch(INSIGHTS)
    assert result.error is not None and result.error["kind"] == "permission"
    assert [c[0] for c in t.calls] == ["edge"]


@pytest.mark.parametrize("answer", [{}, {"report_run_id": None}, {"id": ["x"]}])
def test_a_report_run_without_an_id_is_an_invalid_response(answer: JSON) -> None:
    t = Scripted(posts=[answer])
    result = GraphClient(t, use_batch=False).fetch_async(INSIGHTS)
    assert result.data is None and result.error is not None
    assert result.error["kind"] == "invalid_response"
    assert result.error["message"] == "the report run answered without report_run_id"


def test_a_numeric_report_run_id_is_polled_as_text() -> None:
    t = Scripted(posts=[{"report_run_id": 42}], polls=[{"async_status": "Job Completed"}],
                 runs=["42"], edges={("42", "insights"): []})
    result = GraphClient(t, use_batch=False).fetch_async(INSIGHTS)
    assert result.data == [] and result.error is None
    assert [c[1] for c in t.calls] == ["act_2", "42", "42"]


@pytest.mark.parametrize("state", ["Job Failed", "Job Skipped"])
def test_a_report_that_ends_badly_is_an_error_naming_the_state(state: str) -> None:
    t = Scripted(posts=[{"report_run_id": "run-1"}],
                 polls=[{"async_status": "Job Running"}, {"async_status": state}])
    waits, sleep = _sleeps()
    result = GraphClient(t, use_batch=False, sleep=sleep, poll_seconds=1.0).fetch_async(INSIGHTS)
    assert result.data is None and result.error is not None
    assert result.error["message"] == f"the asynchronous report ended with '{state}'"
    assert result.error["kind"] == "error"
    assert waits == [1.0]
    assert [c[0] for c in t.calls] == ["post", "get", "get"]  # no rows read


def test_a_report_that_never_finishes_stops_after_max_polls_with_capped_waits() -> None:
    t = Scripted(posts=[{"report_run_id": "run-1"}],
                 polls=[{"async_status": "Job Running"}] * 5)
    waits, sleep = _sleeps()
    client = GraphClient(t, use_batch=False, sleep=sleep, max_polls=5, poll_seconds=6.0)
    result = client.fetch_async(INSIGHTS)
    assert result.error is not None and result.error["kind"] == "transient"
    assert result.error["message"] == "the asynchronous report did not finish after 5 polls"
    assert waits == [6.0, 9.0, 10.0, 10.0, 10.0]  # x1.5, never above 10 s
    assert t.polls == []


def test_a_refused_report_run_is_the_reads_error() -> None:
    t = Scripted(posts=[PermissionDenied("ads_read missing", code=200)])
    result = GraphClient(t, use_batch=False).fetch_async(INSIGHTS)
    assert result.error is not None and result.error["message"] == "ads_read missing"
    assert result.endpoint == "GET /act_2/insights (async report run)"


def test_a_report_run_without_fields_sends_only_its_parameters() -> None:
    t = Scripted(posts=[{"report_run_id": "run-1"}], polls=[{"async_status": "Job Completed"}],
                 edges={("run-1", "insights"): []})
    GraphClient(t, use_batch=False).fetch_async(Read("i", "act_2", "insights",
                                                     params={"level": "ad"}))
    assert t.calls[0] == ("post", "act_2", "insights", {"level": "ad"})


# ------------------------------------------------------------------------- writes


def test_writes_pass_straight_to_the_transport() -> None:
    t = Scripted(nodes={"9": {"id": "9", "status": "ACTIVE"}},
                 posts=[{"success": True}, {"id": "ev"}])
    client = GraphClient(t)
    assert client.get("9", ["status"]) == {"id": "9", "status": "ACTIVE"}
    assert client.update("9", {"status": "PAUSED"}) == {"success": True}
    assert client.create("8", "events", {"data": "[]"}) == {"id": "ev"}
    assert t.calls[1:] == [("post", "9", "", {"status": "PAUSED"}),
                           ("post", "8", "events", {"data": "[]"})]


def test_a_failed_write_raises() -> None:
    t = Scripted(posts=[PermissionDenied("no", code=200)])
    with pytest.raises(PermissionDenied):
        GraphClient(t).update("9", {"status": "PAUSED"})


def test_read_endpoints_name_node_and_edge() -> None:
    assert NODE.endpoint == "GET /1"
    assert EDGE.endpoint == "GET /1/agencies"


# ------------------------------------------------------------------------- edges of the above


def test_a_poll_without_a_status_is_not_taken_for_completion() -> None:
    t = Scripted(posts=[{"report_run_id": "run-1"}],
                 polls=[{"id": "run-1"}, {"async_status": ""},
                        {"async_status": "Job Completed"}],
                 edges={("run-1", "insights"): [{"spend": "3.00"}]})
    waits, sleep = _sleeps()
    result = GraphClient(t, use_batch=False, sleep=sleep).fetch_async(INSIGHTS)
    assert result.data == [{"spend": "3.00"}]
    assert waits == [0.5, 0.75]


def test_the_default_polling_is_sixty_polls_from_half_a_second() -> None:
    t = Scripted(posts=[{"report_run_id": "run-1"}],
                 polls=[{"async_status": "Job Running"}] * 60)
    waits, sleep = _sleeps()
    result = GraphClient(t, use_batch=False, sleep=sleep).fetch_async(INSIGHTS)
    assert result.error is not None
    assert result.error["message"] == "the asynchronous report did not finish after 60 polls"
    assert len(waits) == 60 and waits[:3] == [0.5, 0.75, 1.125] and waits[-1] == 10.0


@pytest.mark.parametrize("error", [Unsupported("(#100) Unsupported get request", code=100),
                                   Unreachable("the API does not answer")])
def test_only_too_much_data_turns_a_read_async(error: GraphError) -> None:
    t = Scripted(edges={("act_2", "insights"): [error]})
    result = GraphClient(t, use_batch=False).fetch(INSIGHTS)
    assert result.error is not None and result.error["kind"] == error.kind
    assert [c[0] for c in t.calls] == ["edge"]


NONEXISTING = "(#100) Tried accessing nonexisting field ({}) on node type (AdsPixel)"


def test_a_refused_first_field_is_dropped_and_the_read_repeated() -> None:
    t = Scripted(nodes={"1": Unsupported(NONEXISTING.format("is_unavailable"), code=100)})
    asked: list[tuple[str, ...]] = []

    def get(node_id: str, fields: Sequence[str] = (),
            params: Mapping[str, Any] | None = None) -> JSON:
        asked.append(tuple(fields))
        if "is_unavailable" in fields:
            raise Unsupported(NONEXISTING.format("is_unavailable"), code=100)
        return {"name": "P"}

    t.get = get  # type: ignore[method-assign]
    read = Read("pixel", "1", fields=("is_unavailable", "name"))
    result = GraphClient(t, use_batch=False).fetch(read)
    assert result.data == {"name": "P"} and result.dropped_fields == ("is_unavailable",)
    assert asked == [("is_unavailable", "name"), ("name",)]


def test_a_refused_field_that_was_not_asked_for_costs_no_second_read() -> None:
    t = Scripted(nodes={"1": Unsupported(NONEXISTING.format("owner"), code=100)})
    result = GraphClient(t, use_batch=False).fetch(NODE)
    assert result.error is not None and result.dropped_fields == ()
    assert len(t.calls) == 1


def test_reads_are_immutable() -> None:
    with pytest.raises(FrozenInstanceError):
        NODE.key = "other"  # type: ignore[misc]


def test_a_batch_transport_answering_fewer_items_than_asked_is_a_loud_error() -> None:
    t = Scripted(batch=[{"id": "1"}, {"id": "act_2"}])
    t.batch_get = lambda calls: [{"id": "1"}]  # type: ignore[method-assign]
    with pytest.raises(ValueError):
        GraphClient(t).fetch_all([NODE, OTHER])
