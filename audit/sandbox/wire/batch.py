"""The Batch API: ``POST /{version}/`` with ``batch=[{method, relative_url, body?, name?}]``.

Each item runs through the same faults, auth, usage and routing as a normal request; the
answer is a JSON array in request order of ``{"code", "headers", "body": "<JSON string>"}``
or ``null`` for an item that "timed out" (a ``batch_null`` fault) and must be retried.
JSONPath dependencies between items (``{result=name:$.data.*.id}``) are not supported.
"""

from __future__ import annotations

import json
from typing import Any, Protocol
from urllib.parse import parse_qsl

from .call import VERSION_RE
from .errors import SandboxError
from .exchange import RecordedRequest, Result


class BatchHost(Protocol):
    """What the batch runner needs from the Graph app: log a request, serve it."""

    def record(self, method: str, path: str, version: str, params: dict[str, str],
               batch_item: bool) -> RecordedRequest:
        """Append a (redacted) entry to the request log."""

    def serve(self, method: str, version: str, path: str, params: dict[str, str],
              query: list[tuple[str, str]], base_url: str, batch_item: bool = False,
              fallback_token: str | None = None) -> Result:
        """Faults, auth, usage and routing for one item."""

MAX_ITEMS = 50


def run_batch(app: BatchHost, version: str, params: dict[str, str], base_url: str,
              token: str | None) -> list[Any]:
    """Execute the items of a batch request and return the response array."""
    raw = params.get("batch")
    if not raw:
        raise SandboxError("(#100) The parameter batch is required")
    try:
        items = json.loads(raw)
    except ValueError:
        raise SandboxError("(#100) The parameter batch must be a JSON array") from None
    if not isinstance(items, list):
        raise SandboxError("(#100) The parameter batch must be a JSON array")
    if len(items) > MAX_ITEMS:
        raise SandboxError(f"(#100) Too many requests in batch message. Maximum batch size is "
                           f"{MAX_ITEMS}")
    include_headers = params.get("include_headers", "true").lower() != "false"
    return [_item(app, version, item, base_url, token, include_headers) for item in items]


def _item(app: BatchHost, version: str, item: Any, base_url: str, token: str | None,
          include_headers: bool) -> Any:
    if not isinstance(item, dict) or not isinstance(item.get("relative_url"), str):
        error = SandboxError("(#100) Each batch item needs a relative_url")
        return {"code": error.http_status, "body": json.dumps(error.body())}
    method = str(item.get("method", "GET")).upper()
    relative = item["relative_url"].lstrip("/")
    path_part, _, query_string = relative.partition("?")
    segments = [s for s in path_part.split("/") if s]
    item_version = version
    if segments and VERSION_RE.fullmatch(segments[0]):
        item_version, segments = segments[0], segments[1:]
    path = "/".join(segments)
    query = parse_qsl(query_string, keep_blank_values=True)
    body = parse_qsl(str(item.get("body", "")), keep_blank_values=True)
    params = dict(query)
    params.update(body)
    if token and "access_token" not in params:
        query.append(("access_token", token))
    entry = app.record(method, path, item_version, params, batch_item=True)
    result = app.serve(method, item_version, path, params, query, base_url, batch_item=True,
                       fallback_token=token)
    entry.status = None if result.null else result.status
    if result.null:
        return None
    answer: dict[str, Any] = {"code": result.status}
    if include_headers:
        answer["headers"] = [{"name": "Content-Type", "value": "text/javascript; charset=UTF-8"}]
        answer["headers"] += [{"name": k, "value": v} for k, v in sorted(result.headers.items())]
    answer["body"] = json.dumps(result.body, separators=(",", ":"))
    return answer
