"""The agency-wide index: one row per client, by checklist step, worst first.

A row is plain data (:func:`index_row`), so the writer can keep it in the run history and
rebuild the index for every configured client without re-reading their runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import jinja2

from audit.evaluate.run import RunResult
from audit.models import Finding, Severity, Status

from . import i18n
from .branding import Branding
from .findings import worst_status
from .i18n import gettext as _
from .i18n import ngettext
from .shared import once
from .steps import checklist
from .templates import default_environment, render_page
from .vocabulary import AREA_TITLES, STEP_SHORT, STEPS

_SCHEME = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:|^\s*//")


def safe_link(link: str) -> str:
    """Only relative links (the reports beside the index); anything else is dropped."""
    return "" if _SCHEME.match(link) else link


def _technical(link: str) -> str:
    """The technical page beside a client report (``x/report.html`` → ``x/technical.html``)."""
    return link[:-len("report.html")] + "technical.html" if link.endswith("report.html") else ""


def index_row(run: RunResult, link: str = "",
              trend: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One client's row of the agency index (plain data, JSON-serialisable)."""
    slug = str(run.client.get("slug", ""))
    readiness = once(RunResult.readiness, run)
    by_area: dict[str, list[Finding]] = {}
    for f in run.findings:
        if f.status is not Status.SKIPPED and not f.muted:
            by_area.setdefault(f.area, []).append(f)
    return {
        "slug": slug, "name": run.client.get("name", ""), "status": run.status,
        "reason": run.not_audited, "counts": run.counts(),
        "score": readiness["score"], "trend": dict(trend or {}),
        "steps": checklist(run, readiness["score_areas"]),
        "areas": {a: worst_status(fs) for a, fs in by_area.items()},
        "link": safe_link(link), "technical": _technical(safe_link(link)),
        "problems": run.problems_by_severity(), "finished_at": run.finished_at,
        "run_id": run.run_id, "age": None,
    }


def never_audited_row(slug: str, name: str) -> dict[str, Any]:
    """The index row of a configured client with no recorded run yet."""
    return {"slug": slug, "name": name, "status": "never_audited", "reason": None,
            "counts": {s.value: 0 for s in Status}, "score": None, "trend": {}, "steps": [],
            "areas": {}, "link": "", "technical": "",
            "problems": {s.value: 0 for s in Severity},
            "finished_at": None, "run_id": None, "age": None}


def run_age(finished_at: str | None, now: datetime) -> str | None:
    """How long ago a run finished, in words ("today", "yesterday", "12 days ago")."""
    if not finished_at:
        return None
    try:
        then = datetime.fromisoformat(finished_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    if then.tzinfo is None:
        then = then.replace(tzinfo=timezone.utc)
    days = (now.date() - then.astimezone(now.tzinfo or timezone.utc).date()).days
    if days <= 0:
        return _("today")
    if days == 1:
        return _("yesterday")
    return ngettext("%(num)d day ago", "%(num)d days ago", days) % {"num": days}


_ORDER = {"not_audited": 0, "never_audited": 1}


def sort_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Not audited first, then never audited, then the lowest score (worst first)."""
    rows.sort(key=lambda r: (_ORDER.get(r["status"], 2), r["score"] is not None,
                             r["score"] if r["score"] is not None else 0,
                             -r["problems"]["critical"], -r["problems"]["high"],
                             -r["counts"]["FAIL"], -r["counts"]["WARN"], r["slug"]))
    return rows


def index_rows(runs: Sequence[RunResult], links: Mapping[str, str],
               trends: Mapping[str, Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One row per client for the agency index: not audited first, then lowest score."""
    return sort_rows([index_row(run, links.get(str(run.client.get("slug", "")), ""),
                                (trends or {}).get(str(run.client.get("slug", ""))))
                      for run in runs])


def render_index(runs: Sequence[RunResult], links: Mapping[str, str], agency: Mapping[str, Any],
                 run_id: str, env: jinja2.Environment | None = None,
                 branding: Branding | None = None,
                 trends: Mapping[str, Mapping[str, Any]] | None = None,
                 language: str | None = None) -> str:
    """The agency-wide index: clients by checklist step, worst first, in ``language``.

    ``trends`` maps a client slug to ``{"previous_score": x | None, "delta": y | None}``.
    """
    with i18n.language(language):
        rows = index_rows(runs, links, trends)
    return render_index_rows(rows, agency, run_id, env, branding, language)


def render_index_rows(rows: Sequence[Mapping[str, Any]], agency: Mapping[str, Any],
                      run_id: str, env: jinja2.Environment | None = None,
                      branding: Branding | None = None, language: str | None = None) -> str:
    """The agency-wide index from rows (:func:`index_row`, :func:`never_audited_row`),
    in the order given, in ``language`` (the config's ``report.language``; English by
    default). Rows carry their checklist sentences: build them in the same language."""
    env = env or default_environment()
    areas = [a for a in AREA_TITLES if any(a in r["areas"] for r in rows)]
    with i18n.language(language):
        return render_page(
            env, "index.html.j2", rows=rows, areas=areas, agency=agency, run_id=run_id,
            steps=STEPS, short=STEP_SHORT, language=i18n.current(),
            branding=branding or Branding(agency_name=str(agency.get("name", ""))))
