"""One request and its answer, as the Graph app and the batch runner pass them around."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Result:
    """A response: status, JSON-able body and headers (``null`` marks a timed-out batch item;
    ``raw`` replaces the JSON body with text, as a proxy's error page does)."""

    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)
    null: bool = False
    raw: str | None = None


@dataclass
class RecordedRequest:
    """One logged request (secrets redacted)."""

    method: str
    path: str
    version: str
    params: dict[str, str]
    time: float
    status: int | None = None
    batch_item: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON view for ``GET /__sandbox/requests``."""
        return {"method": self.method, "path": self.path, "version": self.version,
                "params": self.params, "time": self.time, "status": self.status,
                "batch_item": self.batch_item}
