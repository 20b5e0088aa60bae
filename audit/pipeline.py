"""Orchestration across clients: collect → evaluate → publish, one client at a time, side by side.

Thin on purpose: :class:`~audit.collect.agency.Collector` reads snapshots,
:func:`~audit.evaluate.assemble.evaluate_snapshot` turns one into a run, and
:class:`~audit.publish.writer.Writer` puts the files and the history in place. One client's
failure never stops the others, and whatever was collected is saved before anything else.
``--from-snapshot`` skips collection: evaluation and publishing only, no API call.

Memory stays flat with the number of clients: once a client's files are written, only its
:class:`~audit.publish.summary.ClientSummary` is kept; the index is rebuilt from those and
the history, and the alert (if any) is composed from the same summaries.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from audit import cancel
from audit.collect.agency import Clock, Collector, Progress, SessionFactory, sdk_session, utc_now
from audit.collect.snapshot import Snapshot
from audit.config import ClientConfig, Config
from audit.evaluate.assemble import evaluate_snapshot
from audit.publish.alerts import ClientState, Delivery, Notifier
from audit.publish.history import History
from audit.publish.render import Branding, branding_from_config
from audit.publish.summary import ClientSummary
from audit.publish.writer import IndexEntry, ReportNotRendered, Writer, compiled_environment
from audit.redact import redact, register_secret

log = logging.getLogger(__name__)


def run_id_for(moment: datetime) -> str:
    """A run id: the UTC start time to the millisecond, sortable (``20261128T153355.120Z``)."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y%m%dT%H%M%S") + f".{utc.microsecond // 1000:03d}Z"


@dataclass
class ClientOutcome:
    """What happened to one client in one invocation."""

    slug: str
    summary: ClientSummary | None = None
    files: dict[str, Path] = field(default_factory=dict)
    not_audited: str | None = None  # set when the run could not be evaluated or written

    @property
    def reason(self) -> str | None:
        """Why the client was not audited (from the run or from this invocation), or None."""
        return self.not_audited or (self.summary.reason if self.summary is not None else None)

    @property
    def audited(self) -> bool:
        """True when the client's run completed and is not marked not-audited."""
        return self.summary is not None and self.reason is None


@dataclass
class AgencyRun:
    """The outcome of one invocation across clients."""

    run_id: str
    outcomes: list[ClientOutcome]
    files: dict[str, Path] = field(default_factory=dict)
    alerts: Delivery = field(default_factory=lambda: Delivery("off", "alerts disabled"))
    # Ctrl-C or SIGTERM: ``outcomes`` are the clients that completed, of ``selected``.
    interrupted: bool = False
    selected: int = 0

    @property
    def summaries(self) -> list[ClientSummary]:
        """Every client run that was produced, summarised."""
        return [o.summary for o in self.outcomes if o.summary is not None]


class Auditor:
    """Runs collect → evaluate → publish for a set of clients into one output directory."""

    def __init__(self, config: Config, collector: Collector, writer: Writer,
                 clock: Clock = utc_now, notifier: Notifier | None = None) -> None:
        self.config = config
        self.collector = collector
        self.writer = writer
        self.clock = clock
        self.notifier = notifier
        # Clients between collection and their last file: a stop waits for them (no
        # network, a second or so of CPU), so a client is written whole or not at all.
        self._writing = 0
        self._writers = threading.Condition()

    def audit_client(self, client: ClientConfig, run_id: str) -> ClientOutcome:
        """Collect, save, evaluate and publish one client; never raises, except
        :class:`~audit.cancel.Cancelled` when a stop was requested before its files."""
        cancel.check()
        started = self.clock()
        collected = self.collector.collect(client, started)
        with self._writers:
            cancel.check()  # stopped while collecting: nothing of this client is written
            self._writing += 1
        try:
            return self.finish(collected.snapshot, run_id, started, collected.stats)
        finally:
            with self._writers:
                self._writing -= 1
                self._writers.notify_all()

    def finish(self, snap: Snapshot, run_id: str, started: datetime,
               stats: Mapping[str, object]) -> ClientOutcome:
        """Save the snapshot first, then evaluate and publish it; never raises."""
        outcome = ClientOutcome(snap.record.slug)
        try:
            saved = self.writer.save_snapshot(snap, run_id)
            outcome.files["snapshot"] = saved.latest
            evaluation = evaluate_snapshot(snap, self.config, run_id, started, self.clock(),
                                           saved.archive, stats)
            written = self.writer.write_client(evaluation)
            outcome.summary = written.summary
            outcome.files.update(written.files)
        except ReportNotRendered as exc:  # already logged; run.json is on disk too
            outcome.not_audited = redact(str(exc))
        except Exception as exc:  # keep the other clients going; the snapshot is on disk
            log.exception("evaluating %s failed", outcome.slug)
            outcome.not_audited = redact(f"evaluation crashed: {type(exc).__name__}: {exc}")
        return outcome

    def run(self, clients: Sequence[ClientConfig]) -> AgencyRun:
        """Audit ``clients`` side by side, then write the agency index.

        A stop request (:func:`audit.cancel.request_stop`, or Ctrl-C here) ends it early:
        no new request is sent, clients still collecting are abandoned (their threads stop
        before their next request; the command line does not wait for the requests in
        flight), clients already writing their files finish, and the index is written with
        the clients that completed.
        """
        run_id = run_id_for(self.clock())
        workers = max(1, min(self.config.graph.concurrency, len(clients)))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="client")
        futures = [pool.submit(self.audit_client, c, run_id) for c in clients]
        interrupted = False
        try:
            pending = set(futures)
            while pending and not interrupted:
                try:  # a timeout, so a stop set by a signal handler is seen promptly
                    _done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                except KeyboardInterrupt:  # no handler installed: Ctrl-C asks for a stop
                    cancel.request_stop()
                interrupted = cancel.stop_requested()
        finally:
            pool.shutdown(wait=not interrupted, cancel_futures=True)
            # The run's domain lookups (threads, connections); abandoned when stopped.
            self.collector.close(wait=not interrupted)
        if interrupted:
            with self._writers:  # let clients already writing their files finish them
                self._writers.wait_for(lambda: self._writing == 0, timeout=120)
        outcomes = [f.result() for f in futures if f.done() and not f.cancelled()
                    and not isinstance(f.exception(), cancel.Cancelled)]
        return self.finish_agency(run_id, outcomes, interrupted=interrupted or
                                  cancel.stop_requested(), selected=len(clients))

    def rerun_from_snapshots(self, snapshots: Sequence[Snapshot]) -> AgencyRun:
        """Evaluate and publish saved snapshots: no API calls at all (a stop request ends
        it between clients)."""
        run_id = run_id_for(self.clock())
        outcomes = []
        for snap in snapshots:
            if cancel.stop_requested():
                break
            outcomes.append(self.finish(snap, run_id, self.clock(), {}))
        return self.finish_agency(run_id, outcomes, interrupted=cancel.stop_requested(),
                                  selected=len(snapshots))

    def finish_agency(self, run_id: str, outcomes: list[ClientOutcome], *,
                      interrupted: bool = False, selected: int | None = None) -> AgencyRun:
        """Rebuild index.html and the agency findings.csv, then send the run's alert (not
        after a stop: an interrupted run is not news)."""
        agency_run = AgencyRun(run_id, outcomes, interrupted=interrupted,
                               selected=len(outcomes) if selected is None else selected)
        current = {o.slug: IndexEntry(o.summary, o.files.get("report"),
                                      o.files["archive"] / "findings.csv")
                   for o in outcomes if o.summary is not None and "archive" in o.files}
        agency_run.files = self.writer.write_index(
            run_id, [(c.slug, c.name) for c in self.config.clients], current,
            self.config.agency.model_dump(), now=self.clock())
        if interrupted:
            agency_run.alerts = Delivery("off", "run interrupted")
        elif self.notifier is not None:
            agency_run.alerts = self.notifier.notify(self.config.agency.name, run_id,
                                                     self._states(outcomes))
        return agency_run

    def _states(self, outcomes: Sequence[ClientOutcome]) -> list[ClientState]:
        names = {c.slug: c.name for c in self.config.clients}
        base = self.config.alerts.report_url
        states = []
        for o in outcomes:
            report = o.files.get("report")
            where = None
            if report is not None:
                where = (base + f"{o.slug}/report.html" if base
                         else str(report.resolve()))
            states.append(ClientState(o.slug, names.get(o.slug, o.slug), o.summary,
                                      o.not_audited, where))
        return states


def build_auditor(config: Config, out_dir: Path, env: Mapping[str, str], *,
                  history: History | None = None, progress: Progress | None = None,
                  branding: Branding | None = None,
                  session_factory: SessionFactory = sdk_session, clock: Clock = utc_now,
                  pdf: bool = False, notifier: Notifier | None = None) -> Auditor:
    """An auditor for ``config`` writing to ``out_dir``.

    ``branding`` defaults to the config's; preparing it raises
    :class:`~audit.publish.render.BrandingError` when the logo cannot be used. Each client's
    report is in its configured language; ``pdf`` adds ``report.pdf`` beside each one. Old
    runs are pruned (``output.keep_runs``) when there is a history.
    """
    for secret in config.secrets(env):  # masked everywhere from now on
        register_secret(secret)
    branding = branding or branding_from_config(config.report, config.agency.name)
    writer = Writer(out_dir, templates=compiled_environment(config.report.templates_dir),
                    branding=branding, history=history, keep_runs=config.output.keep_runs,
                    languages={c.slug: config.language_for(c) for c in config.clients},
                    language=config.report.language, pdf=pdf)
    collector = Collector(config, env, session_factory=session_factory, clock=clock,
                          progress=progress)
    return Auditor(config, collector, writer, clock, notifier)


def history_path(config: Config, out_dir: Path) -> Path:
    """Where the history database lives."""
    return config.output.history_db or out_dir / "history.sqlite"
