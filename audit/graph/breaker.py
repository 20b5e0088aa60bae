"""Circuit breakers: stop calling an API that does not answer, per client and per run.

When the Graph API (or whatever sits in front of it) is down, every read would otherwise
spend its full retry budget: a few timeouts each, for every read of every client. A
:class:`Breaker` counts consecutive network-level failures (refused or reset connections,
timeouts, answers that are not JSON) and opens after ``threshold`` of them; an open
breaker refuses every later call at once with :class:`~audit.graph.errors.Unreachable`,
so the client is reported "not audited: Graph API unreachable (…)" instead of costing
minutes. Any answer from the API closes the count again.

Each client's session has its own breaker whose ``parent`` is the run's: the run's opens
after ``threshold`` failures across all clients with no answer in between, so once the
API is known to be down, clients not yet started make no request at all. Once open, a
breaker stays open for the run (the next scheduled run tries again).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

CLIENT_THRESHOLD = 3
RUN_THRESHOLD = 6


@dataclass
class Breaker:
    """Counts consecutive network-level failures; open at ``threshold``."""

    threshold: int = CLIENT_THRESHOLD
    parent: Breaker | None = None
    failures: int = 0
    reason: str | None = None  # set when open: what happened
    scope: str = ""  # how the reason names where the failures were counted
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def for_run(cls) -> Breaker:
        """The run's breaker (the parent of every client's)."""
        return cls(threshold=RUN_THRESHOLD, scope=" across clients")

    def child(self) -> Breaker:
        """A client's breaker under this run's."""
        return Breaker(CLIENT_THRESHOLD, parent=self)

    def open_reason(self) -> str | None:
        """Why calls are refused (this breaker's or the run's), or None when closed."""
        with self._lock:
            reason = self.reason
        if reason is None and self.parent is not None:
            return self.parent.open_reason()
        return reason

    def success(self) -> None:
        """The API answered: the count of consecutive failures starts again."""
        with self._lock:
            self.failures = 0
        if self.parent is not None:
            self.parent.success()

    def failure(self, what: str) -> str | None:
        """Count a network-level failure (``what``: what happened, in a few words);
        returns the reason when this (or the run's) breaker is now open."""
        with self._lock:
            self.failures += 1
            if self.reason is None and self.failures >= self.threshold:
                self.reason = (f"{what}; {self.failures} requests in a row failed"
                               f"{self.scope}, so no more were sent")
        if self.parent is not None:
            self.parent.failure(what)
        return self.open_reason()
