"""The run model: one client's evaluated run, as serialised in ``run.json``.

It sits in the evaluation stage so that evaluation (which builds it) and publishing (which
writes, reads and renders it) share one definition; the file side (schema, validation,
reading and writing) is :mod:`audit.publish.runfile`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from audit import __version__
from audit.evaluate.checks.registry import CheckMeta
from audit.evaluate.score import METHOD, score
from audit.files import compact_json
from audit.models import CollectionError, Finding, Severity, Status
from audit.platform import changes_for
from audit.redact import redact, redact_obj

SCHEMA_VERSION = "1.0"
RUN_KIND = "ios14-audit/run"


@dataclass
class RunResult:
    """One client's evaluated run."""

    run_id: str
    client: dict[str, Any]
    agency: dict[str, Any]
    started_at: str
    finished_at: str
    findings: list[Finding]
    collection_errors: list[CollectionError]
    checks: list[dict[str, Any]]
    snapshot: dict[str, Any]
    not_audited: str | None = None  # the reason; stored in run.json as not_audited_reason
    collection_stats: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, Any] = field(default_factory=dict)
    tool: dict[str, Any] = field(default_factory=lambda: {"name": "ios14-audit",
                                                          "version": __version__})

    @property
    def status(self) -> str:
        """``not_audited``, ``partial`` (some reads failed) or ``audited``."""
        if self.not_audited:
            return "not_audited"
        return "partial" if self.collection_errors else "audited"

    def counts(self) -> dict[str, int]:
        """Findings per status (all statuses present, zero included)."""
        c = Counter(f.status.value for f in self.findings if not f.muted)
        return {s.value: c.get(s.value, 0) for s in Status}

    def problems_by_severity(self) -> dict[str, int]:
        """FAIL/WARN/ERROR findings per severity (muted ones excluded)."""
        c = Counter(f.severity.value for f in self.findings if f.is_problem and not f.muted)
        return {s.value: c.get(s.value, 0) for s in Severity}

    def readiness(self) -> dict[str, Any]:
        """Score (None when not audited), per-area scores and how they are computed."""
        if self.not_audited:
            return {"score": None, "score_areas": {}, "score_method": METHOD}
        result = score(self.findings)
        return {"score": result["score"], "score_areas": result["areas"],
                "score_method": result["method"]}

    def to_dict(self) -> dict[str, Any]:
        """The run.json document."""
        return redact_obj(self._plain())

    def _plain(self) -> dict[str, Any]:
        changes = [pc for f in self.findings for pc in f.platform_changes]
        return {
            "kind": RUN_KIND,
            "schema_version": SCHEMA_VERSION,
            "tool": self.tool,
            "run_id": self.run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "agency": self.agency,
            "client": self.client,
            "status": self.status,
            "not_audited_reason": self.not_audited,
            "snapshot": self.snapshot,
            "summary": {"by_status": self.counts(),
                        "problems_by_severity": self.problems_by_severity(),
                        **self.readiness()},
            "findings": [f.to_dict() for f in self.findings],
            "collection_errors": [e.to_dict() for e in self.collection_errors],
            "collection_stats": self.collection_stats,
            "checks": self.checks,
            "platform_changes": [c.to_dict() for c in changes_for(changes)],
            "sections": self.sections,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunResult:
        """Rebuild from a validated run.json document."""
        return cls(
            run_id=data["run_id"],
            client=dict(data["client"]),
            agency=dict(data["agency"]),
            started_at=data["started_at"],
            finished_at=data["finished_at"],
            findings=[Finding.from_dict(f) for f in data["findings"]],
            collection_errors=[CollectionError.from_dict(e) for e in data["collection_errors"]],
            checks=list(data.get("checks", [])),
            snapshot=dict(data.get("snapshot") or {}),
            not_audited=data.get("not_audited_reason"),
            collection_stats=dict(data.get("collection_stats") or {}),
            sections=dict(data.get("sections") or {}),
            tool=dict(data.get("tool") or {}),
        )

    def to_json(self) -> str:
        """run.json as text (credentials scrubbed in one pass over the text).

        Compact on purpose: indented, the json module falls back to its pure-Python
        encoder, which cost more CPU per client than the rest of writing a run
        (``python -m json.tool run.json`` shows it indented).
        """
        return redact(compact_json(self._plain())) + "\n"


def check_list(metas: Sequence[CheckMeta]) -> list[dict[str, Any]]:
    """The checks' metadata as stored in run.json."""
    return [m.to_dict() for m in metas]
