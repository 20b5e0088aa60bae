"""The demo: the built-in sandbox world, audited with the built-in demo config.

Nothing here is special-cased in the pipeline: the demo starts the sandbox on a free
loopback port, points the demo config's ``graph.base_url`` at it, provides the sandbox's
(fake) tokens through an environment mapping, and runs the same code as ``ios14-audit run``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import yaml

from audit.config import Config, parse_config

from .wire.server import SandboxServer
from .world.load import demo_config_path, demo_world_path, load_world

# Environment variable → the sandbox world's token (fake tokens, valid only in the sandbox).
DEMO_TOKENS = {
    "IOS14_DEMO_AGENCY_TOKEN": "sandbox-agency-token",
    "IOS14_DEMO_CLIENT2_TOKEN": "sandbox-client2-token",
    "IOS14_DEMO_NOEXPIRY_TOKEN": "sandbox-agency-noexpiry-token",
}


def demo_config(base_url: str) -> Config:
    """The demo config with its base URL pointed at a running sandbox."""
    path = demo_config_path()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["graph"]["base_url"] = base_url
    return parse_config(data, str(path))


@contextmanager
def demo_session(latency_ms: int = 0) -> Iterator[tuple[Config, dict[str, str]]]:
    """Start the demo sandbox; yield the demo config and an environment with its tokens."""
    server = SandboxServer(load_world(demo_world_path()), port=0, latency_ms=latency_ms)
    with server:
        env = {**os.environ, **DEMO_TOKENS}
        yield demo_config(server.base_url), env
