"""The client's HTML report and the agency's technical companion, from one run.

``report.html`` speaks to the client in plain words (:mod:`.catalogue`, :mod:`.items`);
``technical.html`` beside it carries what the client report leaves out: what could not
be read and why, the checks' own messages and evidence, the rule arithmetic, the
parameters and the commands to run. Both are rendered from the same run by the same
template machinery.

The client report is written in the client's language (``language``, else the one
recorded in run.json, else English; :mod:`.i18n`) and, for the PDF, from the same
template and context with ``pdf`` set (:mod:`.pdf`); the technical page stays English.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import jinja2

from audit.evaluate.run import RunResult
from audit.evaluate.score import compute
from audit.models import Finding, Severity, Status

from . import catalogue, i18n
from .branding import Branding
from .charts import window_label
from .details import Context, detail
from .findings import group_findings, sort_findings, worst_status
from .formatting import fmt_count, fmt_date
from .items import (
    action_items,
    not_applicable,
    not_checked,
    object_status,
    passed_checks,
    plain_windows,
    status_index,
)
from .sections import changes_context, rules_context, windows_context
from .shared import once
from .steps import checklist, verdict
from .templates import default_environment, render_page


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


def report_language(run: RunResult, language: str | None = None) -> str:
    """The client report's language: the one asked for, else the one run.json records."""
    return language or str(run.client.get("language") or i18n.SOURCE_LANGUAGE)


def _platform(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The run's platform changes: as the audit words them (run.json) in English, titled,
    explained and tied to the client's own data in the catalogue's words otherwise."""
    out = []
    for change in data.get("platform_changes") or []:
        words = catalogue.PLATFORM.get(str(change.get("id")))
        if i18n.current() == i18n.SOURCE_LANGUAGE or words is None:
            out.append(dict(change))
            continue
        entry = {**change, "title": str(words[0]), "meaning": str(words[1])}
        if change.get("data"):
            entry["data"] = platform_data_words(str(change.get("id")), data)
        out.append(entry)
    return out


def platform_data_words(change: str, data: Mapping[str, Any]) -> str:
    """How the client's data shows a platform change, rebuilt from run.json's figures in
    the report's language (the audit writes the sentence in English)."""
    sections = data.get("sections") or {}
    windows = _mapping(sections.get("windows")) or {}
    start, stop = fmt_date(windows.get("date_start")), fmt_date(windows.get("date_stop"))
    totals = [t for t in windows.get("account_totals") or []
              if isinstance(t, Mapping) and not t.get("inconsistent")]

    def total(window: str) -> float:
        return sum(float((t.get("conversions") or {}).get(window) or 0.0) for t in totals)

    gone = [w for w in ("7d_view", "28d_view") if w in (windows.get("unavailable") or [])]
    if change == "view-windows-gone" and gone and total("1d_view") > 0:
        return i18n.gettext(
            "{n} view-through conversions under 1-day view from {start} to {stop}, but Meta "
            "returned no figures for {windows}.").format(
            n=fmt_count(total("1d_view")), start=start, stop=stop,
            windows=", ".join(window_label(w) for w in gone))
    if change == "click-link-only" and total("1d_ev") > 0:
        return i18n.gettext(
            "Meta reports {n} conversions under the 1-day engaged-view window from {start} to "
            "{stop}: interactions that counted as clicks before the change.").format(
            n=fmt_count(total("1d_ev")), start=start, stop=stop)
    if change in ("click-link-only", "unified-attr"):
        return i18n.gettext("The period of your figures runs across this change, so they are "
                            "not like-for-like.")
    if change == "aem-relaxed":
        evidence = (_mapping(sections.get("priorities")) or {}).get("mode_evidence")
        if isinstance(evidence, Mapping) and evidence.get("events"):
            return i18n.gettext(
                "On {domain}, {n} different events have active ad sets that spent in the last "
                "28 days: more than the 8-event model allowed, so you are on Meta's relaxed "
                "model.").format(domain=evidence.get("domain", ""),
                                 n=fmt_count(len(evidence["events"])))
        return i18n.gettext("The audit settings put you on Meta's relaxed model.")
    if change == "system-user-60d":
        return i18n.gettext("The audit's access for you is a system-user token that expires "
                            "60 days after it is issued.")
    return i18n.gettext("Your own data shows this change.")


def _finding_line(f: Finding, ctx: Context) -> str:
    """One finding in the report's words (the "since last run" lists)."""
    if f.status in (Status.FAIL, Status.WARN):
        return plain_windows(detail(f, ctx))
    if f.status is Status.PASS:
        return str(catalogue.IN_ORDER)
    return str(catalogue.CRASHED if f.status is Status.ERROR else catalogue.NOT_CHECKED_SHORT)


def report_context(run: RunResult, branding: Branding | None = None, *,
                   pdf: bool = False, data: dict[str, Any] | None = None) -> dict[str, Any]:
    """Everything the client report template needs, derived from the run.

    Call it with the report's language active (:func:`render_report` does): its sentences
    are built in that language. ``pdf`` adds the print-only parts (cover, page footer).
    ``data`` is ``run.to_dict()`` when the caller has it already (it does not depend on
    the language: the writer computes it once for both pages).
    """
    data = run.to_dict() if data is None else data
    summary = data["summary"]
    findings = sort_findings(run.findings)
    ctx = Context.of(run.client, run.agency, _currency(run))
    items = once(action_items, run.findings, run.checks, ctx)
    steps = checklist(run, ctx=ctx, items=items)
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
        "priorities_problem": catalogue.PRIORITIES_PROBLEM,
        "windows": once(windows_context, run.sections.get("windows")),
        "rules": once(_rules, run),
        "inventory": _inventory(run),
        "glossary": catalogue.GLOSSARY,
        "partial_note": catalogue.PARTIAL,
        "missing_fields_note": catalogue.MISSING_FIELDS,
        "severities": [s.value for s in Severity],
        "platform_changes": _platform(data),
        "finding_detail": functools.partial(_finding_line, ctx=ctx),
        "language": i18n.current(),
        "pdf": pdf,
        # kept for agency templates written against the first version
        **_first_version(run, findings),
    }


def _first_version(run: RunResult, findings: list[Finding]) -> dict[str, Any]:
    groups = once(group_findings, run.findings, run.checks)
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


def technical_context(run: RunResult, branding: Branding | None = None, *,
                      data: dict[str, Any] | None = None) -> dict[str, Any]:
    """The agency's technical companion: raw messages, evidence, reads, parameters
    (``data``: ``run.to_dict()`` when the caller has it already)."""
    data = run.to_dict() if data is None else data
    findings = sort_findings(run.findings)
    groups = once(group_findings, run.findings, run.checks)
    scores = once(compute, run.findings)
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
        "items": once(action_items, run.findings, run.checks, None),
        "errors": [f for f in findings if f.status is Status.ERROR],
        "not_applicable": [],  # listed with the skipped checks, with their messages
        "score_areas": data["summary"].get("score_areas") or {},
        "currency": _currency(run),
        "priorities": _mapping(run.sections.get("priorities")),
        "windows": once(windows_context, run.sections.get("windows")),
        "rules": once(_rules, run),
        "area_status": {a: worst_status([f for g in gs for f in [*g.problems, *g.passed]])
                        for a, gs in groups.items()},
    }


def _mapping(value: Any) -> Mapping[str, Any] | None:
    return value if isinstance(value, Mapping) else None


def render_report(run: RunResult, env: jinja2.Environment | None = None,
                  branding: Branding | None = None, *, language: str | None = None,
                  pdf: bool = False, data: dict[str, Any] | None = None) -> str:
    """The client's self-contained HTML report, in ``language`` (see
    :func:`report_language`); ``pdf``: the variant WeasyPrint turns into ``report.pdf``;
    ``data``: ``run.to_dict()`` when the caller has it already."""
    env = env or default_environment()
    with i18n.language(report_language(run, language)):
        return render_page(env, "report.html.j2",
                           **report_context(run, branding, pdf=pdf, data=data))


def render_technical(run: RunResult, env: jinja2.Environment | None = None,
                     branding: Branding | None = None, *,
                     data: dict[str, Any] | None = None) -> str:
    """The agency's technical companion page (``technical.html``; ``data``:
    ``run.to_dict()`` when the caller has it already)."""
    env = env or default_environment()
    with i18n.language(i18n.SOURCE_LANGUAGE):  # for the agency: English
        return render_page(env, "technical.html.j2",
                           **technical_context(run, branding, data=data))


__all__ = ["render_report", "render_technical", "report_context", "report_language",
           "technical_context"]
