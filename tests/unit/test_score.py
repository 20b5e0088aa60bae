from __future__ import annotations

from audit.evaluate.score import score
from audit.models import Finding, Resource, Severity, Status


def f(area, status, severity=Severity.HIGH, muted=None, rid="1"):
    return Finding("a_b_c", "x", Status(status), severity, area, "t", "m", Resource("r", rid),
                   muted=muted)


def test_weighted_share_per_area_and_overall():
    result = score([f("access", "PASS"), f("access", "FAIL", Severity.MEDIUM),
                    f("pixels", "WARN"), f("pixels", "SKIPPED"), f("pixels", "ERROR")])
    assert result["areas"]["access"]["score"] == round(100 * 4 / 6, 1)
    assert result["areas"]["pixels"]["score"] == 50.0
    assert result["areas"]["pixels"]["findings"] == 1
    assert result["score"] == round((66.7 * 2 + 50.0 * 2) / 4, 1)


def test_critical_failures_cap_area_and_overall():
    many = [f("events", "PASS", rid=str(i)) for i in range(50)]
    result = score([*many, f("access", "FAIL", Severity.CRITICAL),
                    *(f("access", "PASS", rid=str(i)) for i in range(30))])
    assert result["areas"]["access"]["score"] == 50.0
    assert result["score"] == 69.0


def test_muted_findings_do_not_count_and_nothing_scored_is_none():
    assert score([f("access", "FAIL", Severity.CRITICAL, muted="ok")])["score"] is None
    assert score([])["score"] is None
