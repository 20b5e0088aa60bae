"""Findings ordered and grouped for the report: worst first, per area, then per check."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from audit.models import Finding, Severity, Status

from .vocabulary import AREA_TITLES, STATUS_ORDER

SHOWN_PER_CHECK = 5


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Worst first: status, then severity, then check and resource for stability."""
    return sorted(findings, key=lambda f: (
        f.muted is not None, STATUS_ORDER[f.status], f.severity.rank, f.check_id,
        f.resource.type, f.resource.id))


def worst_status(findings: Sequence[Finding]) -> str:
    """The worst status among ``findings`` (SKIPPED when there is nothing else)."""
    statuses = {f.status for f in findings}
    for s in (Status.ERROR, Status.FAIL, Status.WARN, Status.PASS):
        if s in statuses:
            return str(s.value)
    return str(Status.SKIPPED.value)


@dataclass
class CheckGroup:
    """One check's findings in the report: problems first, passes collapsed."""

    check_id: str
    title: str
    severity: str
    area: str
    why: str
    problems: list[Finding] = field(default_factory=list)
    muted: list[Finding] = field(default_factory=list)
    passed: list[Finding] = field(default_factory=list)
    skipped: list[Finding] = field(default_factory=list)

    @property
    def worst(self) -> str:
        """The worst status among the group's counted findings."""
        statuses = [f.status for f in self.problems] or [f.status for f in self.passed]
        if not statuses:
            return "MUTED" if self.muted else Status.SKIPPED.value
        return min(statuses, key=lambda s: STATUS_ORDER[s]).value

    @property
    def shown(self) -> list[Finding]:
        """The problems shown in full."""
        return self.problems[:SHOWN_PER_CHECK]

    @property
    def more(self) -> list[Finding]:
        """The problems beyond the first few, shown collapsed."""
        return self.problems[SHOWN_PER_CHECK:]

    @property
    def common_fix(self) -> str | None:
        """The remediation when every problem shares it (then it is shown once)."""
        fixes = {f.remediation for f in self.problems}
        return fixes.pop() if len(self.problems) > 1 and len(fixes) == 1 else None

    def count(self, status: str) -> int:
        """Counted (not muted) findings with ``status``."""
        return sum(f.status.value == status for f in [*self.problems, *self.passed])


def group_findings(findings: Sequence[Finding], checks: Sequence[Mapping[str, Any]]
                   ) -> dict[str, list[CheckGroup]]:
    """Findings per area, then per check, worst check first."""
    meta = {str(c.get("id")): c for c in checks}
    groups: dict[str, CheckGroup] = {}
    for f in sort_findings(findings):
        g = groups.get(f.check_id)
        if g is None:  # the check's first finding opens its group
            m = meta.get(f.check_id, {})
            g = groups[f.check_id] = CheckGroup(
                f.check_id, str(m.get("title") or f.title),
                str(m.get("severity") or f.severity.value), f.area,
                " ".join(str(m.get("why") or "").split()))
        if f.muted:
            g.muted.append(f)
        elif f.status is Status.PASS:
            g.passed.append(f)
        elif f.status is Status.SKIPPED:
            g.skipped.append(f)
        else:
            g.problems.append(f)
    rank: dict[str, float] = {s.value: i for s, i in STATUS_ORDER.items()}
    rank["MUTED"] = 3.5
    severity = {s.value: s.rank for s in Severity}
    by_area: dict[str, list[CheckGroup]] = {}
    for g in sorted(groups.values(), key=lambda g: (
            rank[g.worst], severity.get(g.severity, 9), g.check_id)):
        if g.problems or g.passed or g.muted:
            by_area.setdefault(g.area, []).append(g)
    order = list(AREA_TITLES)
    return dict(sorted(by_area.items(), key=lambda kv: (
        order.index(kv[0]) if kv[0] in order else len(order), kv[0])))
