"""Plan, apply and roll back automated-rule updates, safely.

* A **plan** (JSON) lists, per rule on a retired window: account, id, name, the spec as
  read when planning, the suggested spec and the reasons.
* **apply** is a dry run unless confirmed. When confirmed it first re-reads every rule and
  writes a **backup** of those it will touch (as read just now); a rule whose spec changed
  since the plan was made is refused; a rule already on the suggested spec is left alone
  (so applying twice is safe). Each update is a ``POST /{rule_id}`` carrying only the keys
  an update may send, re-read to verify on those keys (reads add read-only ones such as the
  spec's ``id``; see :mod:`audit.facts.rule_specs`).
* **rollback** restores the backed-up specs, refusing rules edited after the apply.

Writes need the token's ``ads_management`` permission: :func:`require_write_permission`
reads ``me/permissions`` and refuses before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from audit.errors import AuditError
from audit.evaluate.recommend.rules import Suggestion
from audit.facts.rule_specs import SPECS, parse_spec, writable
from audit.files import ensure_writable, write_json_atomic
from audit.graph import reads
from audit.graph.client import GraphClient
from audit.graph.errors import GraphError
from audit.graph.reads import RULE_FIELDS
from audit.models import canonical

PLAN_KIND = "ios14-audit/rules-plan"
BACKUP_KIND = "ios14-audit/rules-backup"
VERSION = 1


class PlanError(AuditError):
    """A plan or backup file is missing, damaged, or for another client."""


class WriteNotPermitted(AuditError):
    """The token may not update rules (no ads_management): nothing was written (exit 2)."""


class BackupNotWritable(AuditError):
    """The backup file cannot be written: no rule was updated (exit 2)."""


def check_backup_path(path: Path) -> None:
    """Raise BackupNotWritable unless a file can be written at ``path`` (checked before
    anything is read or written, so the refusal costs nothing)."""
    try:
        ensure_writable(path)
    except OSError as exc:
        raise BackupNotWritable(_backup_problem(path, exc)) from None


def _backup_problem(path: Path, exc: OSError) -> str:
    reason = exc.strerror or type(exc).__name__
    return (f"cannot write the backup file {path} ({reason}); no rule was updated. "
            "Choose a writable path with --backup")


# https://developers.facebook.com/docs/marketing-api/reference/ad-rule/ lists it for updates.
COST_CONDITIONS_REFUSED = 2703
WRITE_PERMISSION = "ads_management"


def require_write_permission(graph: GraphClient) -> None:
    """Raise WriteNotPermitted unless the token holds ``ads_management`` (read from
    ``GET /me/permissions``); called before the first write."""
    read = reads.token_permissions()
    result = graph.fetch(read)
    fix = ("generate the system user's token again in Business Settings → Users → System "
           f"users with {WRITE_PERMISSION} (and ads_read, business_management) ticked")
    if result.error is not None:
        raise WriteNotPermitted(
            f"could not read the token's permissions ({read.endpoint}: "
            f"{result.error.get('message', 'error')}); nothing was written. Check the "
            f"token, or {fix}")
    granted = {str(p.get("permission")) for p in result.items()
               if str(p.get("status", "")).lower() == "granted"}
    if WRITE_PERMISSION not in granted:
        raise WriteNotPermitted(
            f"the token lacks the {WRITE_PERMISSION} permission needed to update rules "
            f"(granted: {', '.join(sorted(granted)) or 'none'}); nothing was written. To fix: "
            f"{fix}, then run the command again")


@dataclass(frozen=True)
class RuleOutcome:
    """What happened (or would happen) to one rule."""

    rule_id: str
    name: str | None
    account: str
    # would_update | updated | updated_unverified | unchanged | refused | failed | restored
    # | restored_unverified (Meta accepted the write but the rule could not be read back)
    result: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form."""
        return {"rule_id": self.rule_id, "name": self.name, "account": self.account,
                "result": self.result, "detail": self.detail}


def make_plan(client: Mapping[str, Any], items: Sequence[Suggestion], target: str,
              created_at: str, source: str) -> dict[str, Any]:
    """A plan document for every rule that has a suggested spec."""
    return {
        "kind": PLAN_KIND, "version": VERSION, "created_at": created_at, "source": source,
        "client": {"slug": client.get("slug"), "name": client.get("name"),
                   "business_id": client.get("business_id")},
        "target_window": target,
        "rules": [s.to_dict() for s in items if s.suggested is not None],
    }


def _load(path: Path, kind: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PlanError(f"{path}: file not found") from None
    except (OSError, ValueError) as exc:
        raise PlanError(f"{path}: not readable JSON ({exc})") from None
    if not isinstance(data, dict) or data.get("kind") != kind:
        raise PlanError(f"{path}: not an ios14-audit {kind.split('/')[-1]} file "
                        f"(expected kind {kind})")
    if data.get("version") != VERSION:
        raise PlanError(f"{path}: version {data.get('version')!r} not supported")
    rules = data.get("rules")
    if not isinstance(rules, list):
        raise PlanError(f"{path}: 'rules' must be a list")
    for i, rule in enumerate(rules):
        if not isinstance(rule, dict) or not isinstance(rule.get("rule_id"), str):
            raise PlanError(f"{path}: rules[{i}] has no rule_id")
        if kind == PLAN_KIND and not isinstance((rule.get("suggested") or {})
                                                .get("evaluation_spec"), dict):
            raise PlanError(f"{path}: rules[{i}].suggested.evaluation_spec must be an object")
        if kind == BACKUP_KIND and not isinstance(rule.get("evaluation_spec"), dict):
            raise PlanError(f"{path}: rules[{i}].evaluation_spec must be an object")
    return data


def load_plan(path: Path) -> dict[str, Any]:
    """Read and validate a plan file."""
    return _load(path, PLAN_KIND)


def load_backup(path: Path) -> dict[str, Any]:
    """Read and validate a backup file."""
    return _load(path, BACKUP_KIND)


def _read(graph: GraphClient, rule_id: str) -> dict[str, Any]:
    """The rule as read now, its specs parsed (they may arrive as JSON strings)."""
    rule = graph.get(rule_id, RULE_FIELDS)
    for key in SPECS:
        spec, _ = parse_spec(rule.get(key))
        if spec is not None:
            rule[key] = spec
    return rule


def _key(spec: Any) -> str:
    """A spec's comparable form: its writable keys only (reads add read-only ones)."""
    parsed, _ = parse_spec(spec)
    return canonical(writable("evaluation_spec", parsed) if parsed is not None else spec)


def _planned(rule: Mapping[str, Any]) -> tuple[str, str]:
    return _key(rule["current"]["evaluation_spec"]), _key(rule["suggested"]["evaluation_spec"])


def _triage(graph: GraphClient, rule: Mapping[str, Any]
            ) -> tuple[str, str, dict[str, Any] | None]:
    """(result, detail, current rule) for one plan entry, reading the rule now."""
    try:
        now = _read(graph, rule["rule_id"])
    except GraphError as exc:
        return "failed", f"could not read the rule: {exc.describe()}", None
    current = _key(now.get("evaluation_spec"))
    before, after = _planned(rule)
    if current == after:
        return "unchanged", "already on the suggested spec", now
    if current != before:
        return ("refused", "the rule was edited after the plan was made; make a new plan "
                "(ios14-audit rules --plan) and review it", now)
    return "would_update", _summary(rule), now


def _summary(rule: Mapping[str, Any]) -> str:
    changes = [str(c).split(" (", 1)[0] for c in rule.get("changes") or []]
    return "; ".join(changes) or "spec replaced"


def dry_run(graph: GraphClient, plan: Mapping[str, Any]) -> list[RuleOutcome]:
    """What apply would do, without writing anything."""
    out = []
    for rule in plan["rules"]:
        result, detail, _ = _triage(graph, rule)
        out.append(RuleOutcome(rule["rule_id"], rule.get("name"), str(rule.get("account")),
                               result, detail))
    return out


def apply(graph: GraphClient, plan: Mapping[str, Any], backup_path: Path,
          now: Callable[[], str]) -> tuple[list[RuleOutcome], Path | None]:
    """Back up, update and verify every rule of the plan; returns outcomes and backup path."""
    triaged = [(rule, *_triage(graph, rule)) for rule in plan["rules"]]
    to_update = [(rule, current) for rule, result, _, current in triaged
                 if result == "would_update" and current is not None]
    outcomes = [RuleOutcome(rule["rule_id"], rule.get("name"), str(rule.get("account")),
                            result, detail)
                for rule, result, detail, _ in triaged if result != "would_update"]
    if not to_update:
        return outcomes, None
    backup = {
        "kind": BACKUP_KIND, "version": VERSION, "created_at": now(),
        "client": plan.get("client"),
        "rules": [{"rule_id": rule["rule_id"], "account": rule.get("account"),
                   "name": current.get("name"), "status": current.get("status"),
                   "updated_time": current.get("updated_time"),
                   "evaluation_spec": current.get("evaluation_spec"),
                   "execution_spec": current.get("execution_spec"),
                   "schedule_spec": current.get("schedule_spec"),
                   "applied_evaluation_spec": rule["suggested"]["evaluation_spec"]}
                  for rule, current in to_update],
    }
    try:
        write_json_atomic(backup_path, backup)  # before the first write, always
    except OSError as exc:
        raise BackupNotWritable(_backup_problem(backup_path, exc)) from None
    for rule, _ in to_update:
        target = rule["suggested"]["evaluation_spec"]
        outcomes.append(_write(graph, rule["rule_id"], rule.get("name"),
                               str(rule.get("account")), target, "updated", _summary(rule)))
    return outcomes, backup_path


def _write(graph: GraphClient, rule_id: str, name: str | None, account: str,
           spec: Mapping[str, Any], success: str, detail: str) -> RuleOutcome:
    body = writable("evaluation_spec", spec)
    try:
        graph.update(rule_id, {"evaluation_spec": body})
    except GraphError as exc:
        return RuleOutcome(rule_id, name, account, "failed", _explain(exc))
    try:
        after = _read(graph, rule_id)
    except GraphError as exc:
        # Meta accepted the write: it happened, only the check that it holds did not.
        return RuleOutcome(rule_id, name, account, f"{success}_unverified",
                           "Meta accepted the update, but the rule could not be read back "
                           f"to verify it ({exc.describe()}); check it in Ads Manager → "
                           "Automated rules, or run the command again")
    if _key(after.get("evaluation_spec")) != canonical(body):
        return RuleOutcome(rule_id, name, account, "failed",
                           "the API accepted the update but the rule reads back differently")
    return RuleOutcome(rule_id, name, account, success, detail or "verified")


def _explain(exc: GraphError) -> str:
    """The error, with what to do when Meta's reason is a known one."""
    if exc.code == COST_CONDITIONS_REFUSED:
        return ("Meta refused the update (error 2703): a rule that turns ads off cannot have "
                "cost conditions. Change the rule's action (for example to a notification) "
                "or replace its cost condition with spend and a result count in Ads Manager "
                "→ Automated rules, then make a new plan. " + exc.describe())
    return exc.describe()


def rollback(graph: GraphClient, backup: Mapping[str, Any], force: bool = False
             ) -> list[RuleOutcome]:
    """Restore every backed-up rule's evaluation_spec (verified by re-reading)."""
    out = []
    for rule in backup["rules"]:
        rule_id, name, account = rule["rule_id"], rule.get("name"), str(rule.get("account"))
        try:
            now = _read(graph, rule_id)
        except GraphError as exc:
            out.append(RuleOutcome(rule_id, name, account, "failed", exc.describe()))
            continue
        current = _key(now.get("evaluation_spec"))
        original = _key(rule["evaluation_spec"])
        applied = _key(rule.get("applied_evaluation_spec"))
        if current == original:
            out.append(RuleOutcome(rule_id, name, account, "unchanged", "already restored"))
        elif current != applied and not force:
            out.append(RuleOutcome(rule_id, name, account, "refused",
                                   "the rule was edited after the update; use --force to "
                                   "overwrite it with the backup"))
        else:
            out.append(_write(graph, rule_id, name, account, rule["evaluation_spec"],
                              "restored", "evaluation_spec restored from the backup"))
    return out


def save_plan(path: Path, plan: Mapping[str, Any]) -> None:
    """Write a plan file atomically."""
    write_json_atomic(path, dict(plan))
