"""A wire trace: one JSON line per HTTP request to the Graph API and per batch item.

``ios14-audit run --trace FILE`` (and ``doctor``) writes what was asked and what came back
(method, path, fields, parameters, HTTP status, Graph error code and subcode, duration) so a
failure against the real API can be diagnosed from the file alone. Credentials never reach
it: the ``access_token``, ``appsecret_proof`` and ``input_token`` parameters are dropped,
and every string passes through :func:`audit.redact.redact` (registered tokens and secrets,
credential-shaped values). Response bodies are not written, only their error codes.

Batch items have no timing of their own: their line carries the index of the batch request
(``batch``) and their position in it (``batch_index``); the batch request's own line has the
duration.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlsplit

from audit.errors import AuditError
from audit.graph.drift import split_fields
from audit.redact import redact, redact_obj

SECRET_PARAMS = frozenset({"access_token", "appsecret_proof", "input_token"})


class TraceError(AuditError):
    """The trace file cannot be written."""


@dataclass(frozen=True)
class Exchange:
    """One HTTP request and the answer, as the trace needs them."""

    method: str
    url: str
    body: str
    status: int
    text: str
    duration_ms: float


class WireTrace:
    """A JSON-lines file shared by every client's session (thread-safe)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._batches = itertools.count(1)
        try:
            self._file: IO[str] | None = open(path, "w", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise TraceError(f"cannot write the trace file {path}: {exc.strerror}; choose a "
                             "writable path for --trace") from None

    def __enter__(self) -> WireTrace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Flush and close the file."""
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None

    def for_client(self, slug: str) -> ClientTrace:
        """A view that tags every line with the client's slug."""
        return ClientTrace(self, slug)

    def write(self, record: Mapping[str, Any]) -> None:
        """Append one line (scrubbed of credentials)."""
        line = json.dumps(redact_obj(dict(record)), ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            if self._file is not None:
                self._file.write(redact(line) + "\n")
                self._file.flush()

    def next_batch(self) -> int:
        """A number for the next batch request."""
        with self._lock:
            return next(self._batches)


class ClientTrace:
    """The trace of one client's Graph session."""

    def __init__(self, trace: WireTrace, client: str) -> None:
        self.trace = trace
        self.client = client

    def record(self, exchange: Exchange) -> None:
        """Write the lines for one HTTP exchange (and its batch items, if it is a batch)."""
        for line in records(exchange, self.client, self.trace.next_batch):
            self.trace.write(line)

    def failed(self, endpoint: str, kind: str, exception: str) -> None:
        """A request that got no HTTP answer at all (timeout, connection refused)."""
        self.trace.write({"time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
                          "client": self.client, "endpoint": endpoint, "status": None,
                          "error_kind": kind, "exception": exception})


def _split(params: Mapping[str, str]) -> tuple[list[str] | None, dict[str, str]]:
    fields = params.get("fields")
    rest = {k: v for k, v in params.items() if k not in SECRET_PARAMS and k != "fields"}
    return (split_fields(fields) if fields else None), rest


def _path(url_path: str) -> tuple[str, str | None]:
    """``/v26.0/act_1/insights`` -> (``/act_1/insights``, ``v26.0``)."""
    parts = [p for p in url_path.split("/") if p]
    if parts and parts[0].startswith("v") and parts[0][1:].replace(".", "").isdigit():
        return "/" + "/".join(parts[1:]), parts[0]
    return "/" + "/".join(parts), None


def _error(body: Any) -> tuple[Any, Any]:
    error = body.get("error") if isinstance(body, Mapping) else None
    if not isinstance(error, Mapping):
        return None, None
    return error.get("code"), error.get("error_subcode")


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None


def records(exchange: Exchange, client: str, next_batch: Any = None) -> Iterator[dict[str, Any]]:
    """The trace lines of one exchange: the request, then one per batch item."""
    split = urlsplit(exchange.url)
    params = dict(parse_qsl(split.query, keep_blank_values=True))
    params.update(parse_qsl(exchange.body, keep_blank_values=True))
    path, version = _path(split.path)
    raw_batch = params.pop("batch", None)
    fields, rest = _split(params)
    body = _json(exchange.text)
    code, subcode = _error(body)
    line: dict[str, Any] = {
        "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "client": client, "method": exchange.method, "path": path, "version": version,
        "fields": fields, "params": rest, "status": exchange.status,
        "error_code": code, "error_subcode": subcode,
        "duration_ms": round(exchange.duration_ms, 1),
    }
    if body is None and exchange.text.strip():
        line["not_json"] = True
    items = _json(raw_batch) if raw_batch is not None else None
    if not isinstance(items, list):
        yield line
        return
    number = next_batch() if next_batch is not None else None
    line.update(batch=number, items=len(items))
    yield line
    answers = body if isinstance(body, list) else []
    for index, item in enumerate(items):
        yield _item_line(client, number, index, item,
                         answers[index] if index < len(answers) else None, bool(answers))


def _item_line(client: str, batch: int | None, index: int, item: Any, answer: Any,
               answered: bool) -> dict[str, Any]:
    item = item if isinstance(item, Mapping) else {}
    split = urlsplit(str(item.get("relative_url", "")))
    params = dict(parse_qsl(split.query, keep_blank_values=True))
    params.update(parse_qsl(str(item.get("body", "")), keep_blank_values=True))
    fields, rest = _split(params)
    path, _ = _path(split.path)
    status = answer.get("code") if isinstance(answer, Mapping) else None
    inner = _json(str(answer.get("body", ""))) if isinstance(answer, Mapping) else None
    code, subcode = _error(inner)
    line: dict[str, Any] = {
        "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "client": client, "method": str(item.get("method", "GET")), "path": path,
        "fields": fields, "params": rest, "status": status, "error_code": code,
        "error_subcode": subcode, "batch": batch, "batch_index": index,
    }
    if answered and answer is None:
        line["null"] = True  # the server did not finish this item; it is sent again
    return line
