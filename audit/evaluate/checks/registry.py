"""Checks are small pure functions over a snapshot, registered with their metadata.

A check's id is permanent (``<area>_<object>_<condition>``); its title states the good
state; its docstring is the "why it matters" text shown in reports. It yields findings
through a :class:`CheckContext`: PASS as well as FAIL/WARN, and SKIPPED with a reason when
part of the data it looks at could not be read.

``needs`` names the snapshot reads (patterns from :data:`audit.graph.reads.KEY_PATTERNS`)
a check cannot work without: when none of a need's reads succeeded, the engine skips the
check with one standard SKIPPED finding. ``uses`` names reads it looks at but can do
without (a fallback source, extra evidence). Both, and the platform changes a check rests
on, are validated when the check registers, so a misspelling fails at import time.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.evaluate.analysis import Analysis
from audit.facts.facts import Facts
from audit.facts.view import SnapshotView
from audit.graph.reads import KEY_PATTERNS
from audit.models import Actor, Finding, Resource, Severity, Status
from audit.platform import CHANGES

CheckFunc = Callable[["CheckContext"], Iterable[Finding]]
# Who acts when a check names no actor: the person who usually owns that area's fix.
AREA_ACTORS = {"domains": Actor.CLIENT_ADMIN, "access": Actor.CLIENT_ADMIN,
               "pixels": Actor.WEB_DEVELOPER, "events": Actor.AGENCY,
               "priorities": Actor.AGENCY, "windows": Actor.AGENCY, "capi": Actor.WEB_DEVELOPER,
               "rules": Actor.AGENCY, "token": Actor.AGENCY}
_ID = re.compile(r"^[a-z0-9]+(_[a-z0-9]+){2,}$")


@dataclass(frozen=True)
class CheckMeta:
    """Everything known about a check besides its code."""

    id: str
    title: str
    severity: Severity
    area: str
    func: CheckFunc
    needs: tuple[str, ...] = ()
    uses: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    platform_changes: tuple[str, ...] = ()
    when_not_audited: bool = False
    actor: Actor = Actor.AGENCY

    @property
    def why(self) -> str:
        """The docstring: why this check matters."""
        return inspect.cleandoc(self.func.__doc__ or "").strip()

    def to_dict(self) -> dict[str, Any]:
        """Serialisable metadata (for ``ios14-audit checks --json`` and run.json)."""
        return {
            "id": self.id, "title": self.title, "severity": self.severity.value,
            "area": self.area, "actor": self.actor.value,
            "needs": list(self.needs), "uses": list(self.uses),
            "params": dict(self.params), "platform_changes": list(self.platform_changes),
            "why": self.why,
        }


def _validate_reads(check_id: str, kind: str, patterns: tuple[str, ...]) -> None:
    """Every pattern must be one the collector produces (see ``reads.KEY_PATTERNS``)."""
    for pattern in patterns:
        if pattern in KEY_PATTERNS:
            continue
        close = difflib.get_close_matches(pattern, KEY_PATTERNS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"check {check_id}: {kind} {pattern!r} is not a snapshot key the "
                         f"collector reads (see audit.graph.reads.KEY_PATTERNS){hint}")


def _validate_changes(check_id: str, ids: tuple[str, ...]) -> None:
    for change in ids:
        if change not in CHANGES:
            known = ", ".join(sorted(CHANGES))
            raise ValueError(f"check {check_id}: unknown platform change {change!r}; "
                             f"known ids (audit.platform.CHANGES): {known}")


class Registry:
    """An ordered collection of checks."""

    def __init__(self) -> None:
        self._checks: dict[str, CheckMeta] = {}

    def check(
        self,
        id: str,
        *,
        title: str,
        severity: Severity,
        area: str,
        needs: Iterable[str] = (),
        uses: Iterable[str] = (),
        params: Mapping[str, Any] | None = None,
        platform_changes: Iterable[str] = (),
        when_not_audited: bool = False,
        actor: Actor | None = None,
    ) -> Callable[[CheckFunc], CheckFunc]:
        """Decorator registering a check function with its metadata.

        ``actor`` is who fixes what the check finds (a finding can name another); without
        it, the area's usual owner (:data:`AREA_ACTORS`).

        Raises ValueError for a malformed id or title, or a ``needs``/``uses`` pattern or
        platform change id that does not exist.
        """
        if not _ID.match(id):
            raise ValueError(f"check id {id!r} must look like <area>_<object>_<condition>")
        if len(title) > 80:
            raise ValueError(f"check {id}: title longer than 80 characters")
        needs, uses = tuple(needs), tuple(uses)
        changes = tuple(platform_changes)
        _validate_reads(id, "needs", needs)
        _validate_reads(id, "uses", uses)
        if set(needs) & set(uses):
            raise ValueError(f"check {id}: {sorted(set(needs) & set(uses))} both needed "
                             "and used; a read is one or the other")
        _validate_changes(id, changes)

        def register(func: CheckFunc) -> CheckFunc:
            if id in self._checks:
                raise ValueError(f"check id {id!r} registered twice")
            if not (func.__doc__ or "").strip():
                raise ValueError(f"check {id}: needs a docstring saying why it matters")
            self._checks[id] = CheckMeta(
                id=id, title=title, severity=severity, area=area, func=func,
                needs=needs, uses=uses, params=dict(params or {}),
                platform_changes=changes, when_not_audited=when_not_audited,
                actor=actor or AREA_ACTORS.get(area, Actor.AGENCY),
            )
            return func

        return register

    def all(self) -> list[CheckMeta]:
        """Every check, in registration order."""
        return list(self._checks.values())

    def get(self, check_id: str) -> CheckMeta | None:
        """One check by id."""
        return self._checks.get(check_id)

    def __contains__(self, check_id: object) -> bool:
        return check_id in self._checks


REGISTRY = Registry()
check = REGISTRY.check


class CheckContext:
    """What a check sees: the client's analysis, its parameters, and finding builders."""

    def __init__(self, meta: CheckMeta, analysis: Analysis, params: Mapping[str, Any]) -> None:
        self.meta = meta
        self.analysis = analysis
        self.params = dict(params)

    @property
    def facts(self) -> Facts:
        """Derived facts of the snapshot (ad sets, event usage, data quality, domains)."""
        return self.analysis.facts

    @property
    def view(self) -> SnapshotView:
        """The snapshot's raw reads, parsed."""
        return self.analysis.view

    def finding(
        self,
        status: Status,
        resource: Resource,
        message: str,
        *,
        evidence: Mapping[str, Any] | None = None,
        remediation: str = "",
        severity: Severity | None = None,
        actor: Actor | None = None,
    ) -> Finding:
        """Build a finding of this check for the current client (``actor``: who acts on
        this one, when not the check's default)."""
        return Finding(
            check_id=self.meta.id,
            client=self.view.client_slug,
            status=status,
            severity=severity or self.meta.severity,
            area=self.meta.area,
            title=self.meta.title,
            message=message,
            resource=resource,
            evidence=dict(evidence or {}),
            remediation=remediation if status in (Status.FAIL, Status.WARN) else "",
            platform_changes=self.meta.platform_changes,
            actor=actor or self.meta.actor,
        )

    def passed(self, resource: Resource, message: str, **kw: Any) -> Finding:
        """A PASS finding."""
        return self.finding(Status.PASS, resource, message, **kw)

    def failed(self, resource: Resource, message: str, **kw: Any) -> Finding:
        """A FAIL finding."""
        return self.finding(Status.FAIL, resource, message, **kw)

    def warned(self, resource: Resource, message: str, **kw: Any) -> Finding:
        """A WARN finding."""
        return self.finding(Status.WARN, resource, message, **kw)

    def skipped(self, resource: Resource, reason: str, **kw: Any) -> Finding:
        """A SKIPPED finding: the data this check needs could not be read."""
        return self.finding(Status.SKIPPED, resource, reason, **kw)
