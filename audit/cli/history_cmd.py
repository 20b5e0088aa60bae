"""``history``, ``diff`` and ``report``: periodic reruns and re-rendering without the API."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from audit.cli.common import (
    check_slug,
    config_option,
    fail,
    load_checked_config,
    pdf_option,
    stdout,
)
from audit.cli.tables import echo_json, print_table
from audit.config import Config
from audit.pipeline import history_path
from audit.publish.history import Changes, History, HistoryError
from audit.publish.render import Branding, branding_from_config
from audit.publish.render.pdf import pdf_available
from audit.publish.runfile import load_run
from audit.publish.summary import ClientSummary
from audit.publish.writer import IndexEntry, Writer, compiled_environment


def _open(config_path: Path, slug: str | None = None) -> History:
    config = load_checked_config(config_path)
    check_slug(config, slug)
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
    with _open(config_path, slug) as db:
        rows = db.runs(slug, limit)
    if as_json:
        echo_json([r.__dict__ for r in rows])
        return
    print_table(["run", "client", "finished", "status", "score", "tool", "run.json"],
                [[r.run_id, r.client, r.finished_at or "", r.status or "",
                  "—" if r.score is None else f"{r.score:.1f}", r.tool_version or "",
                  r.run_path or ""] for r in rows],
                ids=("run", "client", "run.json"), right=("score",),
                title=f"{len(rows)} run(s), newest first")


def _asset(item: Any) -> str:
    """One changed asset in words: an id, or a rule as "name (id)"."""
    if isinstance(item, dict):
        name, rule_id = item.get("name"), item.get("rule_id")
        return f"{name} ({rule_id})" if name and name != rule_id else str(rule_id)
    return str(item)


def change_lines(changes: Changes) -> list[str]:
    """The changes as readable lines (ids whole, never a Python list)."""
    lines = []
    for label, items in (("new", changes.new), ("regressed", changes.regressed),
                         ("improved", changes.improved), ("resolved", changes.resolved)):
        for f in items:
            was = f" (was {f['previous_status']})" if f.get("previous_status") else ""
            res = f.get("resource") or {}
            now = "GONE" if f.get("gone") else f["status"]
            lines.append(f"{label:>9}  {now:<7} {f['check_id']}  "
                         f"{res.get('type')} {res.get('id')}{was}  {f['message']}")
    for kind, items in changes.assets.items():
        for item in items:
            lines.append(f"{kind.replace('_', ' ')}: {_asset(item)}")
    return lines


def _print_changes(slug: str, changes: Changes, run_b: str) -> None:
    prev = changes.previous
    stdout().rule(f"{slug}: {prev.run_id if prev else '?'} → {run_b}")
    for line in change_lines(changes) or ["no changes"]:
        click.echo(line)  # not wrapped: ids and messages stay on one line


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
    with _open(config_path, slug) as db:
        clients = [slug] if slug else db.clients()
        if slug and not db.runs(slug, 1):
            fail(f"no runs recorded yet for client {slug}")
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
    if run_a and not out:
        fail(f"no client has both runs {run_a} and {run_b} recorded; see 'ios14-audit history'")
    if as_json:
        echo_json(out)


@click.command("report")
@click.option("--from", "source", required=True, type=click.Path(exists=True, path_type=Path),
              help="A run.json, or an output directory with <client>/run.json files.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Where to write (default: next to each run.json).")
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Config, for branding, template overrides and report languages (optional).")
@pdf_option
def report(source: Path, out_dir: Path | None, config_path: Path | None, pdf: bool) -> None:
    """Re-render report.html, technical.html and findings.csv from run.json files, without
    calling the API.

    Each report keeps the language its run.json records, unless the config gives the
    client another one.
    """
    if pdf:
        pdf_available()  # before anything is read or written: exit 2 with the install line
    files = [source] if source.is_file() else sorted(source.glob("*/run.json"))
    if not files:
        fail(f"{source}: no run.json found")
    runs = [(f, load_run(f)) for f in files]
    config: Config | None = load_checked_config(config_path) if config_path else None
    branding = (branding_from_config(config.report, config.agency.name) if config
                else Branding(agency_name=str(runs[0][1].agency.get("name", ""))))
    templates = compiled_environment(config.report.templates_dir if config else None)
    base = out_dir or (source if source.is_dir() else source.parent)
    writer = Writer(base, branding=branding, templates=templates, pdf=pdf,
                    languages={c.slug: config.language_for(c) for c in config.clients}
                    if config else None, language=config.report.language if config else None)
    entries = {}
    clients = []
    for path, run in runs:
        slug = str(run.client["slug"])
        folder = (out_dir / slug) if out_dir else path.parent
        folder.mkdir(parents=True, exist_ok=True)
        files_written = writer.write_reports(run, folder)
        entries[slug] = IndexEntry(ClientSummary.from_run(run), files_written["report"],
                                   files_written["csv"])
        clients.append((slug, str(run.client.get("name", slug))))
        click.echo(str(files_written["report"]))
        if "pdf" in files_written:
            click.echo(str(files_written["pdf"]))
    if source.is_dir() or out_dir:
        first = max((r for _, r in runs), key=lambda r: r.run_id)
        index = writer.write_index(first.run_id, clients, entries, first.agency)
        click.echo(str(index["index"]))
