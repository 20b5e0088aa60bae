"""``ios14-audit capi``: send Conversions API test events; check event payloads.

``capi test`` writes to Meta (a test event code is required unless ``--live``): exit 2 for
a request that cannot be made as asked, 4 when Meta refuses the events. ``capi
check-payload`` works offline, like a linter: exit 1 when any payload has an error.
"""

from __future__ import annotations

import json
import logging
import os
import re
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.table import Table
from rich.text import Text

from audit.cli.common import config_option, fail, find_snapshots, load_checked_config, stdout
from audit.collect.agency import sdk_session
from audit.errors import ActionFailed, ExitCode
from audit.evaluate.capi_payload import (
    PayloadFileError,
    PayloadReport,
    check_payloads,
    is_currency,
    parse_payloads,
)
from audit.facts.facts import Facts
from audit.graph.client import GraphClient
from audit.graph.errors import GraphError

if TYPE_CHECKING:
    from audit.actions.capi import CapiTestResult, Target

log = logging.getLogger(__name__)
TEST_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
EVENT_NAME = re.compile(r"^[A-Za-z0-9_ -]{1,50}$")


@click.group("capi")
def capi() -> None:
    """Conversions API: send test events to a client's pixel; check event payloads."""


# ----------------------------------------------------------------------------- capi test


def _read_currency(graph: GraphClient, account: str) -> str | None:
    try:
        currency = graph.get(account, ("currency",)).get("currency")
    except GraphError as exc:
        log.warning("could not read the currency of %s: %s", account, exc.describe())
        return None
    return str(currency) if isinstance(currency, str) else None


def _print_result(result: CapiTestResult, target: Target, client_label: str,
                  generated: bool) -> None:
    console = stdout()
    code = f"test code {result.test_event_code}" if result.test_event_code else "LIVE"
    table = Table(title=f"Conversions API events · {client_label} · pixel {result.pixel_id} · "
                        f"{code}", title_justify="left")
    table.add_column("event")
    table.add_column("event_id (find it in Test events)", no_wrap=True)
    table.add_column("value")
    table.add_column("match keys (hashed where Meta requires)", overflow="fold")
    for e in result.events:
        value = f"{e.value:.2f} {e.currency}" if e.value is not None else ""
        table.add_row(Text(e.event_name), Text(e.event_id), Text(value),
                      Text(", ".join(e.match_keys)))
    console.print(table)
    pages = sorted({e.event_source_url for e in result.events})
    click.echo(f"page (event_source_url): {', '.join(pages)}")
    click.echo(f"Meta received {result.events_received} of {len(result.events)} event(s); "
               f"fbtrace_id {result.fbtrace_id or '-'}")
    click.echo("messages: " + ("; ".join(result.messages) if result.messages else "none"))
    click.echo("found: " + "; ".join(f"{k} from {v}" for k, v in target.found.items()))
    if result.test_event_code:
        click.echo(f"Check: Events Manager → Data sources → pixel {result.pixel_id} → Test "
                   f"events (code {result.test_event_code}); look for the event IDs above.")
    if generated:
        click.echo("note: the test identities were generated (example.com, 555 numbers); they "
                   "match no Meta account, and Meta may discard unmatched test events. Use "
                   "--identity with your own details to see them matched.")


@capi.command("test")
@config_option
@click.option("--client", "slug", required=True, metavar="SLUG", help="The client to test.")
@click.option("--test-event-code", metavar="CODE",
              help="The code shown in Events Manager → Data sources → the pixel → Test events.")
@click.option("--event", "event_names", multiple=True, metavar="NAME",
              help="An event to send (repeat for several; default Purchase).")
@click.option("--pixel", metavar="ID",
              help="The pixel (default: the client's pixel from the config or its last audit).")
@click.option("--identity", "identity_path", type=click.Path(dir_okay=False, path_type=Path),
              help="YAML/JSON file of test identities (email, phone, first_name, ...); "
                   "default: generated, clearly fake ones.")
@click.option("--live", is_flag=True,
              help="Send without a test event code: real events, counted in the client's "
                   "results.")
@click.option("--currency", metavar="CODE",
              help="ISO 4217 currency for value events (default: the client's ad account).")
@click.option("--value", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Value sent with value events (Purchase, AddToCart, ...).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def test_cmd(config_path: Path, slug: str, test_event_code: str | None,
             event_names: tuple[str, ...], pixel: str | None, identity_path: Path | None,
             live: bool, currency: str | None, value: float, as_json: bool) -> None:
    """Send test events to a client's pixel and report what Meta answered.

    Events are built, normalised and SHA-256 hashed by the official SDK's server-side
    helpers, each with its own event_id to find in Events Manager's Test events.
    """
    # Imported here: the SDK's server-side helpers load facebook_business, which commands
    # that never talk to the API should not pay for at start-up.
    from audit.actions.capi import (
        VALUE_EVENTS,
        generated_identities,
        latest_snapshot,
        load_identities,
        plan_events,
        resolve_target,
        send_test_events,
    )

    if not test_event_code and not live:
        fail("refusing to send without --test-event-code: these would be live events, counted "
             "in the client's reporting and optimisation. Copy the code from Events Manager → "
             "Data sources → the pixel → Test events, or pass --live if you mean it")
    if test_event_code and live:
        fail("--live and --test-event-code exclude each other: choose one")
    if test_event_code and not TEST_CODE.match(test_event_code):
        fail("--test-event-code must be the code Events Manager shows (letters and digits, "
             "e.g. TEST12345)")
    if currency and not is_currency(currency):
        fail(f"--currency {currency!r} is not an ISO 4217 code (e.g. USD, EUR, AUD)")
    names = list(event_names) or ["Purchase"]
    bad = [n for n in names if not EVENT_NAME.match(n)]
    if bad:
        fail(f"--event {bad[0]!r}: an event name is letters, digits, spaces, _ or - "
             "(e.g. Purchase, Lead)")
    config = load_checked_config(config_path)
    client = config.client(slug)
    identities = load_identities(identity_path) if identity_path else None
    token = config.token_for(client, os.environ)
    if token is None:
        fail(f"environment variable {config.token_env_for(client)} is not set")
    graph = GraphClient(sdk_session(config, client, token, config.app_secret(os.environ)),
                        use_batch=False)
    snapshot = latest_snapshot(config.output.directory, slug)
    target = resolve_target(client, snapshot, pixel=pixel, currency=currency,
                            needs_currency=any(n in VALUE_EVENTS for n in names),
                            read_currency=lambda account: _read_currency(graph, account))
    now = datetime.now(timezone.utc)
    people = identities or generated_identities(min(len(names), 10), now)
    if live:
        click.echo(f"warning: sending LIVE events to pixel {target.pixel_id} of {client.name}",
                   err=True)
    result = send_test_events(graph, target.pixel_id,
                              plan_events(names, people, target, now, value), test_event_code)
    if as_json:
        click.echo(json.dumps({"client": slug, **result.to_dict(),
                               "identities": "file" if identities else "generated",
                               "found": target.found}, indent=2))
    else:
        _print_result(result, target, f"{client.name} ({slug})", identities is None)
    if not result.complete:
        raise ActionFailed(f"Meta received {result.events_received} of {len(result.events)} "
                           f"event(s) for pixel {result.pixel_id}")


# ----------------------------------------------------------------------- check-payload


def _browser_events(option: str | None, snapshot_path: Path | None, slug: str | None
                    ) -> tuple[set[str] | None, str]:
    if snapshot_path is None:
        if slug:
            fail("--client goes with --from-snapshot")
        if option is None:
            return None, "unknown (pass --browser-events or --from-snapshot)"
        names = {n.strip() for n in option.split(",") if n.strip()}
        return names, "--browser-events"
    if not slug:
        fail("--from-snapshot needs --client SLUG")
    names = {n.strip() for n in (option or "").split(",") if n.strip()}
    for snap in find_snapshots(snapshot_path, [slug]):
        facts = Facts(snap)
        for pixel_id in facts.view.pixel_ids:
            for name, usage in (facts.event_usage(pixel_id) or {}).items():
                if usage.browser or (usage.browser is None and usage.total):
                    names.add(name)
    return names, f"the audit snapshot of {slug}"


def _print_reports(reports: list[PayloadReport], browser_from: str) -> None:
    console = stdout()
    table = Table(title=f"{len(reports)} Conversions API event(s) checked", title_justify="left")
    for col in ("#", "event", "source", "event_id", "errors", "warnings", "match (est.)"):
        table.add_column(col, overflow="fold")
    for r in reports:
        match = r.match
        table.add_row(str(r.index), Text(r.event_name or "?"), Text(r.action_source or "?"),
                      Text(r.event_id or "-"),
                      Text(str(len(r.errors)), style="red" if r.errors else ""),
                      Text(str(len(r.warnings))), Text(match.quality if match else "-"))
    console.print(table)
    for r in reports:
        for issue in r.issues:
            console.print(Text(f"#{r.index} {issue.severity:7} {issue.field}: {issue.message}",
                               style="red" if issue.severity == "error" else "yellow"))
        if r.match is not None:
            keys = ", ".join(r.match.present) or "none"
            adds = "; ".join(f"{a['key']} = {a['what']}" for a in r.match.to_dict()["add"])
            console.print(Text(f"#{r.index} match keys: {keys}"
                               + (f"; to raise match quality add {adds}" if adds else "")))
    bad = sum(1 for r in reports if r.errors)
    console.print(Text(f"{bad} of {len(reports)} event(s) with errors; browser events from "
                       f"{browser_from}. Match quality is an estimate from the keys present; "
                       "Events Manager shows Meta's own score."))


@capi.command("check-payload")
@click.argument("payload_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as JSON.")
@click.option("--browser-events", metavar="NAMES",
              help="Events the browser pixel also sends, comma-separated (e.g. Purchase,Lead): "
                   "these need an event_id.")
@click.option("--from-snapshot", "snapshot_path", type=click.Path(exists=True, path_type=Path),
              help="Take the browser events from an audit snapshot (file or output folder).")
@click.option("--client", "slug", metavar="SLUG",
              help="The client whose snapshot to read (with --from-snapshot).")
def check_payload_cmd(payload_file: Path, as_json: bool, browser_events: str | None,
                      snapshot_path: Path | None, slug: str | None) -> None:
    """Validate event payloads as a client's server would send them (offline).

    PAYLOAD_FILE holds JSON lines, a JSON array or a request body {"data": [...]}. Exit
    code 1 means at least one payload has an error (like a linter); warnings alone exit 0.
    """
    browser, browser_from = _browser_events(browser_events, snapshot_path, slug)
    try:
        text = payload_file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PayloadFileError(f"{payload_file}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PayloadFileError(f"{payload_file}: cannot be read as UTF-8 text "
                               f"({type(exc).__name__})") from None
    events = parse_payloads(text, str(payload_file))
    reports = check_payloads(events, datetime.now(timezone.utc), browser)
    if as_json:
        click.echo(json.dumps({
            "file": str(payload_file), "browser_events": sorted(browser) if browser else None,
            "events": len(reports), "with_errors": sum(1 for r in reports if r.errors),
            "payloads": [r.to_dict() for r in reports]}, indent=2))
    else:
        _print_reports(reports, browser_from)
    if any(r.errors for r in reports):
        raise SystemExit(int(ExitCode.FAIL_ON))
