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

import orjson

from audit import __version__, jsontext
from audit.evaluate.checks.registry import CheckMeta
from audit.evaluate.score import METHOD, score
from audit.files import compact_json
from audit.models import CollectionError, Finding, MissingFields, Severity, Status
from audit.platform import CHANGES, changes_for
from audit.redact import redact, redact_obj

# 1.1 adds who acts (``actor``) to findings and checks, and the score's ``capped_by``;
# 1.0 files still load and render (a missing actor falls back to the check's).
SCHEMA_VERSION = "1.1"  # and missing_fields (fields Meta refused; see graph/drift.py)
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
    missing_fields: list[MissingFields] = field(default_factory=list)
    tool: dict[str, Any] = field(default_factory=lambda: {"name": "ios14-audit",
                                                          "version": __version__})
    # Platform change id → how the client's own data shows the change (view-through
    # conversions while view windows came back empty, a period across a change …).
    platform_data: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """``not_audited``, ``partial`` (some reads failed, lost fields or carried numbers
        that cannot be right) or ``audited``."""
        if self.not_audited:
            return "not_audited"
        partial = (self.collection_errors or self.missing_fields
                   or self.sections.get("invalid_values"))
        return "partial" if partial else "audited"

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
        return {"score": result["score"], "score_capped_by": result["capped_by"],
                "score_areas": result["areas"], "score_method": result["method"]}

    def to_dict(self) -> dict[str, Any]:
        """The run.json document."""
        return redact_obj(self._plain())

    def affected_changes(self) -> list[dict[str, Any]]:
        """The platform changes that affected this client, in date order: those named by
        findings that need attention (FAIL or WARN) and those the client's data shows."""
        named: dict[str, int] = {}
        for f in self.findings:
            if f.status in (Status.FAIL, Status.WARN):
                for pc in f.platform_changes:
                    named[pc] = named.get(pc, 0) + 1
        ids = [*named, *(i for i in self.platform_data if i in CHANGES)]
        out = []
        for change in changes_for(ids):
            entry = change.to_dict()
            why = []
            if change.id in named:
                n = named[change.id]
                why.append(f"{n} finding{'s' if n != 1 else ''} that need"
                           f"{'s' if n == 1 else ''} attention rest{'s' if n == 1 else ''} "
                           "on it.")
            if change.id in self.platform_data:
                entry["data"] = self.platform_data[change.id]
                why.append(self.platform_data[change.id])
            entry["why"] = why
            out.append(entry)
        return out

    def _plain(self) -> dict[str, Any]:
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
            "missing_fields": [m.to_dict() for m in self.missing_fields],
            "collection_stats": self.collection_stats,
            "checks": self.checks,
            "platform_changes": self.affected_changes(),
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
            missing_fields=[MissingFields.from_dict(m) for m in data.get("missing_fields") or []],
            tool=dict(data.get("tool") or {}),
            platform_data={str(c["id"]): str(c["data"]) for c in data.get("platform_changes")
                           or [] if isinstance(c, Mapping) and c.get("data") and c.get("id")},
        )

    def to_json_and_dict(self) -> tuple[str, dict[str, Any]]:
        """:meth:`to_json` and :meth:`to_dict` from one build of the document (a client's
        run is written and then rendered twice: building and encoding it was done three
        times). The data is the text's, scrubbed, read back, exactly as :meth:`to_dict`
        makes it; a document orjson cannot encode takes both methods' own ways."""
        plain = self._plain()
        try:
            text = jsontext.dumps(plain).decode("utf-8")
        except TypeError:  # orjson.JSONEncodeError: not JSON data, or an int beyond 64 bits
            return compact_json(plain) + "\n", redact_obj(plain)
        return text + "\n", orjson.loads(redact(text))

    def to_json(self) -> str:
        """run.json as text (credentials are scrubbed in one pass over the text by the file
        writer, :func:`audit.files.write_text_atomic`).

        Compact on purpose: indented, the json module falls back to its pure-Python
        encoder, which cost more CPU per client than the rest of writing a run
        (``python -m json.tool run.json`` shows it indented).
        """
        return compact_json(self._plain()) + "\n"


def check_list(metas: Sequence[CheckMeta]) -> list[dict[str, Any]]:
    """The checks' metadata as stored in run.json (schema 1.x).

    Schema 1.0 has a single ``needs`` list: every snapshot read the check looks at, the
    ones it needs first, then the ones it uses. It stays in that shape so existing run.json
    files and their readers keep working; ``ios14-audit checks --json`` shows the split.
    """
    out = []
    for m in metas:
        entry = m.to_dict()
        entry["needs"] = [*entry["needs"], *entry.pop("uses")]
        out.append(entry)
    return out
