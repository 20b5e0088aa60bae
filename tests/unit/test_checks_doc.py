"""docs/checks.md is generated from the registry and committed up to date."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from audit.cli import cli
from audit.evaluate.checks import REGISTRY
from audit.evaluate.checks.docs import REGENERATE, render_markdown
from audit.platform import CHANGES

DOC = Path(__file__).resolve().parents[2] / "docs" / "checks.md"


def test_committed_checks_doc_is_up_to_date():
    committed = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
    assert committed == render_markdown(), (
        f"docs/checks.md differs from the check registry; regenerate it with: {REGENERATE}")


def test_doc_has_every_check_with_its_metadata():
    text = render_markdown()
    for meta in REGISTRY.all():
        section = text.split(f"### `{meta.id}`\n", 1)[1].split("\n### ", 1)[0]
        assert meta.title in section and meta.severity.value in section
        assert meta.why in section
        for pattern in (*meta.needs, *meta.uses):
            assert f"`{pattern}`" in section
        for name, value in meta.params.items():
            assert f"`{name}`: `{json.dumps(value)}`" in section
        for change in meta.platform_changes:
            assert f"`{change}` ({CHANGES[change].date})" in section
    assert text.count("\n## ") == len({m.area for m in REGISTRY.all()})


def test_cli_prints_the_doc():
    result = CliRunner().invoke(cli, ["checks", "--markdown"])
    assert result.exit_code == 0 and result.output == render_markdown()


def test_cli_json_lists_needs_and_uses_apart():
    result = CliRunner().invoke(cli, ["checks", "--json"])
    entry = next(e for e in json.loads(result.output) if e["id"] == "rules_window_supported")
    assert entry["needs"] == ["adaccount/*/rules"]
    assert entry["uses"] == ["adaccount/*/insights/campaign"]


def test_cli_refuses_both_formats():
    result = CliRunner().invoke(cli, ["checks", "--markdown", "--json"])
    assert result.exit_code != 0 and "choose one" in result.output
