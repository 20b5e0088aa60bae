"""``history``, ``diff`` and ``report``: periodic reruns and re-rendering without the API."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.table import Table

from audit.cli.common import config_option, fail, load_checked_config, stdout
from audit.config import Config
from audit.pipeline import history_path
from audit.publish.history import Changes, History, HistoryError
from audit.publish.render import Branding, branding_from_config
from audit.publish.runfile import load_run
from audit.publish.writer import Writer, compiled_environment


def _open(config_path: Path) -> History:
    config = load_checked_config(config_path)
    path = history_path(config, config.output.directory)
    if not path.exists():
        fail(f"{path}: no history yet; run 'ios14-audit run -c {config_path}' first")
    return History(path)


@click.command("history")
@config_option
@click.option("--client", "slug", metavar="SLUG", help="Only this client.")
@click.option("--limit", default=30, show_default=True, type=click.IntRange(1, 10000),
              help="Show at most this many runs (newest first).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def history(config_path: Path, slug: str | None, limit: int, as_json: bool) -> None:
    """List recorded runs with their status and readiness score, newest first."""
    with _open(config_path) as db:
        rows = db.runs(slug, limit)
    if as_json:
        click.echo(json.dumps([r.__dict__ for r in rows], indent=2))
        return
    table = Table(title=f"{len(rows)} run(s)")
    for col in ("run", "client", "finished", "status", "score", "tool", "run.json"):
        table.add_column(col)
    for r in rows:
        table.add_row(r.run_id, r.client, r.finished_at or "", r.status or "",
                      "—" if r.score is None else f"{r.score:.1f}", r.tool_version or "",
                      r.run_path or "")
    stdout().print(table)


def _print_changes(slug: str, changes: Changes, run_b: str) -> None:
    console = stdout()
    prev = changes.previous
    console.rule(f"{slug}: {prev.run_id if prev else '?'} → {run_b}")
    if not changes.count:
        console.print("no changes")
        return
    for label, items in (("new", changes.new), ("regressed", changes.regressed),
                         ("improved", changes.improved), ("resolved", changes.resolved)):
        for f in items:
            was = f" (was {f['previous_status']})" if f.get("previous_status") else ""
            res = f.get("resource") or {}
            now = "GONE" if f.get("gone") else f["status"]
            console.print(f"{label:>9}  {now:<7} {f['check_id']}  "
                          f"{res.get('type')} {res.get('id')}{was}  {f['message']}",
                          markup=False, highlight=False)
    for kind, items in changes.assets.items():
        if items:
            console.print(f"{kind.replace('_', ' ')}: {items}", markup=False, highlight=False)


@click.command("diff")
@config_option
@click.argument("run_a", required=False)
@click.argument("run_b", required=False)
@click.option("--client", "slug", metavar="SLUG", help="Only this client.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def diff(config_path: Path, run_a: str | None, run_b: str | None, slug: str | None,
         as_json: bool) -> None:
    """What changed between two runs (default: the last two of each client).

    Findings are matched by fingerprint (check, client, resource), never by message text.
    """
    if (run_a is None) != (run_b is None):
        fail("give two run ids (RUN_A RUN_B) or none")
    out: dict[str, object] = {}
    with _open(config_path) as db:
        clients = sorted({r.client for r in db.runs(slug, 100000)})
        if slug and not clients:
            fail(f"no runs recorded for client {slug}")
        for client in clients:
            runs = [r.run_id for r in db.runs(client, 2)]
            a, b = (run_a, run_b) if run_a and run_b else (
                (runs[1], runs[0]) if len(runs) == 2 else (None, None))
            if a is None or b is None:
                out[client] = {"note": "only one run recorded"}
                continue
            try:
                changes = db.compare(client, a, b)
            except HistoryError:
                if run_a:  # explicit ids that this client does not have
                    continue
                raise
            out[client] = {"from": a, "to": b, **changes.to_dict()}
            if not as_json:
                _print_changes(client, changes, b)
    if as_json:
        click.echo(json.dumps(out, indent=2))


@click.command("report")
@click.option("--from", "source", required=True, type=click.Path(exists=True, path_type=Path),
              help="A run.json, or an output directory with <client>/run.json files.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write (default: next to each run.json).")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Config, for branding and template overrides (optional).")
def report(source: Path, out_dir: Path | None, config_path: Path | None) -> None:
    """Re-render report.html, technical.html and findings.csv from run.json files, without
    calling the API."""
    files = [source] if source.is_file() else sorted(source.glob("*/run.json"))
    if not files:
        fail(f"{source}: no run.json found")
    runs = [(f, load_run(f)) for f in files]
    config: Config | None = load_checked_config(config_path) if config_path else None
    branding = (branding_from_config(config.report, config.agency.name) if config
                else Branding(agency_name=str(runs[0][1].agency.get("name", ""))))
    templates = compiled_environment(config.report.templates_dir if config else None)
    base = out_dir or (source if source.is_dir() else source.parent)
    writer = Writer(base, branding=branding, templates=templates)
    links = {}
    for path, run in runs:
        slug = str(run.client["slug"])
        folder = (out_dir / slug) if out_dir else path.parent
        folder.mkdir(parents=True, exist_ok=True)
        files_written = writer.write_reports(run, folder)
        links[slug] = f"{slug}/report.html"
        click.echo(str(files_written["report"]))
    if source.is_dir() or out_dir:
        first = runs[0][1]
        index = writer.write_index(first.run_id, [r for _, r in runs], links, first.agency)
        click.echo(str(index["index"]))
