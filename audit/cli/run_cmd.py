"""``ios14-audit run`` and ``ios14-audit demo``: the main job."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import click
from rich.table import Table

from audit.cli.common import (
    config_option,
    find_snapshots,
    load_checked_config,
    open_trace,
    select_clients,
    stderr,
    stdout,
    trace_option,
)
from audit.collect.agency import sdk_session
from audit.config import ClientConfig, Config
from audit.errors import ExitCode
from audit.graph.trace import WireTrace
from audit.models import Severity, Status
from audit.pipeline import AgencyRun, build_auditor, history_path
from audit.publish.history import History
from audit.publish.render import branding_from_config


def _summary(result: AgencyRun, elapsed: float) -> None:
    table = Table(title=f"run {result.run_id} · {elapsed:.1f}s")
    for col in ("client", "status", "FAIL", "WARN", "PASS", "SKIPPED", "ERROR", "report"):
        table.add_column(col)
    for o in result.outcomes:
        if o.run is None:
            table.add_row(o.slug, "failed", "", "", "", "", "", o.reason or "")
            continue
        c = o.run.counts()
        table.add_row(o.slug, o.run.status, str(c["FAIL"]), str(c["WARN"]), str(c["PASS"]),
                      str(c["SKIPPED"]), str(c["ERROR"]), str(o.files.get("report", "")))
    stdout().print(table)
    for o in result.outcomes:
        if o.reason:
            click.echo(f"{o.slug}: not audited: {o.reason}", err=True)
    click.echo(f"index:    {result.files['index']}")
    click.echo(f"findings: {result.files['csv']}")


def exit_code(result: AgencyRun, fail_on: Severity | None) -> ExitCode:
    """3 if a client was not audited, 1 if a FAIL/ERROR at ``fail_on`` or worse, else 0."""
    if any(not o.audited for o in result.outcomes):
        return ExitCode.NOT_AUDITED
    if fail_on is not None:
        for run in result.runs:
            for f in run.findings:
                if (f.status in (Status.FAIL, Status.ERROR) and not f.muted
                        and f.severity.at_least(fail_on)):
                    return ExitCode.FAIL_ON
    return ExitCode.OK


def execute(config: Config, clients: Sequence[ClientConfig], out_dir: Path,
            env: Mapping[str, str], from_snapshot: Path | None = None,
            trace: WireTrace | None = None) -> AgencyRun:
    """Run the pipeline with progress on stderr and history on; returns the agency run.

    ``trace``: write every HTTP request to the Graph API there (``--trace``).
    """
    console = stderr()

    def progress(slug: str, msg: str) -> None:
        console.log(f"{slug}: {msg}")

    # The branding first: a logo that cannot be used stops the run before any file is
    # written or any API call is made.
    branding = branding_from_config(config.report, config.agency.name)
    with History(history_path(config, out_dir)) as history:
        auditor = build_auditor(config, out_dir, env, history=history, progress=progress,
                                branding=branding,
                                session_factory=functools.partial(sdk_session, trace=trace))
        if from_snapshot is not None:
            return auditor.rerun_from_snapshots(find_snapshots(from_snapshot,
                                                                [c.slug for c in clients]))
        return auditor.run(clients)


@click.command("run")
@config_option
@click.option("--client", "slugs", multiple=True, metavar="SLUG",
              help="Audit only this client (repeatable).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output directory (default: output.directory from the config).")
@click.option("--from-snapshot", "from_snapshot", type=click.Path(exists=True, path_type=Path),
              help="Re-evaluate saved snapshot(s) (a snapshot.json or an output directory) "
                   "without calling the API.")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default=None,
              help="Exit 1 when a FAIL or ERROR finding of this severity or worse is found "
                   "(muted findings excepted).")
@click.option("--offline", is_flag=True,
              help="Do not look up the clients' domains (DNS, web pages) for verification "
                   "markers; the domain checks then say \"not checked (offline run)\".")
@trace_option
def run(config_path: Path, slugs: tuple[str, ...], out_dir: Path | None,
        from_snapshot: Path | None, fail_on: str | None, offline: bool,
        trace_path: Path | None) -> None:
    """Audit the config's clients and write run.json, report.html and index.html.

    Exit codes: 0 completed, 1 --fail-on matched, 2 usage or config error, 3 at least one
    client could not be audited.
    """
    config = load_checked_config(config_path)
    if offline:
        config = config.offline()
    clients = select_clients(config, slugs)
    started = time.monotonic()
    with open_trace(trace_path) as trace:
        result = execute(config, clients, out_dir or config.output.directory, os.environ,
                         from_snapshot, trace)
    _summary(result, time.monotonic() - started)
    raise SystemExit(exit_code(result, Severity(fail_on) if fail_on else None))


@click.command("demo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports/output/demo"), show_default=True,
              help="Where to write the demo reports.")
def demo(out_dir: Path) -> None:
    """Audit the demo agency against the built-in sandbox (no network, no token needed).

    Starts the sandbox Graph API on a free loopback port with the demo world, audits every
    demo client through the official SDK, writes the reports, stops the sandbox and prints
    where the reports are.
    """
    # Imported here for start-up time only: the sandbox is not needed by other commands.
    from audit.sandbox.demo import demo_session

    started = time.monotonic()
    with demo_session() as (config, env):
        result = execute(config, list(config.clients), out_dir, env)
    _summary(result, time.monotonic() - started)
    click.echo(f"Open {result.files['index']} in a browser.")
