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

from audit import inventory
from audit.checks import REGISTRY
from audit.collect import client_info, collect, new_snapshot
from audit.config import ClientConfig, Config
from audit.evaluate import run_checks
from audit.graph.client import GraphClient, GraphTransport
from audit.graph.retry import RetryPolicy
from audit.recommend.priorities import recommend as recommend_priorities
from audit.recommend.rules import suggestions as rule_suggestions
from audit.recommend.windows import compare as compare_windows
from audit.redact import redact
from audit.render import environment, findings_csv, render_index, render_report
from audit.runresult import RunResult, check_list
from audit.snapshot import Snapshot
from audit.view import SnapshotView

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
SessionFactory = Callable[[Config, ClientConfig, str, str | None], GraphTransport]
Progress = Callable[[str, str], None]


def utc_now() -> datetime:
    """The current time in UTC."""
    return datetime.now(timezone.utc)


def run_id_for(moment: datetime) -> str:
    """A run id: the UTC start time, sortable, e.g. ``20261128T153355Z``."""
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


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


def evaluate_snapshot(snap: Snapshot, config: Config, run_id: str, started: datetime,
                      finished: datetime, snapshot_path: Path | None,
                      stats: Mapping[str, object] | None = None) -> RunResult:
    """Pure evaluation of one snapshot into a RunResult.

    Evaluation settings (AEM mode, priorities, declared domains, rule target) come from the
    current config when it lists the client, so a re-run from a snapshot uses them.
    """
    current = next((c for c in config.clients if c.slug == snap.client.get("slug")), None)
    if current is not None:
        settings = client_info(config, current)
        for key in ("aem_mode", "priorities", "domains", "rules_target_window", "token_env"):
            snap.client[key] = settings[key]
    view = SnapshotView(snap)
    findings = run_checks(view, config.checks)
    keys = ("slug", "name", "business_id", "ad_accounts", "pixels", "domains", "aem_mode")
    client: dict[str, object] = {k: snap.client[k] for k in keys if k in snap.client}
    return RunResult(
        run_id=run_id,
        client=client,
        agency=dict(snap.agency),
        started_at=started.isoformat(timespec="seconds"),
        finished_at=finished.isoformat(timespec="seconds"),
        findings=findings,
        collection_errors=snap.collection_errors(),
        checks=check_list(REGISTRY.all()),
        snapshot={"path": snapshot_path.name if snapshot_path else None,
                  "collected_at": snap.collected_at, "api_version": snap.api_version,
                  "window": dict(snap.window)},
        not_audited_reason=snap.not_audited,
        collection_stats=dict(stats or {}),
        sections=build_sections(view),
    )


def build_sections(view: SnapshotView) -> dict[str, object]:
    """Inventories and recommendations for run.json; a crash is recorded, not raised."""
    if view.snap.not_audited:
        return {}
    try:
        out = inventory.sections(view)
        out["priorities"] = recommend_priorities(view).to_dict()
        out["windows"] = compare_windows(view).to_dict()
        target = str(view.snap.client.get("rules_target_window", "ACCOUNT_DEFAULT"))
        out["rules"] = {"target_window": target,
                        "rules": [s.to_dict() for s in rule_suggestions(view, target)]}
        return out
    except Exception as exc:  # rendering must go on without the tables
        log.exception("building the inventories of %s failed", view.client_slug)
        return {"error": redact(f"{type(exc).__name__}: {exc}")}


class Auditor:
    """Runs the pipeline for a set of clients into an output directory."""

    def __init__(
        self,
        config: Config,
        out_dir: Path,
        env: Mapping[str, str],
        *,
        session_factory: SessionFactory = sdk_session,
        clock: Clock = utc_now,
        progress: Progress | None = None,
    ) -> None:
        self.config = config
        self.out_dir = out_dir
        self.env = env
        self.session_factory = session_factory
        self.clock = clock
        self.progress = progress or (lambda _slug, _msg: None)
        self.templates = environment()

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
        graph = GraphClient(transport)
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
        snap_path = folder / "snapshot.json"
        try:
            snap.save(snap_path)
            outcome.files["snapshot"] = snap_path
            run = evaluate_snapshot(snap, self.config, run_id, started, self.clock(),
                                    snap_path, stats)
            self.write_client_outputs(run, folder, outcome)
        except Exception as exc:  # keep the other clients going; the snapshot is on disk
            log.exception("evaluating %s failed", outcome.slug)
            outcome.failure = redact(f"evaluation crashed: {type(exc).__name__}: {exc}")
        return outcome

    def write_client_outputs(self, run: RunResult, folder: Path, outcome: ClientOutcome) -> None:
        """run.json, report.html and findings.csv for one client."""
        outcome.run = run
        run_path = folder / "run.json"
        run.save(run_path)
        outcome.files["run"] = run_path
        report = folder / "report.html"
        report.write_text(render_report(run, self.templates), encoding="utf-8")
        outcome.files["report"] = report
        csv_path = folder / "findings.csv"
        csv_path.write_text(findings_csv(run.findings), encoding="utf-8")
        outcome.files["csv"] = csv_path

    def collect_only(self, clients: Sequence[ClientConfig]) -> list[Snapshot]:
        """Collect snapshots side by side without writing anything (for inspection commands)."""
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
            started = self.clock()
            outcomes.append(self._finish(outcome, snap, run_id, started, {}))
        return self.finish_agency(run_id, outcomes)

    def finish_agency(self, run_id: str, outcomes: list[ClientOutcome]) -> AgencyRun:
        """Write index.html and the cross-client findings.csv."""
        agency_run = AgencyRun(run_id, outcomes)
        runs = agency_run.runs
        links = {o.slug: f"{o.slug}/report.html" for o in outcomes if "report" in o.files}
        self.out_dir.mkdir(parents=True, exist_ok=True)
        index = self.out_dir / "index.html"
        index.write_text(render_index(runs, links, self.config.agency.model_dump(), run_id,
                                      self.templates), encoding="utf-8")
        csv_path = self.out_dir / "findings.csv"
        csv_path.write_text(findings_csv(f for r in runs for f in r.findings), encoding="utf-8")
        agency_run.files = {"index": index, "csv": csv_path}
        return agency_run
