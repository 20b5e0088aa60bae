"""The SDK's batch with each answer read once.

``FacebookAdsApiBatch`` (facebook_business/api.py) sends one ``POST /`` through
``FacebookAdsApi.call``, which parses the whole answer to decide whether the call failed;
the batch parses it again for its items, and each item's ``FacebookResponse`` parses its
body at every ``json()`` and ``is_success()``. The gate (:mod:`.gate`) has parsed the
answer and every item's body already, to check them, and hands its parses on: here they
are used, wherever they read exactly as the SDK's ``json.loads`` would.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from facebook_business.api import (
    FacebookAdsApi,
    FacebookAdsApiBatch,
    FacebookResponse,
    _top_level_param_json_encode,
)

from audit.graph.sdk.gate import may_hold_long_number, take_batch, take_parses

_UNKNOWN: Any = object()


def _json_like_sdk(body: Any, known: Any = _UNKNOWN, long_numbers: bool = True) -> Any:
    """``body`` parsed as ``FacebookResponse.json`` parses it (facebook_business/api.py:
    ``json.loads``, or the body as it came when that fails), with orjson where that gives
    the same result (several times faster; the gate already turned the values it refuses,
    NaN and Infinity, into text).

    orjson reads an integer beyond 64 bits as a float where ``json`` keeps it whole, so a
    body that may hold a run of 19 digits or more (the shortest that can overflow is
    -9223372036854775809; ``gate.may_hold_long_number``) is left to ``json``; so is one
    orjson refuses (a lone surrogate
    escape, text that is not JSON).

    ``known``: the gate's parse of this very text (``gate.take_parses``), which is
    orjson's where orjson reads it and ``json``'s otherwise, so it is what this function
    would return whenever it would not leave the text to ``json``. ``long_numbers``: False
    when the gate found that the answer holding this text has no run of 19 digits
    (``gate.may_hold_long_number``), so the text need not be searched again.
    """
    if isinstance(body, str) and not (long_numbers and may_hold_long_number(body)):
        if known is not _UNKNOWN:
            return known
        try:
            return orjson.loads(body)
        except orjson.JSONDecodeError:
            pass
    try:
        return json.loads(body)
    except (TypeError, ValueError):
        return body


def _has_float(items: list[Any]) -> bool:
    """Whether the list of a batch's items holds a float outside the items' bodies: where
    orjson (the gate's parse) and ``json`` (the SDK's) can differ, as orjson reads an
    integer beyond 64 bits as a float. A Graph batch answer holds none (codes are integers,
    headers and bodies text)."""
    stack: list[Any] = [items]
    while stack:
        value = stack.pop()
        if isinstance(value, float):
            return True
        if isinstance(value, dict):
            stack.extend(v for k, v in value.items() if k != "body" or not isinstance(v, str))
        elif isinstance(value, list):
            stack.extend(value)
    return False


class ParsedItem(FacebookResponse):  # type: ignore[misc]
    """A batch item's answer with its body parsed once (:func:`_json_like_sdk`).

    ``FacebookResponse.json`` parses the body at every call and ``is_success`` calls it
    (facebook_business/api.py), so the SDK's batch parsed each item's body once to choose
    the callback, and reading the body and asking whether it succeeded parsed it twice
    more. Here the SDK's own ``is_success`` decides on the one parse.
    """

    def __init__(self, body: Any, http_status: Any, headers: Any,
                 known: Any = _UNKNOWN, long_numbers: bool = True,
                 call: dict[str, Any] | None = None) -> None:
        super().__init__(body=body, http_status=http_status, headers=headers, call=call)
        self._parsed = _json_like_sdk(body, known, long_numbers)

    def json(self) -> Any:
        """The body, parsed (or as it came when it is not JSON), like the SDK's."""
        return self._parsed


class Batch(FacebookAdsApiBatch):  # type: ignore[misc]
    """``FacebookAdsApiBatch`` answering each item as a :class:`ParsedItem`.

    ``execute`` is the SDK's (facebook_business/api.py, ``FacebookAdsApiBatch.execute``):
    one ``POST /`` as ``FacebookAdsApi.call`` sends it (:meth:`_post`), then for each
    non-null item the success or failure callback as ``is_success`` decides; null items
    (the server did not finish them) get no callback. Only the parsing differs: the gate
    parsed the answer and each item's body to check them and hands its parses on
    (``gate.take_batch``, ``gate.take_parses``), so nothing is parsed twice. The SDK
    returns a new batch of the null items; the session asks those again itself, so
    nothing is returned.
    """

    # The SDK's own attributes this copy of its dispatch reads (facebook_business/api.py).
    SDK_ATTRIBUTES = ("_api", "_batch", "_files", "_success_callbacks", "_failure_callbacks")

    # What the copy of ``FacebookAdsApi.call`` in _post reads of the SDK's API object.
    CALL_ATTRIBUTES = ("_session", "_api_version")

    def execute(self) -> None:
        """Send the batch and answer each item's callback."""
        if not all(hasattr(self, name) for name in self.SDK_ATTRIBUTES):
            # A newer SDK keeps its batch differently: its own execute, each item parsed
            # by the SDK again (slower, same answers; the session retries null items).
            super().execute()
            return
        if not self._batch:
            return
        files: dict[str, Any] = {}
        for call_files in self._files:
            if call_files:
                files.update(call_files)
        items = self._post(files)
        parses = take_parses()  # the gate's parse of each item's body, by its text
        for index, item in enumerate(items):
            if not item:
                continue
            body = item.get("body")
            response = ParsedItem(body, item.get("code"), item.get("headers"),
                                   parses.pop(body, _UNKNOWN), parses.long_numbers)
            callback = (self._success_callbacks[index] if response.is_success()
                        else self._failure_callbacks[index])
            if callback:
                callback(response)

    def _post(self, files: dict[str, Any]) -> Any:
        """``POST /`` with the batch, as ``FacebookAdsApi.call`` sends it; its answer's
        list of items (raises the SDK's ``FacebookRequestError`` when the batch as a whole
        failed, as ``call`` does).

        ``call`` (facebook_business/api.py) joins the session's Graph URL, the API version
        and the path, adds its default headers, encodes the parameters
        (``_top_level_param_json_encode``) and sends them through the session's
        ``requests.Session``; then it parses the whole answer to decide whether the call
        failed, and the batch parses it again for its items. Here the same request is sent
        and the same decision taken on the gate's parse of the answer, read once. An SDK
        whose API object keeps its state under other names gets its own ``call``.
        """
        api = self._api
        params = {"batch": self._batch}
        if not all(hasattr(api, name) for name in self.CALL_ATTRIBUTES):
            answer = api.call("POST", (), params=params, files=files)
            items = take_batch(answer.headers())
            if items is None or _has_float(items):
                items = _json_like_sdk(answer.body())
            return items
        session = api._session
        url = "/".join((session.GRAPH, api._api_version, ""))
        headers = dict(FacebookAdsApi.HTTP_DEFAULT_HEADERS)
        encoded = _top_level_param_json_encode(params)
        response = session.requests.request("POST", url, data=encoded, headers=headers,
                                            files=files, timeout=session.timeout)
        items = take_batch(response.headers)
        # The gate's list is json's reading unless it holds a float (see _has_float); the
        # items' bodies are text in it, so their own numbers do not matter here.
        trusted = items is not None and not _has_float(items)
        answer = ParsedItem(response.text, response.status_code, response.headers,
                             items if trusted else _UNKNOWN, long_numbers=not trusted,
                             call={"method": "POST", "path": url, "params": encoded,
                                   "headers": headers, "files": files})
        if answer.is_failure():
            raise answer.error()
        return answer.json()
