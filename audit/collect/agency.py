"""Collect many clients side by side: config and environment in, one snapshot per client out.

The :class:`Collector` builds one Graph session per client (the official SDK in production,
a fake in tests), reads the client's snapshot, and never raises: a crash while collecting
becomes a snapshot marked "not audited" with the reason, so one client's failure never
stops the others. Reads on the agency's side, the same for every client, are made once per
Collector (one run) and shared (:class:`~audit.collect.shared.AgencyReads`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone

from audit.collect.collector import collect, new_snapshot
from audit.collect.lookups import DomainLookups
from audit.collect.shared import AgencyReads
from audit.collect.snapshot import Snapshot
from audit.config import ClientConfig, Config
from audit.graph.breaker import Breaker
from audit.graph.client import GraphClient
from audit.graph.retry import RetryPolicy
from audit.graph.trace import WireTrace
from audit.graph.transport import GraphTransport
from audit.redact import redact

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# (config, client, token, app secret, the client's circuit breaker) -> transport
SessionFactory = Callable[[Config, ClientConfig, str, str | None, Breaker], GraphTransport]
Progress = Callable[[str, str], None]


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(timezone.utc)


def sdk_session(config: Config, client: ClientConfig, token: str, app_secret: str | None,
                breaker: Breaker | None = None, *, trace: WireTrace | None = None
                ) -> GraphTransport:
    """The production transport: the official SDK over HTTP (``breaker``: the client's
    circuit breaker; ``trace``: the wire trace)."""
    # Imported here, not at the top, for start-up time only: facebook_business is large and
    # commands such as `checks`, `history` or `report --from` never talk to the API.
    from audit.graph.sdk import GraphSession, GraphSettings

    g = config.graph
    return GraphSession(GraphSettings(
        base_url=g.base_url, api_version=g.api_version, access_token=token,
        app_secret=app_secret, timeout_seconds=g.timeout_seconds, page_size=g.page_size,
        retry=RetryPolicy(max_retries=g.max_retries, backoff_seconds=g.backoff_seconds,
                          max_wait_seconds=g.max_wait_seconds,
                          slowdown_percent=g.usage_slowdown_percent),
    ), trace=trace.for_client(client.slug) if trace is not None else None, breaker=breaker)


@dataclass
class Collected:
    """One client's snapshot and the connection's counters."""

    snapshot: Snapshot
    stats: dict[str, object] = field(default_factory=dict)


class Collector:
    """Reads clients' snapshots through one Graph session per client.

    It also owns the run's :class:`~audit.collect.lookups.DomainLookups` (one thread pool
    and cache for every client's domain lookups); ``close()`` releases it.
    """

    def __init__(
        self,
        config: Config,
        env: Mapping[str, str],
        *,
        session_factory: SessionFactory = sdk_session,
        clock: Clock = utc_now,
        progress: Progress | None = None,
    ) -> None:
        self.config = config
        self.env = env
        self.session_factory = session_factory
        self.clock = clock
        self.progress = progress or (lambda _slug, _msg: None)
        self.shared = AgencyReads(config.agency.business_id, config.graph.token_env)
        # One per run: once the API is known not to answer, later clients send nothing.
        self.breaker = Breaker.for_run()
        self._lookups: DomainLookups | None = None
        self._lookups_lock = threading.Lock()

    def domain_lookups(self) -> DomainLookups | None:
        """The run's shared domain lookups (None when ``network.enabled`` is off)."""
        if not self.config.network.enabled:
            return None
        with self._lookups_lock:
            if self._lookups is None:
                try:
                    self._lookups = DomainLookups(self.config.network)
                except Exception:  # the markers are then "not checked"; the audit goes on
                    log.exception("domain lookups could not be set up")
                    return None
            return self._lookups

    def close(self, wait: bool = True) -> None:
        """Release the domain lookups' threads and connections (a later use reopens);
        ``wait=False`` (a stopped run) does not wait for lookups in flight."""
        with self._lookups_lock:
            lookups, self._lookups = self._lookups, None
        if lookups is not None:
            lookups.close(wait=wait)

    def collect(self, client: ClientConfig, now: datetime | None = None) -> Collected:
        """Collect one client's snapshot; never raises (a crash marks it not audited)."""
        now = now or self.clock()
        try:
            return self._collect(client, now)
        except Exception as exc:  # a bug must not stop the other clients
            log.exception("collecting %s failed", client.slug)
            snap = new_snapshot(self.config, client, now)
            snap.not_audited = redact(f"collection crashed: {type(exc).__name__}: {exc}")
            return Collected(snap)

    def _collect(self, client: ClientConfig, now: datetime) -> Collected:
        token = self.config.token_for(client, self.env)
        if token is None:
            snap = new_snapshot(self.config, client, now)
            snap.not_audited = (f"no access token: environment variable "
                                f"{self.config.token_env_for(client)} is not set")
            return Collected(snap)
        transport = self.session_factory(self.config, client, token,
                                         self.config.app_secret(self.env), self.breaker.child())
        graph = GraphClient(transport, use_batch=self.config.graph.use_batch)
        snap = collect(self.config, client, graph, token, now,
                       progress=lambda msg: self.progress(client.slug, msg), shared=self.shared,
                       lookups=self.domain_lookups())
        stats = getattr(transport, "stats", None)
        return Collected(snap, stats.to_dict() if stats is not None else {})

    def collect_all(self, clients: Sequence[ClientConfig]) -> list[Snapshot]:
        """Collect several clients side by side (``graph.concurrency`` at a time)."""
        workers = max(1, min(self.config.graph.concurrency, len(clients)))
        try:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="client") as pool:
                return [c.snapshot for c in pool.map(self.collect, clients)]
        finally:
            self.close()
