"""``domains``, ``access``, ``events``, ``priorities``, ``windows``: inspect one area.

Each collects (or loads with ``--from-snapshot``) the clients' snapshots and prints a
readable table per client, or JSON with ``--json``. Nothing is written.
"""

from __future__ import annotations

import csv
import functools
import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from audit.cli.common import (
    config_option,
    find_snapshots,
    load_checked_config,
    select_clients,
    stdout,
)
from audit.cli.tables import echo_json, print_table
from audit.collect.agency import Collector
from audit.config import Config
from audit.evaluate.analysis import Analysis
from audit.evaluate.assemble import with_current_settings
from audit.evaluate.recommend.windows import WINDOWS
from audit.facts.inventory import sections
from audit.files import write_text_atomic

Printer = Callable[[Console, Analysis], None]


offline_option = click.option(
    "--offline", is_flag=True,
    help="Do not look up the clients' domains (DNS, web pages) for verification markers.")


def load_analyses(config: Config, slugs: Sequence[str], from_snapshot: Path | None,
                  offline: bool = False) -> list[Analysis]:
    """The selected clients' snapshots, collected live or read from disk, analysed."""
    clients = select_clients(config, slugs)
    if from_snapshot is not None:
        snaps = find_snapshots(from_snapshot, [c.slug for c in clients])
    else:
        live = config.offline() if offline else config
        snaps = Collector(live, os.environ).collect_all(clients)
    return [Analysis.of(with_current_settings(s, config)) for s in snaps]


def inspect_command(name: str, help_text: str, section: Callable[[Analysis], Any]
                    ) -> Callable[[Printer], click.Command]:
    """Build a command with the shared options from a table printer."""
    def decorate(printer: Printer) -> click.Command:
        @click.command(name, help=help_text)
        @config_option
        @click.option("--client", "slugs", multiple=True, metavar="SLUG",
                      help="Only this client (repeatable).")
        @click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
        @click.option("--from-snapshot", type=click.Path(exists=True, path_type=Path),
                      help="Read saved snapshot(s) instead of calling the API.")
        @offline_option
        @functools.wraps(printer)
        def command(config_path: Path, slugs: tuple[str, ...], as_json: bool,
                    from_snapshot: Path | None, offline: bool) -> None:
            config = load_checked_config(config_path)
            views = load_analyses(config, slugs, from_snapshot, offline)
            if as_json:
                echo_json({v.view.client_slug: section(v) for v in views})
                return
            console = stdout()
            for analysis in views:
                view = analysis.view
                console.rule(f"{view.client_name} ({view.client_slug})")
                if view.snap.not_audited:
                    console.print(f"not audited: {view.snap.not_audited}", markup=False)
                    continue
                printer(console, analysis)
        return command
    return decorate


def _num(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


@inspect_command("domains", "Verified domains, where the pixels fire, and declared domains.",
                 lambda a: sections(a.facts)["domains"])
def domains(console: Console, analysis: Analysis) -> None:
    """Print the domain table."""
    data = sections(analysis.facts)["domains"]
    if not data["owned_domains_available"]:
        err = data["owned_domains_error"] or {}
        source = {"checked": "read from the domains' verification markers",
                  "offline": "not checked (offline run)"}.get(
            data.get("markers", ""), "not checked")
        console.print(f"[yellow]owned_domains unavailable ({err.get('kind')} "
                      f"{err.get('code') or ''}): verification {source}; declared domains "
                      "and pixel hosts shown.[/yellow]")
    rows = []
    for r in data["rows"]:
        verified = {True: "yes", False: "NO", None: "listed"}[r["verified"]]
        if not data["owned_domains_available"]:
            verified = {True: "yes", False: "NO", None: "unknown"}[r["verified"]]
        rows.append([r["domain"], _num(r["events_7d"]), ", ".join(r["hosts"]) or "—", verified,
                     r["owner_business_name"] or r["owner_business_id"] or "—",
                     "yes" if r["declared"] else "", _marker_cell(r.get("markers"))])
    print_table(["domain", "events 7d", "hosts", "verified", "owner", "declared", "marker"],
                rows, ids=("domain",), right=("events 7d",), console=console)


MARKER_WORDS = {"client": "client's code", "other": "ANOTHER code", "unknown_code": "a code",
                "none": "none found", "unreachable": "unreachable", "offline": "offline run",
                "unchecked": "—"}


def _marker_cell(markers: Any) -> str:
    """The marker outcome in a few words (codes after it)."""
    if not isinstance(markers, dict):
        return "—"
    words = MARKER_WORDS.get(str(markers.get("state")), str(markers.get("state")))
    codes = ", ".join(str(c) for c in markers.get("codes") or [])
    return f"{words} ({codes})" if codes else words


@inspect_command("access", "Pixel partners, the agency's tasks, assigned users, ad accounts.",
                 lambda a: sections(a.facts)["access"])
def access(console: Console, analysis: Analysis) -> None:
    """Print the access table."""
    rows = []
    for r in sections(analysis.facts)["access"]["rows"]:
        shared = {True: "yes", False: "NO", None: "unknown"}[r["agency_shared"]]
        if not r["readable"]:
            shared = "cannot read pixel"
        users = r["agency_users"]
        rows.append([r["pixel_id"], r["pixel_name"] or "", shared,
                     ", ".join(r["agency_tasks"] or []) or "—",
                     "unknown" if users is None else
                     ", ".join(f"{u['name']} ({', '.join(u['tasks'])})" for u in users)
                     or "none", ", ".join(r["ad_accounts"]) or "—"])
    print_table(["pixel", "name", "shared with agency", "agency tasks", "agency users",
                 "ad accounts"], rows, ids=("pixel",), console=console)


@inspect_command("events", "Events per pixel over 7 days: browser, server, ad sets, quality.",
                 lambda a: sections(a.facts)["events"])
def events(console: Console, analysis: Analysis) -> None:
    """Print the events table."""
    headers = ["pixel", "event", "total 7d", "browser", "server", "server %", "last seen",
               "ad sets", "spend 28d", "EMQ", "dedup %"]
    rows = []
    for r in sections(analysis.facts)["events"]["rows"]:
        share = r["server_share"]
        rows.append([r["pixel_id"], r["event"], _num(r["total_7d"]), _num(r["browser_7d"]),
                     _num(r["server_7d"]), "—" if share is None else f"{share:.0%}",
                     (r["last_seen"] or "—")[:16], _num(r["adsets"]), _num(r["spend_28d"]),
                     _num(r["match_quality"]), _num(r["dedup_percent"])])
    print_table(headers, rows, ids=("pixel", "event"), right=headers[2:], console=console)


@click.command("windows")
@config_option
@click.option("--client", "slugs", multiple=True, metavar="SLUG", help="Only this client.")
@click.option("--level", type=click.Choice(["campaign", "adset"]), default="campaign",
              show_default=True, help="Objects to list under the account totals.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.option("--from-snapshot", type=click.Path(exists=True, path_type=Path),
              help="Read saved snapshot(s) instead of calling the API.")
@offline_option
def windows(config_path: Path, slugs: tuple[str, ...], level: str, as_json: bool,
            from_snapshot: Path | None, offline: bool) -> None:
    """Conversions under each attribution window, and the projected change from 28-day
    click + 1-day view to 7-day click + 1-day view (unavailable windows say so)."""
    config = load_checked_config(config_path)
    analyses = load_analyses(config, slugs, from_snapshot, offline)
    if as_json:
        out = {}
        for a in analyses:
            data = a.windows.to_dict()
            data["rows"] = {level: data["rows"][level]}
            out[a.view.client_slug] = data
        echo_json(out)
        return
    console = stdout()
    for analysis in analyses:
        view = analysis.view
        console.rule(f"{view.client_name} ({view.client_slug})")
        if view.snap.not_audited:
            console.print(f"not audited: {view.snap.not_audited}", markup=False)
            continue
        _print_windows(console, analysis, level)


def _print_windows(console: Console, analysis: Analysis, level: str) -> None:
    result = analysis.windows
    console.print(f"period {result.date_start} to {result.date_stop}")
    for note in result.notes:
        console.print(f"[yellow]{note}[/yellow]")
    headers = ["object", "event", *WINDOWS, "old → new", "change"]
    rows = []
    for c in [*result.account_totals, *result.rows[level]]:
        m = c.metrics()
        rows.append([c.object_name or c.object_id, c.label,
                     *("unavail." if c.figures.counts.get(w) is None else
                       _num(c.figures.counts.get(w)) for w in WINDOWS),
                     f"{_num(m['old_default'])} → {_num(m['new_default'])}",
                     "—" if m["change"] is None else f"{m['change']:+.0%}"])
    print_table(headers, rows, ids=("object",), right=headers[2:], console=console)


@click.command("priorities")
@config_option
@click.option("--client", "slugs", multiple=True, metavar="SLUG", help="Only this client.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@click.option("--csv", "csv_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write domain, rank, event and reason to this CSV file.")
@click.option("--from-snapshot", type=click.Path(exists=True, path_type=Path),
              help="Read saved snapshot(s) instead of calling the API.")
@offline_option
def priorities(config_path: Path, slugs: tuple[str, ...], as_json: bool,
               csv_path: Path | None, from_snapshot: Path | None, offline: bool) -> None:
    """The recommended top-8 events per domain, in Events Manager order, with reasons."""
    config = load_checked_config(config_path)
    analyses = load_analyses(config, slugs, from_snapshot, offline)
    results = {a.view.client_slug: a.priorities for a in analyses
               if not a.view.snap.not_audited}
    if csv_path is not None:
        buffer = io.StringIO(newline="")
        w = csv.writer(buffer)
        w.writerow(["client", "domain", "rank", "event", "score", "reason"])
        for slug, result in results.items():
            for d in result.domains:
                for r in d.recommended:
                    w.writerow([slug, d.domain, r.rank, r.label, r.score, r.reason])
        write_text_atomic(csv_path, buffer.getvalue())  # atomic, and scrubbed of secrets
    if as_json:
        echo_json({k: r.to_dict() for k, r in results.items()})
        return
    console = stdout()
    for analysis in analyses:
        view = analysis.view
        console.rule(f"{view.client_name} ({view.client_slug})")
        found = results.get(view.client_slug)
        if found is None:
            console.print(f"not audited: {view.snap.not_audited}", markup=False)
            continue
        console.print(found.mode_reason)
        for d in found.domains:
            rows = [[str(r.rank), r.label, f"{r.score:.1f}", f"{r.components['funnel']:.0f}",
                     f"{r.components['spend']:.0f}", f"{r.components['volume']:.0f}",
                     f"{r.components['value']:.0f}", r.reason] for r in d.recommended]
            print_table(["#", "event", "score", "funnel", "spend", "volume", "value", "reason"],
                        rows, ids=("event",), title=f"{d.domain} · {d.slots_used}/8 slots",
                        console=console)
            for p in d.problems:
                console.print(f"[red]{p}[/red]")
            if d.affected_adsets:
                console.print(f"{len(d.affected_adsets)} active ad set(s) optimise for events "
                              "outside this list: " + ", ".join(
                                  f"{a['adset_name'] or a['adset_id']} ({a['event']})"
                                  for a in d.affected_adsets[:10]))
    if csv_path is not None:
        click.echo(f"wrote {csv_path}")
