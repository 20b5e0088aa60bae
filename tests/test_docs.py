"""The README and the command line stay in step; test markers select what they say."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from audit.cli import cli

ROOT = Path(__file__).resolve().parents[1]
MENTION = re.compile(r"ios14-audit((?: [a-z][a-z0-9-]*)+)")


def _commands(group: click.Group, prefix: tuple[str, ...] = ()
              ) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    for name, command in sorted(group.commands.items()):
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def unknown_commands(text: str) -> list[str]:
    """Every ``ios14-audit <words>`` in ``text`` that does not name a real (sub)command."""
    bad = []
    for match in MENTION.finditer(text):
        words = match.group(1).split()
        command: click.Command = cli
        for i, word in enumerate(words):
            if not isinstance(command, click.Group):
                break  # the rest are arguments (e.g. a file name)
            sub = command.commands.get(word)
            if sub is None:
                if i > 0 and command.invoke_without_command:
                    break  # e.g. `rules` takes options only
                bad.append(match.group(0))
                break
            command = sub
    return bad


def test_every_command_the_readme_names_exists() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert MENTION.search(text), "the README names no command at all"
    assert unknown_commands(text) == []


def test_the_readme_check_catches_a_command_that_does_not_exist() -> None:
    assert unknown_commands("run `ios14-audit frobnicate -c x` then "
                            "`ios14-audit config chek`") == [
        "ios14-audit frobnicate", "ios14-audit config chek"]
    assert unknown_commands("ios14-audit rules apply plan.json -c c.yaml") == []


@pytest.mark.parametrize("path", [p for p, _ in _commands(cli)], ids=" ".join)
def test_every_command_has_help(path: tuple[str, ...]) -> None:
    command: click.Command = cli
    for word in path:
        assert isinstance(command, click.Group)
        command = command.commands[word]
    assert (command.help or "").strip(), f"{' '.join(path)} has no help text"
    for param in command.params:
        if isinstance(param, click.Option):
            assert (param.help or "").strip(), f"{' '.join(path)} {param.opts[0]}: no help"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output


@pytest.mark.parametrize("marker", ["unit", "sandbox", "integration", "browser"])
def test_markers_select_their_folder(marker: str) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-m", marker], cwd=ROOT, capture_output=True, text=True, timeout=300).stdout
    ids = [line for line in out.splitlines() if "::" in line]
    assert ids, f"-m {marker} selected nothing"
    assert all(i.startswith(f"tests/{marker}/") for i in ids), [
        i for i in ids if not i.startswith(f"tests/{marker}/")][:5]
