"""The gate's parse of a batch answer's list of items is handed to the session for that
very answer only, once, and only where it reads as the SDK's ``json.loads`` would."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession
from requests.adapters import HTTPAdapter

from audit.graph.sdk import gate
from audit.graph.sdk.batch import Batch, _has_float
from audit.graph.sdk.gate import take_batch

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


def _answers(text: str, handed: list[Any] | None, count: int) -> list[tuple[str, Any]]:
    """The callbacks a batch of ``count`` calls answers when the server sends ``text`` and
    the gate hands ``handed`` over as its parse of it."""
    _, batch, _ = _api_and_batch(200, text.encode(), handed, count)
    seen: list[tuple[str, Any]] = []
    batch._success_callbacks = [lambda r: seen.append(("ok", r.json()))] * count
    batch._failure_callbacks = [lambda r: seen.append(("failed", r.status()))] * count
    batch.execute()
    return seen


def test_the_handed_list_is_used_instead_of_parsing_the_answer_again() -> None:
    items = [{"code": 200, "body": '{"id": "1"}'}]
    # The answer's text says otherwise: the handed list, not the text, decides.
    answers = _answers(json.dumps([{"code": 400, "body": "{}"}]), items, 1)
    assert answers == [("ok", {"id": "1"})]


def test_a_handed_list_with_a_float_is_replaced_by_the_sdks_reading() -> None:
    text = f'[{{"code": {BIG}, "body": "{{}}"}}]'
    answers = _answers(text, json.loads(text.replace(str(BIG), "1e29")), 1)
    assert answers == [("failed", BIG)]  # json keeps the integer whole
    assert type(answers[0][1]) is int


def test_without_a_handed_list_the_answer_is_parsed() -> None:
    text = json.dumps([{"code": 200, "body": '{"id": "2"}'}, None])
    assert _answers(text, None, 2) == [("ok", {"id": "2"})]


class _Capture(HTTPAdapter):
    """Keeps every request sent and answers each with ``status`` and ``body``; hands
    ``handed`` over as the gate's parse of the answer, as the gate does."""

    def __init__(self, status: int, body: bytes, handed: list[Any] | None = None) -> None:
        super().__init__()
        self.status, self.body, self.sent, self.handed = status, body, [], handed

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
             ) -> requests.Response:
        self.sent.append(request)
        response = requests.Response()
        response.status_code, response._content = self.status, self.body
        response.headers["Content-Type"] = "application/json"
        response.request, response.url = request, request.url
        if self.handed is not None:
            gate._handoff.batch = (response.headers, self.handed)
        return response


def _api_and_batch(status: int, body: bytes, handed: list[Any] | None = None, count: int = 2
                   ) -> tuple[FacebookAdsApi, Batch, _Capture]:
    """An API whose session sends nothing anywhere (every scheme answered by the capture),
    and a batch of ``count`` calls."""
    session = FacebookSession(app_secret="s" * 32, access_token="t" * 40)
    session.GRAPH = "http://127.0.0.1:9"
    capture = _Capture(status, body, handed)
    session.requests.mount("http://", capture)
    session.requests.mount("https://", capture)
    api = FacebookAdsApi(session, api_version="v21.0")
    batch = Batch(api)
    for n in range(count):
        batch.add("GET", f"/{1234 + n}", params={"fields": ["id", "name"], "limit": 100})
    return api, batch, capture


def test_the_batch_is_sent_exactly_as_the_sdks_call_sends_it() -> None:
    answer = json.dumps([{"code": 200, "body": "{}"}, {"code": 200, "body": "{}"}])
    api, batch, capture = _api_and_batch(200, answer.encode())
    api.call("POST", (), params={"batch": batch._batch}, files={})
    assert batch._post({}) == [{"code": 200, "body": "{}"}] * 2
    sdk, ours = capture.sent
    assert (ours.method, ours.url, ours.body) == (sdk.method, sdk.url, sdk.body)
    assert dict(ours.headers) == dict(sdk.headers)
    assert "batch=" in str(ours.body) and "/v21.0/" in str(ours.url)


@pytest.mark.parametrize(("status", "body"), [
    (400, b'{"error": {"message": "Error validating access token", "type": "OAuthException",'
          b' "code": 190}}'),
    (200, b'{"success": false}'),
])
def test_a_batch_that_fails_as_a_whole_raises_what_the_sdks_call_raises(
        status: int, body: bytes) -> None:
    api, batch, _ = _api_and_batch(status, body)
    with pytest.raises(FacebookRequestError) as sdk:
        api.call("POST", (), params={"batch": batch._batch}, files={})
    with pytest.raises(FacebookRequestError) as ours:
        batch._post({})
    for read in ("http_status", "body", "api_error_code", "api_error_message",
                 "request_context"):
        assert getattr(ours.value, read)() == getattr(sdk.value, read)(), read


def test_an_api_object_kept_differently_gets_the_sdks_own_call(
        monkeypatch: pytest.MonkeyPatch) -> None:
    answer = json.dumps([{"code": 200, "body": '{"id": "1"}'}])
    api, batch, capture = _api_and_batch(200, answer.encode())
    monkeypatch.setattr(Batch, "CALL_ATTRIBUTES", ("_renamed",))
    calls: list[Any] = []
    real_call = api.call
    monkeypatch.setattr(api, "call", lambda *a, **k: calls.append(a) or real_call(*a, **k))
    assert batch._post({}) == [{"code": 200, "body": '{"id": "1"}'}]
    assert calls == [("POST", ())]
    assert len(capture.sent) == 1
