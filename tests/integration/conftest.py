"""Integration fixtures: the sandbox on loopback, configs pointing at it, the CLI in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from audit.cli import cli
from audit.sandbox import SandboxServer, demo_config_path, demo_world_path, load_world
from audit.sandbox.demo import DEMO_TOKENS


@pytest.fixture(scope="session")
def demo_world() -> Any:
    return load_world(demo_world_path())


@pytest.fixture
def sandbox(demo_world: Any) -> Iterator[SandboxServer]:
    with SandboxServer(demo_world, port=0) as srv:
        yield srv


@pytest.fixture
def tokens(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in DEMO_TOKENS.items():
        monkeypatch.setenv(name, value)
    return dict(DEMO_TOKENS)


def write_config(tmp_path: Path, base_url: str, clients: list[str] | None = None,
                 graph: dict[str, Any] | None = None, **top: Any) -> Path:
    """The demo config pointed at ``base_url``, fast retries, output in tmp_path."""
    data = yaml.safe_load(demo_config_path().read_text())
    data["graph"].update({"base_url": base_url, "backoff_seconds": 0, "max_wait_seconds": 5,
                          **(graph or {})})
    data["output"] = {"directory": str(tmp_path / "out")}
    if clients is not None:
        data["clients"] = [c for c in data["clients"] if c["slug"] in clients]
    data.update(top)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def run_cli(*args: str) -> Result:
    """Invoke the CLI in-process (stdout and stderr kept apart)."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def load_runs(out: Path) -> dict[str, dict[str, Any]]:
    """Every client's run.json in an output directory, by slug."""
    return {p.parent.name: json.loads(p.read_text()) for p in sorted(out.glob("*/run.json"))}


def findings(run: dict[str, Any], check_id: str) -> dict[str, dict[str, Any]]:
    """A run's findings of one check, by resource id."""
    return {f["resource"]["id"]: f for f in run["findings"] if f["check_id"] == check_id}


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole demo, once, through the CLI (sandbox, real SDK, real HTTP)."""
    out = tmp_path_factory.mktemp("demo") / "out"
    result = run_cli("demo", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out
