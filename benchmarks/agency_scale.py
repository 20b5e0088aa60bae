"""Benchmark: audit an agency of many clients against the sandbox, and print the figures.

    python benchmarks/agency_scale.py [--clients 500] [--pixels 2] [--accounts 2]
                                      [--adsets 40] [--latency-ms 100] [--baseline-clients 40]

Builds a synthetic world (N clients, each with ``--pixels`` pixels, ``--accounts`` ad
accounts sharing ``--adsets`` generated ad sets, and a rule per account), serves it from a
separate sandbox process on loopback (so its CPU does not share the audit's) with a
per-request latency standing in for the network, and runs ``ios14-audit run`` in a child
process (so its peak RSS and CPU time are the audit's own, from ``resource.getrusage``):
batched reads with clients side by side (the default), and one client at a time without
batching (the plain baseline, on ``--baseline-clients`` clients because it is slow by
design). Prints wall time, HTTP requests, Graph reads, clients per minute, peak RSS and CPU
seconds per client. Nothing is asserted: these are measurements.
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
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

import yaml

AGENCY = "5566778899"
TOKEN = "bench-agency-token"
EVENTS = {"PageView": (4000, 0), "ViewContent": (1800, 900), "AddToCart": (420, 380),
          "InitiateCheckout": (160, 150), "Purchase": (60, 58), "Lead": (25, 0),
          "Search": (700, 0), "Scroll50": (2600, 0), "AddToWishlist": (90, 0),
          "CompleteRegistration": (30, 29), "Subscribe": (12, 12), "Contact": (18, 0)}
PER_CAMPAIGN = 5


def _rule(rule_id: str) -> dict[str, Any]:
    return {"id": rule_id, "name": "Pause CPA > 80 (28d click)", "status": "ENABLED",
            "evaluation_spec": {"evaluation_type": "SCHEDULE", "filters": [
                {"field": "entity_type", "value": "ADSET", "operator": "EQUAL"},
                {"field": "attribution_window", "value": "28D_CLICK", "operator": "EQUAL"},
                {"field": "cost_per_purchase_fb", "value": 8000, "operator": "GREATER_THAN"}]},
            "execution_spec": {"execution_type": "PAUSE"},
            "schedule_spec": {"schedule_type": "DAILY"}}


def _account(i: int, k: int, accounts: int, biz: str, px: list[str], adsets: int
             ) -> dict[str, Any]:
    # The sandbox derives campaign and ad set ids from an account id's last five digits.
    act = f"act_{100000000000 + accounts * i + k}"
    return {
        "id": act, "name": f"Client {i:04d} account {k}", "owner_business": biz,
        "agencies": [AGENCY], "pixels": px, "currency": "AUD", "timezone_offset_hours_utc": 10,
        "generate": {
            "campaigns": max(1, adsets // PER_CAMPAIGN), "adsets_per_campaign": PER_CAMPAIGN,
            "campaign": {"name": "C{i:02d}", "objective": "OUTCOME_SALES"},
            "cycle": {"adset": {
                "promoted_object": [{"pixel_id": px[0], "custom_event_type": e} for e in
                                    ("PURCHASE", "ADD_TO_CART", "INITIATED_CHECKOUT", "LEAD",
                                     "CONTENT_VIEW")],
                "optimization_goal": ["VALUE", "OFFSITE_CONVERSIONS"]}},
            "adset": {"delivery": {"spend_per_day": 35.0, "impressions_per_day": 4000,
                                   "clicks_per_day": 50, "conversions": {
                                       "offsite_conversion.fb_pixel_purchase": {
                                           "1d_click": 0.4, "7d_click": 0.7, "28d_click": 0.9,
                                           "1d_view": 0.3, "value_per_conversion": 120.0}}}},
        },
        "rules": [_rule(f"{238500000000000 + 1000 * i + k}")],
    }


def client_world(i: int, pixels: int, accounts: int, adsets: int
                 ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """Business, pixels and ad accounts of synthetic client ``i``."""
    biz = f"{1000000000000 + i}"
    px = [f"{200000000000000 + 100 * i + k}" for k in range(pixels)]
    domain = f"client{i:04d}.com.au"
    business = {"id": biz, "name": f"Client {i:04d} Pty Ltd", "verification_status": "verified",
                "owned_domains": [{"id": f"{310000000000000 + i}", "domain_name": domain,
                                   "status": "verified"}]}
    acts = [_account(i, k, accounts, biz, px, max(PER_CAMPAIGN, adsets // accounts))
            for k in range(accounts)]
    pixel_list = [{
        "id": pid, "name": f"Client {i:04d} pixel {k}", "owner_business": biz,
        "shared_with": [{"business": AGENCY, "tasks": ["ANALYZE", "ADVERTISE", "UPLOAD"]}],
        "assigned_users": [{"id": "100000000000901", "name": "Bench bot",
                            "user_type": "SYSTEM_USER", "business": AGENCY,
                            "tasks": ["ANALYZE"], "permitted_tasks": ["ANALYZE"]}],
        "ad_accounts": [a["id"] for a in acts],
        "hosts": {f"www.{domain}": 0.6, f"shop.{domain}": 0.4},
        "events": {name: {"browser_per_day": b, "server_per_day": s, "last_fired": "-5m",
                          "quality": {"emq": 6.5, "dedup": {"event_id": [90, 95, 88]}}}
                   for name, (b, s) in EVENTS.items()},
    } for k, pid in enumerate(px)]
    return business, pixel_list, acts


def build(clients: int, pixels: int, accounts: int, adsets: int, latency_ms: int
          ) -> tuple[dict[str, Any], dict[str, Any]]:
    """The world and the matching config for ``clients`` synthetic clients."""
    businesses: list[dict[str, Any]] = [{"id": AGENCY, "name": "Bench Agency", "clients": []}]
    pixel_list: list[dict[str, Any]] = []
    account_list: list[dict[str, Any]] = []
    config_clients = []
    for i in range(clients):
        business, pxs, acts = client_world(i, pixels, accounts, adsets)
        businesses[0]["clients"].append(business["id"])
        businesses.append(business)
        pixel_list += pxs
        account_list += acts
        config_clients.append({"slug": f"client-{i:04d}", "name": business["name"],
                               "business_id": business["id"],
                               "ad_accounts": [a["id"] for a in acts],
                               "domains": [business["owned_domains"][0]["domain_name"]]})
    world = {
        "app": {"id": "1357924680", "name": "Bench", "secret": "bench-secret"},
        "settings": {"latency_ms": latency_ms, "insights_sync_max_rows": 100000,
                     "quotas": {"app_calls": 10**9, "account_calls": 10**9,
                                "business_calls": 10**9}},
        "tokens": [{"token": TOKEN, "user": {"id": "100000000000901", "name": "Bench bot",
                                             "type": "SYSTEM_USER"},
                    "scopes": ["ads_read", "ads_management", "business_management"],
                    "expires": "+60d"}],
        "businesses": businesses, "pixels": pixel_list, "ad_accounts": account_list,
    }
    config = {"agency": {"name": "Bench Agency", "business_id": AGENCY},
              "graph": {"base_url": "http://127.0.0.1:1", "token_env": "BENCH_TOKEN"},
              # The clients' domains are fictional: never look them up on the internet
              # (benchmarks/domain_lookups.py measures the lookups against the sandbox).
              "network": {"enabled": False},
              "clients": config_clients}
    return world, config


@contextmanager
def sandbox_process(world: dict[str, Any], folder: Path) -> Iterator[str]:
    """Serve ``world`` from ``ios14-audit sandbox`` in a child process; yield its base URL."""
    path = folder / "world.yaml"
    path.write_text(yaml.safe_dump(world, sort_keys=False))
    proc = subprocess.Popen(
        [sys.executable, "-m", "audit", "sandbox", "--world", str(path), "--port", "0"],
        stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if " on " not in line:
            raise SystemExit(f"the sandbox did not start: {line!r}")
        yield line.split(" on ", 1)[1].split()[0]
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _admin(url: str, path: str) -> Any:
    with urllib.request.urlopen(url + path, timeout=120) as resp:  # loopback only
        return json.loads(resp.read())


def child(config_path: str) -> None:
    """In the child process: one ``ios14-audit run``, then its own figures as JSON."""
    from audit.cli import cli  # imported before the measurement starts

    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    with open(os.devnull, "w") as sink, redirect_stdout(sink):
        try:
            cli.main(["run", "-c", config_path], prog_name="ios14-audit", standalone_mode=False)
        except SystemExit as exc:  # the run's exit code (3 if a client was not audited)
            code = exc.code
        else:
            code = 0
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(json.dumps({"seconds": elapsed, "cpu": cpu, "exit": code,
                      "rss_mib": _peak_rss_mib(after)}))


def _peak_rss_mib(usage: resource.struct_rusage) -> float:
    """The peak RSS of this process's own image, in MiB.

    On Linux ``ru_maxrss`` keeps the high-water mark of the process image that ``exec``
    replaced (proc(5), execve(2)): a child forked from this benchmark, which holds the
    whole synthetic world, would report the parent's size. ``VmHWM`` counts this image only.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return usage.ru_maxrss / 1024  # KiB on Linux, bytes on macOS


def measure(label: str, world: dict[str, Any], config_data: dict[str, Any], clients: int,
            **graph: Any) -> dict[str, Any]:
    """One full audit of the first ``clients`` clients; returns the figures."""
    with tempfile.TemporaryDirectory() as tmp, sandbox_process(world, Path(tmp)) as url:
        data = {**config_data, "clients": config_data["clients"][:clients],
                "graph": {**config_data["graph"], "base_url": url, **graph},
                "output": {"directory": str(Path(tmp) / "out")}}
        path = Path(tmp) / "config.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        proc = subprocess.run([sys.executable, __file__, "--child", str(path)],
                              env={**os.environ, "BENCH_TOKEN": TOKEN}, capture_output=True,
                              text=True, check=False)
        if proc.returncode != 0 or not proc.stdout.strip():
            raise SystemExit(f"{label}: the audit failed:\n{proc.stderr[-3000:]}")
        figures = json.loads(proc.stdout.strip().splitlines()[-1])
        log = _admin(url, "/__sandbox/requests")["requests"]
        http = sum(1 for r in log if not r.get("batch_item"))
        items = sum(1 for r in log if r.get("batch_item"))
        return {"label": label, "clients": clients, "http": http,
                "reads": items + http - sum(1 for r in log if r["path"] == ""), **figures}


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--pixels", type=int, default=2, help="pixels per client")
    parser.add_argument("--accounts", type=int, default=2, help="ad accounts per client")
    parser.add_argument("--adsets", type=int, default=40,
                        help="ad sets per client (split across its ad accounts)")
    parser.add_argument("--latency-ms", type=int, default=100,
                        help="added per request, standing in for the network")
    parser.add_argument("--baseline-clients", type=int, default=40,
                        help="clients for the plain baseline (0: skip it)")
    parser.add_argument("--child", metavar="CONFIG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    world, config = build(args.clients, args.pixels, args.accounts, args.adsets,
                          args.latency_ms)
    runs = [measure("batched, 4 clients at a time (default)", world, config, args.clients)]
    if args.baseline_clients:
        small = min(args.baseline_clients, args.clients)
        runs.append(measure("batched, 4 clients at a time (default)", world, config, small))
        runs.append(measure("plain: unbatched, one client at a time", world, config, small,
                            use_batch=False, concurrency=1))
    print(f"\n{args.clients} clients x {args.pixels} pixels x {args.accounts} ad accounts x "
          f"{args.adsets} ad sets, {args.latency_ms} ms latency per HTTP request\n")
    print(f"{'mode':<40}{'clients':>8}{'seconds':>9}{'HTTP/client':>12}{'reads':>8}"
          f"{'clients/min':>12}{'peak RSS MiB':>13}{'CPU ms/client':>14}")
    for r in runs:
        print(f"{r['label']:<40}{r['clients']:>8}{r['seconds']:>9.1f}"
              f"{r['http'] / r['clients']:>12.1f}{r['reads']:>8.0f}"
              f"{60 * r['clients'] / r['seconds']:>12.1f}{r['rss_mib']:>13.0f}"
              f"{1000 * r['cpu'] / r['clients']:>14.1f}")
    if len(runs) == 3:
        print(f"\ndefault is {runs[2]['seconds'] / runs[1]['seconds']:.1f}x faster than plain "
              f"on {runs[1]['clients']} clients")
    failed = [r["label"] for r in runs if r["exit"] not in (0, 1)]
    print("every client audited" if not failed else f"exit code not 0 in: {failed}")


if __name__ == "__main__":
    main()
