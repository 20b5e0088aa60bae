"""Ctrl-C in any command is one line and exit 130, never click's "Aborted!" with exit 1."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from audit.cli import checks_cmd, cli


def test_ctrl_c_in_a_listing_command_exits_130_with_one_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(checks_cmd, "print_table", interrupted)
    result = CliRunner().invoke(cli, ["checks"])
    assert result.exit_code == 130
    assert result.stderr.strip() == "interrupted"
    assert "Aborted" not in result.output + result.stderr
