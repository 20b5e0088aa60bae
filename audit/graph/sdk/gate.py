"""The gate between the wire and the SDK: what an answer must be before the SDK reads it.

A ``requests`` transport adapter, mounted on the session the SDK sends every call through
(``FacebookSession.requests``). The SDK trusts what it receives: it parses bodies with
:func:`json.loads` (a body nested a few thousand levels deep raises RecursionError there),
treats a body that is not JSON as a successful answer unless it contains the words
"Service Unavailable", and indexes a non-JSON body that contains "success" as if it were
an object, which raises TypeError (``FacebookResponse.is_success`` in facebook_business/
api.py). So each answer is checked here first:

* **Time**: the whole answer must arrive within the request timeout (``requests`` bounds
  each socket read, so a body dripped one byte at a time would never time out).
* **Size**: at most :data:`MAX_BODY_BYTES`.
* **Shape**: a JSON object or array. Anything else (an HTML error page from a proxy, a
  text answer, an empty or cut-off body) raises :class:`UnreadableAnswer`, transient:
  worth retrying, and counted by the circuit breaker as the API not answering. JSON nested
  deeper than :data:`MAX_DEPTH` is refused as an invalid answer (not retried).
* **Values**: ``NaN``, ``Infinity`` and numbers beyond a double (``1e400``), which
  Python's parser accepts but JSON does not, arrive as the strings they were written as,
  so every file the audit writes stays strict JSON and the facts layer sees the raw value
  (and reports it as invalid). Strings longer than :data:`~audit.safetext.MAX_TEXT` are
  truncated with a marker.

Items of a batch answer are bodies of their own (JSON text inside the batch's JSON): each
goes through the same checks, and one that fails them is replaced by an error body the
session recognises (:data:`GATE_KEY`), so one bad item costs that read only.
"""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError, SSLError

from audit.safetext import MAX_TEXT, bound_strings

MAX_BODY_BYTES = 64 * 1024 * 1024
# orjson's decoder refuses nesting beyond 1,024 levels and its encoder (snapshots, run.json)
# beyond 254; Graph answers are a handful of levels deep.
MAX_DEPTH = 254
CHUNK = 64 * 1024
# The key of the error object the gate puts in place of a batch item it refused.
GATE_KEY = "ios14_audit_gate"


class UnreadableAnswer(requests.exceptions.RequestException):
    """The server's answer is not a Graph answer (``transient``: worth retrying)."""

    def __init__(self, message: str, *, status: int | None, transient: bool) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.transient = transient


def describe_body(body: bytes, content_type: str) -> str:
    """A few words on what a non-JSON body looks like (never its content)."""
    head = body[:200].lstrip().lower()
    if not head:
        return "an empty answer"
    if "html" in content_type.lower() or head.startswith((b"<!doctype", b"<html", b"<")):
        return "an HTML page"
    return "a text answer"


def _finite_or_text(token: str) -> Any:
    value = float(token)
    return value if math.isfinite(value) else token


def _strict(text: str | bytes) -> tuple[Any, bool]:
    """Parse JSON, turning NaN/Infinity and out-of-range numbers into their text; and
    whether any was. Raises ValueError (not JSON) or RecursionError (too deep)."""
    try:
        return orjson.loads(text), False
    except orjson.JSONDecodeError as exc:
        if "depth" in str(exc) or "recursion" in str(exc):
            raise RecursionError(str(exc)) from None
    converted = False

    def constant(token: str) -> str:
        nonlocal converted
        converted = True
        return token

    def number(token: str) -> Any:
        nonlocal converted
        value = _finite_or_text(token)
        converted = converted or isinstance(value, str)
        return value

    return json.loads(text, parse_constant=constant, parse_float=number,
                      parse_int=lambda t: int(t) if len(t) < 300 else number(t)), converted


def _too_deep(data: Any, body: bytes | str) -> bool:
    """Whether ``data`` is nested deeper than MAX_DEPTH: orjson's encoder refuses it, and
    fewer brackets than that in the whole body cannot nest that deep (no encoding then)."""
    opening = (body.count(b"{") + body.count(b"[") if isinstance(body, bytes)
               else body.count("{") + body.count("["))
    if opening <= MAX_DEPTH:
        return False
    try:
        orjson.dumps(data)
    except TypeError as exc:  # orjson.JSONEncodeError: "Recursion limit reached"
        return "ecursion" in str(exc)
    return False


def _may_hold_long_string(body: bytes | str, limit: int) -> bool:
    """Whether the JSON text ``body`` may hold a string longer than ``limit`` characters;
    False means it cannot (so the walk of :func:`bound_strings` would change nothing).

    Each escape sequence stands for at least one character of its source, and a
    character for at least one byte, so a decoded string is never longer than its text
    between the quotes. Escaped backslashes and quotes are first made one placeholder
    character each (left to right, as JSON reads them), so the quotes left are the
    strings' delimiters. A run of ``limit + 1`` characters without a quote then contains
    a whole block of ``limit // 2`` characters starting at a multiple of ``limit // 2``:
    if every such block has a quote, no string is that long. (A long run outside strings,
    such as a long array of numbers, only means "may".)
    """
    text: bytes | str = body
    if isinstance(body, str):
        quote: bytes | str = '"'
        if "\\" in body:  # one character: a fast search, where replace() scans slowly
            text = body.replace("\\\\", "_").replace('\\"', "_")
    else:
        quote = b'"'
        if b"\\" in body:
            text = body.replace(b"\\\\", b"_").replace(b'\\"', b"_")
    step = max(1, limit // 2)
    for start in range(0, len(text) - step + 1, step):
        if text.find(quote, start, start + step) < 0:  # type: ignore[arg-type]
            return True
    return False


def check_body(body: bytes | str, content_type: str = "application/json",
               status: int | None = None, *,
               parses: dict[str, list[Any]] | None = None) -> bytes | None:
    """Check one answer body; return a replacement body (values converted, strings cut)
    or None to keep it. Raises :class:`UnreadableAnswer`. ``parses``, for a batch answer:
    filled with the parsed body of each item kept as it came (its text → its parses)."""
    data, changed = _check(body, content_type, status, parses)
    return _replacement(data).encode("utf-8") if changed else None


def _replacement(data: Any) -> str:
    """A checked answer written again (values converted, strings cut): strict JSON."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False)


def _check(body: bytes | str, content_type: str, status: int | None,
           parses: dict[str, list[Any]] | None) -> tuple[Any, bool]:
    """The parsed, checked body and whether it differs from the text (see check_body)."""
    size = len(body)
    try:
        data, changed = _strict(body)
    except RecursionError:
        raise UnreadableAnswer(f"the answer is nested deeper than {MAX_DEPTH} levels",
                               status=status, transient=False) from None
    except (ValueError, UnicodeDecodeError):
        raw = body.encode("utf-8", "replace") if isinstance(body, str) else body
        raise UnreadableAnswer(f"HTTP {status} with {describe_body(raw, content_type)} "
                               "instead of JSON", status=status, transient=True) from None
    if not isinstance(data, (dict, list)):
        raise UnreadableAnswer(f"HTTP {status} with a bare JSON {type(data).__name__} "
                               "instead of an object", status=status, transient=True)
    batch = is_batch_answer(data)
    # A batch answer's text is mostly its items' bodies, full of brackets inside strings:
    # its own few containers are walked (each body is checked on its own below).
    if _deeper_than(data, MAX_DEPTH) if batch else _too_deep(data, body):
        raise UnreadableAnswer(f"the answer is nested deeper than {MAX_DEPTH} levels",
                               status=status, transient=False)
    if batch and isinstance(data, list):
        changed = _check_batch_items(data, parses) or changed
    elif size > MAX_TEXT and _may_hold_long_string(body, MAX_TEXT):
        data, cut = bound_strings(data)
        changed = changed or cut
    return data, changed


def is_batch_answer(data: Any) -> bool:
    """Whether parsed JSON has the shape of a batch answer: a list of items with a code
    (null for an item the server did not finish)."""
    return isinstance(data, list) and all(isinstance(i, dict) and "code" in i for i in data
                                          if i is not None)


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether ``data`` nests more than ``limit`` containers (``[[1]]`` nests two), as
    orjson's encoder counts them; walked container by container, up to ``limit``."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children
                     if isinstance(child, (dict, list)))
    return False


def _check_batch_items(items: list[Any], parses: dict[str, list[Any]] | None = None) -> bool:
    """Check each batch item's body in place; whether any was replaced. The parse of each
    item kept as it came goes into ``parses`` (by its text: one parse per item, so items
    with the same text have one each)."""
    changed = False
    for item in items:
        body = item.get("body") if isinstance(item, dict) else None
        if not isinstance(body, str):
            continue
        try:
            data, replaced = _check(body, "application/json", item.get("code"), None)
        except UnreadableAnswer as exc:
            item["code"] = 502 if exc.transient else 200
            item["body"] = json.dumps({"error": {
                "message": exc.message, "type": "ios14-audit",
                GATE_KEY: "transient" if exc.transient else "invalid_response"}})
            changed = True
            continue
        if replaced:
            item["body"] = _replacement(data)
            changed = True
        elif parses is not None:
            parses.setdefault(body, []).append(data)
    return changed


@dataclass
class ItemParses:
    """The gate's parse of each item of a batch answer kept as it came (by its body text,
    once per item with that text), and whether any item may hold a long integer."""

    texts: dict[str, list[Any]] = field(default_factory=dict)
    long_numbers: bool = True

    def pop(self, text: Any, default: Any) -> Any:
        """One parse of an item whose body is ``text``, handed over once; ``default`` when
        there is none."""
        same = self.texts.get(text) if isinstance(text, str) else None
        return same.pop() if same else default


def may_hold_long_number(body: bytes | str) -> bool:
    r"""Whether the JSON text ``body`` may hold an integer of 19 digits or more (where
    orjson's reading and ``json``'s differ: see ``batch._json_like_sdk``), in itself or
    in the JSON texts its strings hold (a batch answer's bodies). False only when no run of
    19 digits appears and no digit is written as an escape (``\u0030`` to ``\u0039``),
    so that none appears once the strings are read either. One pass over the text."""
    if isinstance(body, str):
        return "\\u003" in body or _LONG_TEXT_RUN in body.translate(_TEXT_NINES)
    return b"\\u003" in body or _LONG_RUN in body.translate(_NINES)


# Every digit read as a 9, to find runs of digits with one substring search.
_NINES = bytes.maketrans(b"012345678", b"999999999")
_LONG_RUN = b"9" * 19
_TEXT_NINES = str.maketrans("012345678", "999999999")
_LONG_TEXT_RUN = "9" * 19


def take_parses() -> ItemParses:
    """The items of the last batch answer the gate passed on this thread, parsed, handed
    over once (empty when there was none).

    The gate parses every item's body to check it; the session, which reads the same
    bodies right after on the same thread (``FacebookAdsApi.call`` returns the answer the
    gate passed), takes these instead of parsing each body again.
    """
    parses: ItemParses | None = getattr(_handoff, "parses", None)
    _handoff.parses = None
    return parses or ItemParses()


def take_batch(headers: object) -> list[Any] | None:
    """The list of items of the batch answer the gate passed on this thread as it came,
    parsed, handed over once; None unless ``headers`` are that very answer's (the SDK's
    response keeps the ``requests`` answer's headers object: an identity check).

    The session reads that list right after, as the SDK would (``json.loads``): orjson's
    parse, which the gate made, differs from it only for integers beyond 64 bits (read as
    floats), which the session checks for (see ``batch.Batch``).
    """
    handed: tuple[object, list[Any]] | None = getattr(_handoff, "batch", None)
    _handoff.batch = None
    return handed[1] if handed is not None and handed[0] is headers else None


_handoff = threading.local()


class ResponseGate(HTTPAdapter):
    """A transport adapter reading each answer whole, in time, bounded, and checked."""

    def __init__(self, *, max_body_bytes: int = MAX_BODY_BYTES) -> None:
        super().__init__()
        self.max_body_bytes = max_body_bytes

    def send(self, request: requests.PreparedRequest, stream: bool = False,
             timeout: Any = None, verify: Any = True, cert: Any = None,
             proxies: Any = None) -> requests.Response:
        """Send, then read the body within the timeout (counted from sending) and check it."""
        started = time.monotonic()
        response = super().send(request, stream=True, timeout=timeout, verify=verify,
                                cert=cert, proxies=proxies)
        limit = timeout[1] if isinstance(timeout, tuple) else timeout
        deadline = started + float(limit) if isinstance(limit, (int, float)) else None
        _handoff.parses = _handoff.batch = None
        try:
            body = self._read(response, deadline)
        except BaseException:
            response.close()  # never reuse a connection with half an answer on it
            raise
        parses = ItemParses(long_numbers=may_hold_long_number(body))
        data, changed = _check(body, response.headers.get("content-type", ""),
                               response.status_code, parses.texts)
        replaced = _replacement(data).encode("utf-8") if changed else None
        _handoff.parses = parses
        if not changed and is_batch_answer(data):
            _handoff.batch = (response.headers, data)
        response._content = body if replaced is None else replaced
        response._content_consumed = True  # type: ignore[attr-defined]  # requests internals
        if replaced is not None:
            response.encoding = "utf-8"
        return response

    def _read(self, response: requests.Response, deadline: float | None) -> bytes:
        chunks: list[bytes] = []
        size = 0
        raw = response.raw
        while True:
            if deadline is not None and time.monotonic() > deadline:
                raise requests.exceptions.ReadTimeout(
                    "the answer did not arrive in full within the timeout", response=response)
            try:
                chunk = raw.read1(CHUNK, decode_content=True)
            except ReadTimeoutError as exc:
                raise requests.exceptions.ReadTimeout(exc, response=response) from None
            except ProtocolError as exc:
                raise requests.exceptions.ChunkedEncodingError(exc) from None
            except DecodeError as exc:
                raise requests.exceptions.ContentDecodingError(exc) from None
            except SSLError as exc:
                raise requests.exceptions.SSLError(exc) from None
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_body_bytes:
                raise UnreadableAnswer(
                    f"the answer is larger than {self.max_body_bytes // (1024 * 1024)} MB",
                    status=response.status_code, transient=False)
            chunks.append(chunk)
