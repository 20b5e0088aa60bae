"""The readiness score: 0-100 per area and overall, and how it was computed.

Per check, not per finding: each check contributes once per client, so a check that looks
at 480 ad sets weighs no more than one that looks at a single token. A check's share is
the part of its resources that pass (PASS 1, WARN ½, FAIL 0), weighted by spend when every
one of its findings carries a spend figure in its evidence; a check with any FAIL counts
at most half, however many resources pass beside it. Areas and the overall score average
the checks' shares by severity (critical 8, high 4, medium 2, low 1, info ½).

The average is then placed in a band set by the worst *failing* check: 70-100 when no
critical or high check fails, 40-69 when a high one does, 0-39 when a critical one does.
So a failing high-severity check caps the area and the overall score, and a client with
one always scores below a client without any, whatever else passes. SKIPPED and ERROR
findings are left out (unknown is not bad), and so are muted ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from audit.models import Finding, Severity, Status

SEVERITY_WEIGHT = {Severity.CRITICAL: 8.0, Severity.HIGH: 4.0, Severity.MEDIUM: 2.0,
                   Severity.LOW: 1.0, Severity.INFO: 0.5}
STATUS_CREDIT = {Status.PASS: 1.0, Status.WARN: 0.5, Status.FAIL: 0.0}
FAILED_CHECK_CAP = 0.5
# (lowest, highest) score by the worst failing severity; None: nothing critical or high fails
BANDS: dict[Severity | None, tuple[float, float]] = {
    Severity.CRITICAL: (0.0, 39.0), Severity.HIGH: (40.0, 69.0), None: (70.0, 100.0)}
SPEND_KEYS = ("spend_28d", "spend")
METHOD = ("Each check counts once, by severity (critical 8, high 4, medium 2, low 1), with "
          "the share of its items that pass (weighted by spend where known; a warning counts "
          "half, and a check with any failure at most half); the result is placed in a band "
          "set by the worst failing check: 70-100 when no critical or high-severity check "
          "fails, 40-69 when a high one does, 0-39 when a critical one does.")


def _spend(f: Finding) -> float | None:
    for key in SPEND_KEYS:
        value = f.evidence.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0:
            return float(value)
    return None


@dataclass
class CheckScore:
    """One check's contribution: its pass share (0-1), severity and worst failure."""

    check_id: str
    area: str
    severity: Severity
    share: float
    failed: Severity | None
    items: int
    by_spend: bool

    @property
    def weight(self) -> float:
        """The check's weight in the averages."""
        return SEVERITY_WEIGHT[self.severity]


def check_score(check_id: str, findings: Iterable[Finding]) -> CheckScore | None:
    """The score of one check's counted findings (None when nothing is counted)."""
    counted = [f for f in findings if not f.muted and f.status in STATUS_CREDIT]
    if not counted:
        return None
    spends = [_spend(f) for f in counted]
    by_spend = all(s is not None for s in spends) and sum(s or 0.0 for s in spends) > 0
    weights = [s or 0.0 for s in spends] if by_spend else [1.0] * len(counted)
    share = sum(w * STATUS_CREDIT[f.status] for w, f in zip(weights, counted, strict=True)
                ) / sum(weights)
    fails = [f.severity for f in counted if f.status is Status.FAIL]
    if fails:
        share = min(share, FAILED_CHECK_CAP)
    return CheckScore(
        check_id=check_id, area=counted[0].area,
        severity=min((f.severity for f in counted), key=lambda s: s.rank),
        share=share, failed=min(fails, key=lambda s: s.rank) if fails else None,
        items=len(counted), by_spend=by_spend)


def banded(checks: Iterable[CheckScore]) -> tuple[float | None, Severity | None]:
    """The severity-weighted average of ``checks`` placed in its band (None if empty)."""
    checks = list(checks)
    total = sum(c.weight for c in checks)
    if not total:
        return None, None
    raw = sum(c.weight * c.share for c in checks) / total
    worst = min((c.failed for c in checks if c.failed is not None), key=lambda s: s.rank,
                default=None)
    band = worst if worst in (Severity.CRITICAL, Severity.HIGH) else None
    low, high = BANDS[band]
    return round(low + (high - low) * raw, 1), band


@dataclass
class Score:
    """The score of one client: overall, per area and per check."""

    value: float | None
    band: Severity | None
    areas: dict[str, dict[str, Any]] = field(default_factory=dict)
    checks: dict[str, CheckScore] = field(default_factory=dict)


def compute(findings: Iterable[Finding]) -> Score:
    """Score a client's findings."""
    by_check: dict[str, list[Finding]] = {}
    for f in findings:
        by_check.setdefault(f.check_id, []).append(f)
    checks = {cid: s for cid, fs in by_check.items() if (s := check_score(cid, fs))}
    by_area: dict[str, list[CheckScore]] = {}
    for c in checks.values():
        by_area.setdefault(c.area, []).append(c)
    areas: dict[str, dict[str, Any]] = {}
    for area in sorted(by_area):
        value, band = banded(by_area[area])
        areas[area] = {"score": value, "capped_by": band.value if band else None,
                       "checks": len(by_area[area]),
                       "findings": sum(c.items for c in by_area[area])}
    value, band = banded(checks.values())
    return Score(value, band, areas, checks)


def score(findings: Iterable[Finding]) -> dict[str, Any]:
    """``{"score": 0-100 | None, "areas": {area: {...}}, "method": text}``."""
    result = compute(findings)
    return {"score": result.value, "capped_by": result.band.value if result.band else None,
            "areas": result.areas, "method": METHOD}


def check_shares(findings: Iterable[Finding]) -> Mapping[str, float]:
    """Each scored check's pass share as a percentage (for the technical page)."""
    return {cid: round(100 * c.share, 1) for cid, c in compute(findings).checks.items()}
