"""Benchmark: domain verification marker lookups at agency scale, against the sandbox.

    python benchmarks/domain_lookups.py [--clients 500] [--domains-per-client 2] [--delay-ms 30]

Builds a world of N clients with their own domains (a TXT record with the client's code and
a home page with the meta tag, answered after ``--delay-ms`` standing in for a real web
server's latency), serves it from ``ios14-audit sandbox`` in a separate process (DNS on UDP
and TCP, web pages; its CPU does not share our interpreter), and looks every domain up the
way a run does: clients side by side (4 at a time, the default ``graph.concurrency``), each
asking the run's shared, cached :class:`~audit.collect.lookups.DomainLookups` for its
domains (a DNS TXT lookup, the home page, ``/<code>.html``). Prints wall time and lookups
per second for the default concurrency, for one lookup at a time (on a sample, scaled up),
and for a second pass answered from the run's cache. Nothing is asserted: these are
measurements.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml

from audit.collect.domains import marker_key
from audit.collect.lookups import DomainLookups, lookup_all
from audit.config import NetworkConfig
from audit.sandbox import parse_world

CODE = "k3v9x2m7q1w8e5r4t6y0u2i9o3p7as"


def world(clients: int, per_client: int, delay_ms: int) -> dict[str, Any]:
    """A minimal Graph world plus ``clients * per_client`` domains."""
    domains = {}
    for i in range(clients):
        for k in range(per_client):
            domains[f"client{i:04d}-site{k}.com.au"] = {
                "txt": ["v=spf1 -all", f"facebook-domain-verification={CODE}"],
                "home": f'<html><head><meta name="facebook-domain-verification" '
                        f'content="{CODE}"><title>Client {i}</title></head><body></body></html>',
                "delay_ms": delay_ms}
    return {"app": {"id": "1357924680", "name": "Bench", "secret": "bench-secret"},
            "businesses": [{"id": "5566778899", "name": "Bench Agency"}],
            "domains": domains}


@contextmanager
def sandbox_process(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Serve ``data`` from ``ios14-audit sandbox`` in a child process; yield its network."""
    parse_world(data)  # fail early, with the key path, if the synthetic world is wrong
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "world.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        proc = subprocess.Popen(
            [sys.executable, "-m", "audit", "sandbox", "--world", str(path), "--port", "0"],
            stdout=subprocess.PIPE, text=True)
        try:
            assert proc.stdout is not None
            proc.stdout.readline()  # the Graph API line
            yield json.loads(proc.stdout.readline().split(":", 1)[1])
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def run_clients(lookups: DomainLookups, clients: list[list[str]]) -> tuple[float, int]:
    """Look up every client's domains, 4 clients side by side; (seconds, failed lookups)."""
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda d: lookup_all(lookups, d, [CODE], marker_key),
                                clients))
    elapsed = time.perf_counter() - started
    failures = sum(1 for r in results for f in r.values() if f.error is not None)
    return elapsed, failures


def main() -> None:
    """Run the benchmark and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--domains-per-client", type=int, default=2)
    parser.add_argument("--delay-ms", type=int, default=30,
                        help="home page latency, standing in for a real web server")
    parser.add_argument("--sample", type=int, default=40,
                        help="clients looked up one lookup at a time (then scaled up)")
    args = parser.parse_args()
    data = world(args.clients, args.domains_per_client, args.delay_ms)
    names = sorted(data["domains"])
    per = args.domains_per_client
    clients = [names[i * per:(i + 1) * per] for i in range(args.clients)]
    lookups_per_domain = 3  # DNS TXT, home page, /<code>.html
    rows = []
    with sandbox_process(data) as network:
        for concurrency, subset in ((16, clients), (1, clients[:args.sample])):
            settings = NetworkConfig(**{**network, "concurrency": concurrency})
            lookups = DomainLookups(settings)
            try:
                seconds, failures = run_clients(lookups, subset)
                total = len(subset) * per * lookups_per_domain
                scale = len(clients) / len(subset)
                rows.append((f"concurrency {concurrency}, cold" +
                             ("" if scale == 1 else f" ({len(subset)} clients, scaled)"),
                             seconds * scale, total / seconds, failures))
                if concurrency == 16:
                    seconds, failures = run_clients(lookups, subset)
                    rows.append(("concurrency 16, second pass (run cache)", seconds,
                                 total / seconds, failures))
                    rows.append(("  DNS queries / HTTP requests sent", lookups.counts["dns"],
                                 lookups.counts["http"], 0))
            finally:
                lookups.close()
    print(f"\n{args.clients} clients x {per} domains = {len(names)} domains, "
          f"{lookups_per_domain} lookups each, {args.delay_ms} ms per home page\n")
    print(f"{'mode':<52}{'seconds':>9}{'lookups/s':>11}{'failed':>8}")
    for label, seconds, rate, failures in rows:
        if label.startswith("  "):
            print(f"{label:<52}{seconds:>9.0f}{rate:>11.0f}")
            continue
        print(f"{label:<52}{seconds:>9.2f}{rate:>11.0f}{failures:>8}")


if __name__ == "__main__":
    main()
