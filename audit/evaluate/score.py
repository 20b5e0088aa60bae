"""The readiness score: 0-100 per area and overall, and how it was computed.

Each area's score is the severity-weighted share of its findings that pass (WARN counts
half, FAIL nothing). SKIPPED and ERROR findings are left out (unknown is not bad), and so
are muted ones. The overall score averages the areas with fixed weights, so an area with
hundreds of ad-set findings cannot drown the others.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from audit.models import Finding, Severity, Status

SEVERITY_WEIGHT = {Severity.CRITICAL: 8.0, Severity.HIGH: 4.0, Severity.MEDIUM: 2.0,
                   Severity.LOW: 1.0, Severity.INFO: 0.5}
STATUS_CREDIT = {Status.PASS: 1.0, Status.WARN: 0.5, Status.FAIL: 0.0}
AREA_WEIGHT = {"token": 1.0, "access": 2.0, "pixels": 2.0, "domains": 1.5, "events": 2.0,
               "capi": 1.5, "priorities": 1.0, "windows": 1.0, "rules": 1.0}
CRITICAL_AREA_CAP = 50.0
CRITICAL_OVERALL_CAP = 69.0
METHOD = ("Per area: severity-weighted share of passing findings (critical 8, high 4, "
          "medium 2, low 1; WARN counts half, FAIL zero; skipped, crashed and muted findings "
          "left out), at most 50 while the area has a critical failure. Overall: the areas "
          "averaged with weights access 2, pixels 2, events 2, domains 1.5, Conversions API "
          "1.5, others 1, at most 69 while any critical failure remains.")


def score(findings: Iterable[Finding]) -> dict[str, Any]:
    """``{"score": 0-100 | None, "areas": {area: {...}}, "method": text}``."""
    earned: dict[str, float] = {}
    possible: dict[str, float] = {}
    counts: dict[str, int] = {}
    critical: set[str] = set()
    for f in findings:
        if f.muted or f.status not in STATUS_CREDIT:
            continue
        if f.status is Status.FAIL and f.severity is Severity.CRITICAL:
            critical.add(f.area)
        w = SEVERITY_WEIGHT[f.severity]
        earned[f.area] = earned.get(f.area, 0.0) + w * STATUS_CREDIT[f.status]
        possible[f.area] = possible.get(f.area, 0.0) + w
        counts[f.area] = counts.get(f.area, 0) + 1
    areas: dict[str, dict[str, Any]] = {}
    scored: list[tuple[float, float]] = []
    for area in sorted(possible):
        value = round(100 * earned[area] / possible[area], 1)
        if area in critical:
            value = min(value, CRITICAL_AREA_CAP)
        weight = AREA_WEIGHT.get(area, 1.0)
        areas[area] = {"score": value, "weight": weight, "findings": counts[area]}
        scored.append((value, weight))
    total_weight = sum(w for _, w in scored)
    overall = (round(sum(s * w for s, w in scored) / total_weight, 1)
               if total_weight else None)
    if overall is not None and critical:
        overall = min(overall, CRITICAL_OVERALL_CAP)
    return {"score": overall, "areas": areas, "method": METHOD}
