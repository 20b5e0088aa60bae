"""Fault injection: errors, latency, ``null`` batch items and failing async reports.

A fault matches by regular expression (``re.search``) against the request path *without* the
version (``act_1/insights``, ``123`` for a node, ``""`` for the batch root) and optionally the
method. The first active matching fault fires; ``skip: N`` lets the first N matching requests
through (the second page of an edge fails, not the first); ``times: N`` makes it fire N times
then go quiet (``None`` = always).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

from ..world.model import FaultSpec
from .errors import DEFAULT_MESSAGES, THROTTLE_CODES, SandboxError, default_status


@dataclass
class ActiveFault:
    """A registered fault and how many times it has fired."""

    id: int
    spec: FaultSpec
    pattern: re.Pattern[str]
    fired: int = 0
    skipped: int = 0
    remaining: int | None = field(default=None)

    def matches(self, path: str, method: str) -> bool:
        """Whether this fault applies to the request."""
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.spec.method and self.spec.method != method.upper():
            return False
        return bool(self.pattern.search(path))

    def as_dict(self) -> dict[str, Any]:
        """JSON view for the admin endpoint."""
        s = self.spec
        return {"id": self.id, "path": s.path, "method": s.method, "kind": s.kind,
                "code": s.code, "subcode": s.subcode, "times": s.times, "skip": s.skip,
                "remaining": self.remaining, "fired": self.fired, "latency_ms": s.latency_ms}


class FaultRegistry:
    """Thread-safe list of faults."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[ActiveFault] = []
        self._next_id = 1

    def add(self, spec: FaultSpec) -> int:
        """Register a fault; return its id."""
        try:
            pattern = re.compile(spec.path)
        except re.error as exc:
            raise ValueError(f"invalid fault path regex {spec.path!r}: {exc}") from exc
        with self._lock:
            fault = ActiveFault(self._next_id, spec, pattern, remaining=spec.times)
            self._faults.append(fault)
            self._next_id += 1
            return fault.id

    def clear(self) -> None:
        """Remove every fault."""
        with self._lock:
            self._faults.clear()

    def list(self) -> list[dict[str, Any]]:
        """Admin view of all faults."""
        with self._lock:
            return [f.as_dict() for f in self._faults]

    def take(self, path: str, method: str) -> FaultSpec | None:
        """Fire the first active matching fault (consuming one of its ``times``)."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(path, method):
                    if fault.skipped < fault.spec.skip:
                        fault.skipped += 1  # this one goes through
                        continue
                    fault.fired += 1
                    if fault.remaining is not None:
                        fault.remaining -= 1
                    return fault.spec
        return None


def fault_error(spec: FaultSpec, permission_status: int) -> SandboxError:
    """The Graph error an ``error`` fault produces."""
    code = spec.code if spec.code is not None else 1
    message = spec.message or DEFAULT_MESSAGES.get(code, f"(#{code}) Sandbox injected error")
    return SandboxError(
        message,
        code=code,
        subcode=spec.subcode,
        http_status=spec.http_status or default_status(code, permission_status),
        type=spec.type,
        is_transient=spec.is_transient,
        user_title=spec.user_title,
        user_msg=spec.user_msg,
        headers=dict(spec.headers),
    )


def is_throttle(spec: FaultSpec) -> bool:
    """Whether the fault is a rate-limit error (usage headers go to 100 %)."""
    return spec.kind == "error" and spec.code in THROTTLE_CODES
