"""run.json → HTML report, agency index and CSV. Pure: no API calls, no clock.

Jinja2 with autoescape on and StrictUndefined: everything that came from the API is
escaped, and a template that refers to a missing value fails loudly instead of printing
nothing. Templates live in ``reports/templates`` (packaged as ``audit/_templates``); an
agency can override any of them from its own folder.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2

import audit
from audit.models import Finding, Severity, Status
from audit.runresult import RunResult

STATUS_ORDER = {s: i for i, s in enumerate(
    (Status.ERROR, Status.FAIL, Status.WARN, Status.SKIPPED, Status.PASS))}
AREA_TITLES = {
    "token": "Access token",
    "access": "Pixel partner access",
    "pixels": "Pixel health",
    "domains": "Domain verification",
    "events": "Event usage",
    "capi": "Conversions API",
    "priorities": "Top-8 event priorities",
    "windows": "Attribution windows",
    "rules": "Automated rules",
}
CSV_COLUMNS = ("client", "status", "severity", "area", "check_id", "title", "resource_type",
               "resource_id", "resource_name", "message", "remediation", "fingerprint",
               "muted")


def template_dirs(override: Path | None = None) -> list[Path]:
    """Template search path: the agency's override folder first, then the shipped ones."""
    pkg = Path(audit.__file__).resolve().parent
    dirs = [override] if override else []
    for candidate in (pkg / "_templates", pkg.parent / "reports" / "templates"):
        if candidate.is_dir():
            dirs.append(candidate)
            break
    return dirs


def environment(override: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment with autoescape and StrictUndefined."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(override)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["area_title"] = lambda a: AREA_TITLES.get(str(a), str(a).title())
    env.filters["evidence"] = format_evidence
    return env


def format_evidence(value: Any) -> str:
    """Compact, readable text for an evidence value (escaped later by the template)."""
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    if isinstance(value, (list, tuple)):
        return ", ".join(format_evidence(v) for v in value) if value else "—"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {format_evidence(v)}" for k, v in value.items()) or "—"
    if value is None:
        return "—"
    return str(value)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Worst first: status, then severity, then check and resource for stability."""
    return sorted(findings, key=lambda f: (
        f.muted is not None, STATUS_ORDER[f.status], f.severity.rank, f.check_id,
        f.resource.type, f.resource.id))


def report_context(run: RunResult) -> dict[str, Any]:
    """Everything the report template needs, derived from the run."""
    findings = sort_findings(run.findings)
    areas: dict[str, list[Finding]] = {}
    for f in findings:
        if f.status in (Status.PASS, Status.WARN, Status.FAIL) and not f.muted:
            areas.setdefault(f.area, []).append(f)
    area_status = {area: _worst(items) for area, items in areas.items()}
    return {
        "run": run,
        "data": run.to_dict(),
        "areas": areas,
        "area_status": area_status,
        "skipped": [f for f in findings if f.status is Status.SKIPPED],
        "errors": [f for f in findings if f.status is Status.ERROR],
        "muted": [f for f in findings if f.muted],
        "counts": run.counts(),
        "severities": [s.value for s in Severity],
    }


def _worst(findings: Sequence[Finding]) -> str:
    statuses = {f.status for f in findings}
    for s in (Status.ERROR, Status.FAIL, Status.WARN, Status.PASS):
        if s in statuses:
            return str(s.value)
    return str(Status.SKIPPED.value)


def render_report(run: RunResult, env: jinja2.Environment | None = None) -> str:
    """The client's self-contained HTML report."""
    env = env or environment()
    return str(env.get_template("report.html.j2").render(**report_context(run)))


def index_rows(runs: Sequence[RunResult], links: Mapping[str, str]) -> list[dict[str, Any]]:
    """One row per client for the agency index, worst first."""
    rows = []
    for run in runs:
        by_area: dict[str, list[Finding]] = {}
        for f in run.findings:
            if f.status is not Status.SKIPPED and not f.muted:
                by_area.setdefault(f.area, []).append(f)
        counts = run.counts()
        rows.append({
            "slug": run.client.get("slug", ""),
            "name": run.client.get("name", ""),
            "status": run.status,
            "reason": run.not_audited_reason,
            "counts": counts,
            "areas": {a: _worst(fs) for a, fs in by_area.items()},
            "link": links.get(str(run.client.get("slug", "")), ""),
            "problems": run.problems_by_severity(),
            "finished_at": run.finished_at,
        })
    rows.sort(key=lambda r: (r["status"] != "not_audited", -r["problems"]["critical"],
                             -r["problems"]["high"], -r["counts"]["FAIL"],
                             -r["counts"]["WARN"], r["slug"]))
    return rows


def render_index(runs: Sequence[RunResult], links: Mapping[str, str], agency: Mapping[str, Any],
                 run_id: str, env: jinja2.Environment | None = None) -> str:
    """The agency-wide index across clients."""
    env = env or environment()
    rows = index_rows(runs, links)
    areas = [a for a in AREA_TITLES if any(a in r["areas"] for r in rows)]
    return str(env.get_template("index.html.j2").render(
        rows=rows, areas=areas, agency=agency, run_id=run_id))


def findings_csv(findings: Iterable[Finding]) -> str:
    """Findings as CSV (one row per finding), for spreadsheets and ticketing imports."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in sort_findings(findings):
        writer.writerow([_csv_safe(str(v)) for v in (
            f.client, f.status.value, f.severity.value, f.area, f.check_id, f.title,
            f.resource.type, f.resource.id, f.resource.name or "", f.message,
            f.remediation, f.fingerprint, f.muted or "",
        )])
    return buf.getvalue()


def _csv_safe(text: str) -> str:
    """Defuse spreadsheet formulas in values that came from the API."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
