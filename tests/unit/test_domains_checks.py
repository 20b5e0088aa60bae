from __future__ import annotations

import pytest

from audit.evaluate.analysis import Analysis
from audit.evaluate.engine import run_checks
from audit.facts.domains import read_domain_rows, registrable_domain
from audit.facts.view import SnapshotView
from audit.models import Status
from tests.helpers import AGENCY_ID, CLIENT_ID, failed, make_snapshot, stats


@pytest.mark.parametrize(("host", "expected"), [
    ("shop.example.co.uk", "example.co.uk"), ("www.Example.com.", "example.com"),
    ("https://a.b.lumenoutdoor.com.au:8443/x?y", "lumenoutdoor.com.au"),
    ("localhost", None), ("10.0.0.1", None), ("[2001:db8::1]", None), ("co.uk", None),
    ("bücher.de", "xn--bcher-kva.de"),
])
def test_registrable_domain(host, expected):
    assert registrable_domain(host) == expected


def host_stats(*rows):
    return [{"aggregation": "host", "start_time": "2026-11-28T10:00:00+0000",
             "data": [{"value": h, "count": c} for h, c in rows]}]


def owned(*names, owner=CLIENT_ID, status="verified"):
    return [{"id": str(i), "domain_name": n, "status": status, "owner_business": {"id": owner}}
            for i, n in enumerate(names)]


def by(snap, check_id):
    return {f.resource.id: f for f in run_checks(Analysis.of(snap)) if f.check_id == check_id}


def base(**endpoints):
    data = {"pixel/p1": {"id": "p1", "name": "Main"},
            "pixel/p1/stats/host": host_stats(("shop.acme.co.uk", 70), ("www.acme.co.uk", 30),
                                              ("checkout.acme-pay.com", 5), ("127.0.0.1", 3)),
            "agency/owned_domains": []}
    data.update(endpoints)
    return data


def test_hosts_reduce_to_registrable_domains():
    snap = make_snapshot(base(**{"business/owned_domains": owned("acme.co.uk")}))
    rows = read_domain_rows(SnapshotView(snap))
    assert set(rows) == {"acme.co.uk", "acme-pay.com"}
    assert rows["acme.co.uk"].events == 100


def test_traffic_domains_verified_pass_and_fail():
    snap = make_snapshot(base(**{"business/owned_domains": owned("acme.co.uk")}))
    found = by(snap, "domains_traffic_verified")
    assert found["acme.co.uk"].status is Status.PASS
    assert found["acme-pay.com"].status is Status.FAIL
    assert "checkout.acme-pay.com" in found["acme-pay.com"].message
    assert "Brand safety → Domains" in found["acme-pay.com"].remediation


def test_pending_status_is_not_verified_and_relaxed_mode_warns():
    snap = make_snapshot(base(**{"business/owned_domains": owned("acme.co.uk", "acme-pay.com",
                                                                 status="pending")}),
                         aem_mode="relaxed")
    found = by(snap, "domains_traffic_verified")
    assert found["acme.co.uk"].status is Status.WARN
    assert "status: pending" in found["acme.co.uk"].message


def test_owned_domains_unavailable_never_reports_not_verified():
    err = failed("owned_domains", kind="unsupported", code=100,
                 message="(#100) Tried accessing nonexisting field (owned_domains)")
    snap = make_snapshot(base(**{"business/owned_domains": err}), domains=["acme.co.uk"])
    found = by(snap, "domains_traffic_verified")
    assert {f.status for f in found.values()} == {Status.SKIPPED}
    assert "verification was not checked" in found["acme.co.uk"].message
    assert "one of the domains declared" in found["acme.co.uk"].message
    assert "not among the domains declared" in found["acme-pay.com"].message
    # the API's error is evidence for the technical reader, not message text
    assert "#100" not in found["acme.co.uk"].message
    assert found["acme.co.uk"].evidence["owned_domains_error"]["code"] == 100
    owner = by(snap, "domains_owner_client")
    assert {f.status for f in owner.values()} == {Status.SKIPPED}


def test_domain_verified_by_another_business_or_the_agency():
    snap = make_snapshot(base(**{
        "business/owned_domains": owned("acme.co.uk") + [
            {"id": "9", "domain_name": "acme-pay.com", "status": "verified",
             "owner_business": {"id": "777", "name": "Old Agency"}}],
        "agency/owned_domains": [{"id": "5", "domain_name": "www.acme.co.uk"}]}))
    found = by(snap, "domains_owner_client")
    assert found["acme-pay.com"].status is Status.FAIL
    assert "Old Agency (777)" in found["acme-pay.com"].message
    assert found["acme.co.uk"].status is Status.FAIL
    assert AGENCY_ID in found["acme.co.uk"].message


def test_domain_owned_by_client_passes():
    snap = make_snapshot(base(**{"business/owned_domains": owned("acme.co.uk", "acme-pay.com")}))
    found = by(snap, "domains_owner_client")
    assert {f.status for f in found.values()} == {Status.PASS}


def test_declared_domain_without_traffic_warns():
    snap = make_snapshot(base(**{"business/owned_domains": owned("acme.co.uk")}),
                         domains=["acme.co.uk", "acme-outlet.de"])
    found = by(snap, "domains_declared_traffic")
    assert found["acme.co.uk"].status is Status.PASS
    assert found["acme-outlet.de"].status is Status.WARN


def test_declared_domains_skipped_when_no_host_stats():
    # The check needs pixel/*/stats/host: the engine's standard SKIPPED replaces it.
    snap = make_snapshot({"pixel/p1": {"id": "p1"}, "pixel/p1/stats/host": failed("p1/stats")},
                         domains=["acme.co.uk"])
    [finding] = by(snap, "domains_declared_traffic").values()
    assert finding.status is Status.SKIPPED and finding.resource.id == "acme"
    assert finding.message == ("Skipped: GET /p1/stats could not be read "
                               "(permission error 200)")


def test_unused_stats_helper_shape():
    # event stats and host stats share the bucket shape; event buckets are not hosts
    snap = make_snapshot({"pixel/p1": {"id": "p1"}, "pixel/p1/stats/event": stats(("Lead", 1))})
    assert read_domain_rows(SnapshotView(snap)) == {}
