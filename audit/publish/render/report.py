"""The client's HTML report: the template context derived from a run, and its rendering."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2

from audit.evaluate.run import RunResult
from audit.models import Finding, Severity, Status

from .branding import Branding
from .findings import group_findings, sort_findings, worst_status
from .sections import changes_context, rules_context, windows_context
from .steps import checklist, verdict
from .templates import default_environment


def report_context(run: RunResult, branding: Branding | None = None) -> dict[str, Any]:
    """Everything the report template needs, derived from the run."""
    data = run.to_dict()
    summary = data["summary"]
    findings = sort_findings(run.findings)
    sections = run.sections
    groups = group_findings(run.findings, run.checks)
    skipped = [f for f in findings if f.status is Status.SKIPPED and not f.muted]
    steps = checklist(run, summary.get("score_areas") or {})
    return {
        "run": run,
        "data": data,
        "branding": branding or Branding(agency_name=str(run.agency.get("name", ""))),
        "summary": summary,
        "score": summary.get("score"),
        "score_areas": summary.get("score_areas") or {},
        "steps": steps,
        "verdict": verdict(steps, bool(run.not_audited)),
        "groups": groups,
        "skipped": [f for f in skipped if not _not_applicable(f)],
        "not_applicable": [f for f in skipped if _not_applicable(f)],
        "errors": [f for f in findings if f.status is Status.ERROR],
        # token problems go at the very top: an expiring token silently ends periodic runs
        "token_alerts": [f for f in findings if f.area == "token" and not f.muted
                         and f.status in (Status.FAIL, Status.WARN)],
        "muted": [f for f in findings if f.muted],
        "counts": run.counts(),
        "changes": changes_context(sections.get("changes")),
        "priorities": _mapping(sections.get("priorities")),
        "windows": windows_context(sections.get("windows")),
        "rules": rules_context(sections.get("rules")),
        "inventory": {k: sections[k] for k in ("domains", "access", "events")
                      if _mapping(sections.get(k))},
        "severities": [s.value for s in Severity],
        # kept for agency templates written against the first version
        "areas": {a: [f for g in gs for f in [*g.problems, *g.passed]]
                  for a, gs in groups.items()},
        "area_status": {a: worst_status([f for g in gs for f in [*g.problems, *g.passed]])
                        for a, gs in groups.items()},
    }


def _not_applicable(f: Finding) -> bool:
    """A check skipped because the client has nothing it applies to (no rules, no app …)."""
    return bool(f.evidence.get("not_applicable")) or \
        f.message.lower().startswith("nothing to check")


def _mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def render_report(run: RunResult, env: jinja2.Environment | None = None,
                  branding: Branding | None = None) -> str:
    """The client's self-contained HTML report."""
    env = env or default_environment()
    return str(env.get_template("report.html.j2").render(**report_context(run, branding)))
