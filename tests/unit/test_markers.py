"""Domain verification markers: parsing (pure), reading them from a snapshot, the checks'
outcomes when owned_domains cannot be read, and the config that drives the lookups."""

from __future__ import annotations

import pytest

from audit.collect.domains import domains_to_check, marker_key
from audit.collect.markers import (
    file_shows_code,
    looks_like_code,
    meta_values,
    txt_values,
)
from audit.config import ConfigError, parse_config
from audit.evaluate.analysis import Analysis
from audit.evaluate.engine import run_checks
from audit.facts.facts import Facts
from audit.facts.inventory import sections, snapshot_assets
from audit.facts.markers import MarkerState, read_markers
from audit.facts.view import SnapshotView
from audit.graph.result import Fetched
from audit.models import Status
from tests.helpers import failed, make_snapshot

CODE = "ba209avzqi6hkaa4ww2xge0q2l8vet"
OTHER = "4pe1w1nua3x17uq75pcq6qqau2qkxl"

# ----------------------------------------------------------------------------- parsing


def test_txt_values_keep_only_verification_records():
    records = ["v=spf1 -all", f"facebook-domain-verification={CODE}",
               f'"FACEBOOK-DOMAIN-VERIFICATION={OTHER}"', "google-site-verification=x"]
    assert txt_values(records) == [CODE, OTHER]


def test_meta_values_read_the_head_only():
    html = (f'<html><head><title>x</title><META Name="Facebook-Domain-Verification" '
            f'content=" {CODE} "/><meta name="description" content="nope"></head>'
            f'<body><meta name="facebook-domain-verification" content="{OTHER}"></body></html>')
    assert meta_values(html) == ([CODE], True)


def test_meta_values_stop_at_body_without_a_head_end_tag():
    html = f'<meta name=facebook-domain-verification content={CODE}><body><meta ' \
           f'name=facebook-domain-verification content={OTHER}>'
    assert meta_values(html) == ([CODE], True)


def test_meta_values_decode_entities_and_report_an_unfinished_head():
    html = '<head><meta content="&lt;script&gt;alert(1)&lt;/script&gt;" ' \
           'name="facebook-domain-verification">' + "<!-- padding -->" * 10
    values, complete = meta_values(html)
    assert values == ["<script>alert(1)</script>"]
    assert complete is False


def test_meta_values_cut_very_long_contents():
    values, _ = meta_values(f'<head><meta name="facebook-domain-verification" '
                            f'content="{"a" * 5000}"></head>')
    assert len(values[0]) == 121 and values[0].endswith("…")


@pytest.mark.parametrize(("value", "ok"), [
    (CODE, True), ("ABCdef12", True), ("short1", False), ("a" * 65, False),
    ("<script>alert(1)</script>", False), ("abc-def-ghi-jkl", False), ("", False)])
def test_code_shape(value, ok):
    assert looks_like_code(value) is ok


def test_file_must_carry_the_code():
    assert file_shows_code(f"{CODE}\n", CODE)
    assert not file_shows_code("<html>Welcome to our shop</html>", CODE)


# ----------------------------------------------------------------------------- snapshot


def dns(*records: str) -> Fetched:
    return Fetched.ok("DNS TXT x", {"name": "x", "records": len(records),
                                    "verification": list(records)})


def home(*values: str, status: int = 200) -> Fetched:
    return Fetched.ok("GET https://x/", {"url": "https://x/", "status": status,
                                         "meta": list(values), "truncated": False})


def lookup_failed(kind: str, message: str) -> Fetched:
    return Fetched.failed("lookup", {"kind": kind, "message": message})


def snap_with(domain: str = "acme.co.uk", *, dns_res=None, home_res=None, files=None,
              mode="checked", codes=(CODE,), owned=None, traffic=0, declared=True):
    endpoints: dict = {"agency/owned_domains": [],
                       "business/owned_domains": owned if owned is not None else failed(
                           "owned_domains", kind="unsupported", code=100)}
    if dns_res is not None:
        endpoints[marker_key("dns", domain)] = dns_res
    if home_res is not None:
        endpoints[marker_key("home", domain)] = home_res
    for code, res in (files or {}).items():
        endpoints[marker_key("file", domain, code)] = res
    if traffic:
        endpoints["pixel/p1"] = {"id": "p1"}
        endpoints["pixel/p1/stats/host"] = [{"data": [{"value": f"www.{domain}",
                                                       "count": traffic}]}]
    snap = make_snapshot(endpoints, domains=[domain] if declared else [],
                         domain_verification_codes=list(codes))
    if mode:
        snap.window["domain_markers"] = {"mode": mode}
    return snap


def state(snap, domain="acme.co.uk"):
    return read_markers(SnapshotView(snap), domain)


def test_client_code_by_dns_or_meta_or_file():
    assert state(snap_with(dns_res=dns(f"facebook-domain-verification={CODE}"),
                           home_res=home())).state is MarkerState.CLIENT
    by_meta = state(snap_with(dns_res=dns(), home_res=home(CODE.upper())))
    assert by_meta.state is MarkerState.CLIENT and by_meta.client_methods == [
        "meta tag on the home page"]
    by_file = state(snap_with(dns_res=dns(), home_res=home(), files={
        CODE: Fetched.ok("GET", {"status": 200, "shows_code": True})}))
    assert by_file.state is MarkerState.CLIENT
    assert by_file.client_methods == ["HTML file at the web root"]


def test_the_clients_code_wins_over_a_stale_one():
    m = state(snap_with(dns_res=dns(f"facebook-domain-verification={OTHER}"),
                        home_res=home(CODE)))
    assert m.state is MarkerState.CLIENT
    assert m.other_codes == [OTHER]


def test_another_code_only():
    m = state(snap_with(dns_res=dns(f"facebook-domain-verification={OTHER}"),
                        home_res=home()))
    assert (m.state, m.other_codes) == (MarkerState.OTHER, [OTHER])


def test_a_code_but_the_clients_is_not_known():
    m = state(snap_with(dns_res=dns(), home_res=home(OTHER), codes=()))
    assert m.state is MarkerState.UNKNOWN_CODE


def test_no_marker_and_malformed_values_are_not_codes():
    m = state(snap_with(dns_res=dns("facebook-domain-verification=<b>x</b>"),
                        home_res=home("<script>alert(1)</script>")))
    assert m.state is MarkerState.NONE
    assert m.malformed == ["<b>x</b>", "<script>alert(1)</script>"]


@pytest.mark.parametrize(("dns_res", "home_res", "needle"), [
    (lookup_failed("timeout", "the DNS lookup timed out after 5 s"), home(), "DNS: the DNS"),
    (dns(), lookup_failed("http_status", "the site answered HTTP 403"), "HTTP 403"),
    (lookup_failed("nxdomain", "the domain does not exist in DNS"),
     lookup_failed("refused", "the connection was refused"), "does not exist"),
])
def test_unreachable_names_the_reason(dns_res, home_res, needle):
    m = state(snap_with(dns_res=dns_res, home_res=home_res))
    assert m.state is MarkerState.UNREACHABLE
    assert needle in m.reason


def test_lookup_failures_are_findings_not_collection_errors():
    snap = snap_with(dns_res=lookup_failed("timeout", "the DNS lookup timed out after 5 s"),
                     home_res=lookup_failed("http_status", "the site answered HTTP 403"))
    assert snap.get(marker_key("dns", "acme.co.uk")).error_kind == "timeout"
    assert [e.resource for e in snap.collection_errors()] == []


def test_offline_and_unchecked():
    assert state(snap_with(mode="offline")).state is MarkerState.OFFLINE
    assert state(snap_with(mode=None, dns_res=dns(), home_res=home())).state is \
        MarkerState.UNCHECKED


def test_the_list_of_domains_to_look_up():
    snap = snap_with("acme.co.uk", traffic=10)
    snap.put("pixel/p1/stats/host", Fetched.ok("GET", [{"data": [
        {"value": "shop.acme-pay.com", "count": 5}, {"value": "www.acme.co.uk", "count": 50},
        {"value": "localhost", "count": 9}, {"value": "big.example.org", "count": 90}]}]))
    snap.client["domains"] = ["shop.acme.co.uk"]
    assert domains_to_check(snap) == ["acme.co.uk", "example.org", "acme-pay.com"]


# ----------------------------------------------------------------------------- checks


def by(snap, check_id):
    return {f.resource.id: f for f in run_checks(Analysis.of(snap)) if f.check_id == check_id}


def test_checks_give_the_four_outcomes_from_markers():
    cases = {
        "client": (dns(f"facebook-domain-verification={CODE}"), home(), Status.PASS),
        "other": (dns(), home(OTHER), Status.WARN),
        "none": (dns(), home(), Status.WARN),
        "unreachable": (lookup_failed("timeout", "the DNS lookup timed out after 5 s"),
                        home(), Status.SKIPPED),
    }
    for name, (dns_res, home_res, expected) in cases.items():
        snap = snap_with(dns_res=dns_res, home_res=home_res, traffic=120)
        finding = by(snap, "domains_traffic_verified")["acme.co.uk"]
        assert finding.status is expected, name
        assert finding.evidence["marker_outcome"] == name
    # messages for a non-technical reader: no config keys, endpoints or API codes
    other = by(snap_with(dns_res=dns(), home_res=home(OTHER), traffic=5),
               "domains_traffic_verified")["acme.co.uk"]
    assert "another business" in other.message and "Acme" in other.message
    assert "Brand safety → Domains" in other.remediation
    assert other.evidence["codes_by_meta"] == [OTHER]
    for text in (other.message, by(snap_with(dns_res=dns(), home_res=home()),
                                   "domains_traffic_verified")["acme.co.uk"].message):
        assert "domain_verification_codes" not in text and "GET " not in text
        assert "#100" not in text and "ios14-audit" not in text


def test_no_marker_says_how_to_find_the_code_when_it_is_unknown():
    f = by(snap_with(dns_res=dns(), home_res=home(), codes=()),
           "domains_traffic_verified")["acme.co.uk"]
    assert f.status is Status.WARN
    assert "HTML file" in f.message and "cannot be seen without knowing" in f.message
    assert "send the code shown for it" in f.remediation


def test_offline_run_is_not_checked():
    f = by(snap_with(mode="offline", traffic=3), "domains_traffic_verified")["acme.co.uk"]
    assert f.status is Status.SKIPPED
    assert f.message == "acme.co.uk: not checked (offline run)."


def test_owner_check_from_markers_speaks_only_when_a_code_says_who():
    found = by(snap_with(dns_res=dns(), home_res=home(OTHER)), "domains_owner_client")
    assert found["acme.co.uk"].status is Status.WARN
    assert by(snap_with(dns_res=dns(), home_res=home(CODE)),
              "domains_owner_client")["acme.co.uk"].status is Status.PASS
    none = by(snap_with(dns_res=dns(), home_res=home()), "domains_owner_client")
    assert "acme.co.uk" not in none  # the traffic check reports "no marker" once


def test_owned_domains_stays_the_first_source_and_markers_become_evidence():
    owned = [{"id": "1", "domain_name": "acme.co.uk", "status": "verified",
              "owner_business": {"id": "1000000000001"}}]
    snap = snap_with(dns_res=dns(), home_res=home(), owned=owned, traffic=10)
    f = by(snap, "domains_traffic_verified")["acme.co.uk"]
    assert f.status is Status.PASS  # no marker, but Meta says verified
    assert f.evidence["marker_outcome"] == "none"


def test_inventory_and_history_read_verification_from_markers():
    snap = snap_with(dns_res=dns(), home_res=home(CODE), traffic=10)
    facts = Facts(snap)
    [row] = sections(facts)["domains"]["rows"]
    assert row["verified"] is True and row["markers"]["state"] == "client"
    assert snapshot_assets(facts)["domain_verified"] == {"acme.co.uk": "yes"}
    lost = Facts(snap_with(dns_res=dns(), home_res=home(), traffic=10))
    assert snapshot_assets(lost)["domain_verified"] == {"acme.co.uk": "no"}


# ----------------------------------------------------------------------------- config


def config(**top):
    data = {"agency": {"name": "A", "business_id": "1"},
            "clients": [{"slug": "a", "name": "A", "business_id": "2"}]}
    for key, value in top.items():
        if key == "client":
            data["clients"][0].update(value)
        else:
            data[key] = value
    return data


def problems(data):
    with pytest.raises(ConfigError) as exc:
        parse_config(data)
    return exc.value.problems


def test_network_defaults_and_offline_copy():
    cfg = parse_config(config())
    assert (cfg.network.enabled, cfg.network.timeout_seconds, cfg.network.concurrency,
            cfg.network.max_page_bytes) == (True, 5.0, 16, 524288)
    assert cfg.offline().network.enabled is False and cfg.network.enabled is True


def test_codes_are_normalised_and_odd_values_never_echoed():
    cfg = parse_config(config(client={"domain_verification_codes": [CODE.upper()]}))
    assert cfg.clients[0].domain_verification_codes == [CODE]
    found = problems(config(client={"domain_verification_codes": ["EAAB-secret-token!"]}))
    assert found[0].startswith("clients[0].domain_verification_codes[0]: must be a domain")
    assert "EAAB" not in found[0]


def test_nameservers_and_connect_to_are_validated():
    cfg = parse_config(config(network={"nameservers": ["9.9.9.9", "[::1]:5353"],
                                       "connect_to": {"Shop.Example.com:443": "127.0.0.1:9"}}))
    assert cfg.network.nameservers == ["9.9.9.9:53", "[::1]:5353"]
    assert cfg.network.connect_to == {"shop.example.com:443": "127.0.0.1:9"}
    found = problems(config(network={"nameservers": ["dns.google"],
                                     "connect_to": {"bad host": "127.0.0.1:1"}}))
    assert any(p.startswith("network.nameservers[0]: must be an IP address") for p in found)
    assert any(p.startswith("network.connect_to: keys must be host") for p in found)
