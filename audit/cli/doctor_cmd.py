"""``ios14-audit doctor``: one small read per endpoint family, as a table or JSON.

Exit codes: 0 when every client's token works (refusals of single families are listed, not
failures: the audit records them and goes on), 3 when a client's token is refused or
missing (nothing can be audited with it), 2 for a config problem.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timezone
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from audit.cli.common import (
    config_option,
    load_checked_config,
    open_trace,
    select_clients,
    stdout,
    trace_option,
)
from audit.collect.agency import sdk_session
from audit.collect.doctor import OK, REFUSED, SKIPPED, Diagnosis, Probe, diagnose, no_token
from audit.errors import ExitCode

STYLE = {"OK": "green", "refused": "red", "missing": "yellow", "skipped": "dim"}


def _code(p: Probe) -> str:
    return "" if p.code is None else str(p.code) + (f"/{p.subcode}" if p.subcode else "")


def _print(console: Console, diagnosis: Diagnosis) -> None:
    """A table of every probe, then what each refusal means and its fix."""
    table = Table(title=f"doctor · {diagnosis.client}")
    for column in ("family", "endpoint", "status", "code", "note"):
        table.add_column(column, overflow="fold")
    for p in diagnosis.probes:
        note = p.detail if p.status == OK else p.meaning if p.status == SKIPPED else p.kind
        table.add_row(p.family, p.endpoint, f"[{STYLE[p.status]}]{p.status}[/]", _code(p),
                      note)
    console.print(table)
    for p in diagnosis.probes:
        if p.status in (OK, SKIPPED):
            continue
        meta = f" Meta said: {p.detail}" if p.status == REFUSED and p.detail else ""
        code = f" ({_code(p)})" if p.code is not None else ""
        where = f" {p.endpoint}" if p.endpoint else ""
        console.print(f"• {p.family}{where}{code}: {p.meaning}.{meta}", markup=False)
        console.print(f"  fix: {p.fix}", markup=False)


@click.command("doctor")
@config_option
@click.option("--client", "slugs", multiple=True, metavar="SLUG",
              help="Only this client (repeatable; default: every client).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@trace_option
def doctor(config_path: Path, slugs: tuple[str, ...], as_json: bool,
           trace_path: Path | None) -> None:
    """Probe each Graph API endpoint family the audit uses: OK, or refused and why.

    One small read per family (token, business, pixels, partner edges, stats, dataset
    quality, ad accounts, ad sets, insights, rules), with what a refusal means and the fix.
    Run it first against the real API, and paste its output (with a --trace file) into a
    bug report. Exit codes: 0 the token works (refused families are listed), 3 a client's
    token is refused or missing, 2 usage or config error.
    """
    config = load_checked_config(config_path)
    clients = select_clients(config, slugs)
    now = datetime.now(timezone.utc)
    results: list[Diagnosis] = []
    with open_trace(trace_path) as trace:
        for client in clients:
            token = config.token_for(client, os.environ)
            if token is None:
                results.append(no_token(client, config.token_env_for(client)))
                continue
            transport = sdk_session(config, client, token, config.app_secret(os.environ),
                                    trace=trace)
            results.append(diagnose(config, client, transport, token, now))
    if as_json:
        click.echo(json.dumps([d.to_dict() for d in results], indent=2))
    else:
        console = stdout()
        for diagnosis in results:
            _print(console, diagnosis)
    refused = [d.client for d in results if d.token_refused]
    if refused and not as_json:
        click.echo(f"token refused for: {', '.join(refused)} (nothing can be audited with it)",
                   err=True)
    raise SystemExit(ExitCode.NOT_AUDITED if refused else ExitCode.OK)
