"""The agency-wide index: one row per client, by checklist step, worst first."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import jinja2

from audit.evaluate.run import RunResult
from audit.models import Finding, Status

from .branding import Branding
from .findings import worst_status
from .steps import checklist
from .templates import default_environment
from .vocabulary import AREA_TITLES, STEP_SHORT, STEPS

_SCHEME = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:|^\s*//")


def safe_link(link: str) -> str:
    """Only relative links (the reports beside the index); anything else is dropped."""
    return "" if _SCHEME.match(link) else link


def _technical(link: str) -> str:
    """The technical page beside a client report (``x/report.html`` → ``x/technical.html``)."""
    return link[:-len("report.html")] + "technical.html" if link.endswith("report.html") else ""


def index_rows(runs: Sequence[RunResult], links: Mapping[str, str],
               trends: Mapping[str, Mapping[str, Any]] | None = None) -> list[dict[str, Any]]:
    """One row per client for the agency index: not audited first, then lowest score."""
    rows = []
    for run in runs:
        slug = str(run.client.get("slug", ""))
        readiness = run.readiness()
        by_area: dict[str, list[Finding]] = {}
        for f in run.findings:
            if f.status is not Status.SKIPPED and not f.muted:
                by_area.setdefault(f.area, []).append(f)
        trend = dict((trends or {}).get(slug) or {})
        rows.append({
            "slug": slug, "name": run.client.get("name", ""), "status": run.status,
            "reason": run.not_audited, "counts": run.counts(),
            "score": readiness["score"], "trend": trend,
            "steps": checklist(run, readiness["score_areas"]),
            "areas": {a: worst_status(fs) for a, fs in by_area.items()},
            "link": safe_link(links.get(slug, "")),
            "technical": _technical(safe_link(links.get(slug, ""))),
            "problems": run.problems_by_severity(), "finished_at": run.finished_at,
        })
    rows.sort(key=lambda r: (r["status"] != "not_audited", r["score"] is not None,
                             r["score"] if r["score"] is not None else 0,
                             -r["problems"]["critical"], -r["problems"]["high"],
                             -r["counts"]["FAIL"], -r["counts"]["WARN"], r["slug"]))
    return rows


def render_index(runs: Sequence[RunResult], links: Mapping[str, str], agency: Mapping[str, Any],
                 run_id: str, env: jinja2.Environment | None = None,
                 branding: Branding | None = None,
                 trends: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """The agency-wide index: clients by checklist step, worst first.

    ``trends`` maps a client slug to ``{"previous_score": x | None, "delta": y | None}``.
    """
    env = env or default_environment()
    rows = index_rows(runs, links, trends)
    areas = [a for a in AREA_TITLES if any(a in r["areas"] for r in rows)]
    return str(env.get_template("index.html.j2").render(
        rows=rows, areas=areas, agency=agency, run_id=run_id, steps=STEPS, short=STEP_SHORT,
        branding=branding or Branding(agency_name=str(agency.get("name", "")))))
