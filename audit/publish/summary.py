"""A client's run in a few hundred bytes: what the index, the alerts and the exit code need.

The pipeline keeps only this per client in memory (a run and its snapshot are dropped as
soon as their files are written, so memory stays flat whatever the number of clients), and
the history stores it with each run, so the agency index can be rebuilt for every
configured client without re-reading (and re-validating) every client's run.json.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from audit.evaluate.run import RunResult
from audit.models import Severity, Status

from .render import i18n, index_row
from .render.shared import once

# Bumped when the shape changes: an older stored summary is then rebuilt from its run.json.
SUMMARY_VERSION = 1
_SEVERITIES = {s.value for s in Severity}
_CHANGE_KEYS = ("status", "previous_status", "severity", "check_id", "message")


def _token_days_left(run: RunResult) -> float | None:
    """Days until the access token expires, from the token check's evidence."""
    days = [f.evidence.get("days_left") for f in run.findings
            if f.check_id == "token_access_valid"]
    numbers = [float(d) for d in days if isinstance(d, (int, float))]
    return min(numbers) if numbers else None


def _changes(sections: Mapping[str, Any]) -> list[dict[str, Any]]:
    """New and regressed problems since the previous run, without evidence."""
    changes = sections.get("changes") or {}
    out = []
    for kind in ("new", "regressed"):
        for item in changes.get(kind) or []:
            entry = {"change": kind, **{k: item.get(k) for k in _CHANGE_KEYS}}
            res = item.get("resource") or {}
            entry["resource"] = {"type": res.get("type"), "id": res.get("id"),
                                 "name": res.get("name")}
            out.append(entry)
    return out


def _plain(row: Mapping[str, Any]) -> dict[str, Any]:
    """The row as plain JSON data: translated (lazy) strings become the text they are in
    the current language, so the stored row never depends on a catalogue being loaded."""
    return dict(json.loads(json.dumps(row, default=str)))


@dataclass(frozen=True)
class ClientSummary:
    """One client's run, summarised."""

    slug: str
    name: str
    run_id: str
    status: str
    reason: str | None
    finished_at: str
    score: float | None
    previous_score: float | None
    previous_run_id: str | None
    counts: dict[str, int]
    failing: dict[str, int]  # unmuted FAIL/ERROR findings per severity (for --fail-on)
    changes: list[dict[str, Any]] = field(default_factory=list)
    token_days_left: float | None = None
    row: dict[str, Any] = field(default_factory=dict)  # the index row, without link/age
    language: str = "en"  # the index row's checklist sentences are worded in it
    version: int = SUMMARY_VERSION

    @classmethod
    def from_run(cls, run: RunResult) -> ClientSummary:
        """Summarise an evaluated run (its ``sections.changes`` already filled in)."""
        changes = run.sections.get("changes") or {}
        previous = changes.get("previous_score")
        failing: dict[str, int] = {}
        for f in run.findings:
            if f.status in (Status.FAIL, Status.ERROR) and not f.muted:
                failing[f.severity.value] = failing.get(f.severity.value, 0) + 1
        return cls(
            slug=str(run.client.get("slug", "")), name=str(run.client.get("name", "")),
            run_id=run.run_id, status=run.status, reason=run.not_audited,
            finished_at=run.finished_at, score=once(RunResult.readiness, run)["score"],
            previous_score=previous if isinstance(previous, (int, float)) else None,
            previous_run_id=changes.get("previous_run_id"), counts=run.counts(),
            failing=failing, changes=_changes(run.sections),
            token_days_left=_token_days_left(run), row=_plain(index_row(run)),
            language=i18n.current())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClientSummary | None:
        """A stored summary, or None when it is from another version (or damaged)."""
        if data.get("version") != SUMMARY_VERSION:
            return None
        try:
            return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        except TypeError:
            return None

    def to_dict(self) -> dict[str, Any]:
        """The stored (JSON) form."""
        return asdict(self)

    @property
    def audited(self) -> bool:
        """True unless the run is marked not audited."""
        return self.status != "not_audited"

    @property
    def delta(self) -> float | None:
        """The score change since the previous run (None when either is unknown)."""
        if self.score is None or self.previous_score is None:
            return None
        return round(self.score - self.previous_score, 1)

    def fails_at(self, threshold: Severity) -> bool:
        """True if an unmuted FAIL or ERROR finding is at ``threshold`` or worse."""
        return any(n and Severity(s).at_least(threshold) for s, n in self.failing.items())

    def trend(self) -> dict[str, float | None]:
        """The index's trend cell: previous score and the change."""
        return {"previous_score": self.previous_score, "delta": self.delta}


def failing_changes(summary: ClientSummary, threshold: Severity) -> Iterable[dict[str, Any]]:
    """The new or regressed FAIL findings at ``threshold`` or worse."""
    for c in summary.changes:
        sev = c.get("severity")
        if c.get("status") == Status.FAIL.value and sev in _SEVERITIES \
                and Severity(str(sev)).at_least(threshold):
            yield c
