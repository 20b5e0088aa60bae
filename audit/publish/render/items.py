"""The client report's view of the findings: one item per check, in plain words.

Each check with problems becomes one item: what is wrong (with a count), who acts, why it
matters and what to do, and the affected objects folded into a table; per-object checks
are grouped ("121 ad sets use 7-day click only"). Checks that could not run become one
plain sentence each. Statuses shown anywhere else in the report (inventory, rules,
checklist) come from the same findings, through :func:`status_index`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from audit import numbers
from audit.evaluate.checks import REGISTRY
from audit.evaluate.checks.registry import AREA_ACTORS
from audit.models import Actor, Finding, Severity, Status

from . import catalogue
from .vocabulary import STATUS_ORDER

PROBLEMS = (Status.FAIL, Status.WARN)
GROUP_BY = {"windows_adset_attribution_supported": "attribution"}


def actor_of(f: Finding, checks: Mapping[str, Mapping[str, Any]] | None = None) -> Actor:
    """Who acts on a finding: its own actor, else its check's (1.0 files carry neither)."""
    if f.actor is not None:
        return f.actor
    declared = (checks or {}).get(f.check_id, {}).get("actor")
    if declared in {a.value for a in Actor}:
        return Actor(declared)
    meta = REGISTRY.get(f.check_id)
    return meta.actor if meta else AREA_ACTORS.get(f.area, Actor.AGENCY)


def plain(check_id: str, title: str = "", why: str = "") -> catalogue.Plain:
    """The check's plain wording (a check added later falls back to its title and why)."""
    known = catalogue.CHECKS.get(check_id)
    if known:
        return known
    return catalogue.Plain(title, f"{title} ({{n}} items)", why, "",
                           catalogue.FALLBACK_NOT_CHECKED)


_WINDOW_TOKEN = re.compile(r"\b(1|7|28)d_(click|view|ev)\b")


def plain_windows(text: str) -> str:
    """Attribution-window tokens in a message, in words: "28d_click" → "28-day click"."""
    return _WINDOW_TOKEN.sub(lambda m: catalogue.WINDOW_WORDS.get(m.group(0), m.group(0)), text)


def headline(p: catalogue.Plain, n: int) -> str:
    """The problem headline for ``n`` affected objects."""
    return (p.one if n == 1 else p.many).format(n=numbers.count(n))


def setting_words(tokens: Iterable[Any]) -> str:
    """``["7d_click"]`` → "7-day click only"; two or more joined with "+"."""
    words = [catalogue.WINDOW_WORDS.get(str(t), str(t).replace("_", " ")) for t in tokens]
    if len(words) == 1:
        return catalogue.ONLY.format(setting=words[0])
    return " + ".join(words)


@dataclass
class Row:
    """One affected object in an item's table."""

    name: str
    ident: str
    detail: str
    fix: str
    spend: float | None
    fingerprint: str
    status: str


@dataclass
class Group:
    """Objects sharing one problem, with their own headline."""

    headline: str
    rows: list[Row]


@dataclass
class Item:
    """One check's problems for the client."""

    check_id: str
    area: str
    status: str
    severity: str
    headline: str
    actor: Actor
    why: str
    fix: str
    groups: list[Group] = field(default_factory=list)
    muted: list[Finding] = field(default_factory=list)

    @property
    def actor_label(self) -> str:
        """Who acts, in words."""
        return catalogue.ACTORS[self.actor]

    @property
    def count(self) -> int:
        """How many objects are affected."""
        return sum(len(g.rows) for g in self.groups)

    @property
    def show_objects(self) -> bool:
        """Whether to list the affected objects (not for the agency's own audit access)."""
        return self.area != "token"

    @property
    def single(self) -> Row | None:
        """The one affected object, when there is only one (shown inline, not folded)."""
        rows = [r for g in self.groups for r in g.rows]
        return rows[0] if len(rows) == 1 else None


def _row(f: Finding, p: catalogue.Plain) -> Row:
    spend = f.evidence.get("spend_28d")
    return Row(name=f.resource.name or f.resource.id, ident=f.resource.id,
               detail=plain_windows(f.message),
               fix=f.remediation if p.per_item_fix else "",
               spend=float(spend) if isinstance(spend, (int, float)) else None,
               fingerprint=f.fingerprint, status=f.status.value)


def _groups(check_id: str, problems: Sequence[Finding], p: catalogue.Plain) -> list[Group]:
    key = GROUP_BY.get(check_id)
    if not key:
        return [Group(headline(p, len(problems)), [_row(f, p) for f in problems])]
    by: dict[tuple[str, ...], list[Finding]] = {}
    for f in problems:
        raw = f.evidence.get(key)
        by.setdefault(tuple(str(t) for t in raw) if isinstance(raw, list) else (), []
                      ).append(f)
    out = []
    for tokens, fs in sorted(by.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        one, many = catalogue.ATTRIBUTION_GROUP
        text = (one if len(fs) == 1 else many).format(n=numbers.count(len(fs)),
                                                      setting=setting_words(tokens))
        out.append(Group(text, sorted((_row(f, p) for f in fs),
                                      key=lambda r: (-(r.spend or 0.0), r.name))))
    return out


def action_items(findings: Sequence[Finding], checks: Sequence[Mapping[str, Any]]
                 ) -> list[Item]:
    """One item per check with FAIL or WARN findings, worst first."""
    meta = {str(c.get("id")): c for c in checks}
    by_check: dict[str, list[Finding]] = {}
    for f in findings:
        by_check.setdefault(f.check_id, []).append(f)
    items = []
    for check_id, fs in by_check.items():
        problems = [f for f in fs if f.status in PROBLEMS and not f.muted]
        muted = [f for f in fs if f.status in PROBLEMS and f.muted]
        if not problems and not muted:
            continue
        m = meta.get(check_id, {})
        p = plain(check_id, str(m.get("title") or fs[0].title), str(m.get("why") or ""))
        shown = problems or muted
        groups = _groups(check_id, problems, p) if problems else []
        actors = Counter(actor_of(f, meta) for f in shown)
        worst = min((f.status for f in shown), key=lambda s: STATUS_ORDER[s])
        severity = min((f.severity for f in shown), key=lambda s: s.rank)
        items.append(Item(
            check_id=check_id, area=fs[0].area,
            status=worst.value if problems else "MUTED", severity=severity.value,
            headline=groups[0].headline if len(groups) == 1 else headline(p, len(problems))
            if problems else headline(p, len(muted)),
            actor=actors.most_common(1)[0][0], why=p.why, fix=p.fix, groups=groups,
            muted=muted))
    items.sort(key=lambda i: (i.status == "MUTED", STATUS_ORDER.get(Status(i.status), 9)
                              if i.status != "MUTED" else 9,
                              Severity(i.severity).rank, -i.count, i.check_id))
    return items


@dataclass
class NotChecked:
    """A check that could not run, in one plain sentence, with what it was about."""

    check_id: str
    title: str
    sentence: str
    about: list[str]


def not_checked(findings: Sequence[Finding], checks: Sequence[Mapping[str, Any]]
                ) -> list[NotChecked]:
    """Checks skipped for missing data or crashed, grouped by check, in plain words."""
    meta = {str(c.get("id")): c for c in checks}
    out: dict[str, NotChecked] = {}
    for f in findings:
        if f.muted or f.status not in (Status.SKIPPED, Status.ERROR) or not_applicable(f):
            continue
        m = meta.get(f.check_id, {})
        p = plain(f.check_id, str(m.get("title") or f.title))
        entry = out.setdefault(f.check_id, NotChecked(
            f.check_id, str(m.get("title") or f.title),
            p.not_checked if f.status is Status.SKIPPED else catalogue.CRASHED, []))
        if f.resource.type != "client":
            entry.about.append(f.resource.name or f.resource.id)
    return list(out.values())


def not_applicable(f: Finding) -> bool:
    """A check skipped because the client has nothing it applies to (no rules, no app …)."""
    return bool(f.evidence.get("not_applicable")) or \
        f.message.lower().startswith("nothing to check")


def passed_checks(findings: Sequence[Finding], checks: Sequence[Mapping[str, Any]]
                  ) -> list[dict[str, Any]]:
    """Checks whose counted findings all pass: their title (the good state) and a count."""
    meta = {str(c.get("id")): c for c in checks}
    by_check: dict[str, list[Finding]] = {}
    for f in findings:
        if not f.muted and f.status is not Status.SKIPPED:
            by_check.setdefault(f.check_id, []).append(f)
    return [{"check_id": cid, "area": fs[0].area,
             "title": str(meta.get(cid, {}).get("title") or fs[0].title), "count": len(fs)}
            for cid, fs in by_check.items() if all(f.status is Status.PASS for f in fs)]


def status_index(findings: Iterable[Finding]) -> dict[tuple[str, str], list[Finding]]:
    """Findings by (resource type, resource id): the one source of every object's status."""
    out: dict[tuple[str, str], list[Finding]] = {}
    for f in findings:
        if not f.muted:
            out.setdefault((f.resource.type, f.resource.id), []).append(f)
    return out


def object_status(index: Mapping[tuple[str, str], list[Finding]], rtype: str, rid: str,
                  areas: Iterable[str] | None = None) -> dict[str, str] | None:
    """The worst status the findings give an object, and its plain words.

    ``{"status": "FAIL", "text": "Verified by another business"}``; None when no finding
    is about it.
    """
    wanted = set(areas) if areas is not None else None
    fs = [f for f in index.get((rtype, rid), []) if wanted is None or f.area in wanted]
    if not fs:
        return None
    worst = min(fs, key=lambda f: (STATUS_ORDER[f.status], f.severity.rank))
    if worst.status in PROBLEMS:
        text = headline(plain(worst.check_id, worst.title), 1)
    elif worst.status is Status.PASS:
        text = catalogue.IN_ORDER
    elif worst.status is Status.ERROR:
        text = catalogue.CRASHED
    else:
        text = catalogue.NOT_CHECKED_SHORT
    return {"status": worst.status.value, "text": text}
