"""The client's HTML report and the agency's technical companion, from one run.

``report.html`` speaks to the client in plain words (:mod:`.catalogue`, :mod:`.items`);
``technical.html`` beside it carries what the client report leaves out: what could not
be read and why, the checks' own messages and evidence, the rule arithmetic, the
parameters and the commands to run. Both are rendered from the same run by the same
template machinery.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2

from audit.evaluate.run import RunResult
from audit.evaluate.score import compute
from audit.models import Finding, Severity, Status

from . import catalogue
from .branding import Branding
from .findings import group_findings, sort_findings, worst_status
from .items import (
    action_items,
    not_applicable,
    not_checked,
    object_status,
    passed_checks,
    status_index,
)
from .sections import changes_context, rules_context, windows_context
from .steps import checklist, verdict
from .templates import default_environment


def _currency(run: RunResult) -> str | None:
    windows = run.sections.get("windows")
    found = set((windows.get("currencies") or {}).values()) if isinstance(windows, Mapping) \
        else set()
    return found.pop() if len(found) == 1 else None


def _inventory(run: RunResult) -> dict[str, Any]:
    """The inventories, each object's status taken from the findings about it."""
    index = status_index(run.findings)
    out: dict[str, Any] = {}
    dom = _mapping(run.sections.get("domains"))
    if dom:
        rows = [{**r, "state": object_status(index, "domain", str(r.get("domain")),
                                             ("domains",))} for r in dom.get("rows") or []]
        out["domains"] = {**dom, "rows": rows}
    acc = _mapping(run.sections.get("access"))
    if acc:
        rows = [{**r, "state": object_status(index, "pixel", str(r.get("pixel_id")),
                                             ("access", "pixels"))}
                for r in acc.get("rows") or []]
        out["access"] = {**acc, "rows": rows}
    ev = _mapping(run.sections.get("events"))
    if ev and ev.get("rows"):
        out["events"] = ev
    return out


def _rules(run: RunResult) -> dict[str, Any] | None:
    windows = _mapping(run.sections.get("windows")) or {}
    ctx = rules_context(run.sections.get("rules"), windows.get("currencies") or {})
    if ctx is None:
        return None
    index = status_index(run.findings)
    for rule in [*ctx["suggested"], *ctx["unchanged"]]:
        rule["state"] = object_status(index, "rule", str(rule.get("rule_id")))
    return ctx


def report_context(run: RunResult, branding: Branding | None = None) -> dict[str, Any]:
    """Everything the client report template needs, derived from the run."""
    data = run.to_dict()
    summary = data["summary"]
    findings = sort_findings(run.findings)
    steps = checklist(run)
    items = action_items(run.findings, run.checks)
    return {
        "run": run,
        "data": data,
        "branding": branding or Branding(agency_name=str(run.agency.get("name", ""))),
        "summary": summary,
        "score": summary.get("score"),
        "score_areas": summary.get("score_areas") or {},
        "score_sentence": catalogue.SCORE_SENTENCE,
        "steps": steps,
        "verdict": verdict(steps, bool(run.not_audited)),
        "items": [i for i in items if i.status != "MUTED"],
        "muted_items": [i for i in items if i.muted],
        "passed": passed_checks(run.findings, run.checks),
        "not_checked": not_checked(run.findings, run.checks),
        "not_applicable": [f for f in findings if f.status is Status.SKIPPED and not f.muted
                           and not_applicable(f)],
        # token problems go at the very top: an expiring token silently ends periodic runs
        "token_alerts": [i for i in items if i.area == "token" and i.status != "MUTED"],
        "counts": run.counts(),
        "currency": _currency(run),
        "changes": changes_context(run.sections.get("changes")),
        "priorities": _mapping(run.sections.get("priorities")),
        "aem_modes": catalogue.AEM_MODES,
        "windows": windows_context(run.sections.get("windows")),
        "rules": _rules(run),
        "inventory": _inventory(run),
        "glossary": catalogue.GLOSSARY,
        "partial_note": catalogue.PARTIAL,
        "missing_fields_note": catalogue.MISSING_FIELDS,
        "severities": [s.value for s in Severity],
        # kept for agency templates written against the first version
        **_first_version(run, findings),
    }


def _first_version(run: RunResult, findings: list[Finding]) -> dict[str, Any]:
    groups = group_findings(run.findings, run.checks)
    return {
        "groups": groups,
        "skipped": [f for f in findings if f.status is Status.SKIPPED and not f.muted
                    and not not_applicable(f)],
        "errors": [f for f in findings if f.status is Status.ERROR],
        "muted": [f for f in findings if f.muted],
        "areas": {a: [f for g in gs for f in [*g.problems, *g.passed]]
                  for a, gs in groups.items()},
        "area_status": {a: worst_status([f for g in gs for f in [*g.problems, *g.passed]])
                        for a, gs in groups.items()},
    }


def technical_context(run: RunResult, branding: Branding | None = None) -> dict[str, Any]:
    """The agency's technical companion: raw messages, evidence, reads, parameters."""
    data = run.to_dict()
    findings = sort_findings(run.findings)
    groups = group_findings(run.findings, run.checks)
    scores = compute(run.findings)
    slug = str(run.client.get("slug", ""))
    return {
        "run": run,
        "data": data,
        "slug": slug,
        "branding": branding or Branding(agency_name=str(run.agency.get("name", ""))),
        "summary": data["summary"],
        "score": data["summary"].get("score"),
        "check_scores": scores.checks,
        "groups": groups,
        "skipped": [f for f in findings if f.status is Status.SKIPPED and not f.muted],
        "items": action_items(run.findings, run.checks),
        "errors": [f for f in findings if f.status is Status.ERROR],
        "not_applicable": [],  # listed with the skipped checks, with their messages
        "score_areas": data["summary"].get("score_areas") or {},
        "currency": _currency(run),
        "priorities": _mapping(run.sections.get("priorities")),
        "windows": windows_context(run.sections.get("windows")),
        "rules": _rules(run),
        "area_status": {a: worst_status([f for g in gs for f in [*g.problems, *g.passed]])
                        for a, gs in groups.items()},
    }


def _mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def render_report(run: RunResult, env: jinja2.Environment | None = None,
                  branding: Branding | None = None) -> str:
    """The client's self-contained HTML report."""
    env = env or default_environment()
    return str(env.get_template("report.html.j2").render(**report_context(run, branding)))


def render_technical(run: RunResult, env: jinja2.Environment | None = None,
                     branding: Branding | None = None) -> str:
    """The agency's technical companion page (``technical.html``)."""
    env = env or default_environment()
    return str(env.get_template("technical.html.j2").render(**technical_context(run, branding)))


__all__ = ["render_report", "render_technical", "report_context", "technical_context"]
