"""Fault-suite fixtures: the real CLI and SDK against misbehaving servers and a mutating proxy.

Every test here runs ``ios14-audit`` in-process (:func:`cli`), with stdout and stderr kept
apart, against one of :mod:`tests.faults.servers`' loopback servers or the sandbox behind a
:class:`~tests.faults.servers.MutatingProxy`. Configs have fast retries (no backoff) and a
short request timeout so a server that never answers costs seconds, not minutes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from audit.cli import cli as audit_cli
from audit.sandbox import SandboxServer, demo_config_path, demo_world_path, load_world
from audit.sandbox.demo import DEMO_TOKENS
from tests.faults.servers import MutatingProxy

# The demo's first two clients: one on the agency token, one on its own.
TWO_CLIENTS = ("lumen-outdoor", "brightsmile-dental")


@dataclass(frozen=True)
class Cli:
    """One CLI invocation: exit code, stdout, stderr."""

    code: int
    out: str
    err: str

    @property
    def console(self) -> str:
        """Everything printed."""
        return self.out + self.err


def cli(*args: str) -> Cli:
    """Run ``ios14-audit ARGS`` in-process; an unexpected exception fails the test."""
    result = CliRunner().invoke(audit_cli, list(args), catch_exceptions=False)
    return Cli(result.exit_code, result.stdout, result.stderr)


def fault_config(tmp_path: Path, base_url: str, clients: tuple[str, ...] = TWO_CLIENTS,
                 graph: dict[str, Any] | None = None, **top: Any) -> Path:
    """The demo config pointed at ``base_url``: no backoff, a 1 s timeout, no lookups on
    the clients' domains, output in ``tmp_path/out``."""
    data = yaml.safe_load(demo_config_path().read_text(encoding="utf-8"))
    data["graph"].update({"base_url": base_url, "backoff_seconds": 0, "max_wait_seconds": 5,
                          "timeout_seconds": 1, **(graph or {})})
    data["output"] = {"directory": str(tmp_path / "out")}
    data["clients"] = [c for c in data["clients"] if c["slug"] in clients]
    data.update(top)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def load_json_strict(path: Path) -> Any:
    """Read a JSON file refusing NaN and Infinity (what any strict parser does)."""
    def refuse(token: str) -> Any:
        raise ValueError(f"{path}: bare {token} is not JSON")
    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def history_rows(out: Path) -> list[dict[str, Any]]:
    """Every row of the history's runs table."""
    with sqlite3.connect(out / "history.sqlite") as db:
        db.row_factory = sqlite3.Row
        return [dict(r) for r in db.execute("SELECT * FROM runs ORDER BY started_at")]


@pytest.fixture
def tokens(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The demo's environment variables set to the sandbox world's tokens."""
    for name, value in DEMO_TOKENS.items():
        monkeypatch.setenv(name, value)
    return dict(DEMO_TOKENS)


@pytest.fixture(scope="session")
def world_data() -> Any:
    """The demo world, loaded once."""
    return load_world(demo_world_path())


@pytest.fixture
def sandbox(world_data: Any) -> Iterator[SandboxServer]:
    """The demo sandbox on a free loopback port."""
    with SandboxServer(world_data, port=0) as srv:
        yield srv


@pytest.fixture
def proxy(sandbox: SandboxServer) -> Iterator[MutatingProxy]:
    """A mutating proxy in front of the sandbox (add rewrites with ``proxy.rewrite``)."""
    with MutatingProxy(sandbox.base_url) as prx:
        yield prx
