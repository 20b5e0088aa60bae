from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from audit.evaluate.score import compute, score
from audit.models import Finding, Resource, Severity, Status


def f(check, area, status, severity=Severity.HIGH, muted=None, rid="1", spend=None):
    evidence = {} if spend is None else {"spend_28d": spend}
    return Finding(check, "x", Status(status), severity, area, "t", "m", Resource("r", rid),
                   evidence=evidence, muted=muted)


def test_each_check_counts_once_whatever_its_number_of_resources():
    # check a (medium): 1 PASS of 1 → share 1; check b (medium): 99 PASS, 1 WARN → 99.5/100.
    # Both medium (weight 2): raw = (2·1 + 2·0.995) / 4 = 0.9975; nothing fails → band
    # 70-100: 70 + 30·0.9975 = 99.925 → 99.9.
    findings = [f("a_b_one", "access", "PASS", Severity.MEDIUM),
                *(f("a_b_many", "windows", "PASS", Severity.MEDIUM, rid=str(i))
                  for i in range(99)),
                f("a_b_many", "windows", "WARN", Severity.MEDIUM, rid="w")]
    result = score(findings)
    assert result["score"] == 99.9
    assert result["areas"]["windows"]["checks"] == 1
    assert result["areas"]["windows"]["findings"] == 100
    # windows alone: 70 + 30·0.995 = 99.85 → 99.8 or 99.9 by float rounding; derive it:
    assert result["areas"]["windows"]["score"] == round(70 + 30 * (99.5 / 100), 1)
    assert result["areas"]["access"]["score"] == 100.0


def test_a_failing_check_counts_at_most_half_and_a_high_failure_caps_the_band():
    # a (high): 9 PASS + 1 FAIL → share min(0.9, 0.5) = 0.5, fails high.
    # b (critical, other area): 1 PASS → share 1.
    # raw = (4·0.5 + 8·1) / 12 = 10/12; band high 40-69: 40 + 29·10/12 = 64.1666 → 64.2.
    findings = [*(f("a_b_tasks", "access", "PASS", rid=str(i)) for i in range(9)),
                f("a_b_tasks", "access", "FAIL", rid="x"),
                f("t_b_token", "token", "PASS", Severity.CRITICAL)]
    result = score(findings)
    assert result["score"] == 64.2
    assert result["capped_by"] == "high"
    # access alone: raw 0.5 in the high band: 40 + 29·0.5 = 54.5
    assert result["areas"]["access"]["score"] == 54.5
    assert result["areas"]["access"]["capped_by"] == "high"
    # token alone: nothing fails there: 100
    assert result["areas"]["token"]["score"] == 100.0


def test_a_critical_failure_puts_the_score_in_the_lowest_band():
    # one critical check failing (share 0), one medium passing (share 1):
    # raw = (8·0 + 2·1) / 10 = 0.2; band 0-39: 39·0.2 = 7.8
    findings = [f("a_b_shared", "access", "FAIL", Severity.CRITICAL),
                f("e_b_volume", "events", "PASS", Severity.MEDIUM)]
    assert score(findings)["score"] == 7.8


def test_medium_failures_stay_in_the_top_band():
    # a medium FAIL (share 0, weight 2) and a high PASS (share 1, weight 4):
    # raw = 4/6; band 70-100: 70 + 30·4/6 = 90.0
    findings = [f("d_b_declared", "domains", "FAIL", Severity.MEDIUM),
                f("p_b_fire", "pixels", "PASS", Severity.HIGH)]
    result = score(findings)
    assert result["score"] == 90.0
    assert result["capped_by"] is None


def test_spend_weights_the_share_when_every_finding_carries_it():
    # WARN on 900 spend, PASS on 100 spend: share = (0.5·900 + 1·100) / 1000 = 0.55;
    # medium, nothing fails: 70 + 30·0.55 = 86.5
    findings = [f("w_b_attr", "windows", "WARN", Severity.MEDIUM, rid="1", spend=900.0),
                f("w_b_attr", "windows", "PASS", Severity.MEDIUM, rid="2", spend=100.0)]
    assert score(findings)["score"] == 86.5
    # without spend on one of them, every resource weighs the same: (0.5 + 1) / 2 = 0.75
    mixed = [findings[0], f("w_b_attr", "windows", "PASS", Severity.MEDIUM, rid="2")]
    assert score(mixed)["score"] == 92.5


def test_muted_skipped_and_errors_do_not_count_and_nothing_scored_is_none():
    assert score([f("a_b_c", "access", "FAIL", Severity.CRITICAL, muted="ok")])["score"] is None
    assert score([f("a_b_c", "access", "SKIPPED"), f("a_b_d", "access", "ERROR")]
                 )["score"] is None
    assert score([])["score"] is None


def test_the_worst_failing_finding_sets_the_band_not_the_checks_severity():
    # a rule check declared high whose only failure is a notify-only rule (medium)
    findings = [f("r_b_window", "rules", "PASS", Severity.HIGH, rid="1"),
                f("r_b_window", "rules", "FAIL", Severity.MEDIUM, rid="2")]
    result = compute(findings)
    assert result.band is None
    # share min(0.5, 0.5) = 0.5 at weight 4 (the check's worst severity): 70 + 15 = 85
    assert result.value == 85.0


# --- properties -----------------------------------------------------------------------

SEVERITIES = st.sampled_from(list(Severity))
COUNTED = st.sampled_from([Status.PASS, Status.WARN, Status.FAIL, Status.SKIPPED])
AREAS = st.sampled_from(["access", "events", "windows", "capi"])


@st.composite
def clients(draw, *, allow_high_fail=True):
    out = []
    for i in range(draw(st.integers(0, 6))):
        check = f"c_x_{i}"
        area = draw(AREAS)
        for j in range(draw(st.integers(1, 5))):
            status = draw(COUNTED)
            severity = draw(SEVERITIES)
            if not allow_high_fail and status is Status.FAIL and severity.at_least(
                    Severity.HIGH):
                severity = Severity.MEDIUM
            spend = draw(st.none() | st.floats(0, 10_000, allow_nan=False))
            out.append(f(check, area, status.value, severity, rid=str(j), spend=spend))
    return out


@settings(max_examples=150, deadline=None)
@given(clients(), st.sampled_from([Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM]),
       st.integers(1, 400), st.booleans())
def test_adding_passing_resources_never_hides_a_failing_check(base, severity, extra, spend):
    failing = f("z_x_fail", "access", "FAIL", severity, rid="bad",
                spend=1.0 if spend else None)
    before = compute([*base, failing])
    passes = [f("z_x_fail", "access", "PASS", severity, rid=f"ok{i}",
                spend=1e6 if spend else None) for i in range(extra)]
    after = compute([*base, failing, *passes])
    assert after.checks["z_x_fail"].share <= 0.5
    assert after.checks["z_x_fail"].failed is severity
    assert after.value is not None and after.value < 100
    # passes added to a failing check never move the client out of its band
    assert after.band == before.band
    if severity.at_least(Severity.HIGH):
        assert after.value <= (39.0 if after.band is Severity.CRITICAL else 69.0)


@settings(max_examples=150, deadline=None)
@given(clients(), clients(allow_high_fail=False),
       st.sampled_from([Severity.CRITICAL, Severity.HIGH]))
def test_a_high_severity_failure_never_scores_above_a_client_without_one(a, b, severity):
    without = compute(b)
    assume(without.value is not None)
    with_failure = compute([*a, f("z_x_fail", "access", "FAIL", severity, rid="bad")])
    assert with_failure.value is not None
    assert with_failure.value < without.value
