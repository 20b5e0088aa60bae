"""``ios14-audit rules``: suggestions as before/after diffs, plan files, apply and rollback."""

from __future__ import annotations

import io
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from audit.actions.rules import (
    RuleOutcome,
    apply,
    check_backup_path,
    dry_run,
    load_backup,
    load_plan,
    make_plan,
    require_write_permission,
    rollback,
    save_plan,
)
from audit.cli.common import fail, load_checked_config, stdout
from audit.cli.inspect_cmd import load_analyses
from audit.cli.tables import echo_json, print_table
from audit.collect.agency import sdk_session
from audit.config import Config
from audit.errors import ActionFailed
from audit.evaluate.recommend.rules import Suggestion
from audit.graph.client import GraphClient


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _filters(spec: Any) -> list[dict[str, Any]]:
    filters = spec.get("filters") if isinstance(spec, dict) else None
    return [f for f in filters if isinstance(f, dict)] if isinstance(filters, list) else []


def print_suggestion(console: Console, s: Suggestion) -> None:
    """One rule's before/after filters side by side, with the arithmetic."""
    flags = [s.status or "?", s.execution_type or "?"]
    if s.needs_review:
        flags.append("NEEDS REVIEW")
    t = Table(title=f"{s.name or s.rule_id} ({s.rule_id}) · {s.account} · {' · '.join(flags)}",
              title_justify="left")
    for col in ("", "field (before)", "value (before)", "field (after)", "value (after)"):
        t.add_column(col)
    after = _filters(s.suggested)
    for i, before in enumerate(_filters(s.current)):
        new = after[i] if i < len(after) else {}
        changed = before != new
        t.add_row("*" if changed else "", f"{before.get('field')} {before.get('operator', '')}",
                  str(before.get("value")), f"{new.get('field')} {new.get('operator', '')}",
                  str(new.get("value")), style="bold" if changed else None)
    console.print(t)
    for change in s.changes:
        console.print(f"  - {change}", markup=False, highlight=False)
    for note in s.notes:
        console.print(f"  note: {note}", markup=False, highlight=False)


def _graph(config: Config, slug: str) -> GraphClient:
    client = config.client(slug)
    token = config.token_for(client, os.environ)
    if token is None:
        fail(f"environment variable {config.token_env_for(client)} is not set")
    return GraphClient(sdk_session(config, client, token, config.app_secret(os.environ)))


def _outcomes(outcomes: list[RuleOutcome], title: str) -> None:
    print_table(["rule", "name", "account", "result", "detail"],
                [[o.rule_id, o.name or "", o.account, o.result, o.detail] for o in outcomes],
                ids=("rule", "account", "result"), title=title)


def _stop_if_any_failed(outcomes: list[RuleOutcome], what: str) -> None:
    unverified = [o for o in outcomes if o.result.endswith("_unverified")]
    if unverified:
        click.echo(f"{len(unverified)} rule(s) {what} but not verified: Meta accepted the "
                   "change and the rule could not be read back; check "
                   + ", ".join(o.rule_id for o in unverified), err=True)
    bad = [o for o in outcomes if o.result in ("failed", "refused")]
    if bad:
        raise ActionFailed(f"{len(bad)} of {len(outcomes)} rule(s) not {what}: "
                           + "; ".join(f"{o.rule_id} {o.result} ({o.detail})" for o in bad))


@click.group("rules", invoke_without_command=True)
@click.option("-c", "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The agency's config file (YAML).")
@click.option("--client", "slugs", multiple=True, metavar="SLUG", help="Only this client.")
@click.option("--plan", "plan_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the suggested updates to this plan file (one per client: the "
                   "client's slug is added to the name when several clients have changes).")
@click.option("--from-snapshot", type=click.Path(exists=True, path_type=Path),
              help="Read saved snapshot(s) instead of calling the API.")
@click.option("--json", "as_json", is_flag=True,
              help="Print every rule and its suggestion as JSON instead of tables.")
@click.pass_context
def rules(ctx: click.Context, config_path: Path | None, slugs: tuple[str, ...],
          plan_path: Path | None, from_snapshot: Path | None, as_json: bool) -> None:
    """Automated rules on retired attribution windows, with suggested specs (before/after).

    Subcommands apply a plan (dry run unless --yes) and roll it back.
    """
    if ctx.invoked_subcommand:
        return
    if config_path is None:
        fail("-c/--config is required")
    config = load_checked_config(config_path)
    # With --json the tables are not printed (the plan messages go to stderr instead).
    console = Console(file=io.StringIO()) if as_json else stdout()
    plans = []
    listing: dict[str, Any] = {}
    for analysis in load_analyses(config, slugs, from_snapshot):
        view = analysis.view
        console.rule(f"{view.client_name} ({view.client_slug})")
        if view.snap.not_audited:
            listing[view.client_slug] = {"not_audited": view.snap.not_audited}
            console.print(f"not audited: {view.snap.not_audited}", markup=False)
            continue
        target = view.client.rules_target_window
        items = analysis.rules
        todo = [s for s in items if s.suggested is not None]
        listing[view.client_slug] = {"target_window": target,
                                     "rules": [s.to_dict() for s in items]}
        console.print(f"{len(items)} rule(s); {len(todo)} on a retired window; target "
                      f"{target}")
        for s in todo:
            print_suggestion(console, s)
        if todo:
            plans.append(make_plan(view.snap.client, todo, target, _now(),
                                   f"snapshot collected {view.snap.collected_at}"))
    if plan_path is not None:
        for plan in plans:
            path = plan_path if len(plans) == 1 else plan_path.with_name(
                f"{plan_path.stem}.{plan['client']['slug']}{plan_path.suffix}")
            save_plan(path, plan)
            click.echo(f"plan written: {path} ({len(plan['rules'])} rule(s)); review it, then "
                       f"ios14-audit rules apply {path} -c {config_path}", err=as_json)
        if not plans:
            click.echo("no rule needs an update; no plan written", err=as_json)
    if as_json:
        echo_json(listing)


@rules.command("apply")
@click.argument("plan_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-c", "--config", "config_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The agency's config.")
@click.option("--yes", is_flag=True, help="Really update the rules (otherwise a dry run).")
@click.option("--backup", "backup_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Backup file (default: next to the plan, time-stamped).")
def apply_cmd(plan_file: Path, config_path: Path, yes: bool, backup_path: Path | None) -> None:
    """Apply a plan: dry run by default; with --yes, back up, update, verify."""
    config = load_checked_config(config_path)
    plan = load_plan(plan_file)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    backup_path = backup_path or plan_file.with_name(
        f"rules-backup-{plan['client']['slug']}-{stamp}.json")
    if yes:
        check_backup_path(backup_path)  # exit 2 before any call, rather than after reads
    graph = _graph(config, str(plan["client"]["slug"]))
    if not yes:
        _outcomes(dry_run(graph, plan), "dry run (nothing written; add --yes to apply)")
        return
    require_write_permission(graph)  # before the backup and the first write
    outcomes, written = apply(graph, plan, backup_path, _now)
    _outcomes(outcomes, "applied")
    if written:
        click.echo(f"backup: {written} (restore with: ios14-audit rules rollback {written} "
                   f"-c {config_path})")
    _stop_if_any_failed(outcomes, "updated")


@rules.command("rollback")
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-c", "--config", "config_path", required=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The agency's config.")
@click.option("--force", is_flag=True, help="Also restore rules edited after the update.")
def rollback_cmd(backup_file: Path, config_path: Path, force: bool) -> None:
    """Restore the rules in a backup written by 'rules apply --yes'."""
    config = load_checked_config(config_path)
    backup = load_backup(backup_file)
    client = backup.get("client") or {}
    graph = _graph(config, str(client.get("slug")))
    require_write_permission(graph)
    outcomes = rollback(graph, backup, force=force)
    _outcomes(outcomes, "rollback")
    _stop_if_any_failed(outcomes, "restored")
