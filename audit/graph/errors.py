"""A small typed hierarchy for Graph API failures, classified by error code and subcode.

Never by message text, with one exception that has no code of its own (the report-run
``summary`` error below). Every message passes through :func:`audit.redact.redact`, so no
token, app secret or appsecret_proof can reach a log line, a snapshot or a report.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from audit.redact import redact
from audit.safetext import MAX_MESSAGE, truncate

THROTTLE_CODES = frozenset({4, 17, 32, 613, *range(80000, 80015)})
AUTH_CODES = frozenset({102, 104, 190})
TRANSIENT_CODES = frozenset({1, 2})
# code 1 / subcode 99 and the Insights "too much data" subcodes: retrying the same call won't help.
TOO_MUCH_DATA_SUBCODES = frozenset({99, 1487534, 1504018})
# Kinds of failure that say the API did not answer, not what it answers about the client:
# they must never become a finding about access or setup (the read is unknown, not denied).
UNANSWERED_KINDS = frozenset({"network", "unreachable", "transient", "throttled",
                              "invalid_response"})


class GraphError(Exception):
    """Base class: a Graph API call failed."""

    kind = "error"
    retryable = False

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        http_status: int | None = None,
        endpoint: str | None = None,
        fbtrace_id: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        # Redacted on a little more than is kept, so a token cut in half is still masked.
        self.message = truncate(redact(truncate(message, MAX_MESSAGE + 2_000)), MAX_MESSAGE)
        self.code = code
        self.subcode = subcode
        self.http_status = http_status
        self.endpoint = endpoint
        self.fbtrace_id = fbtrace_id
        self.retry_after = retry_after
        super().__init__(self.describe())

    def describe(self) -> str:
        """One line: what failed, with code/subcode and the endpoint."""
        parts = [self.message]
        codes = []
        if self.code is not None:
            codes.append(f"code {self.code}")
        if self.subcode is not None:
            codes.append(f"subcode {self.subcode}")
        if self.http_status is not None:
            codes.append(f"HTTP {self.http_status}")
        if codes:
            parts.append(f"({', '.join(codes)})")
        if self.endpoint:
            parts.append(f"at {self.endpoint}")
        return redact(" ".join(parts))

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form used in snapshots and run.json."""
        out: dict[str, Any] = {
            "kind": self.kind,
            "code": self.code,
            "subcode": self.subcode,
            "http_status": self.http_status,
            "message": self.message,
        }
        if self.retry_after:
            out["retry_after"] = round(self.retry_after)
        return out


class AuthError(GraphError):
    """The token is missing, invalid or expired (codes 102, 104, 190)."""

    kind = "auth"


class PermissionDenied(GraphError):
    """The token lacks a permission or access to the object (codes 10, 200-299, 368)."""

    kind = "permission"


class RateLimited(GraphError):
    """Throttled (codes 4, 17, 32, 613, 80000-80014); retry after ``retry_after`` seconds."""

    kind = "throttled"
    retryable = True

    def asked_to_wait(self, seconds: float, now: datetime) -> None:
        """Record that Meta asked to wait ``seconds`` (from its usage headers) and add
        the next step to the message: when to run the audit again."""
        self.retry_after = seconds
        minutes = max(1, math.ceil(seconds / 60))
        after = now.astimezone(timezone.utc) + timedelta(seconds=seconds)
        self.message += (f" — Meta asked to wait {minutes} minute{'s' if minutes != 1 else ''};"
                         f" rerun after {after:%H:%M} UTC")


class Transient(GraphError):
    """A temporary server-side failure (codes 1, 2, ``is_transient``, HTTP 5xx, network)."""

    kind = "transient"
    retryable = True


class NetworkError(Transient):
    """The HTTP connection failed or timed out."""

    kind = "network"


class BadAnswer(Transient):
    """The server answered something that is not JSON (a proxy's HTML error page, text,
    nothing): retried, and counted with network failures by the circuit breaker."""


class Unreachable(NetworkError):
    """The API stopped answering (the circuit breaker opened): no further call is made."""

    kind = "unreachable"
    retryable = False


class NotFound(GraphError):
    """The object does not exist or cannot be loaded (code 100 subcode 33, code 803)."""

    kind = "not_found"


class Unsupported(GraphError):
    """Invalid parameter, nonexisting field or edge (code 100, 2500)."""

    kind = "unsupported"


class TooMuchData(Unsupported):
    """The synchronous call asks for too much data; use an asynchronous report run."""

    kind = "too_much_data"


class InvalidResponse(GraphError):
    """The server answered something that is not the documented shape."""

    kind = "invalid_response"


def classify(
    code: int | None,
    subcode: int | None,
    http_status: int | None,
    is_transient: bool = False,
) -> type[GraphError]:
    """Map a Graph error code/subcode (and HTTP status) to an exception class."""
    if code in AUTH_CODES:
        return AuthError
    if code in THROTTLE_CODES:
        return RateLimited
    if code in TRANSIENT_CODES and subcode in TOO_MUCH_DATA_SUBCODES:
        return TooMuchData
    if code == 100 and subcode in TOO_MUCH_DATA_SUBCODES:
        return TooMuchData
    if code in TRANSIENT_CODES or is_transient:
        return Transient
    if code == 10 or code == 368 or (code is not None and 200 <= code <= 299):
        return PermissionDenied
    if (code == 100 and subcode == 33) or code == 803:
        return NotFound
    if code in (100, 2500):
        return Unsupported
    if code is None and http_status is not None and http_status >= 500:
        return Transient
    if code is None and http_status in (401,):
        return AuthError
    if code is None and http_status == 403:
        return PermissionDenied
    if code is None and http_status == 404:
        return NotFound
    return GraphError


# Insights answers a page of an asynchronous report run, now and then, with a code-100 error
# that names no field of ours: "(#100) Cannot include … in summary param because they weren't
# there while creating the report run" (reported against the SDK:
# https://github.com/facebook/facebook-python-business-sdk/issues/664; data pipelines retry
# it). It has no code or subcode of its own, so this one error is recognised by its text.
_REPORT_RUN_SUMMARY = re.compile(r"in summary param because they weren't there while "
                                 r"creating the report run")


def is_report_run_summary_error(message: str) -> bool:
    """True for Insights' transient "Cannot include … in summary param" report-run error."""
    return bool(_REPORT_RUN_SUMMARY.search(message))


def _as_int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


def from_error_body(
    body: Any, http_status: int | None, endpoint: str | None = None
) -> GraphError:
    """Build the right GraphError from a Graph error body (``{"error": {...}}``) or junk."""
    error: Mapping[str, Any] = {}
    if isinstance(body, Mapping) and isinstance(body.get("error"), Mapping):
        error = body["error"]
    code = _as_int(error.get("code"))
    subcode = _as_int(error.get("error_subcode"))
    transient = error.get("is_transient") is True
    message = error.get("error_user_msg") or error.get("message")
    if not isinstance(message, str) or not message:
        message = "the Graph API returned an error without a message"
        if not error and http_status is not None:
            message = f"the Graph API answered HTTP {http_status} without a Graph error body"
    cls = classify(code, subcode, http_status, transient)
    if cls is Unsupported and is_report_run_summary_error(message):
        cls = Transient
    trace = error.get("fbtrace_id")
    return cls(
        message,
        code=code,
        subcode=subcode,
        http_status=http_status,
        endpoint=endpoint,
        fbtrace_id=trace if isinstance(trace, str) else None,
    )
