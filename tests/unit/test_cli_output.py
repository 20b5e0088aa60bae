"""Listings keep identifiers whole; shards are stable; config paths start at its folder."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

from audit.cli.common import select_shard, shard_of
from audit.cli.tables import layout, print_table
from audit.config import parse_config

RUN_ID = "20261130T060012.345Z"
PATH = "/srv/ios14-audit/reports/output/brightsmile-dental/report.html"


def render(width, headers, rows, ids, capsys):
    console = Console(width=width, file=io.StringIO(), color_system=None)
    print_table(headers, rows, ids=ids, console=console)
    return console.file.getvalue() + capsys.readouterr().out


def test_ids_stay_whole_and_other_columns_wrap(capsys):
    headers = ["check", "title"]
    rows = [["access_pixel_shared_with_the_agency", "Every client pixel is shared with the "
             "agency's business so that it can analyse and advertise"]]
    text = render(60, headers, rows, ("check",), capsys)
    assert "access_pixel_shared_with_the_agency" in text
    assert "│" in text  # still a table: the title wrapped instead
    assert "…" not in text


def test_too_narrow_falls_back_to_one_record_per_block(capsys):
    text = render(80, ["run", "client", "report"], [[RUN_ID, "brightsmile-dental", PATH]],
                  ("run", "client", "report"), capsys)
    assert text.splitlines() == [f"  run: {RUN_ID}", "  client: brightsmile-dental",
                                 f"  report: {PATH}", ""]


def test_layout_widths():
    assert layout(["id", "text"], [["abc", "x" * 10]], ("id",), 80) == [3, 10]
    widths = layout(["id", "text"], [["a" * 30, "y" * 100]], ("id",), 60)
    assert widths is not None and widths[0] == 30 and widths[1] == 60 - 30 - 7
    assert layout(["id", "text"], [["a" * 70, "y" * 100]], ("id",), 80) is None


def test_values_are_not_rich_markup(capsys):
    text = render(80, ["rule", "name"], [["1", "[bold]Pause[/bold] CPA [x]"]], ("rule",),
                  capsys)
    assert "[bold]Pause[/bold] CPA [x]" in text


def test_shards_are_stable_and_cover_every_client():
    config = parse_config({"agency": {"name": "A", "business_id": "1"}, "clients": [
        {"slug": f"client-{i:03d}", "name": "C", "business_id": "2"} for i in range(60)]})
    # pinned: the same slug lands in the same shard on every machine and Python version
    assert [shard_of(s, 2) for s in ("lumen-outdoor", "aurora-living")] == [2, 1]
    assert shard_of("lumen-outdoor", 3) == 1
    parts = [select_shard(config.clients, (k, 3)) for k in (1, 2, 3)]
    slugs = [c.slug for part in parts for c in part]
    assert sorted(slugs) == [c.slug for c in config.clients]  # each client exactly once
    assert all(len(part) >= 10 for part in parts)


@pytest.mark.parametrize("value", ["0/2", "3/2", "1", "a/b", "1/0"])
def test_bad_shards_are_usage_errors(value):
    from click.testing import CliRunner

    from audit.cli import cli

    result = CliRunner().invoke(cli, ["run", "-c", "x.yaml", "--shard", value])
    assert result.exit_code == 2 and "K/N" in result.output


def test_output_paths_start_at_the_config_folder(tmp_path):
    from audit.config import load_config

    (tmp_path / "c.yaml").write_text(
        "agency: {name: A, business_id: '1'}\n"
        "output: {directory: reports/out, history_db: state/h.sqlite}\n"
        "clients: [{slug: a, name: A, business_id: '2'}]\n")
    config = load_config(tmp_path / "c.yaml")
    assert config.output.directory == tmp_path / "reports/out"
    assert config.output.history_db == tmp_path / "state/h.sqlite"
    (tmp_path / "d.yaml").write_text(
        "agency: {name: A, business_id: '1'}\n"
        "output: {directory: /var/lib/ios14}\n"
        "clients: [{slug: a, name: A, business_id: '2'}]\n")
    assert load_config(tmp_path / "d.yaml").output.directory == Path("/var/lib/ios14")


def test_alert_url_errors_never_show_the_url():
    from audit.config import ConfigError

    secret = "hooks.slack.com/services/T000/B000/XXXXsecretXXXX"
    with pytest.raises(ConfigError) as exc:
        parse_config({"agency": {"name": "A", "business_id": "1"},
                      "clients": [{"slug": "a", "name": "A", "business_id": "2"}],
                      "alerts": {"urls": [secret], "when": {"fail_at_or_above": "severe"}}})
    text = str(exc.value)
    assert "alerts.urls[0]: must be an Apprise URL" in text
    assert "alerts.when.fail_at_or_above" in text
    assert "XXXXsecretXXXX" not in text
