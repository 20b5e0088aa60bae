"""API drift: a field Meta refuses costs that field, not the read; the run says what was lost."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import pytest

from audit.evaluate.checks import REGISTRY
from audit.evaluate.evidence import checks_needing, key_matches
from audit.graph.client import GraphClient, Read
from audit.graph.drift import refused_fields, without_fields
from audit.graph.errors import PermissionDenied, Unsupported
from audit.graph.result import Fetched

NONEXISTING = "(#100) Tried accessing nonexisting field ({}) on node type (AdsPixel)"


@pytest.mark.parametrize(("error", "expected"), [
    ({"code": 100, "message": NONEXISTING.format("is_unavailable")}, ("is_unavailable",)),
    ({"code": 100, "message": "(#100) age_targeting, labels are not valid for fields param "
                              "after V19.0."}, ("age_targeting", "labels")),
    ({"code": 100, "message": "(#100) actionz is not valid for fields param. please check"},
     ("actionz",)),
    ({"code": 100, "message": "(#100) Invalid parameter"}, ()),
    ({"code": 200, "message": NONEXISTING.format("name")}, ()),
    (None, ()),
])
def test_refused_fields_are_read_from_the_two_wordings(
        error: Mapping[str, Any] | None, expected: tuple[str, ...]) -> None:
    assert refused_fields(error) == expected


def test_without_fields_removes_a_field_at_any_depth() -> None:
    fields = ("id", "name", "owner_business{id,name}", "web{event_name,dedup_key_feedback}",
              "campaigns.limit(5){name,status}")
    assert without_fields(fields, ["name"]) == (
        "id", "owner_business{id}", "web{event_name,dedup_key_feedback}",
        "campaigns.limit(5){status}")
    assert without_fields(fields, ["dedup_key_feedback", "owner_business"]) == (
        "id", "name", "web{event_name}", "campaigns.limit(5){name,status}")
    assert without_fields(("web{dedup_key_feedback}",), ["dedup_key_feedback"]) == ()


class RetiringTransport:
    """A node read that refuses some fields as nonexisting, like a newer API version."""

    def __init__(self, retired: set[str], also_refuse: Exception | None = None) -> None:
        self.retired = retired
        self.also_refuse = also_refuse
        self.asked: list[tuple[str, ...]] = []

    def get(self, node_id: str, fields: Sequence[str] = (),
            params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        self.asked.append(tuple(fields))
        gone = [f for f in fields if f in self.retired]
        if gone:
            raise Unsupported(NONEXISTING.format(gone[0]), code=100)
        if self.also_refuse is not None:
            raise self.also_refuse
        return {f: f"value of {f}" for f in fields}

    def edge(self, node_id: str, edge: str, fields: Sequence[str] = (),
             params: Mapping[str, Any] | None = None, *, page_size: int | None = None
             ) -> Iterator[Any]:
        raise AssertionError("not used")

    def post(self, node_id: str, edge: str = "",
             params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        raise AssertionError("not used")


def test_a_refused_field_is_dropped_once_and_the_rest_kept() -> None:
    transport = RetiringTransport({"is_unavailable"})
    read = Read("pixel/1", "1", fields=("id", "name", "is_unavailable"))
    result = GraphClient(transport, use_batch=False).fetch(read)
    assert result.succeeded and result.data == {"id": "value of id", "name": "value of name"}
    assert result.dropped_fields == ("is_unavailable",)
    assert result.dropped_because is not None and result.dropped_because["code"] == 100
    assert transport.asked == [("id", "name", "is_unavailable"), ("id", "name")]
    again = Fetched.from_dict(result.to_dict())
    assert again.dropped_fields == ("is_unavailable",) and again.data == result.data


def test_only_one_retry_and_other_errors_are_kept() -> None:
    two_gone = RetiringTransport({"name", "is_unavailable"})
    result = GraphClient(two_gone, use_batch=False).fetch(
        Read("pixel/1", "1", fields=("id", "name", "is_unavailable")))
    assert result.error_kind == "unsupported" and len(two_gone.asked) == 2
    assert result.error is not None and "(name)" in result.error["message"]
    denied = RetiringTransport({"is_unavailable"}, also_refuse=PermissionDenied("no", code=200))
    result = GraphClient(denied, use_batch=False).fetch(
        Read("pixel/1", "1", fields=("id", "is_unavailable")))
    assert result.error_kind == "unsupported" and "(is_unavailable)" in str(result.error)
    only = RetiringTransport({"is_unavailable"})
    result = GraphClient(only, use_batch=False).fetch(
        Read("pixel/1", "1", fields=("is_unavailable",)))
    assert result.error_kind == "unsupported" and len(only.asked) == 1


@pytest.mark.parametrize(("key", "pattern", "expected"), [
    ("pixel/123/agencies", "pixel/*/agencies", True),
    ("pixel/123", "pixel/*", True),
    ("pixel/123/agencies", "pixel/*", False),
    ("pixel/123/assigned_users/555", "pixel/*/assigned_users/*", True),
    ("adaccount/act_1/insights/adset", "adaccount/*/insights/campaign", False),
])
def test_keys_match_needs_segment_by_segment(key: str, pattern: str, expected: bool) -> None:
    assert key_matches(key, pattern) is expected


def test_the_checks_that_lose_evidence_are_those_that_need_the_read() -> None:
    lost = checks_needing("pixel/123/agencies", REGISTRY.all())
    assert "access_pixel_tasks" in lost
    assert "token_access_valid" not in lost and "capi_event_dedup" not in lost
    assert checks_needing("adaccount/act_1/adsets", REGISTRY.all()) != ()
    assert checks_needing("pixel/123/nothing_needs_this", REGISTRY.all()) == ()
