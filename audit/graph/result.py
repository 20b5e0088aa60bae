"""The outcome of one Graph read: data, error, or partial data plus the error.

Reads never raise for API errors: the client captures them here, and the snapshot stores
them per endpoint so a report can say what could not be read and why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Fetched:
    """The outcome of one read: data, error, or partial data plus the error."""

    endpoint: str
    data: Any = None
    error: Mapping[str, Any] | None = None
    partial: bool = False
    # Fields Meta refused as nonexisting: the read was repeated without them (graph/drift.py),
    # and ``dropped_because`` is the refusal (kind, code, message).
    dropped_fields: tuple[str, ...] = ()
    dropped_because: Mapping[str, Any] | None = None

    @classmethod
    def ok(cls, endpoint: str, data: Any) -> Fetched:
        """A successful read."""
        return cls(endpoint, data, None, False)

    @classmethod
    def failed(cls, endpoint: str, error: Mapping[str, Any]) -> Fetched:
        """A read that returned nothing usable."""
        return cls(endpoint, None, dict(error), False)

    @property
    def succeeded(self) -> bool:
        """True when the read completed without error."""
        return self.error is None

    @property
    def error_kind(self) -> str | None:
        """The error kind (auth, permission, unsupported …) or None."""
        return str(self.error.get("kind")) if self.error else None

    @property
    def error_code(self) -> int | None:
        """The Graph error code, if any."""
        code = self.error.get("code") if self.error else None
        return code if isinstance(code, int) else None

    def items(self) -> list[dict[str, Any]]:
        """The list data (possibly partial), or [] when nothing was read."""
        return [x for x in self.data if isinstance(x, dict)] if isinstance(self.data, list) else []

    def obj(self) -> dict[str, Any]:
        """The object data, or {} when nothing was read."""
        return self.data if isinstance(self.data, dict) else {}

    def to_dict(self) -> dict[str, Any]:
        """Serialise for snapshot.json."""
        out: dict[str, Any] = {"endpoint": self.endpoint, "data": self.data}
        if self.error is not None:
            out["error"] = dict(self.error)
        if self.partial:
            out["partial"] = True
        if self.dropped_fields:
            out["dropped_fields"] = list(self.dropped_fields)
            out["dropped_because"] = dict(self.dropped_because or {})
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fetched:
        """Rebuild from snapshot.json."""
        error = data.get("error")
        dropped = data.get("dropped_fields")
        because = data.get("dropped_because")
        return cls(
            endpoint=str(data.get("endpoint", "")),
            data=data.get("data"),
            error=dict(error) if isinstance(error, Mapping) else None,
            partial=bool(data.get("partial", False)),
            dropped_fields=tuple(str(f) for f in dropped) if isinstance(dropped, list) else (),
            dropped_because=dict(because) if isinstance(because, Mapping) else None,
        )
