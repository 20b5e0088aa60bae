"""One error model: expected failures are one line on stderr and a documented exit code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.errors import ExitCode
from tests.integration.conftest import write_config

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'


def _config_elsewhere(tmp_path: Path, base_url: str, logo: bytes | None) -> Path:
    """A config in its own folder whose report.logo is a path relative to that folder."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    path = write_config(tmp_path, base_url, clients=["lumen-outdoor"],
                        report={"logo": "logo.svg"})
    moved = folder / "config.yaml"
    shutil.move(str(path), moved)
    if logo is not None:
        (folder / "logo.svg").write_bytes(logo)
    return moved


def _invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def snapshots(demo_out: Path) -> Path:
    return demo_out


def test_a_logo_relative_to_the_config_works_from_any_directory(
        sandbox, snapshots, tmp_path, monkeypatch):
    config = _config_elsewhere(tmp_path, sandbox.base_url, SVG)
    monkeypatch.chdir(tmp_path)  # not the config's folder
    code, out, err = _invoke("domains", "-c", str(config), "--from-snapshot", str(snapshots),
                             "--client", "lumen-outdoor", "--json")
    assert code == 0, err
    assert "lumenoutdoor.com.au" in json.loads(out)["lumen-outdoor"]["rows"][0]["domain"]
    code, _, err = _invoke("run", "-c", str(config), "--from-snapshot", str(snapshots),
                           "--client", "lumen-outdoor", "--out", str(tmp_path / "o"))
    assert code == 0, err
    report = (tmp_path / "o" / "lumen-outdoor" / "report.html").read_text()
    assert "data:image/svg+xml;base64," in report


@pytest.mark.parametrize("command", [
    ("config", "check"),
    ("run", "--from-snapshot", "{snapshots}", "--out", "{tmp}/o"),
    ("report", "--from", "{snapshots}/lumen-outdoor/run.json", "--out", "{tmp}/r"),
])
def test_an_unusable_logo_is_one_line_and_exit_2_from_every_command(
        sandbox, snapshots, tmp_path, command):
    config = _config_elsewhere(tmp_path, sandbox.base_url, logo=None)  # the file is missing
    args = [a.format(snapshots=snapshots, tmp=tmp_path) for a in command]
    code, out, err = _invoke(*args, "-c", str(config))
    assert code == ExitCode.USAGE == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert "report.logo" in lines[0] and "logo.svg" in lines[0]
    assert "Traceback" not in out + err
    assert not (tmp_path / "o").exists() and not (tmp_path / "r").exists()


def test_an_unknown_client_names_the_known_ones(sandbox, tmp_path):
    config = write_config(tmp_path, sandbox.base_url)
    code, _, err = _invoke("domains", "-c", str(config), "--client", "lumen-outdor")
    assert code == ExitCode.USAGE
    assert 'no client "lumen-outdor"' in err and "lumen-outdoor" in err


def test_a_damaged_snapshot_is_a_clear_usage_error(tmp_path, sandbox):
    config = write_config(tmp_path, sandbox.base_url)
    bad = tmp_path / "snap" / "lumen-outdoor"
    bad.mkdir(parents=True)
    (bad / "snapshot.json").write_text("{not json")
    code, _, err = _invoke("run", "-c", str(config), "--from-snapshot", str(tmp_path / "snap"))
    assert code == ExitCode.USAGE
    assert err.startswith("error: ") and "snapshot.json" in err and "Traceback" not in err


def test_exit_codes_are_documented_once_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for code in ExitCode:
        assert f"`{int(code)}`" in readme, f"exit code {int(code)} ({code.name}) undocumented"
