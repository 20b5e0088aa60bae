"""Domain verification markers over real DNS and HTTP: the collector's lookups against the
sandbox's DNS server (dnslib, UDP and TCP) and web server, then the checks; and the CLI end
to end (Graph sandbox + site servers), including --offline, --from-snapshot and a hostile
page. No mocked resolver: every lookup crosses a loopback socket."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from audit.collect.domains import collect_markers, marker_key
from audit.collect.lookups import DomainLookups
from audit.config import NetworkConfig
from audit.evaluate.analysis import Analysis
from audit.evaluate.engine import run_checks
from audit.models import Status
from audit.sandbox import SandboxServer, SiteServers
from audit.sandbox.world.load_sites import parse_sites
from tests.helpers import failed, make_snapshot
from tests.integration.conftest import findings, load_runs, run_cli, write_config

CODE = "ba209avzqi6hkaa4ww2xge0q2l8vet"
OTHER = "4pe1w1nua3x17uq75pcq6qqau2qkxl"
CAP = 64 * 1024
TIMEOUT = 0.5


def meta(code: str) -> str:
    return (f'<!doctype html><html><head><title>Shop</title><meta name="facebook-domain-'
            f'verification" content="{code}"></head><body>Hello</body></html>')


SITES: dict[str, Any] = {
    "by-dns.com.au": {"txt": ["v=spf1 -all", f"facebook-domain-verification={CODE}"]},
    "by-meta.co.uk": {"home": meta(CODE), "redirect": "http://www.by-meta.co.uk/",
                      "hosts": ["www.by-meta.co.uk"]},
    "by-file.com": {"files": [CODE]},
    "other-code.com": {"txt": [f"facebook-domain-verification={OTHER}"]},
    "no-marker.com": {"txt": ["v=spf1 -all"]},
    "slow-dns.com": {"dns": "timeout"},
    "slow-web.com": {"delay_ms": 3000},
    "refused.com": {"web": "refused", "dns": "servfail"},
    "blocked.com": {"status": 403, "home": meta(CODE)},
    "away.com": {"redirect": "http://elsewhere.net/"},
    "huge-tag-first.com": {"home": meta(CODE), "padding_bytes": 5_000_000},
    "huge-no-head-end.com": {"home": "<html><head><title>x</title></head><body></body>",
                             "padding_bytes": 5_000_000},
    "many-txt.com": {"txt": [f"facebook-domain-verification={CODE}"]
                     + [f"record-{i}-" + "x" * 200 for i in range(6)]},
    "hostile-shop.com.au": {"home": (
        '<html><head><meta name="facebook-domain-verification" '
        'content="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">'
        "<script>alert(2)</script></head><body onload=alert(3)></body></html>")},
}


@pytest.fixture(scope="module")
def sites() -> Iterator[SiteServers]:
    with SiteServers(parse_sites(SITES, "domains")) as servers:
        yield servers


def network(servers: SiteServers, **over: Any) -> NetworkConfig:
    settings = servers.network_settings(timeout_seconds=TIMEOUT)
    settings.update({"max_page_bytes": CAP, **over})
    return NetworkConfig(**settings)


@pytest.fixture
def lookups(sites: SiteServers) -> Iterator[DomainLookups]:
    found = DomainLookups(network(sites))
    yield found
    found.close()


def audited(lookups: DomainLookups, domain: str, codes: tuple[str, ...] = (CODE,)) -> Any:
    """A client declaring ``domain``, owned_domains answering #100, markers collected."""
    snap = make_snapshot({"business/owned_domains": failed("owned_domains", kind="unsupported",
                                                           code=100),
                          "agency/owned_domains": []},
                         domains=[domain], domain_verification_codes=list(codes))
    collect_markers(snap, lookups, codes)
    [finding] = [f for f in run_checks(Analysis.of(snap))
                 if f.check_id == "domains_traffic_verified" and f.resource.id == domain]
    return snap, finding


@pytest.mark.parametrize(("domain", "status", "outcome", "evidence_key"), [
    ("by-dns.com.au", Status.PASS, "client", "codes_by_dns"),
    ("by-meta.co.uk", Status.PASS, "client", "codes_by_meta"),  # after a redirect to www
    ("by-file.com", Status.PASS, "client", "codes_by_file"),
    ("other-code.com", Status.WARN, "other", "codes_by_dns"),
    ("no-marker.com", Status.WARN, "none", "markers_checked"),
    ("refused.com", Status.SKIPPED, "unreachable", "could_not_read"),
])
def test_each_outcome_over_dns_and_http(lookups, domain, status, outcome, evidence_key):
    _, finding = audited(lookups, domain)
    assert finding.status is status
    assert finding.evidence["marker_outcome"] == outcome
    assert evidence_key in finding.evidence


def test_redirects_on_the_same_domain_are_followed_and_the_page_address_kept(lookups):
    snap, _ = audited(lookups, "by-meta.co.uk")
    assert snap.get(marker_key("home", "by-meta.co.uk")).data["url"] == \
        "http://www.by-meta.co.uk/"


def test_another_code_is_named_in_the_evidence(lookups):
    _, finding = audited(lookups, "other-code.com")
    assert finding.evidence["codes_by_dns"] == [OTHER]
    assert finding.evidence["codes_expected"] == [CODE]


def test_timeouts_are_skipped_with_the_reason_and_bounded(lookups):
    started = time.monotonic()
    snap, dns_slow = audited(lookups, "slow-dns.com")
    _, web_slow = audited(lookups, "slow-web.com")
    elapsed = time.monotonic() - started
    assert snap.get(marker_key("dns", "slow-dns.com")).error_kind == "timeout"
    assert dns_slow.status is Status.SKIPPED and "timed out" in dns_slow.message
    assert web_slow.status is Status.SKIPPED and "did not answer in time" in web_slow.message
    # DNS timeout + HTTPS refused fast + HTTP read timeout, each bounded by the setting
    assert elapsed < 8 * TIMEOUT + 2


def test_nxdomain(lookups):
    snap, finding = audited(lookups, "nowhere-at-all.com")
    assert snap.get(marker_key("dns", "nowhere-at-all.com")).error_kind == "nxdomain"
    assert finding.status is Status.SKIPPED
    assert "does not exist" in finding.message


def test_a_blocked_fetch_and_an_offsite_redirect_are_not_read_as_no_marker(lookups):
    snap, blocked = audited(lookups, "blocked.com")
    home = snap.get(marker_key("home", "blocked.com"))
    assert (home.error_kind, home.error["http_status"]) == ("http_status", 403)
    assert blocked.status is Status.SKIPPED  # the tag on the 403 page is not trusted
    snap, away = audited(lookups, "away.com")
    assert snap.get(marker_key("home", "away.com")).error_kind == "offsite_redirect"
    assert away.status is Status.SKIPPED


def test_the_size_cap_is_honoured(lookups):
    started = time.monotonic()
    snap, first = audited(lookups, "huge-tag-first.com")
    data = snap.get(marker_key("home", "huge-tag-first.com")).data
    assert data["truncated"] is True and data["bytes"] <= CAP
    assert first.status is Status.PASS  # the tag came before the cap
    snap, cut = audited(lookups, "huge-no-head-end.com")
    res = snap.get(marker_key("home", "huge-no-head-end.com"))
    assert res.error_kind == "too_large" and res.data["bytes"] <= CAP
    assert cut.status is Status.SKIPPED
    assert time.monotonic() - started < 5  # 5 MB pages were not downloaded


def test_large_txt_answers_fall_back_to_tcp(lookups, sites):
    _, finding = audited(lookups, "many-txt.com")
    assert finding.status is Status.PASS
    protocols = {p for name, qtype, p in sites.dns.queries if name == "many-txt.com"}
    assert protocols == {"udp", "tcp"}


def test_https_first_then_http_no_cookies_sent_back_and_a_plain_user_agent(lookups, sites):
    snap, _ = audited(lookups, "by-file.com")
    attempts = snap.get(marker_key("home", "by-file.com")).data["attempts"]
    assert attempts == [{"url": "https://by-file.com/", "error": "refused"}]
    mine = [r for r in sites.web.requests if r.host == "by-file.com"]
    assert {r.path for r in mine} == {"/", f"/{CODE}.html"}
    assert all(r.user_agent.startswith("ios14-audit/") for r in mine)
    # the home page sets a cookie on every visit; visit again, one after the other
    before = len(sites.web.requests)
    lookups.home("by-file.com")
    lookups.home("by-file.com")
    again = [r for r in sites.web.requests[before:] if r.host == "by-file.com"]
    assert len(again) == 2 and not any(r.had_cookie for r in again)
    assert list(lookups.http.cookies.jar) == []


def test_lookups_are_cached_for_the_run(lookups, sites):
    before = len([q for q in sites.dns.queries if q[0] == "no-marker.com"])
    for _ in range(3):
        audited(lookups, "no-marker.com")
    after = len([q for q in sites.dns.queries if q[0] == "no-marker.com"])
    assert after - before == 1


# ----------------------------------------------------------------------------- CLI


@pytest.fixture
def graph_and_sites(demo_world: Any) -> Iterator[tuple[SandboxServer, SiteServers]]:
    domains = {**{name: {"txt": site.txt, "home": site.home, "files": site.files,
                         "hosts": site.hosts, "dns": site.dns, "web": site.web}
                      for name, site in demo_world.sites.items()},
               "hostile-shop.com.au": SITES["hostile-shop.com.au"]}
    with SandboxServer(demo_world, port=0) as graph, \
            SiteServers(parse_sites(domains, "domains")) as servers:
        yield graph, servers


def tidewater_config(tmp_path: Path, graph: SandboxServer, servers: SiteServers) -> Path:
    path = write_config(tmp_path, graph.base_url, clients=["tidewater-coffee"],
                        network=servers.network_settings(timeout_seconds=TIMEOUT))
    data = yaml.safe_load(path.read_text())
    data["clients"][0]["domains"].append("hostile-shop.com.au")
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def test_cli_run_offline_and_from_snapshot(tmp_path, graph_and_sites, tokens):
    graph, servers = graph_and_sites
    config = tidewater_config(tmp_path, graph, servers)
    out = tmp_path / "out"

    result = run_cli("run", "-c", str(config), "--out", str(out))
    assert result.exit_code == 0, result.output
    live = findings(load_runs(out)["tidewater-coffee"], "domains_traffic_verified")
    assert live["tidewatercoffee.com.au"]["status"] == "PASS"
    assert live["tidewater-roasters.com"]["status"] == "WARN"
    queries = len(servers.dns.queries)
    assert queries > 0

    # hostile markup in the meta content and the page never reaches the HTML unescaped
    hostile = live["hostile-shop.com.au"]
    assert hostile["status"] == "WARN"
    assert hostile["evidence"]["unrecognised_values"] == ['"><script>alert(1)</script>']
    html = (out / "tidewater-coffee" / "report.html").read_text()
    assert "<script>alert" not in html and "onload=alert" not in html
    # the client report does not quote marker values; the technical page does, escaped
    tech = (out / "tidewater-coffee" / "technical.html").read_text()
    assert "<script>alert" not in tech and "onload=alert" not in tech
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in tech

    offline_out = tmp_path / "offline"
    result = run_cli("run", "-c", str(config), "--out", str(offline_out), "--offline")
    assert result.exit_code == 0, result.output
    offline = findings(load_runs(offline_out)["tidewater-coffee"], "domains_traffic_verified")
    assert {f["status"] for f in offline.values()} == {"SKIPPED"}
    assert offline["tidewatercoffee.com.au"]["message"] == (
        "tidewatercoffee.com.au: not checked (offline run).")
    assert len(servers.dns.queries) == queries

    rerun_out = tmp_path / "rerun"
    servers.stop()  # a re-run from the snapshot needs no network at all
    result = run_cli("run", "-c", str(config), "--out", str(rerun_out), "--from-snapshot",
                     str(out / "tidewater-coffee" / "snapshot.json"))
    assert result.exit_code == 0, result.output
    again = findings(load_runs(rerun_out)["tidewater-coffee"], "domains_traffic_verified")
    assert {k: f["status"] for k, f in again.items()} == {
        k: f["status"] for k, f in live.items()}


def test_cli_domains_command_shows_the_markers(tmp_path, graph_and_sites, tokens):
    graph, servers = graph_and_sites
    config = tidewater_config(tmp_path, graph, servers)
    result = run_cli("domains", "-c", str(config), "--json")
    assert result.exit_code == 0, result.output
    rows = {r["domain"]: r for r in json.loads(result.output)["tidewater-coffee"]["rows"]}
    assert rows["tidewatercoffee.com.au"]["markers"]["state"] == "client"
    assert rows["tidewatercoffee.com.au"]["verified"] is True
    assert rows["tidewater-roasters.com"]["markers"]["codes"] == [
        "hii9903qjdua29s4wu9xlfrvgg19vm"]
