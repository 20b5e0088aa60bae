"""The demo: the built-in sandbox world, audited with the built-in demo config.

Nothing here is special-cased in the pipeline: the demo starts the sandbox on a free
loopback port, points the demo config's ``graph.base_url`` at it, provides the sandbox's
(fake) tokens through an environment mapping, and runs the same code as ``ios14-audit run``.
It also starts the sandbox's DNS and web servers for the demo domains and points the
config's ``network`` section at them (``nameservers``, ``connect_to``): the domain
verification markers are read over real DNS and HTTP, on loopback only.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import yaml

from audit.config import Config, parse_config

from .sites import SiteServers
from .wire.server import SandboxServer
from .world.load import demo_config_path, demo_world_path, load_world

# Environment variable → the sandbox world's token (fake tokens, valid only in the sandbox).
DEMO_TOKENS = {
    "IOS14_DEMO_AGENCY_TOKEN": "sandbox-agency-token",
    "IOS14_DEMO_CLIENT2_TOKEN": "sandbox-client2-token",
    "IOS14_DEMO_NOEXPIRY_TOKEN": "sandbox-agency-noexpiry-token",
}


def demo_config(base_url: str, network: dict[str, Any] | None = None) -> Config:
    """The demo config with its base URL (and, when given, its network section) pointed at
    running sandbox servers."""
    path = demo_config_path()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["graph"]["base_url"] = base_url
    if network is not None:
        data["network"] = network
    return parse_config(data, str(path))


@contextmanager
def demo_session(latency_ms: int = 0) -> Iterator[tuple[Config, dict[str, str]]]:
    """Start the demo sandbox (Graph API, DNS, web); yield the demo config and an
    environment with its tokens."""
    world = load_world(demo_world_path())
    server = SandboxServer(world, port=0, latency_ms=latency_ms)
    with server, SiteServers(world.sites) as sites:
        env = {**os.environ, **DEMO_TOKENS}
        yield demo_config(server.base_url, sites.network_settings()), env
