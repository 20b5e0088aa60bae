"""The sandbox's DNS and web doubles: the world's domains: section, DNS wire answers
(dnspython as the client), pages by Host header, and the demo domains."""

from __future__ import annotations

from typing import Any

import dns.nameserver
import dns.resolver
import httpx
import pytest
import yaml
from sbx_helpers import small_world_data

from audit.sandbox import (
    SiteServers,
    WorldError,
    demo_config_path,
    demo_world_path,
    load_world,
    parse_world,
)


def _error(domains: Any) -> str:
    data = small_world_data()
    data["domains"] = domains
    with pytest.raises(WorldError) as info:
        parse_world(data)
    return str(info.value)


def test_domains_section_errors_name_the_key() -> None:
    assert _error({"shop.example.com": {"txtt": []}}) == "domains.shop.example.com.txtt: " \
                                                         "unknown key"
    assert _error({"shop.example.com": {"dns": "slow"}}).startswith(
        "domains.shop.example.com.dns: must be one of")
    assert _error({"not a domain": {}}).startswith("domains.not a domain: must be a domain")
    assert _error({"a.com": {"hosts": ["www.b.com"]}, "b.com": {"hosts": ["www.b.com"]}}) \
        == "domains.b.com: host 'www.b.com' is served twice"


@pytest.fixture
def servers() -> Any:
    data = small_world_data()
    data["domains"] = {"shop.example.com": {"txt": ["facebook-domain-verification=abc12345"],
                                            "home": "<html><head></head>home</html>",
                                            "files": ["abc12345"]},
                       "down.example.com": {"dns": "servfail"}}
    with SiteServers(parse_world(data).sites) as started:
        yield started


def _resolver(port: int) -> dns.resolver.Resolver:
    resolver = dns.resolver.Resolver(configure=False)
    resolver.nameservers = [dns.nameserver.Do53Nameserver("127.0.0.1", port)]
    resolver.lifetime = 2
    return resolver


def test_dns_answers_txt_nxdomain_and_servfail(servers: SiteServers) -> None:
    resolver = _resolver(servers.dns.port)
    answer = resolver.resolve("shop.example.com", "TXT")
    assert [b"".join(r.strings) for r in answer] == [b"facebook-domain-verification=abc12345"]
    assert resolver.resolve("shop.example.com", "A", raise_on_no_answer=False).rrset is None
    with pytest.raises(dns.resolver.NXDOMAIN):
        resolver.resolve("unknown.example.com", "TXT")
    with pytest.raises(dns.resolver.NoNameservers):
        resolver.resolve("down.example.com", "TXT")
    tcp = dns.resolver.Resolver(configure=False)
    tcp.nameservers = [dns.nameserver.Do53Nameserver("127.0.0.1", servers.dns.port)]
    assert len(tcp.resolve("shop.example.com", "TXT", tcp=True)) == 1
    assert ("shop.example.com", "TXT", "tcp") in servers.dns.queries


def test_web_serves_by_host_header(servers: SiteServers) -> None:
    base = f"http://127.0.0.1:{servers.web.port}"
    with httpx.Client() as client:
        home = client.get(f"{base}/", headers={"Host": "shop.example.com"})
        assert home.status_code == 200 and "home" in home.text
        assert "sandbox_session" in home.headers["set-cookie"]
        assert client.get(f"{base}/abc12345.html",
                          headers={"Host": "shop.example.com"}).text == "abc12345"
        assert client.get(f"{base}/zzz99999.html",
                          headers={"Host": "shop.example.com"}).status_code == 404
        assert client.get(f"{base}/", headers={"Host": "nope.example.com"}).status_code == 404
    settings = servers.network_settings()
    assert settings["nameservers"] == [f"127.0.0.1:{servers.dns.port}"]
    assert settings["connect_to"]["*:80"] == f"127.0.0.1:{servers.web.port}"
    with pytest.raises(httpx.ConnectError):  # "HTTPS" refuses at once
        httpx.get(f"http://{settings['connect_to']['*:443']}/", timeout=2)


def test_every_demo_domain_is_served() -> None:
    world = load_world(demo_world_path())
    config = yaml.safe_load(demo_config_path().read_text(encoding="utf-8"))
    declared = {d for c in config["clients"] for d in c.get("domains", [])}
    assert declared <= set(world.sites)
    assert config["network"]["enabled"] is False  # the demo turns it on, on loopback only
