"""Graph-style errors raised by sandbox handlers and turned into ``{"error": {...}}`` bodies.

Messages follow the wording Meta uses (see ``docs/sandbox.md`` for which ones are confirmed).
No message ever contains an access token.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

# Codes whose errors Meta marks as transient (retry may help).
TRANSIENT_CODES = frozenset({1, 2, 4, 17, 32, 341, 613, *range(80000, 80015)})
# Codes that mean "rate limited"; faults with these codes push the usage headers to 100 %.
THROTTLE_CODES = frozenset({4, 17, 32, 613, *range(80000, 80015)})

DEFAULT_MESSAGES: dict[int, str] = {
    1: "An unknown error occurred",
    2: "An unexpected error has occurred. Please retry your request later.",
    4: "(#4) Application request limit reached",
    10: "(#10) Application does not have permission for this action",
    17: "(#17) User request limit reached",
    32: "(#32) Page request limit reached",
    100: "(#100) Invalid parameter",
    190: "Invalid OAuth access token - Cannot parse access token",
    200: "(#200) Permissions error",
    368: "The action attempted has been deemed abusive or is otherwise disallowed",
    613: "(#613) Calls to this api have exceeded the rate limit.",
    80000: "(#80000) There have been too many calls from this ad-account. Wait a bit and try "
    "again. For more info, please refer to "
    "https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-insights.",
    80004: "(#80004) There have been too many calls to this ad-account. Wait a bit and try "
    "again. For more info, please refer to "
    "https://developers.facebook.com/docs/graph-api/overview/rate-limiting#ads-management.",
}

_trace_counter = itertools.count(1)


def new_trace_id() -> str:
    """Return a fresh, deterministic-per-process ``fbtrace_id`` look-alike."""
    digest = hashlib.sha256(f"sandbox-trace-{next(_trace_counter)}".encode()).hexdigest()
    return "A" + digest[:22]


def default_status(code: int, permission_status: int = 403) -> int:
    """HTTP status Meta uses for an error code (500 for 1/2, 403 for permission codes)."""
    if code in (1, 2):
        return 500
    if code in (10, 200) or 200 <= code <= 299:
        return permission_status
    return 400


@dataclass
class SandboxError(Exception):
    """A Graph API error as the sandbox serves it: a handler raises it, the server renders it.

    Not the client's ``audit.graph.errors.GraphError`` (what the audit sees on its side).
    """

    message: str
    code: int = 100
    subcode: int | None = None
    http_status: int = 400
    type: str = "OAuthException"
    is_transient: bool | None = None
    user_title: str | None = None
    user_msg: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        """Return the JSON body Graph sends for this error."""
        err: dict[str, Any] = {"message": self.message, "type": self.type, "code": self.code}
        if self.subcode is not None:
            err["error_subcode"] = self.subcode
        transient = self.is_transient
        if transient is None:
            transient = self.code in TRANSIENT_CODES
        err["is_transient"] = transient
        if self.user_title:
            err["error_user_title"] = self.user_title
        if self.user_msg:
            err["error_user_msg"] = self.user_msg
        err["fbtrace_id"] = new_trace_id()
        return {"error": err}


def nonexisting_field(name: str, node_type: str) -> SandboxError:
    """``(#100) Tried accessing nonexisting field (x) on node type (T)``."""
    return SandboxError(
        f"(#100) Tried accessing nonexisting field ({name}) on node type ({node_type})")


def unknown_object(node_id: str, method: str = "GET") -> SandboxError:
    """The error for an id that does not exist (or cannot be seen): code 100, subcode 33."""
    verb = method.lower()
    return SandboxError(
        f"Unsupported {verb} request. Object with ID '{node_id}' does not exist, cannot be loaded "
        "due to missing permissions, or does not support this operation. Please read the Graph "
        "API documentation at https://developers.facebook.com/docs/graph-api",
        code=100,
        subcode=33,
        type="GraphMethodException",
    )


def missing_param(name: str) -> SandboxError:
    """``(#100) The parameter x is required``."""
    return SandboxError(f"(#100) The parameter {name} is required")


def invalid_param(message: str, user_msg: str | None = None) -> SandboxError:
    """A generic code-100 parameter error with Meta's ``(#100)`` prefix."""
    return SandboxError(f"(#100) {message}", user_msg=user_msg)


def enum_error(param: str, allowed: frozenset[str] | tuple[str, ...]) -> SandboxError:
    """The error Graph gives for a value outside an enum."""
    values = ", ".join(sorted(allowed))
    return SandboxError(f"(#100) {param} must be one of the following values: {values}")


def permission_error(message: str, http_status: int, code: int = 200) -> SandboxError:
    """A permission error (code 200 by default)."""
    return SandboxError(message, code=code, http_status=http_status)


def unknown_path(path: str) -> SandboxError:
    """``Unknown path components`` (code 2500)."""
    return SandboxError(f"Unknown path components: /{path}", code=2500)


def summary_error(values: Iterable[str], available: Iterable[str]) -> SandboxError:
    """Insights' answer to a ``summary`` naming fields the report run was not built with.

    Meta's wording (https://github.com/facebook/facebook-python-business-sdk/issues/664); the
    real API also gives it now and then on a page of a report run (a fault with
    ``message=summary_error(["spend"], []).message`` reproduces that).
    """
    return SandboxError(
        f"(#100) Cannot include {', '.join(values)} in summary param because they weren't "
        f"there while creating the report run. All available values are: "
        f"{', '.join(available)}")
