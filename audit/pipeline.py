"""Orchestration: for each client, collect → snapshot → evaluate → run.json → HTML/CSV.

Clients run side by side (one Graph session each); one client's failure never stops the
others, and whatever was collected before a failure is saved. ``--from-snapshot`` re-runs
evaluation and rendering from saved snapshots without a single API call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from audit.collect.collector import collect, new_snapshot
from audit.collect.snapshot import Snapshot
from audit.config import ClientConfig, Config
from audit.evaluate.assemble import evaluate_snapshot
from audit.evaluate.run import RunResult
from audit.facts.inventory import snapshot_assets
from audit.facts.view import SnapshotView
from audit.graph.client import GraphClient
from audit.graph.retry import RetryPolicy
from audit.graph.transport import GraphTransport
from audit.publish.history import History, RunRow
from audit.publish.render import (
    branding_from_config,
    environment,
    findings_csv,
    render_index,
    render_report,
)
from audit.redact import redact

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
SessionFactory = Callable[[Config, ClientConfig, str, str | None], GraphTransport]
Progress = Callable[[str, str], None]


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(timezone.utc)


def run_id_for(moment: datetime) -> str:
    """A run id: the UTC start time to the millisecond, sortable (``20261128T153355.120Z``)."""
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y%m%dT%H%M%S") + f".{utc.microsecond // 1000:03d}Z"


def sdk_session(config: Config, client: ClientConfig, token: str, app_secret: str | None
                ) -> GraphTransport:
    """The production transport: the official SDK over HTTP."""
    from audit.graph.sdk import GraphSession, GraphSettings

    g = config.graph
    return GraphSession(GraphSettings(
        base_url=g.base_url, api_version=g.api_version, access_token=token,
        app_secret=app_secret, timeout_seconds=g.timeout_seconds, page_size=g.page_size,
        retry=RetryPolicy(max_retries=g.max_retries, backoff_seconds=g.backoff_seconds,
                          max_wait_seconds=g.max_wait_seconds,
                          slowdown_percent=g.usage_slowdown_percent),
    ))


@dataclass
class ClientOutcome:
    """What happened to one client in one invocation."""

    slug: str
    run: RunResult | None = None
    files: dict[str, Path] = field(default_factory=dict)
    failure: str | None = None

    @property
    def audited(self) -> bool:
        """True when the client's run completed and is not marked not-audited."""
        return self.run is not None and self.run.status != "not_audited"


@dataclass
class AgencyRun:
    """The outcome of one invocation across clients."""

    run_id: str
    outcomes: list[ClientOutcome]
    files: dict[str, Path] = field(default_factory=dict)

    @property
    def runs(self) -> list[RunResult]:
        """Every client run that was produced."""
        return [o.run for o in self.outcomes if o.run is not None]


class Auditor:
    """Runs the pipeline for a set of clients into an output directory.

    Layout: ``OUT/<slug>/{report.html, run.json, snapshot.json, findings.csv}`` hold the
    latest run; ``OUT/<slug>/runs/<run_id>/{run.json, snapshot.json}`` keep every run,
    referenced from the history database (``OUT/history.sqlite`` by default).
    """

    def __init__(
        self,
        config: Config,
        out_dir: Path,
        env: Mapping[str, str],
        *,
        session_factory: SessionFactory = sdk_session,
        clock: Clock = utc_now,
        progress: Progress | None = None,
        history: History | None = None,
        config_dir: Path | None = None,
    ) -> None:
        self.config = config
        self.out_dir = out_dir
        self.env = env
        self.session_factory = session_factory
        self.clock = clock
        self.progress = progress or (lambda _slug, _msg: None)
        # Branding and template overrides resolve relative paths from the config's folder;
        # a bad logo raises BrandingError here, before any client is audited.
        self.branding = branding_from_config(config.report, config.agency.name, config_dir)
        overrides = config.report.templates_dir
        if overrides is not None and config_dir is not None and not overrides.is_absolute():
            overrides = config_dir / overrides
        self.templates = environment(overrides)
        # Compile every template once, up front: clients render side by side, and Jinja's
        # cache would otherwise have each thread compile the same templates at once.
        for name in self.templates.list_templates():
            self.templates.get_template(name)
        self.history = history

    # ------------------------------------------------------------------ per client

    def _client_dir(self, slug: str) -> Path:
        path = self.out_dir / slug
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _collect(self, client: ClientConfig, now: datetime) -> tuple[Snapshot, dict[str, object]]:
        token = self.config.token_for(client, self.env)
        if token is None:
            snap = new_snapshot(self.config, client, now)
            snap.not_audited = (f"no access token: environment variable "
                                f"{self.config.token_env_for(client)} is not set")
            return snap, {}
        transport = self.session_factory(self.config, client, token,
                                         self.config.app_secret(self.env))
        graph = GraphClient(transport, use_batch=self.config.graph.use_batch)
        snap = collect(self.config, client, graph, token, now,
                       progress=lambda msg: self.progress(client.slug, msg))
        stats = getattr(transport, "stats", None)
        return snap, (stats.to_dict() if stats is not None else {})

    def audit_client(self, client: ClientConfig, run_id: str) -> ClientOutcome:
        """Collect, save, evaluate and render one client; never raises."""
        outcome = ClientOutcome(client.slug)
        started = self.clock()
        try:
            snap, stats = self._collect(client, started)
        except Exception as exc:  # a bug must not stop the other clients
            log.exception("collecting %s failed", client.slug)
            outcome.failure = redact(f"collection crashed: {type(exc).__name__}: {exc}")
            snap, stats = new_snapshot(self.config, client, started), {}
            snap.not_audited = outcome.failure
        return self._finish(outcome, snap, run_id, started, stats)

    def _finish(self, outcome: ClientOutcome, snap: Snapshot, run_id: str, started: datetime,
                stats: Mapping[str, object]) -> ClientOutcome:
        folder = self._client_dir(outcome.slug)
        archive = folder / "runs" / run_id
        try:
            # The snapshot goes to disk first: whatever happens next, nothing collected is lost.
            snap.save(archive / "snapshot.json", folder / "snapshot.json")
            outcome.files["snapshot"] = folder / "snapshot.json"
            run = evaluate_snapshot(snap, self.config, run_id, started, self.clock(),
                                    archive / "snapshot.json", stats)
            assets = snapshot_assets(SnapshotView(snap)) if not snap.not_audited else {}
            if self.history is not None:
                changes = self.history.changes(outcome.slug, run_id, run.findings, assets)
                run.sections["changes"] = changes.to_dict()
            run.save(archive / "run.json", folder / "run.json")
            outcome.run = run
            outcome.files["run"] = folder / "run.json"
            if self.history is not None:
                self.history.record(RunRow(
                    run_id=run_id, client=outcome.slug, started_at=run.started_at,
                    finished_at=run.finished_at, tool_version=str(run.tool.get("version")),
                    status=run.status, score=run.readiness()["score"],
                    run_path=self._relative(archive / "run.json"),
                    snapshot_path=self._relative(archive / "snapshot.json"),
                ), run.findings, assets)
            self.write_client_outputs(run, folder, outcome)
        except Exception as exc:  # keep the other clients going; the snapshot is on disk
            log.exception("evaluating %s failed", outcome.slug)
            outcome.failure = redact(f"evaluation crashed: {type(exc).__name__}: {exc}")
        return outcome

    def _relative(self, path: Path) -> str:
        base = self.history.path.parent if self.history is not None else self.out_dir
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            return str(path.resolve())

    def write_client_outputs(self, run: RunResult, folder: Path, outcome: ClientOutcome) -> None:
        """report.html and findings.csv for one client (the latest run)."""
        report = folder / "report.html"
        report.write_text(render_report(run, self.templates, self.branding), encoding="utf-8")
        outcome.files["report"] = report
        csv_path = folder / "findings.csv"
        csv_path.write_text(findings_csv(run.findings), encoding="utf-8")
        outcome.files["csv"] = csv_path

    def collect_only(self, clients: Sequence[ClientConfig]) -> list[Snapshot]:
        """Collect snapshots side by side without writing anything (inspection commands)."""
        def one(client: ClientConfig) -> Snapshot:
            try:
                return self._collect(client, self.clock())[0]
            except Exception as exc:  # keep the other clients going
                log.exception("collecting %s failed", client.slug)
                snap = new_snapshot(self.config, client, self.clock())
                snap.not_audited = redact(f"collection crashed: {type(exc).__name__}: {exc}")
                return snap

        workers = max(1, min(self.config.graph.concurrency, len(clients)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="client") as pool:
            return list(pool.map(one, clients))

    # ------------------------------------------------------------------ all clients

    def run(self, clients: Sequence[ClientConfig]) -> AgencyRun:
        """Audit ``clients`` side by side, then write the agency index."""
        run_id = run_id_for(self.clock())
        workers = max(1, min(self.config.graph.concurrency, len(clients)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="client") as pool:
            outcomes = list(pool.map(lambda c: self.audit_client(c, run_id), clients))
        return self.finish_agency(run_id, outcomes)

    def rerun_from_snapshots(self, snapshots: Sequence[Snapshot]) -> AgencyRun:
        """Evaluate and render saved snapshots: no API calls at all."""
        run_id = run_id_for(self.clock())
        outcomes = []
        for snap in snapshots:
            outcome = ClientOutcome(str(snap.client["slug"]))
            outcomes.append(self._finish(outcome, snap, run_id, self.clock(), {}))
        return self.finish_agency(run_id, outcomes)

    def finish_agency(self, run_id: str, outcomes: list[ClientOutcome]) -> AgencyRun:
        """Write index.html and the cross-client findings.csv."""
        agency_run = AgencyRun(run_id, outcomes)
        runs = agency_run.runs
        links = {o.slug: f"{o.slug}/report.html" for o in outcomes if "report" in o.files}
        self.out_dir.mkdir(parents=True, exist_ok=True)
        index = self.out_dir / "index.html"
        index.write_text(render_index(runs, links, self.config.agency.model_dump(), run_id,
                                      self.templates, self.branding, trends=trends(runs)),
                         encoding="utf-8")
        csv_path = self.out_dir / "findings.csv"
        csv_path.write_text(findings_csv(f for r in runs for f in r.findings), encoding="utf-8")
        agency_run.files = {"index": index, "csv": csv_path}
        return agency_run


def trends(runs: Sequence[RunResult]) -> dict[str, dict[str, float | None]]:
    """Per client: previous score and the change since then (from ``sections.changes``)."""
    out: dict[str, dict[str, float | None]] = {}
    for run in runs:
        prev = run.sections.get("changes", {}).get("previous_score")
        now = run.readiness()["score"]
        delta = round(now - prev, 1) if isinstance(prev, (int, float)) and now is not None \
            else None
        out[str(run.client.get("slug"))] = {"previous_score": prev, "delta": delta}
    return out


def history_path(config: Config, out_dir: Path) -> Path:
    """Where the history database lives."""
    return config.output.history_db or out_dir / "history.sqlite"
