"""Fixtures for the sandbox tests: running servers on the small and the demo world."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# Make the checkout importable when pytest runs without an installed package.
_ROOT = Path(__file__).resolve().parents[2]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from facebook_business.api import FacebookAdsApi  # noqa: E402
from sbx_helpers import demo_data, make_api, small_world_data  # noqa: E402

from audit.sandbox import SandboxServer, parse_world  # noqa: E402


@pytest.fixture
def start_server() -> Iterator[Callable[..., SandboxServer]]:
    """Factory: start a server for a world mapping; all are stopped at teardown."""
    started: list[SandboxServer] = []

    def _start(data: dict[str, Any] | None = None, **kwargs: Any) -> SandboxServer:
        srv = SandboxServer(parse_world(data or small_world_data()), **kwargs).start()
        started.append(srv)
        return srv

    yield _start
    for srv in started:
        srv.stop()


@pytest.fixture
def srv(start_server: Callable[..., SandboxServer]) -> SandboxServer:
    """A running server on the small world."""
    return start_server()


@pytest.fixture
def api(srv: SandboxServer) -> FacebookAdsApi:
    """SDK API for the agency token."""
    return make_api(srv.base_url)


@pytest.fixture(scope="module")
def demo_srv() -> Iterator[SandboxServer]:
    """A running server on the demo world (clock fixed), shared by a module."""
    data = demo_data()
    data["faults"] = []
    srv = SandboxServer(parse_world(data)).start()
    yield srv
    srv.stop()
