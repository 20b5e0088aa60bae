"""Benchmark: audit an agency of many clients against the sandbox, and print the figures.

    python benchmarks/agency_scale.py [--clients 40] [--latency-ms 25] [--adsets 120]

Builds a synthetic world (N clients, two pixels each, one ad account with generated
campaigns and ad sets, rules), serves it from a separate sandbox process on loopback (so its
CPU does not share our interpreter) with a per-request latency standing in for the network,
and runs the real pipeline (official SDK over HTTP) twice: batched reads with clients side by
side (the default), and one client at a time without batching (the naive baseline). Each
client's domain verification markers are read too (DNS TXT and home page, from the
sandbox's DNS and web servers), inside the measured time. Prints wall time, HTTP requests,
Graph reads, clients per minute and peak memory. Nothing is asserted: these are
measurements (``benchmarks/domain_lookups.py`` measures the domain lookups alone).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from audit.config import parse_config
from audit.pipeline import build_auditor
from audit.sandbox import parse_world

AGENCY = "5566778899"
TOKEN = "bench-agency-token"
CODE = "k3v9x2m7q1w8e5r4t6y0u2i9o3p7as"  # every client's (fictional) domain verification code
EVENTS = {"PageView": (4000, 0), "ViewContent": (1800, 900), "AddToCart": (420, 380),
          "InitiateCheckout": (160, 150), "Purchase": (60, 58), "Lead": (25, 0),
          "Search": (700, 0), "Scroll50": (2600, 0), "AddToWishlist": (90, 0),
          "CompleteRegistration": (30, 29), "Subscribe": (12, 12), "Contact": (18, 0)}


def client_world(i: int, adsets: int) -> tuple[dict[str, Any], list[dict[str, Any]],
                                                 dict[str, Any]]:
    """Business, pixels and ad account of synthetic client ``i``."""
    biz = f"{1000000000000 + i}"
    px = [f"{200000000000000 + 2 * i}", f"{200000000000001 + 2 * i}"]
    act = f"act_{100000000000 + i}"
    domain = f"client{i:03d}.com.au"
    business = {"id": biz, "name": f"Client {i:03d} Pty Ltd", "verification_status": "verified",
                "owned_domains": [{"id": f"{310000000000000 + i}", "domain_name": domain,
                                   "status": "verified"}]}
    pixels = [{
        "id": pid, "name": f"Client {i:03d} pixel {k}", "owner_business": biz,
        "shared_with": [{"business": AGENCY, "tasks": ["ANALYZE", "ADVERTISE", "UPLOAD"]}],
        "assigned_users": [{"id": "100000000000901", "name": "Bench bot",
                            "user_type": "SYSTEM_USER", "business": AGENCY,
                            "tasks": ["ANALYZE"], "permitted_tasks": ["ANALYZE"]}],
        "ad_accounts": [act],
        "hosts": {f"www.{domain}": 0.6, f"shop.{domain}": 0.4},
        "events": {name: {"browser_per_day": b, "server_per_day": s, "last_fired": "-5m",
                          "quality": {"emq": 6.5, "dedup": {"event_id": [90, 95, 88]}}}
                   for name, (b, s) in EVENTS.items()},
    } for k, pid in enumerate(px)]
    per_campaign = 6
    account = {
        "id": act, "name": f"Client {i:03d} AU", "owner_business": biz, "agencies": [AGENCY],
        "pixels": px, "currency": "AUD", "timezone_offset_hours_utc": 10,
        "generate": {
            "campaigns": max(1, adsets // per_campaign), "adsets_per_campaign": per_campaign,
            "campaign": {"name": "C{i:02d}", "objective": "OUTCOME_SALES"},
            "cycle": {"adset": {
                "promoted_object": [{"pixel_id": px[0], "custom_event_type": e} for e in
                                    ("PURCHASE", "ADD_TO_CART", "INITIATED_CHECKOUT", "LEAD",
                                     "CONTENT_VIEW", "PURCHASE")],
                "optimization_goal": ["VALUE", "OFFSITE_CONVERSIONS"]}},
            "adset": {"delivery": {"spend_per_day": 35.0, "impressions_per_day": 4000,
                                   "clicks_per_day": 50, "conversions": {
                                       "offsite_conversion.fb_pixel_purchase": {
                                           "1d_click": 0.4, "7d_click": 0.7, "28d_click": 0.9,
                                           "1d_view": 0.3, "value_per_conversion": 120.0}}}},
        },
        "rules": [{"id": f"{238500000000000 + i}", "name": "Pause CPA > 80 (28d click)",
                   "status": "ENABLED",
                   "evaluation_spec": {"evaluation_type": "SCHEDULE", "filters": [
                       {"field": "entity_type", "value": "ADSET", "operator": "EQUAL"},
                       {"field": "attribution_window", "value": "28D_CLICK",
                        "operator": "EQUAL"},
                       {"field": "cost_per_purchase_fb", "value": 8000,
                        "operator": "GREATER_THAN"}]},
                   "execution_spec": {"execution_type": "PAUSE"},
                   "schedule_spec": {"schedule_type": "DAILY"}}],
    }
    return business, pixels, account


def build(clients: int, adsets: int, latency_ms: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The world and the matching config for ``clients`` synthetic clients."""
    businesses = [{"id": AGENCY, "name": "Bench Agency", "clients": []}]
    pixels: list[dict[str, Any]] = []
    accounts: list[dict[str, Any]] = []
    config_clients = []
    sites: dict[str, Any] = {}
    for i in range(clients):
        business, pxs, account = client_world(i, adsets)
        businesses[0]["clients"].append(business["id"])
        businesses.append(business)
        pixels += pxs
        accounts.append(account)
        domain = business["owned_domains"][0]["domain_name"]
        config_clients.append({"slug": f"client-{i:03d}", "name": business["name"],
                               "business_id": business["id"], "ad_accounts": [account["id"]],
                               "domains": [domain], "domain_verification_codes": [CODE]})
        # Its verification markers, read over the sandbox's DNS and web servers.
        sites[domain] = {"txt": [f"facebook-domain-verification={CODE}"],
                         "hosts": [f"www.{domain}", f"shop.{domain}"]}
    world = {
        "app": {"id": "1357924680", "name": "Bench", "secret": "bench-secret"},
        "settings": {"latency_ms": latency_ms, "insights_sync_max_rows": 100000,
                     "quotas": {"app_calls": 10**7, "account_calls": 10**7,
                                "business_calls": 10**7}},
        "tokens": [{"token": TOKEN, "user": {"id": "100000000000901", "name": "Bench bot",
                                             "type": "SYSTEM_USER"},
                    "scopes": ["ads_read", "ads_management", "business_management"],
                    "expires": "+60d"}],
        "businesses": businesses, "pixels": pixels, "ad_accounts": accounts,
        "domains": sites,
    }
    config = {"agency": {"name": "Bench Agency", "business_id": AGENCY},
              "graph": {"base_url": "http://127.0.0.1:1", "token_env": "BENCH_TOKEN"},
              "clients": config_clients}
    return world, config


@contextmanager
def sandbox_process(world: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Serve ``world`` from ``ios14-audit sandbox`` in a child process; yield its base URL
    and the network settings pointing at its DNS and web servers."""
    parse_world(world)  # fail early, with the key path, if the synthetic world is wrong
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "world.yaml"
        path.write_text(yaml.safe_dump(world, sort_keys=False))
        proc = subprocess.Popen(
            [sys.executable, "-m", "audit", "sandbox", "--world", str(path), "--port", "0"],
            stdout=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline() if proc.stdout else ""
            url = line.split(" on ", 1)[1].split()[0]
            network = proc.stdout.readline() if proc.stdout else ""
            yield url, json.loads(network.split(":", 1)[1])
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _admin(url: str, path: str, body: bytes | None = None) -> Any:
    req = urllib.request.Request(url + path, data=body, method="POST" if body else "GET")
    with urllib.request.urlopen(req, timeout=30) as resp:  # loopback only
        return json.loads(resp.read())


def measure(label: str, world: dict[str, Any], config_data: dict[str, Any], **graph: Any
            ) -> dict[str, Any]:
    """One full audit of every client; returns the figures."""
    with sandbox_process(world) as (url, network), tempfile.TemporaryDirectory() as tmp:
        config_data = {**config_data, "graph": {**config_data["graph"], "base_url": url,
                                                **graph}, "network": network}
        config = parse_config(config_data)
        auditor = build_auditor(config, Path(tmp), {**os.environ, "BENCH_TOKEN": TOKEN})
        tracemalloc.start()
        started = time.perf_counter()
        result = auditor.run(config.clients)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        log = _admin(url, "/__sandbox/requests")["requests"]
        http = sum(1 for r in log if not r.get("batch_item"))
        items = sum(1 for r in log if r.get("batch_item"))
        audited = sum(o.audited for o in result.outcomes)
        return {"label": label, "seconds": elapsed, "http": http,
                "reads": items + http - sum(1 for r in log if r["path"] == ""),
                "audited": audited, "clients": len(config.clients), "peak_mib": peak / 2**20,
                "findings": sum(len(r.findings) for r in result.runs)}


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--adsets", type=int, default=120, help="ad sets per client")
    parser.add_argument("--latency-ms", type=int, default=25,
                        help="added per request, standing in for the network")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    world, config = build(args.clients, args.adsets, args.latency_ms)
    runs = [measure("batched, 4 clients at a time (default)", world, config)]
    if not args.skip_baseline:
        runs.append(measure("unbatched, one client at a time", world, config,
                            use_batch=False, concurrency=1))
    print(f"\n{args.clients} clients x 2 pixels x {args.adsets} ad sets, "
          f"{args.latency_ms} ms latency per HTTP request\n")
    print(f"{'mode':<42}{'seconds':>9}{'HTTP':>7}{'reads':>7}{'clients/min':>13}"
          f"{'py peak MiB':>13}{'findings':>10}")
    for r in runs:
        print(f"{r['label']:<42}{r['seconds']:>9.1f}{r['http']:>7.0f}{r['reads']:>7.0f}"
              f"{60 * r['audited'] / r['seconds']:>13.1f}{r['peak_mib']:>13.1f}"
              f"{r['findings']:>10.0f}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nprocess max RSS: {rss:.0f} MiB; every client audited: "
          f"{all(r['audited'] == r['clients'] for r in runs)}")


if __name__ == "__main__":
    main()
