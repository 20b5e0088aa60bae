"""The gate's parse of a batch answer's list of items is handed to the session for that
very answer only, once, and only where it reads as the SDK's ``json.loads`` would."""

from __future__ import annotations

import json
from typing import Any

import pytest
from facebook_business.api import FacebookAdsApi, FacebookResponse
from facebook_business.session import FacebookSession

from audit.graph.sdk import gate
from audit.graph.sdk.gate import take_batch
from audit.graph.sdk.session import _Batch, _has_float

BIG = 123456789012345678901234567890  # beyond 64 bits: orjson reads it as a float


def test_the_list_is_handed_over_for_its_own_answer_only_and_once() -> None:
    headers, other = {"a": "1"}, {"a": "1"}
    gate._handoff.batch = (headers, [{"code": 200}])
    assert take_batch(other) is None  # equal headers, another answer
    gate._handoff.batch = (headers, [{"code": 200}])
    assert take_batch(headers) == [{"code": 200}]
    assert take_batch(headers) is None  # handed over once


@pytest.mark.parametrize(("items", "floats"), [
    ([{"code": 200, "headers": [{"name": "X", "value": "1"}], "body": "1.5"}], False),
    ([None, {"code": 200, "body": '{"spend": 1.5}'}], False),  # inside a body: its own
    ([{"code": float(BIG), "body": "{}"}], True),
    ([{"code": 200, "headers": [{"name": "X", "value": 2.5}], "body": "{}"}], True),
    ([{"code": 200, "body": {"n": 1.0}}], True),  # a body that is not text is walked
])
def test_floats_outside_the_bodies_are_found(items: list[Any], floats: bool) -> None:
    assert _has_float(items) is floats


class _Api(FacebookAdsApi):  # type: ignore[misc]
    """An API whose batch call returns ``text`` and hands ``handed`` over as the gate would."""

    def __init__(self, text: str, handed: list[Any] | None) -> None:
        super().__init__(FacebookSession(access_token="x" * 8))
        self.text, self.handed = text, handed

    def call(self, *args: Any, **kwargs: Any) -> FacebookResponse:
        headers = {"Content-Type": "application/json"}  # the SDK keeps non-empty headers
        if self.handed is not None:
            gate._handoff.batch = (headers, self.handed)
        return FacebookResponse(body=self.text, http_status=200, headers=headers)


def _answers(api: _Api, count: int) -> list[tuple[str, Any]]:
    batch, seen = _Batch(api), []
    for n in range(count):
        batch.add("GET", f"/{n}", success=lambda r: seen.append(("ok", r.json())),
                  failure=lambda r: seen.append(("failed", r.status())))
    batch.execute()
    return seen


def test_the_handed_list_is_used_instead_of_parsing_the_answer_again() -> None:
    items = [{"code": 200, "body": '{"id": "1"}'}]
    # The answer's text says otherwise: the handed list, not the text, decides.
    answers = _answers(_Api(json.dumps([{"code": 400, "body": "{}"}]), items), 1)
    assert answers == [("ok", {"id": "1"})]


def test_a_handed_list_with_a_float_is_replaced_by_the_sdks_reading() -> None:
    text = f'[{{"code": {BIG}, "body": "{{}}"}}]'
    answers = _answers(_Api(text, json.loads(text.replace(str(BIG), "1e29"))), 1)
    assert answers == [("failed", BIG)]  # json keeps the integer whole
    assert type(answers[0][1]) is int


def test_without_a_handed_list_the_answer_is_parsed() -> None:
    text = json.dumps([{"code": 200, "body": '{"id": "2"}'}, None])
    assert _answers(_Api(text, None), 2) == [("ok", {"id": "2"})]
