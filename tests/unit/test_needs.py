"""The engine's standard SKIPPED finding when what a check needs could not be read."""

from __future__ import annotations

from audit.evaluate.analysis import Analysis
from audit.evaluate.checks.registry import Registry
from audit.evaluate.engine import run_checks
from audit.graph.result import Fetched
from audit.models import Resource, Severity, Status
from tests.helpers import error, failed, make_snapshot


def probe(needs=(), uses=()):
    """A registry with one check that records that it ran and passes."""
    reg = Registry()
    calls = []

    @reg.check("demo_probe_ran", title="t", severity=Severity.HIGH, area="demo",
               needs=needs, uses=uses)
    def ran(ctx):
        """Why."""
        calls.append(True)
        yield ctx.passed(Resource("client", ctx.view.client_slug), "ran")

    return reg, calls


def run(snap, reg):
    return run_checks(Analysis.of(snap), registry=reg)


def test_the_rules_check_is_skipped_naming_the_endpoint_and_error():
    snap = make_snapshot({"adaccount/act_1/rules": Fetched.failed(
        "GET /act_1/adrules_library", error("permission", 200))}, ad_accounts=["act_1"])
    [f] = [f for f in run_checks(Analysis.of(snap)) if f.check_id == "rules_window_supported"]
    assert f.status is Status.SKIPPED
    assert f.message == ("Skipped: GET /act_1/adrules_library could not be read "
                         "(permission error 200)")
    assert (f.resource.type, f.resource.id) == ("client", "acme")
    assert f.severity is Severity.HIGH and f.title.startswith("No automated rule")
    assert f.evidence == {"unmet_needs": ["adaccount/*/rules"], "failed_reads": [
        {"key": "adaccount/act_1/rules", "endpoint": "GET /act_1/adrules_library",
         "kind": "permission", "code": 200, "message": "denied"}]}


def test_the_check_is_not_run_when_a_need_is_unmet():
    reg, calls = probe(needs=("pixel/*/da_checks",))
    snap = make_snapshot({"pixel/p1/da_checks": failed("p1/da_checks")})
    [f] = run(snap, reg)
    assert f.status is Status.SKIPPED and calls == []


def test_one_readable_key_is_enough():
    reg, calls = probe(needs=("pixel/*/da_checks",))
    snap = make_snapshot({"pixel/p1/da_checks": failed("p1/da_checks"),
                          "pixel/p2/da_checks": []})
    assert [f.status for f in run(snap, reg)] == [Status.PASS] and calls == [True]


def test_partial_data_counts_as_read():
    reg, _ = probe(needs=("pixel/*/da_checks",))
    partial = Fetched("GET /p1/da_checks", [{"key": "k"}], error(kind="transient"), partial=True)
    assert [f.status for f in run(make_snapshot({"pixel/p1/da_checks": partial}), reg)] == [
        Status.PASS]


def test_uses_never_skip():
    reg, _ = probe(uses=("pixel/*/da_checks",))
    snap = make_snapshot({"pixel/p1/da_checks": failed("p1/da_checks")})
    assert [f.status for f in run(snap, reg)] == [Status.PASS]


def test_nothing_read_although_the_client_has_pixels():
    reg, _ = probe(needs=("pixel/*/da_checks",))
    [f] = run(make_snapshot({"pixel/p1": {"id": "p1"}}), reg)
    assert f.message == "Skipped: pixel/*/da_checks was not read"
    assert f.evidence == {"unmet_needs": ["pixel/*/da_checks"], "failed_reads": []}


def test_nothing_to_read_when_the_client_has_no_such_resources():
    reg, _ = probe(needs=("pixel/*/da_checks", "adaccount/*/rules"))
    assert [f.status for f in run(make_snapshot({}), reg)] == [Status.PASS]


def test_a_key_without_wildcard_is_always_expected():
    reg, _ = probe(needs=("business/owned_domains",))
    [f] = run(make_snapshot({}), reg)
    assert f.message == "Skipped: business/owned_domains was not read"


def test_endpoints_grouped_by_error_and_capped():
    reg, _ = probe(needs=("pixel/*/agencies", "adaccount/*/rules"))
    endpoints = {f"pixel/p{i}/agencies": failed(f"p{i}/agencies") for i in range(1, 6)}
    endpoints["pixel/p6/agencies"] = failed("p6/agencies", kind="unsupported", code=100)
    endpoints["adaccount/act_1/rules"] = failed("act_1/adrules_library", kind="network",
                                                code=None)
    [f] = run(make_snapshot(endpoints, ad_accounts=["act_1"]), reg)
    assert f.message == (
        "Skipped: GET /p1/agencies, GET /p2/agencies, GET /p3/agencies and 2 more could not "
        "be read (permission error 200); GET /p6/agencies could not be read (unsupported "
        "error 100); GET /act_1/adrules_library could not be read (network error)")
    assert len(f.evidence["failed_reads"]) == 7


def test_two_endpoints_are_joined_with_and():
    reg, _ = probe(needs=("pixel/*/agencies",))
    snap = make_snapshot({"pixel/a/agencies": failed("a/agencies"),
                          "pixel/b/agencies": failed("b/agencies")})
    [f] = run(snap, reg)
    assert f.message == ("Skipped: GET /a/agencies and GET /b/agencies could not be read "
                         "(permission error 200)")


def test_reads_are_indexed_under_every_pattern_they_fit() -> None:
    from audit.evaluate.needs import index_reads
    from audit.graph.reads import KEY_PATTERNS, key_matches

    keys = [p.replace("*", "123") for p in KEY_PATTERNS]  # one key per pattern, and more
    keys += ["pixel/9/stats/event/WEB_ONLY", "adaccount/act_2/insights/adset", "odd/1",
             "pixel", "business/7/owned_domains/extra"]
    snap = make_snapshot({k: Fetched("GET /x", {"data": []}) for k in keys})
    index = index_reads(snap)
    expected: dict[str, list[str]] = {}
    for key in sorted(keys):  # the plain way: every pattern tried on every key
        for pattern in KEY_PATTERNS:
            if key_matches(pattern, key):
                expected.setdefault(pattern, []).append(key)
    assert {p: [k for k, _ in reads] for p, reads in index.items()} == expected
    assert all(reads for reads in index.values()) and len(index) == len(set(KEY_PATTERNS))
