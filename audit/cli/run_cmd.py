"""``ios14-audit run`` and ``ios14-audit demo``: the main job."""

from __future__ import annotations

import functools
import gc
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from audit.cli.common import (
    config_option,
    fail,
    find_snapshots,
    load_checked_config,
    open_trace,
    parse_shard,
    pdf_option,
    select_clients,
    select_shard,
    stderr,
    trace_option,
)
from audit.cli.guard import stoppable
from audit.cli.tables import echo_json, print_table
from audit.collect.agency import Progress, sdk_session
from audit.config import ClientConfig, Config
from audit.errors import ExitCode
from audit.graph.trace import WireTrace
from audit.models import Severity
from audit.pipeline import AgencyRun, build_auditor, history_path
from audit.publish.alerts import Notifier
from audit.publish.history import History
from audit.publish.render import branding_from_config
from audit.publish.render.pdf import pdf_available

COUNTS = ("FAIL", "WARN", "PASS", "SKIPPED", "ERROR")


def _score(score: float | None, delta: float | None) -> str:
    if score is None:
        return "—"
    return f"{score:.1f}" + ("" if delta is None else f" ({delta:+.1f})")


def summary_data(result: AgencyRun, elapsed: float) -> dict[str, Any]:
    """The run summary as plain data (``run --json``)."""
    clients = []
    for o in result.outcomes:
        s = o.summary
        clients.append({
            "client": o.slug, "audited": o.audited, "reason": o.reason,
            "status": s.status if s is not None else "failed",
            "score": s.score if s is not None else None,
            "previous_score": s.previous_score if s is not None else None,
            "counts": s.counts if s is not None else None,
            "new_or_regressed": len(s.changes) if s is not None else None,
            "files": {k: str(v) for k, v in o.files.items()},
        })
    return {"run_id": result.run_id, "seconds": round(elapsed, 1), "clients": clients,
            "index": str(result.files.get("index", "")),
            "findings": str(result.files.get("csv", "")),
            "alerts": result.alerts.to_dict()}


def _pdfs(result: AgencyRun) -> None:
    written = [o.files["pdf"] for o in result.outcomes if "pdf" in o.files]
    if written:
        click.echo(f"pdf:      {len(written)} report.pdf beside the reports ({written[0]} …)")


def _summary(result: AgencyRun, elapsed: float, as_json: bool) -> None:
    if result.alerts.failed:
        click.echo(f"alerts: not delivered: {result.alerts.detail}", err=True)
    for o in result.outcomes:
        if o.reason:
            click.echo(f"{o.slug}: not audited: {o.reason}", err=True)
    if as_json:
        echo_json(summary_data(result, elapsed))
        return
    rows = []
    for o in result.outcomes:
        s = o.summary
        if s is None:
            rows.append([o.slug, "failed", "", *([""] * len(COUNTS)), ""])
            continue
        rows.append([o.slug, s.status, _score(s.score, s.delta),
                     *(str(s.counts.get(k, 0)) for k in COUNTS),
                     str(o.files.get("report", ""))])
    print_table(["client", "status", "score", *COUNTS, "report"], rows,
                ids=("client", "report"), right=COUNTS,
                title=f"run {result.run_id} · {elapsed:.1f}s · {len(rows)} client(s)")
    click.echo(f"index:    {result.files['index']}")
    click.echo(f"findings: {result.files['csv']}")
    _pdfs(result)
    if result.alerts.status != "off":
        detail = f" ({result.alerts.detail})" if result.alerts.detail else ""
        click.echo(f"alerts:   {result.alerts.status}{detail}")


def interrupted_line(result: AgencyRun) -> str:
    """The one line a stopped run prints (Ctrl-C, SIGTERM)."""
    return (f"interrupted: {len(result.outcomes)} of {result.selected} clients completed; "
            "index written")


def exit_code(result: AgencyRun, fail_on: Severity | None) -> ExitCode:
    """130 if stopped, 3 if a client was not audited, 1 if a FAIL/ERROR at ``fail_on`` or
    worse, else 0.

    Alerts never change it: a failed delivery is reported, not an audit failure.
    """
    if result.interrupted:
        return ExitCode.INTERRUPTED
    if any(not o.audited for o in result.outcomes):
        return ExitCode.NOT_AUDITED
    if fail_on is not None and any(s.fails_at(fail_on) for s in result.summaries):
        return ExitCode.FAIL_ON
    return ExitCode.OK


def progress_printer() -> Progress:
    """Progress on stderr: rich log lines on a terminal, plain time-stamped lines otherwise
    (cron mail, CI logs, ``2>file``)."""
    console = stderr()
    if console.is_terminal:
        return lambda slug, msg: console.log(f"{slug}: {msg}", markup=False)
    return lambda slug, msg: click.echo(f"{datetime.now():%H:%M:%S} {slug}: {msg}", err=True)


# Collections of the youngest generation after this many new container objects instead of
# 700 (Python's default, https://docs.python.org/3/library/gc.html#gc.set_threshold).
GC_YOUNG_THRESHOLD = 10_000


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Less of the cyclic garbage collector's CPU during a run; restored after.

    Parsing answers and building reports allocates millions of short-lived objects; at
    the default thresholds the collector ran every 700 allocations and, now and then,
    walked every live object (the imported modules, compiled templates and locale data
    included): about a tenth of a run's CPU. Objects alive before the run are frozen
    (``gc.freeze``: left out of collections, still freed by reference counting) and the
    youngest generation is collected less often. Memory held in reference cycles is
    reclaimed all the same, a little later.
    """
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def execute(config: Config, clients: Sequence[ClientConfig], out_dir: Path,
            env: Mapping[str, str], from_snapshot: Path | None = None,
            notifier: Notifier | None = None, trace: WireTrace | None = None,
            pdf: bool = False) -> AgencyRun:
    """Run the pipeline with progress on stderr and history on; returns the agency run.

    ``trace``: write every HTTP request to the Graph API there (``--trace``); ``pdf``: write
    report.pdf beside each report (checked to be possible before anything else). Ctrl-C
    and SIGTERM stop it early (``result.interrupted``; see :mod:`audit.cli.guard`).
    """
    if pdf:
        pdf_available()  # before any API call: exit 2 with the install line
    # The branding first: a logo that cannot be used stops the run before any file is
    # written or any API call is made.
    branding = branding_from_config(config.report, config.agency.name)
    with stoppable(), History(history_path(config, out_dir)) as history:
        auditor = build_auditor(config, out_dir, env, history=history,
                                progress=progress_printer(), branding=branding,
                                notifier=notifier, pdf=pdf,
                                session_factory=functools.partial(sdk_session, trace=trace))
        with fewer_collections():
            if from_snapshot is not None and clients:
                return auditor.rerun_from_snapshots(find_snapshots(from_snapshot,
                                                                    [c.slug for c in clients]))
            return auditor.run(clients)


@click.command("run")
@config_option
@click.option("--client", "slugs", multiple=True, metavar="SLUG",
              help="Audit only this client (repeatable); the index still shows every client.")
@click.option("--shard", callback=parse_shard, metavar="K/N",
              help="Audit only shard K of N: a stable subset of the clients by a hash of "
                   "their slug, so N cron jobs or pods can split an agency (1/2 and 2/2).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Output directory, relative to the current directory (default: "
                   "output.directory, relative to the config file's folder).")
@click.option("--from-snapshot", "from_snapshot", type=click.Path(exists=True, path_type=Path),
              help="Re-evaluate saved snapshot(s) (a snapshot.json or an output directory) "
                   "without calling the API.")
@click.option("--fail-on", type=click.Choice([s.value for s in Severity]), default=None,
              help="Exit 1 when a FAIL or ERROR finding of this severity or worse is found "
                   "(muted findings excepted).")
@click.option("--no-alerts", is_flag=True, help="Do not send the alerts configured under "
                                                "alerts: (for manual runs).")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("--offline", is_flag=True,
              help="Do not look up the clients' domains (DNS, web pages) for verification "
                   "markers; the domain checks then say \"not checked (offline run)\".")
@pdf_option
@trace_option
def run(config_path: Path, slugs: tuple[str, ...], shard: tuple[int, int] | None,
        out_dir: Path | None, from_snapshot: Path | None, fail_on: str | None,
        no_alerts: bool, as_json: bool, offline: bool, pdf: bool,
        trace_path: Path | None) -> None:
    """Audit the config's clients, write the reports, rebuild the index, send alerts.

    Exit codes: 0 completed, 1 --fail-on matched, 2 usage or config error, 3 at least one
    client could not be audited, 130 stopped by Ctrl-C or SIGTERM (the clients that
    completed are kept and the index is written). A failed alert is reported and changes
    none of them.
    """
    if pdf:
        pdf_available()  # before the config is even read: exit 2 with the install line
    config = load_checked_config(config_path)
    if offline:
        config = config.offline()
    if shard is not None and slugs:
        fail("use --client or --shard, not both")
    clients = select_clients(config, slugs)
    if shard is not None:
        clients = select_shard(clients, shard)
        if not clients:
            click.echo(f"shard {shard[0]}/{shard[1]} has no client; the index is rebuilt",
                       err=True)
    notifier = None
    if not no_alerts and (config.alerts.urls or config.alerts.urls_env):
        notifier = Notifier.from_config(config.alerts, os.environ)
    started = time.monotonic()
    with open_trace(trace_path) as trace:
        result = execute(config, clients, out_dir or config.output.directory, os.environ,
                         from_snapshot, notifier, trace, pdf)
    if result.interrupted:
        click.echo(interrupted_line(result), err=True)
    else:
        _summary(result, time.monotonic() - started, as_json)
    raise SystemExit(exit_code(result, Severity(fail_on) if fail_on else None))


@click.command("demo")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("reports/output/demo"), show_default=True,
              help="Where to write the demo reports.")
@pdf_option
def demo(out_dir: Path, pdf: bool) -> None:
    """Audit the demo agency against the built-in sandbox (no network, no token needed).

    Starts the sandbox Graph API on a free loopback port with the demo world, audits every
    demo client through the official SDK, writes the reports, stops the sandbox and prints
    where the reports are.
    """
    # Imported here for start-up time only: the sandbox is not needed by other commands.
    from audit.sandbox.demo import demo_session

    if pdf:
        pdf_available()  # before the sandbox starts: exit 2 with the install line
    started = time.monotonic()
    with demo_session() as (config, env):
        result = execute(config, list(config.clients), out_dir, env, pdf=pdf)
    if result.interrupted:
        click.echo(interrupted_line(result), err=True)
        raise SystemExit(ExitCode.INTERRUPTED)
    _summary(result, time.monotonic() - started, as_json=False)
    click.echo(f"Open {result.files['index']} in a browser.")
