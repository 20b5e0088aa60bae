"""Run every case of the table, and require a PASS and a problem case for every check."""

from __future__ import annotations

import pytest

from audit.evaluate.analysis import Analysis
from audit.evaluate.checks import REGISTRY
from audit.evaluate.engine import run_checks
from tests.unit.checks.cases import CASES, NOTHING, Case


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case: Case) -> None:
    overrides = {case.check: dict(case.params)} if case.params else None
    found = [f for f in run_checks(Analysis.of(case.snapshot()), overrides)
             if f.check_id == case.check]
    ids = [f.resource.id for f in found]
    assert len(ids) == len(set(ids)), f"several findings for one resource: {ids}"
    assert {f.resource.id: f.status for f in found} == dict(case.expected)
    messages = {f.resource.id: f.message for f in found}
    for resource_id, phrase in case.phrases.items():
        assert phrase in messages[resource_id]
    # The engine's "nothing to check" stands in for no finding; a case must say so.
    for f in found:
        if f.evidence.get("not_applicable"):
            assert case.phrases.get(f.resource.id) == NOTHING


def test_every_check_has_a_pass_and_a_problem_case() -> None:
    missing = []
    for meta in REGISTRY.all():
        cases = [c for c in CASES if c.check == meta.id]
        if not any(c.is_pass for c in cases):
            missing.append(f"{meta.id}: no PASS case")
        if not any(c.is_problem for c in cases):
            missing.append(f"{meta.id}: no FAIL, WARN or SKIPPED case")
    assert missing == [], "add cases to tests/unit/checks/cases.py: " + "; ".join(missing)


def test_every_case_names_a_registered_check_once() -> None:
    assert [c.check for c in CASES if c.check not in REGISTRY] == []
    names = [c.id for c in CASES]
    assert len(names) == len(set(names))
