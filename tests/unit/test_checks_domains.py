"""Domain checks on several domains at once, with the whole message each one gives.

Each snapshot is small enough to read the expected finding off it by hand: which domains
the pixels fired on (and how often), which are declared, what Meta's list or the domains'
own markers say. A first domain the check must step past comes before one it must judge.
"""

from __future__ import annotations

from typing import Any

import pytest

from audit.collect.domains import marker_key
from audit.evaluate.analysis import Analysis
from audit.evaluate.engine import run_checks
from audit.graph.result import Fetched
from audit.models import Finding, Status
from tests.helpers import AGENCY_ID, CLIENT_ID, failed, make_snapshot

PASS, FAIL, WARN, SKIPPED = Status.PASS, Status.FAIL, Status.WARN, Status.SKIPPED
CODE = "ba209avzqi6hkaa4ww2xge0q2l8vet"   # the client's verification code
OTHER = "4pe1w1nua3x17uq75pcq6qqau2qkxl"  # someone else's
SETTINGS = f"https://business.facebook.com/settings?business_id={CLIENT_ID}"
GONE = failed("owned_domains", kind="unsupported", code=100)


def traffic(*rows: tuple[str, int]) -> dict[str, Any]:
    return {"pixel/p1": {"id": "p1", "name": "Main"}, "pixel/p1/stats/host": [
        {"aggregation": "host", "start_time": "2026-11-28T10:00:00+0000",
         "data": [{"value": h, "count": c} for h, c in rows]}]}


def markers(domain: str, *, txt: tuple[str, ...] = (), meta: tuple[str, ...] = (),
            files: tuple[str, ...] = (), dns_error: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    out[marker_key("dns", domain)] = (
        Fetched.failed("dns", {"kind": "timeout", "message": dns_error}) if dns_error else
        Fetched.ok("dns", {"verification": [f"facebook-domain-verification={c}"
                                            for c in txt]}))
    out[marker_key("home", domain)] = Fetched.ok("home", {"status": 200, "meta": list(meta)})
    for code in files:
        out[marker_key("file", domain, code)] = Fetched.ok("file", {"shows_code": True})
    return out


def findings(check: str, endpoints: dict[str, Any], *, mode: str | None = "checked",
             **client: Any) -> dict[str, Finding]:
    snap = make_snapshot(endpoints, **client)
    if mode:
        snap.window["domain_markers"] = {"mode": mode}
    found = [f for f in run_checks(Analysis.of(snap)) if f.check_id == check]
    return {f.resource.id: f for f in found}


def statuses(found: dict[str, Finding]) -> dict[str, Status]:
    return {k: f.status for k, f in found.items()}


# ------------------------------------------------------------------ from owned_domains


def test_traffic_domains_in_order_of_traffic_with_whole_messages() -> None:
    # acme.com: 70 + 30 events, verified; shop.de: 5, listed as pending; blog.io: 40, not
    # listed at all. Order: most events first (acme.com 100, blog.io 40, shop.de 5).
    found = findings("domains_traffic_verified", {
        **traffic(("www.acme.com", 70), ("acme.com", 30), ("shop.de", 5), ("blog.io", 40)),
        "business/owned_domains": [
            {"domain_name": "acme.com", "status": "VERIFIED", "owner_business": {"id": CLIENT_ID}},
            {"domain_name": "shop.de", "status": "pending", "owner_business": {"id": CLIENT_ID}}]},
        aem_mode="legacy")
    assert list(found) == ["acme.com", "blog.io", "shop.de"]
    assert statuses(found) == {"acme.com": PASS, "blog.io": FAIL, "shop.de": FAIL}
    assert found["acme.com"].message == "acme.com is verified and receives 100 events."
    assert found["acme.com"].evidence == {
        "events_7d": 100, "hosts": {"acme.com": 30, "www.acme.com": 70}, "pixels": ["p1"],
        "declared": False, "owned_domains_status": "VERIFIED"}
    assert found["blog.io"].message == ("blog.io receives 40 pixel events on blog.io but is "
                                        "not verified in Acme's Business Manager.")
    assert found["shop.de"].message == ("shop.de receives 5 pixel events on shop.de but is "
                                        "not verified in Acme's Business Manager (status: "
                                        "pending).")
    assert found["blog.io"].remediation == (
        f"In Acme's Business Settings ({SETTINGS}): Brand safety → Domains → Add → enter "
        "blog.io → verify it with the DNS TXT record, the HTML file or the meta tag shown. "
        f"Then open the domain → Assign partner → enter {AGENCY_ID} (Northwind) if the "
        "agency must edit links or configure events for it.")


def test_a_declared_domain_without_traffic_is_not_judged_from_meta_s_list() -> None:
    found = findings("domains_traffic_verified", {
        **traffic(("zzz.com", 0), ("acme.com", 3)), "business/owned_domains": []},
        domains=["quiet.com"], aem_mode="legacy")
    assert statuses(found) == {"acme.com": FAIL}


def test_the_owner_check_goes_on_past_a_domain_with_nothing_to_say() -> None:
    # aaa.com: zero events, not declared, not listed (nothing to say); client.com: listed
    # by the client; other.com: another business; agency.com: in the agency's list.
    found = findings("domains_owner_client", {
        **traffic(("aaa.com", 0), ("agency.com", 2)),
        "business/owned_domains": [
            {"domain_name": "client.com", "status": "verified",
             "owner_business": {"id": CLIENT_ID}},
            {"domain_name": "other.com", "status": "verified", "owner_business": {"id": "77"}}],
        "agency/owned_domains": [{"domain_name": "www.agency.com"}]})
    assert statuses(found) == {"agency.com": FAIL, "client.com": PASS, "other.com": FAIL}
    assert found["client.com"].message == "client.com is verified by Acme."
    assert found["client.com"].evidence == {"owner_business_id": CLIENT_ID}
    assert found["other.com"].message == "other.com is verified by business (77), not by Acme."
    assert found["other.com"].evidence == {"owner_business_id": "77", "listed_by_agency": False,
                                           "client_business_id": CLIENT_ID}
    assert found["agency.com"].message == ("agency.com is verified by the agency, Northwind "
                                           f"({AGENCY_ID}), not by Acme.")
    assert found["agency.com"].remediation.startswith(
        f"Have the agency, Northwind ({AGENCY_ID}) remove agency.com (Business Settings → "
        "Brand safety → Domains → Remove)")


def test_a_listed_domain_without_an_owner_is_the_clients() -> None:
    found = findings("domains_owner_client", {
        "business/owned_domains": [{"domain_name": "acme.com", "status": "verified"}]})
    assert statuses(found) == {"acme.com": PASS}
    assert found["acme.com"].evidence == {"owner_business_id": CLIENT_ID}


def test_declared_traffic_goes_on_past_undeclared_domains() -> None:
    # aaa.com has traffic but is not declared (nothing to say); bbb.com is declared and
    # fired 4 times; ccc.com is declared and silent.
    found = findings("domains_declared_traffic", {**traffic(("aaa.com", 9), ("bbb.com", 4))},
                     domains=["bbb.com", "www.ccc.com"])
    assert statuses(found) == {"bbb.com": PASS, "ccc.com": WARN}
    assert found["bbb.com"].message == "bbb.com received 4 pixel events."
    assert found["bbb.com"].evidence == {"events_7d": 4}
    assert found["ccc.com"].message == ("ccc.com is declared for Acme but no pixel fired on it "
                                        "in the last 7 days.")
    assert found["ccc.com"].evidence == {"pixels_checked": ["p1"]}
    assert found["ccc.com"].remediation.startswith(
        "Open the site on ccc.com with the Meta Pixel Helper")


# ------------------------------------------------------------------ from the markers


def _marker_findings(**markers_by_domain: dict[str, Any]) -> dict[str, Finding]:
    endpoints: dict[str, Any] = {**traffic(("acme.com", 12)), "business/owned_domains": GONE,
                                 "agency/owned_domains": []}
    for m in markers_by_domain.values():
        endpoints.update(m)
    return findings("domains_traffic_verified", endpoints,
                    domains=["acme.com", "quiet.com"], domain_verification_codes=[CODE])


def test_markers_the_clients_code_by_every_method() -> None:
    found = _marker_findings(a=markers("acme.com", txt=(CODE,), meta=(CODE,), files=(CODE,)),
                             q=markers("quiet.com", meta=(CODE,)))
    assert statuses(found) == {"acme.com": PASS, "quiet.com": PASS}
    assert found["acme.com"].message == ("acme.com carries Acme's verification code (DNS record "
                                         "and home-page tag and file on the site) and receives "
                                         "12 pixel events.")
    # a declared domain without traffic is checked from its markers too
    assert found["quiet.com"].message == ("quiet.com carries Acme's verification code "
                                          "(home-page tag).")
    assert found["acme.com"].evidence["codes_by_dns"] == [CODE]
    assert found["acme.com"].evidence["events_7d"] == 12


def test_markers_another_business_code() -> None:
    found = _marker_findings(a=markers("acme.com", txt=(OTHER,)))
    assert found["acme.com"].status is WARN
    assert found["acme.com"].message == (
        "acme.com receives 12 pixel events but is verified with a code that is not Acme's "
        "(DNS record): another business (for example the agency or a former agency) verified "
        "it, so Acme does not control the domain in its own Business Manager.")
    assert "Then ask another business (for example the agency or a former agency) to remove " \
           "acme.com" in found["acme.com"].remediation


def test_markers_the_agencys_code() -> None:
    endpoints = {**traffic(("acme.com", 12)), "business/owned_domains": GONE,
                 "agency/owned_domains": [{"domain_name": "acme.com",
                                           "verification_code": OTHER}],
                 **markers("acme.com", meta=(OTHER,))}
    found = findings("domains_traffic_verified", endpoints, domain_verification_codes=[CODE])
    assert "(home-page tag): the agency, Northwind, verified it" in found["acme.com"].message
    owner = findings("domains_owner_client", endpoints, domain_verification_codes=[CODE])
    assert owner["acme.com"].status is FAIL  # the agency lists it: the owner check fails


def test_markers_a_code_when_the_clients_is_unknown() -> None:
    endpoints = {**traffic(("acme.com", 12)), "business/owned_domains": GONE,
                 **markers("acme.com", files=(OTHER,), txt=(OTHER,))}
    found = findings("domains_traffic_verified", endpoints)
    assert found["acme.com"].status is WARN
    assert found["acme.com"].message == (
        "acme.com receives 12 pixel events and carries a verification code (DNS record and "
        "file on the site), but Acme's own code is not known to this audit, so it cannot tell "
        "whether Acme or another business verified it.")
    assert "If acme.com is listed there as verified, send the code shown for it to Northwind " \
           "so the next audit can compare it." in found["acme.com"].remediation


@pytest.mark.parametrize(("codes", "why"), [
    ([CODE], "Either acme.com is not verified, or its marker was removed after it was "
             "verified."),
    ([], "Either acme.com is not verified, or it was verified with an HTML file, which "
         "cannot be seen without knowing Acme's code."),
])
def test_markers_none(codes: list[str], why: str) -> None:
    # (the message once read "No verification marker found on acme.com and receives 12 …")
    endpoints = {**traffic(("acme.com", 12)), "business/owned_domains": GONE,
                 **markers("acme.com")}
    found = findings("domains_traffic_verified", endpoints, domain_verification_codes=codes)
    assert found["acme.com"].status is WARN
    assert found["acme.com"].message == (
        "No verification marker found on acme.com, which receives 12 pixel events: its DNS "
        f"records and home page carry no Meta verification code. {why}")


def test_markers_unreachable_and_offline() -> None:
    endpoints = {**traffic(("acme.com", 12)), "business/owned_domains": GONE,
                 **markers("acme.com", dns_error="the DNS lookup timed out after 5 s")}
    found = findings("domains_traffic_verified", endpoints, domain_verification_codes=[CODE])
    assert found["acme.com"].status is SKIPPED
    assert found["acme.com"].message == (
        "The verification markers of acme.com could not be read (DNS: the DNS lookup timed out "
        "after 5 s); verification not checked.")
    offline = findings("domains_traffic_verified", endpoints, mode="offline")
    assert offline["acme.com"].message == "acme.com: not checked (offline run)."
    assert offline["acme.com"].evidence["marker_outcome"] == "offline"


def test_a_possessive_after_an_s() -> None:
    endpoints = {**traffic(("acme.com", 1)), "business/owned_domains": GONE,
                 **markers("acme.com", txt=(OTHER,))}
    snap = make_snapshot(endpoints, name="Acme Tools", domain_verification_codes=[CODE])
    snap.window["domain_markers"] = {"mode": "checked"}
    [f] = [f for f in run_checks(Analysis.of(snap)) if f.check_id == "domains_traffic_verified"]
    assert "a code that is not Acme Tools' (DNS record)" in f.message
    assert f.remediation.startswith("An admin of Acme Tools' Business Manager")


def test_without_markers_or_meta_s_list_verification_is_not_checked() -> None:
    # No marker lookups in the snapshot (an old snapshot): each domain with traffic is
    # skipped with the reason; quiet.com (declared, no traffic, no markers) is not listed.
    found = findings("domains_traffic_verified", {
        **traffic(("acme.com", 12), ("shop.de", 3)), "business/owned_domains": GONE},
        mode=None, domains=["acme.com", "quiet.com"])
    assert statuses(found) == {"acme.com": SKIPPED, "shop.de": SKIPPED}
    assert found["acme.com"].message == (
        "acme.com receives 12 pixel events. Meta's API no longer says which domains a "
        "business has verified, so verification was not checked. It is one of the domains "
        "declared for Acme. Check Brand safety → Domains in Acme's Business Settings.")
    assert "It is not among the domains declared for Acme." in found["shop.de"].message


def test_the_owner_check_from_markers() -> None:
    endpoints = {**traffic(("acme.com", 1), ("shop.de", 1), ("www.tools.io", 1)),
                 "business/owned_domains": GONE,
                 **markers("acme.com", meta=(CODE,)), **markers("shop.de", txt=(OTHER,)),
                 **markers("tools.io")}
    found = findings("domains_owner_client", endpoints, domain_verification_codes=[CODE])
    # tools.io shows no marker: only the traffic check says so
    assert statuses(found) == {"acme.com": PASS, "shop.de": WARN}
    assert found["acme.com"].message == ("acme.com is verified by Acme: its code is on the "
                                         "domain (home-page tag).")
    assert found["shop.de"].message == ("shop.de carries a verification code that is not "
                                        "Acme's (DNS record): another business (for example the "
                                        "agency or a former agency) verified it.")
    unknown = findings("domains_owner_client", {**traffic(("acme.com", 1)),
                                                "business/owned_domains": GONE}, mode=None)
    assert unknown["acme.com"].status is SKIPPED
    assert unknown["acme.com"].message == ("Who verified acme.com is unknown: Meta's API no "
                                           "longer lists the domains a business has verified.")


# ------------------------------------------------------------------ found by mutation testing


def test_domains_with_the_most_traffic_come_first_whatever_their_names() -> None:
    found = findings("domains_traffic_verified", {
        **traffic(("zeta.com", 90), ("alpha.com", 10), ("mid.com", 50)),
        "business/owned_domains": []}, aem_mode="legacy")
    assert list(found) == ["zeta.com", "mid.com", "alpha.com"]


def test_the_method_named_is_the_one_that_shows_the_clients_code() -> None:
    # the client's code in DNS, another code in the home page: "DNS record" only
    endpoints = {**traffic(("acme.com", 12)), "business/owned_domains": GONE,
                 **markers("acme.com", txt=(CODE,), meta=(OTHER,))}
    found = findings("domains_traffic_verified", endpoints, domain_verification_codes=[CODE])
    assert found["acme.com"].message == ("acme.com carries Acme's verification code (DNS "
                                         "record) and receives 12 pixel events.")


def test_a_domain_the_agency_lists_is_the_agencys_even_without_its_code() -> None:
    # the agency's owned_domains lists acme.com but gives no code: still the agency
    endpoints = {**traffic(("acme.com", 12)), "business/owned_domains": GONE,
                 "agency/owned_domains": [{"domain_name": "acme.com"}],
                 **markers("acme.com", meta=(OTHER,))}
    found = findings("domains_traffic_verified", endpoints, domain_verification_codes=[CODE])
    assert "(home-page tag): the agency, Northwind, verified it" in found["acme.com"].message


def test_the_owner_check_says_nothing_for_an_unknown_code() -> None:
    # a code is there, but the client's is not known: who verified it is not known either
    endpoints = {**traffic(("acme.com", 1)), "business/owned_domains": GONE,
                 **markers("acme.com", txt=(OTHER,))}
    found = findings("domains_owner_client", endpoints)
    # (the engine's "nothing to check" for the client stands in for no finding)
    assert list(found) == ["acme"] and found["acme"].evidence == {"not_applicable": True}


def test_messages_for_a_declared_domain_without_traffic() -> None:
    endpoints = {"business/owned_domains": GONE, **markers("quiet.com", txt=(OTHER,))}
    found = findings("domains_traffic_verified", endpoints, domains=["quiet.com"])
    assert found["quiet.com"].message.startswith("quiet.com carries a verification code (DNS "
                                                 "record), but Acme's own code")
    none = findings("domains_traffic_verified",
                    {"business/owned_domains": GONE, **markers("quiet.com")},
                    domains=["quiet.com"], domain_verification_codes=[CODE])
    assert none["quiet.com"].message.startswith("No verification marker found on quiet.com: "
                                                "its DNS records")
