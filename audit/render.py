"""run.json → HTML report, agency index and CSV. Pure: no API calls, no clock.

Jinja2 with autoescape on and StrictUndefined: everything that came from the API is
escaped, and a template that refers to a missing value fails loudly instead of printing
nothing. Templates live in ``reports/templates`` (packaged as ``audit/_templates``); an
agency can override any of them from its own folder. The only file read besides the
templates is the logo named in the branding config (:func:`branding_from_config`).

This module turns a run into plain view data (checklist steps, finding groups, window
tables, rule diffs); the templates only lay it out, and :mod:`audit.charts` draws the SVG.
"""

from __future__ import annotations

import base64
import csv
import functools
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import zip_longest
from pathlib import Path
from typing import Any, Protocol

import jinja2

import audit
from audit import charts
from audit.models import Finding, Severity, Status
from audit.runresult import RunResult

STATUS_ORDER = {s: i for i, s in enumerate(
    (Status.ERROR, Status.FAIL, Status.WARN, Status.SKIPPED, Status.PASS))}
AREA_TITLES = {
    "domains": "Domain verification",
    "access": "Pixel partner access",
    "pixels": "Pixel health",
    "events": "Event usage",
    "priorities": "Top-8 event priorities",
    "windows": "Attribution windows",
    "capi": "Conversions API",
    "rules": "Automated rules",
    "token": "Access token",
}
# The checklist on the first screen: (key, number, title, areas it covers).
STEPS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("domains", "1", "Domains verified", ("domains",)),
    ("access", "2", "Pixel access & event usage", ("access", "pixels", "events")),
    ("priorities", "3", "Top-8 events", ("priorities",)),
    ("windows", "4", "Attribution windows", ("windows",)),
    ("capi", "5", "Conversions API", ("capi",)),
    ("rules", "+", "Automated rules", ("rules",)),
    ("token", "+", "Access token", ("token",)),
)
STEP_SHORT = {"domains": "Domains", "access": "Pixels & events", "priorities": "Top-8",
              "windows": "Windows", "capi": "CAPI", "rules": "Rules", "token": "Token"}
STATES = {"action": "Action needed", "check": "Check", "ready": "Ready",
          "unknown": "Not checked"}
CSV_COLUMNS = ("client", "status", "severity", "area", "check_id", "title", "resource_type",
               "resource_id", "resource_name", "message", "remediation", "fingerprint",
               "muted")
SHOWN_PER_CHECK = 5
LOGO_MAX_BYTES = 256 * 1024
LOGO_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
              ".gif": "image/gif", ".webp": "image/webp", ".svg": "image/svg+xml"}
MINUS = "\u2212"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)?$")
_SCHEME = re.compile(r"^\s*[a-zA-Z][a-zA-Z0-9+.-]*:|^\s*//")


# ----------------------------------------------------------------------------- branding


class BrandingError(ValueError):
    """The branding config cannot be used (logo missing, too large or not an image)."""


class _ReportSettings(Protocol):
    logo: Path | None
    accent_color: str
    footer: str | None


@dataclass(frozen=True)
class Branding:
    """How the agency brands its reports: name, logo (``data:`` URI), accent, footer."""

    agency_name: str = ""
    logo: str | None = None
    accent: str = "#1f5fbf"
    footer: str | None = None

    def __post_init__(self) -> None:
        if not _COLOUR.match(self.accent):
            raise BrandingError(f'accent colour "{self.accent}" must look like #1f5fbf')
        if self.logo is not None and not self.logo.startswith("data:image/"):
            raise BrandingError("logo must be a data:image/… URI")

    @property
    def accent_soft(self) -> str:
        """The accent mixed with 90% white, for light backgrounds."""
        mixed = (round(int(self.accent[i:i + 2], 16) * 0.1 + 255 * 0.9) for i in (1, 3, 5))
        return "#" + "".join(f"{c:02x}" for c in mixed)


def logo_data_uri(path: Path, max_bytes: int = LOGO_MAX_BYTES) -> str:
    """The image file as a ``data:`` URI (mime type from the suffix, size capped)."""
    mime = LOGO_TYPES.get(path.suffix.lower())
    if mime is None:
        raise BrandingError(f"report.logo {path}: not an image file "
                            f"({', '.join(sorted(LOGO_TYPES))})")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BrandingError(f"report.logo {path}: cannot read ({exc.strerror})") from None
    if len(data) > max_bytes:
        raise BrandingError(f"report.logo {path}: {len(data):,} bytes, more than the "
                            f"{max_bytes:,} allowed in a self-contained report")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def branding_from_config(report: _ReportSettings, agency_name: str,
                         base_dir: Path | None = None) -> Branding:
    """Branding from the config's ``report:`` section (relative logo paths from base_dir)."""
    logo = None
    if report.logo is not None:
        path = Path(report.logo)
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        logo = logo_data_uri(path)
    return Branding(agency_name=agency_name, logo=logo, accent=report.accent_color,
                    footer=report.footer)


# ----------------------------------------------------------------------------- environment


def template_dirs(override: Path | None = None) -> list[Path]:
    """Template search path: the agency's override folder first, then the shipped ones."""
    pkg = Path(audit.__file__).resolve().parent
    dirs = [override] if override else []
    for candidate in (pkg / "_templates", pkg.parent / "reports" / "templates"):
        if candidate.is_dir():
            dirs.append(candidate)
            break
    return dirs


@functools.lru_cache(maxsize=1)
def default_environment() -> jinja2.Environment:
    """The shipped templates' environment, compiled once per process."""
    return environment()


def environment(override: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment with autoescape and StrictUndefined (override folder first)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(override)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update({
        "area_title": lambda a: AREA_TITLES.get(str(a), str(a).title()),
        "evidence": format_evidence, "evidence_items": evidence_items, "num": fmt_num,
        "money": fmt_money, "pct": fmt_pct, "when": fmt_when, "window": charts.window_label,
        "value": fmt_value,
    })
    env.globals.update({"charts": charts, "STATES": STATES})
    return env


# ----------------------------------------------------------------------------- formatting


def fmt_num(value: Any, unavailable: str = "—") -> str:
    """1234.5 → "1,234.5"; integers without decimals; None → the ``unavailable`` text."""
    if value is None or isinstance(value, bool):
        return unavailable if value is None else ("yes" if value else "no")
    if not isinstance(value, (int, float)):
        return str(value)
    if float(value).is_integer():
        return f"{value:,.0f}"
    digits = 2 if abs(value) >= 100 else 4
    return f"{value:,.{digits}f}".rstrip("0").rstrip(".")


def fmt_money(value: Any, currency: str | None = None) -> str:
    """Two decimals with thousands separators, optionally with a currency code."""
    if value is None:
        return "—"
    text = f"{float(value):,.2f}"
    return f"{text} {currency}" if currency else text


def fmt_pct(value: Any, signed: bool = False) -> str:
    """A ratio as a percentage: 0.9375 → "93.8%" (signed: -0.06 → "-6.0%" with a minus sign)."""
    if value is None:
        return "—"
    pct = float(value) * 100
    if signed:
        return ("+" if pct > 0 else MINUS if pct < 0 else "±") + f"{abs(pct):.1f}%"
    return f"{pct:.1f}%"


def fmt_when(value: Any) -> str:
    """ISO timestamp → "28 Nov 2026, 16:08 UTC" (the text itself when it does not parse)."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value or "")
    offset = moment.utcoffset()
    zone = "" if offset is None else " UTC" if not offset else moment.strftime(" %z")
    return f"{moment.day} {moment:%b %Y, %H:%M}{zone}"


def fmt_value(value: Any) -> str:
    """A rule filter value as written in the API (lists in brackets)."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(fmt_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {fmt_value(v)}" for k, v in value.items()) + "}"
    return "—" if value is None else str(value)


def format_evidence(value: Any, depth: int = 0) -> str:
    """Compact, readable text for an evidence value (escaped later by the template)."""
    if isinstance(value, Mapping):
        if depth and value:
            # an item of a list: its name (or first value), then a few other values
            key = next((k for k in ("name", "id") if value.get(k)), next(iter(value)))
            extra = [format_evidence(v, depth + 1) for k, v in value.items()
                     if k not in (key, "id") and isinstance(v, (int, float, str, list))][:3]
            head = format_evidence(value[key], depth + 1)
            return head + (f" ({', '.join(extra)})" if extra else "")
        items = [f"{k.replace('_', ' ')}: {format_evidence(v, depth + 1)}"
                 for k, v in value.items()]
        return "; ".join(items) or "—"
    if isinstance(value, (list, tuple)):
        if not value:
            return "none"
        nested = any(isinstance(v, Mapping) for v in value)
        limit = 5 if nested else 12
        shown = ("; " if nested else ", ").join(format_evidence(v, depth + 1)
                                                for v in value[:limit])
        return shown + (f" … (+{len(value) - limit} more)" if len(value) > limit else "")
    if value is None:
        return "n/a"
    if isinstance(value, (int, float)):
        return fmt_num(value)
    text = str(value)
    if _ISO_TIME.match(text):
        return fmt_when(text)
    return text if len(text) <= 240 else text[:237] + "…"


def evidence_items(evidence: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, text) pairs for a finding's evidence, plain numbers first."""
    keys = sorted(evidence, key=lambda k: not _numeric(evidence[k]))
    return [(str(k).replace("_", " "), format_evidence(evidence[k])) for k in keys]


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# ----------------------------------------------------------------------------- findings


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Worst first: status, then severity, then check and resource for stability."""
    return sorted(findings, key=lambda f: (
        f.muted is not None, STATUS_ORDER[f.status], f.severity.rank, f.check_id,
        f.resource.type, f.resource.id))


@dataclass
class CheckGroup:
    """One check's findings in the report: problems first, passes collapsed."""

    check_id: str
    title: str
    severity: str
    area: str
    why: str
    problems: list[Finding] = field(default_factory=list)
    muted: list[Finding] = field(default_factory=list)
    passed: list[Finding] = field(default_factory=list)
    skipped: list[Finding] = field(default_factory=list)

    @property
    def worst(self) -> str:
        """The worst status among the group's counted findings."""
        statuses = [f.status for f in self.problems] or [f.status for f in self.passed]
        if not statuses:
            return "MUTED" if self.muted else Status.SKIPPED.value
        return min(statuses, key=lambda s: STATUS_ORDER[s]).value

    @property
    def shown(self) -> list[Finding]:
        """The problems shown in full."""
        return self.problems[:SHOWN_PER_CHECK]

    @property
    def more(self) -> list[Finding]:
        """The problems beyond the first few, shown collapsed."""
        return self.problems[SHOWN_PER_CHECK:]

    @property
    def common_fix(self) -> str | None:
        """The remediation when every problem shares it (then it is shown once)."""
        fixes = {f.remediation for f in self.problems}
        return fixes.pop() if len(self.problems) > 1 and len(fixes) == 1 else None

    def count(self, status: str) -> int:
        """Counted (not muted) findings with ``status``."""
        return sum(f.status.value == status for f in [*self.problems, *self.passed])


def group_findings(findings: Sequence[Finding], checks: Sequence[Mapping[str, Any]]
                   ) -> dict[str, list[CheckGroup]]:
    """Findings per area, then per check, worst check first."""
    meta = {str(c.get("id")): c for c in checks}
    groups: dict[str, CheckGroup] = {}
    for f in sort_findings(findings):
        m = meta.get(f.check_id, {})
        g = groups.setdefault(f.check_id, CheckGroup(
            f.check_id, str(m.get("title") or f.title), str(m.get("severity") or f.severity.value),
            f.area, " ".join(str(m.get("why") or "").split())))
        if f.muted:
            g.muted.append(f)
        elif f.status is Status.PASS:
            g.passed.append(f)
        elif f.status is Status.SKIPPED:
            g.skipped.append(f)
        else:
            g.problems.append(f)
    rank: dict[str, float] = {s.value: i for s, i in STATUS_ORDER.items()}
    rank["MUTED"] = 3.5
    severity = {s.value: s.rank for s in Severity}
    by_area: dict[str, list[CheckGroup]] = {}
    for g in sorted(groups.values(), key=lambda g: (
            rank[g.worst], severity.get(g.severity, 9), g.check_id)):
        if g.problems or g.passed or g.muted:
            by_area.setdefault(g.area, []).append(g)
    order = list(AREA_TITLES)
    return dict(sorted(by_area.items(), key=lambda kv: (
        order.index(kv[0]) if kv[0] in order else len(order), kv[0])))


def _worst(findings: Sequence[Finding]) -> str:
    statuses = {f.status for f in findings}
    for s in (Status.ERROR, Status.FAIL, Status.WARN, Status.PASS):
        if s in statuses:
            return str(s.value)
    return str(Status.SKIPPED.value)


def checklist(run: RunResult, score_areas: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The first-screen summary: one entry per checklist step with a plain-words state."""
    steps = []
    for key, number, title, areas in STEPS:
        mine = [f for f in run.findings if f.area in areas]
        counted = [f for f in mine if not f.muted]
        fails = sort_findings(f for f in counted if f.status is Status.FAIL)
        checks = sort_findings(f for f in counted if f.status in (Status.WARN, Status.ERROR))
        passed = [f for f in counted if f.status is Status.PASS]
        skipped = [f for f in counted if f.status is Status.SKIPPED]
        problems = fails + checks
        if run.not_audited_reason:
            state, why = "unknown", "The client could not be audited (see the banner above)."
        elif fails:
            state, why = "action", _one_line(fails[0].message, len(problems) - 1)
        elif checks:
            state, why = "check", _one_line(checks[0].message, len(problems) - 1)
        elif passed:
            state = "ready"
            why = (f"All {_plural(len(passed), 'finding')} pass" if len(passed) > 1 else
                   "The finding passes") + (
                f"; {len(skipped)} could not be checked." if skipped else ".")
        else:
            state = "unknown"
            why = _one_line(skipped[0].message, 0) if skipped else "Nothing to check."
        scored = [(score_areas[a]["score"], score_areas[a]["weight"]) for a in areas
                  if a in score_areas and score_areas[a].get("score") is not None]
        weight = sum(w for _, w in scored)
        steps.append({
            "key": key, "number": number, "title": title, "state": state,
            "label": STATES[state], "why": why, "areas": areas,
            "anchor": next((f"area-{a}" for a in areas if any(
                f.area == a and f.status is not Status.SKIPPED for f in mine)), "gaps"),
            "facts": _facts(len(problems), len(passed), len(skipped), len(mine) - len(counted)),
            "problems": len(problems), "passed": len(passed), "skipped": len(skipped),
            "muted": len(mine) - len(counted),
            "score": round(sum(s * w for s, w in scored) / weight, 1) if weight else None,
        })
    return steps


def verdict(steps: Sequence[Mapping[str, Any]], not_audited: bool) -> str:
    """One sentence for the top of the report: which steps need what."""
    if not_audited:
        return "Not audited: nothing below reflects the client's current setup."
    by_state: dict[str, list[str]] = {}
    for s in steps:
        by_state.setdefault(str(s["state"]), []).append(str(s["title"]))
    if not by_state.get("action") and not by_state.get("check"):
        unknown = by_state.get("unknown", [])
        return "Ready: every checklist step that could be checked passes." + (
            f" Not checked: {', '.join(unknown)}." if unknown else "")
    parts = []
    if by_state.get("action"):
        parts.append(f"{_plural(len(by_state['action']), 'step')} need action: "
                     f"{', '.join(by_state['action'])}.")
    if by_state.get("check"):
        parts.append(f"To check: {', '.join(by_state['check'])}.")
    return " ".join(parts)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _facts(problems: int, passed: int, skipped: int, muted: int) -> str:
    parts = [_plural(problems, "problem") if problems else "",
             f"{passed} passed" if passed else "", f"{skipped} not checked" if skipped else "",
             f"{muted} muted" if muted else ""]
    return " · ".join(p for p in parts if p)


def _one_line(message: str, more: int) -> str:
    text = message if len(message) <= 160 else message[:157] + "…"
    if re.match(r"^[a-z]+\b(?![.@:/-])", text):
        text = text[:1].upper() + text[1:]
    return text + (f" (+{more} more)" if more > 0 else "")


# ----------------------------------------------------------------------------- sections


def changes_context(raw: Any) -> dict[str, Any] | None:
    """``sections.changes`` normalised; None when there is no previous run to compare."""
    if not isinstance(raw, Mapping) or not raw.get("previous_run_id"):
        return None
    assets = raw.get("assets") or {}
    lists = {k: [Finding.from_dict(f) for f in raw.get(k) or []]
             for k in ("new", "regressed", "resolved", "improved")}
    return {"previous_run_id": raw.get("previous_run_id"),
            "previous_finished_at": raw.get("previous_finished_at"),
            "previous_score": raw.get("previous_score"),
            **lists,
            "assets": {k: list(assets.get(k) or []) for k in (
                "pixels_added", "pixels_removed", "domains_lost_verification", "rules_edited")},
            "total": sum(len(v) for v in lists.values())}


def windows_context(raw: Any) -> dict[str, Any] | None:
    """The window comparison grouped per event: totals, campaigns and a chart each."""
    if not isinstance(raw, Mapping):
        return None
    windows = list(raw.get("windows") or [])
    rows = raw.get("rows") or {}
    totals = list(raw.get("client_totals") or []) or list(raw.get("account_totals") or [])
    events = []
    for total in sorted(totals, key=lambda t: (-((t.get("metrics") or {}).get("old_default") or 0),
                                               str(t.get("event")))):
        kind = total.get("action_type")
        accounts = [t for t in raw.get("account_totals") or [] if t.get("action_type") == kind]
        campaigns = sorted((r for r in rows.get("campaign") or []
                            if r.get("action_type") == kind),
                           key=lambda r: (-(r.get("spend") or 0), str(r.get("object_name"))))
        lead = [total] if total.get("level") == "client" and len(accounts) > 1 else []
        events.append({
            "event": total.get("event"), "action_type": kind, "total": total,
            "rows": [*lead, *accounts] if accounts else [total], "campaigns": campaigns,
            "chart": charts.window_chart(str(total.get("event")), total.get("conversions") or {},
                                         windows)})
    currencies = set((raw.get("currencies") or {}).values())
    return {**raw, "windows": windows, "events": events,
            "currency": currencies.pop() if len(currencies) == 1 else None,
            "adset_rows": len(rows.get("adset") or [])}


def rules_context(raw: Any) -> dict[str, Any] | None:
    """Rule suggestions with aligned before/after filters, dangerous ones first."""
    if not isinstance(raw, Mapping):
        return None
    suggested, unchanged = [], []
    for rule in raw.get("rules") or []:
        if rule.get("suggested"):
            before = (rule.get("current") or {}).get("evaluation_spec") or {}
            after = rule["suggested"].get("evaluation_spec") or {}
            suggested.append({**rule, "diff": filter_diff(before.get("filters") or [],
                                                          after.get("filters") or []),
                              "evaluation_type": after.get("evaluation_type")
                              or before.get("evaluation_type")})
        else:
            unchanged.append(rule)
    suggested.sort(key=lambda r: (not r.get("dangerous"), not r.get("needs_review")))
    return {"target_window": raw.get("target_window"), "suggested": suggested,
            "unchanged": unchanged}


def filter_diff(before: Sequence[Any], after: Sequence[Any]) -> list[dict[str, Any]]:
    """Current and suggested filters row by row (the rewrite keeps their order)."""
    out = []
    for old, new in zip_longest(before, after):
        a, b = _filter(old), _filter(new)
        parts = {k for k in ("field", "operator", "value") if (a or {}).get(k) != (b or {}).get(k)}
        out.append({"before": a, "after": b, "changed": old != new, "parts": parts})
    return out


def _filter(flt: Any) -> dict[str, str] | None:
    if flt is None:
        return None
    if not isinstance(flt, Mapping):
        return {"field": fmt_value(flt), "operator": "", "value": ""}
    return {"field": str(flt.get("field", "")), "operator": str(flt.get("operator", "")),
            "value": fmt_value(flt.get("value"))}


# ----------------------------------------------------------------------------- report


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
        "verdict": verdict(steps, bool(run.not_audited_reason)),
        "groups": groups,
        "skipped": [f for f in skipped if not _not_applicable(f)],
        "not_applicable": [f for f in skipped if _not_applicable(f)],
        "errors": [f for f in findings if f.status is Status.ERROR],
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
        "area_status": {a: _worst([f for g in gs for f in [*g.problems, *g.passed]])
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


# ----------------------------------------------------------------------------- index


def safe_link(link: str) -> str:
    """Only relative links (the reports beside the index); anything else is dropped."""
    return "" if _SCHEME.match(link) else link


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
            "reason": run.not_audited_reason, "counts": run.counts(),
            "score": readiness["score"], "trend": trend,
            "steps": checklist(run, readiness["score_areas"]),
            "areas": {a: _worst(fs) for a, fs in by_area.items()},
            "link": safe_link(links.get(slug, "")),
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


# ----------------------------------------------------------------------------- CSV


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
