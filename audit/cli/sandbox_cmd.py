"""``ios14-audit sandbox``: serve the sandbox Graph API from a world file on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import click

from audit.cli.common import fail


@click.command("sandbox")
@click.option("--world", "world_path", type=click.Path(dir_okay=False, path_type=Path),
              help="World file (YAML). Default: the built-in demo world.")
@click.option("--port", default=8765, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0 picks a free one).")
@click.option("--latency-ms", default=0, type=click.IntRange(0, 60000),
              help="Added latency per request.")
def sandbox(world_path: Path | None, port: int, latency_ms: int) -> None:
    """Serve a local Graph API double for the demo, tests and benchmarks.

    Point a config's graph.base_url at the printed address. The world's domains are served
    too (DNS on UDP and TCP, web pages): the second line prints the network settings that
    point a config at them. Stop with Ctrl+C.
    """
    # Imported here for start-up time only: other commands never need the sandbox.
    from audit.sandbox import (
        SandboxServer,
        SiteServers,
        WorldError,
        demo_world_path,
        load_world,
    )

    try:
        world = load_world(world_path or demo_world_path())
    except WorldError as exc:
        fail(str(exc))
    server = SandboxServer(world, port=port, latency_ms=latency_ms or None)
    try:
        server.start()
    except OSError as exc:
        fail(f"cannot listen on 127.0.0.1:{port} ({exc.strerror}); try --port 0")
    click.echo(f"sandbox Graph API listening on {server.base_url} (Ctrl+C to stop)")
    sites = SiteServers(world.sites)
    try:
        sites.start()
        click.echo(f"network: {json.dumps(sites.network_settings())}")
        stop = threading.Event()
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        click.echo("stopping")
    finally:
        sites.stop()
        server.stop()
