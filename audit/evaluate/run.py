"""``run.json``: the canonical, versioned output of evaluating one client's snapshot.

HTML and CSV are rendered from it; ``audit/schema/run.schema.json`` documents it and the
tests validate every run against that schema.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from audit import __version__
from audit.evaluate.checks.registry import CheckMeta
from audit.evaluate.score import METHOD, score
from audit.files import write_text_atomic
from audit.models import CollectionError, Finding, Severity, Status
from audit.platform import changes_for
from audit.redact import redact, redact_obj

SCHEMA_VERSION = "1.0"
RUN_KIND = "ios14-audit/run"


class RunFileError(Exception):
    """A run.json file is missing, unreadable, or does not match the schema."""


def load_schema() -> dict[str, Any]:
    """The JSON Schema of run.json shipped in the package."""
    text = resources.files("audit").joinpath("publish/schema/run.schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


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
    not_audited_reason: str | None = None
    collection_stats: dict[str, Any] = field(default_factory=dict)
    sections: dict[str, Any] = field(default_factory=dict)
    tool: dict[str, Any] = field(default_factory=lambda: {"name": "ios14-audit",
                                                          "version": __version__})

    @property
    def status(self) -> str:
        """``not_audited``, ``partial`` (some reads failed) or ``audited``."""
        if self.not_audited_reason:
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
        if self.not_audited_reason:
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
            "not_audited_reason": self.not_audited_reason,
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
            not_audited_reason=data.get("not_audited_reason"),
            collection_stats=dict(data.get("collection_stats") or {}),
            sections=dict(data.get("sections") or {}),
            tool=dict(data.get("tool") or {}),
        )

    def to_json(self) -> str:
        """run.json as text (credentials scrubbed in one pass over the text)."""
        return redact(json.dumps(self._plain(), indent=1, ensure_ascii=False)) + "\n"

    def save(self, *paths: Path) -> None:
        """Write run.json atomically to each path."""
        text = self.to_json()
        for path in paths:
            write_text_atomic(path, text)


def check_list(metas: Sequence[CheckMeta]) -> list[dict[str, Any]]:
    """The checks' metadata as stored in run.json."""
    return [m.to_dict() for m in metas]


def validate_run(data: Any, source: str = "run.json") -> None:
    """Raise RunFileError naming the first problem if ``data`` is not a valid run.json."""
    import jsonschema

    try:
        jsonschema.validate(data, load_schema())
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise RunFileError(f"{source}: {where}: {exc.message}") from None


def load_run(path: Path) -> RunResult:
    """Read and validate a run.json file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise RunFileError(f"{path}: file not found") from None
    except (OSError, ValueError) as exc:
        raise RunFileError(f"{path}: cannot read JSON ({exc})") from None
    validate_run(data, str(path))
    return RunResult.from_dict(data)
