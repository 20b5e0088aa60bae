"""The readiness score on small hand-worked cases: every weight, credit, cap and band matters.

Each expected value is worked out in the comment above it from the method the README
states (check shares averaged by severity weight: critical 8, high 4, medium 2, low 1,
info ½; PASS 1, WARN ½, FAIL 0; a failing check counts at most ½; bands 0-39 / 40-69 /
70-100 by the worst failing severity), never by calling the code under test.
"""

from __future__ import annotations

from typing import Any

import pytest

from audit.evaluate.score import METHOD, check_score, check_shares, compute, score
from audit.models import Finding, Resource, Severity, Status

CRITICAL, HIGH, MEDIUM, LOW, INFO = (Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM,
                                     Severity.LOW, Severity.INFO)
PASS, WARN, FAIL, SKIPPED, ERROR = (Status.PASS, Status.WARN, Status.FAIL, Status.SKIPPED,
                                    Status.ERROR)


def f(check: str, status: Status, severity: Severity = MEDIUM, *, area: str = "access",
      rid: str = "1", muted: str | None = None, **evidence: Any) -> Finding:
    return Finding(check, "acme", status, severity, area, "t", "m", Resource("r", rid),
                   evidence=evidence, muted=muted)


# One passing check of the severity under test beside a WARN check of another severity
# (share ½): raw = (w·1 + w'·½) / (w + w'), nothing fails, so 70 + 30·raw.
@pytest.mark.parametrize(("severity", "other", "expected"), [
    (CRITICAL, MEDIUM, 97.0),  # (8 + 1) / 10 = 0.9 → 97.0
    (HIGH, MEDIUM, 95.0),      # (4 + 1) / 6 = 0.8333 → 95.0
    (MEDIUM, LOW, 95.0),       # (2 + 0.5) / 3 = 0.8333 → 95.0
    (LOW, MEDIUM, 90.0),       # (1 + 1) / 3 = 0.6667 → 90.0
    (INFO, MEDIUM, 88.0),      # (0.5 + 1) / 2.5 = 0.6 → 88.0
])
def test_each_severity_weight_matters(severity: Severity, other: Severity,
                                      expected: float) -> None:
    findings = [f("a_b_pass", PASS, severity), f("a_b_warn", WARN, other)]
    assert score(findings)["score"] == expected


@pytest.mark.parametrize(("statuses", "share", "expected"), [
    ((PASS,), 1.0, 100.0),              # 70 + 30·1
    ((WARN,), 0.5, 85.0),               # 70 + 30·0.5
    ((PASS, WARN, WARN, WARN), 0.625, 88.8),  # (1 + 1.5) / 4 = 0.625 → 88.75 → 88.8
    ((FAIL, WARN), 0.25, 77.5),         # (0 + 0.5) / 2 = 0.25, under the cap; medium: no band
    ((FAIL,), 0.0, 70.0),               # a medium failure alone stays in the top band
    ((FAIL, PASS, PASS, PASS), 0.5, 85.0),  # 3/4 = 0.75, capped at 0.5
    ((PASS,) * 9 + (FAIL,), 0.5, 85.0),     # 0.9, capped at 0.5
])
def test_status_credits_and_the_failed_check_cap(statuses: tuple[Status, ...], share: float,
                                                 expected: float) -> None:
    findings = [f("a_b_one", s, rid=str(i)) for i, s in enumerate(statuses)]
    result = compute(findings)
    assert result.checks["a_b_one"].share == share
    assert result.value == expected
    assert result.band is None


@pytest.mark.parametrize(("failing", "passing", "expected", "band"), [
    # critical fails (share 0, weight 8) beside a medium PASS (weight 2): raw 2/10 = 0.2;
    # band 0-39: 0 + 39·0.2 = 7.8
    (CRITICAL, MEDIUM, 7.8, CRITICAL),
    # high fails (share 0, weight 4) beside a critical PASS (weight 8): raw 8/12;
    # band 40-69: 40 + 29·8/12 = 59.33 → 59.3
    (HIGH, CRITICAL, 59.3, HIGH),
    # medium fails (weight 2) beside a low PASS (weight 1): raw 1/3; band 70-100: 80.0
    (MEDIUM, LOW, 80.0, None),
    # low fails (weight 1) beside a medium PASS (weight 2): raw 2/3: 90.0
    (LOW, MEDIUM, 90.0, None),
    # info fails (weight ½) beside a low PASS (weight 1): raw 1/1.5: 90.0
    (INFO, LOW, 90.0, None),
])
def test_the_worst_failing_severity_sets_the_band(failing: Severity, passing: Severity,
                                                  expected: float, band: Severity | None
                                                  ) -> None:
    result = compute([f("x_b_fail", FAIL, failing), f("y_b_pass", PASS, passing)])
    assert (result.value, result.band) == (expected, band)
    summary = score([f("x_b_fail", FAIL, failing), f("y_b_pass", PASS, passing)])
    assert summary["capped_by"] == (band.value if band else None)


def test_band_edges_reach_both_ends() -> None:
    # A critical failure alone: raw 0 → the bottom of 0-39.
    assert compute([f("c_b_x", FAIL, CRITICAL)]).value == 0.0
    # A high failure alone: raw 0 → 40, the bottom of 40-69.
    assert compute([f("c_b_x", FAIL, HIGH)]).value == 40.0
    # A high check with 1 PASS + 1 FAIL (share min(0.5, 0.5) = 0.5) beside a passing high
    # check: raw (4·0.5 + 4·1) / 8 = 0.75 → 40 + 29·0.75 = 61.75 → 61.8 (half to even)
    assert compute([f("c_b_x", FAIL, HIGH, rid="1"), f("c_b_x", PASS, HIGH, rid="2"),
                    f("d_b_y", PASS, HIGH)]).value == 61.8
    # A critical failure with half credit beside a passing critical check:
    # raw (8·0.5 + 8·1) / 16 = 0.75 → 39·0.75 = 29.25 → 29.2 (half to even)
    assert compute([f("c_b_x", FAIL, CRITICAL, rid="1"), f("c_b_x", PASS, CRITICAL, rid="2"),
                    f("d_b_y", PASS, CRITICAL)]).value == 29.2


def test_a_critical_failure_wins_over_a_high_one() -> None:
    # high fails (share 0, weight 4), critical fails (share 0, weight 8), a low check passes
    # (weight 1): raw 1/13; band 0-39: 39/13 = 3.0
    result = compute([f("h_b_x", FAIL, HIGH), f("c_b_x", FAIL, CRITICAL),
                      f("l_b_x", PASS, LOW)])
    assert (result.value, result.band) == (3.0, CRITICAL)


# ------------------------------------------------------------------ spend weighting


@pytest.mark.parametrize(("evidence", "expected_share", "by_spend"), [
    # spend_28d on both: (900·0.5 + 100·1) / 1000 = 0.55
    (({"spend_28d": 900}, {"spend_28d": 100}), 0.55, True),
    # "spend" is read when spend_28d is absent: the same 0.55
    (({"spend": 900.0}, {"spend": 100}), 0.55, True),
    # spend_28d wins over spend: weights 100 (WARN) and 900 (PASS): (50 + 900) / 1000
    (({"spend_28d": 100, "spend": 900}, {"spend_28d": 900, "spend": 100}), 0.95, True),
    # a zero spend is a known spend with no weight: (0·0.5 + 100·1) / 100 = 1.0
    (({"spend_28d": 0}, {"spend_28d": 100}), 1.0, True),
    # a small spend still weights: (0·0.5 + 0.5·1) / 0.5 = 1.0
    (({"spend_28d": 0}, {"spend_28d": 0.5}), 1.0, True),
    # every spend zero: nothing to weight by, so each finding counts once: (0.5 + 1) / 2
    (({"spend_28d": 0}, {"spend_28d": 0}), 0.75, False),
    # one spend unknown: each finding counts once
    (({"spend_28d": 900}, {}), 0.75, False),
    # a negative, boolean or text spend is not a spend: each finding counts once
    (({"spend_28d": -5}, {"spend_28d": 100}), 0.75, False),
    (({"spend_28d": -0.5}, {"spend_28d": 100}), 0.75, False),
    (({"spend_28d": True}, {"spend_28d": 100}), 0.75, False),
    (({"spend_28d": "900"}, {"spend_28d": 100}), 0.75, False),
])
def test_spend_weights_a_share_only_when_every_finding_has_one(
        evidence: tuple[dict[str, Any], dict[str, Any]], expected_share: float,
        by_spend: bool) -> None:
    warn, passed = evidence
    result = check_score("w_b_x", [f("w_b_x", WARN, rid="1", **warn),
                                   f("w_b_x", PASS, rid="2", **passed)])
    assert result is not None
    assert result.share == pytest.approx(expected_share)
    assert result.by_spend is by_spend


# ------------------------------------------------------------------ what is counted


def test_check_score_describes_the_check() -> None:
    findings = [f("a_b_mixed", PASS, MEDIUM, area="events", rid="1"),
                f("a_b_mixed", FAIL, LOW, area="events", rid="2"),
                f("a_b_mixed", FAIL, HIGH, area="events", rid="3"),
                f("a_b_mixed", WARN, CRITICAL, area="events", rid="4", muted="accepted"),
                f("a_b_mixed", SKIPPED, CRITICAL, area="events", rid="5"),
                f("a_b_mixed", ERROR, CRITICAL, area="events", rid="6")]
    result = check_score("a_b_mixed", findings)
    assert result is not None
    # counted: the PASS and two FAILs (muted, SKIPPED and ERROR are not): share 1/3
    assert result.items == 3
    assert result.share == pytest.approx(1 / 3)
    assert result.severity is HIGH  # the most severe counted finding
    assert result.failed is HIGH    # the most severe failing one
    assert result.area == "events"
    assert result.weight == 4.0
    assert result.by_spend is False


def test_nothing_counted_is_no_score() -> None:
    assert check_score("a_b_c", []) is None
    assert check_score("a_b_c", [f("a_b_c", SKIPPED), f("a_b_c", ERROR),
                                 f("a_b_c", FAIL, muted="known")]) is None
    assert compute([f("a_b_c", SKIPPED)]).value is None
    assert compute([]).band is None


def test_a_check_of_passes_is_not_failed() -> None:
    result = check_score("a_b_c", [f("a_b_c", PASS, CRITICAL), f("a_b_c", WARN, LOW)])
    assert result is not None
    assert result.failed is None and result.severity is CRITICAL
    assert result.share == 0.75


def test_areas_are_scored_apart_and_listed_in_order() -> None:
    findings = [
        # windows: one medium check, 1 WARN → share 0.5 → 85.0
        f("w_b_one", WARN, MEDIUM, area="windows"),
        # access: a high check failing (1 PASS, 1 FAIL → 0.5) and a low passing check:
        # raw (4·0.5 + 1·1) / 5 = 0.6 → high band 40 + 29·0.6 = 57.4
        f("a_b_one", PASS, HIGH, area="access", rid="1"),
        f("a_b_one", FAIL, HIGH, area="access", rid="2"),
        f("a_b_two", PASS, LOW, area="access"),
        # capi: only skipped → no area entry
        f("c_b_one", SKIPPED, HIGH, area="capi"),
    ]
    result = score(findings)
    assert list(result["areas"]) == ["access", "windows"]
    assert result["areas"]["access"] == {"score": 57.4, "capped_by": "high", "checks": 2,
                                         "findings": 3}
    assert result["areas"]["windows"] == {"score": 85.0, "capped_by": None, "checks": 1,
                                          "findings": 1}
    # overall: raw (4·0.5 + 1·1 + 2·0.5) / 7 = 4/7; band 40-69: 40 + 29·4/7 = 56.57 → 56.6
    assert result["score"] == 56.6
    assert result["capped_by"] == "high"
    assert result["method"] == METHOD
    assert "critical 8, high 4, medium 2, low 1" in METHOD


def test_check_shares_are_percentages_per_check() -> None:
    findings = [f("a_b_one", PASS, rid="1"), f("a_b_one", WARN, rid="2"),
                f("a_b_one", WARN, rid="3"),          # (1 + 0.5 + 0.5) / 3 = 66.67 %
                f("b_b_two", FAIL, rid="1"), f("b_b_two", PASS, rid="2"),  # capped 50 %
                f("c_b_three", SKIPPED)]              # not scored
    assert check_shares(findings) == {"a_b_one": 66.7, "b_b_two": 50.0}
