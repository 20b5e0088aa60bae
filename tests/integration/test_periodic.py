"""Periodic checks an agency leaves running: alerts, the index as the agency's state, paths
from the config's folder, retention, shards, and output that cron logs keep readable."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from audit.cli import cli
from audit.cli.common import shard_of
from tests.integration.conftest import load_runs, run_cli, write_config

PIXEL = "200000000000001"
AGENCY = "5566778899"


class Receiver:
    """A JSON webhook on loopback that keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        received = self.messages

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append({"path": self.path, **json.loads(body)})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def url(self, path: str = "hooks/ios14-audit-secret-9f8e7d6c") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    hook = Receiver()
    hook.thread.start()
    yield hook
    hook.server.shutdown()
    hook.server.server_close()


def lose_agency_access(sandbox: Any) -> list[Any]:
    """The client removes the agency from its pixel; returns the shares to restore."""
    pixel = sandbox.state.pixels[PIXEL]
    shares = list(pixel.shared_with)
    pixel.shared_with = [s for s in shares if s.business != AGENCY]
    return shares


def test_alert_on_regression_and_nothing_on_an_unchanged_rerun(sandbox, tokens, tmp_path,
                                                                receiver):
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"],
                          alerts={"urls": [receiver.url()]})
    first = run_cli("run", "-c", str(config))
    assert first.exit_code == 0, first.output
    assert receiver.messages == []  # a first run has nothing to compare with

    shares = lose_agency_access(sandbox)
    second = run_cli("run", "-c", str(config))
    assert second.exit_code == 0, second.output
    assert len(receiver.messages) == 1
    message = receiver.messages[0]
    assert message["path"] == "/hooks/ios14-audit-secret-9f8e7d6c"
    text = message["message"]
    assert "Lumen Outdoor (lumen-outdoor)" in text
    assert "access_pixel_shared" in text and PIXEL in text
    runs = load_runs(tmp_path / "out")["lumen-outdoor"]
    before = runs["sections"]["changes"]["previous_score"]
    assert f"score {before:.1f} → {runs['summary']['score']:.1f}" in text
    report = (tmp_path / "out" / "lumen-outdoor" / "report.html").resolve()
    assert f"report: {report}" in text
    assert message["title"] == "iOS 14 audit · Northwind Digital: 1 client needs attention"
    # the URL's secret path never reaches the output
    assert "ios14-audit-secret-9f8e7d6c" not in second.output + second.stderr

    third = run_cli("run", "-c", str(config))
    assert third.exit_code == 0
    assert len(receiver.messages) == 1  # unchanged: nothing sent

    sandbox.state.pixels[PIXEL].shared_with = shares  # resolved: good news is not alerted
    assert run_cli("run", "-c", str(config)).exit_code == 0
    assert len(receiver.messages) == 1
    lose_agency_access(sandbox)  # a new regression, on a manual run without alerts
    assert run_cli("run", "-c", str(config), "--no-alerts").exit_code == 0
    assert len(receiver.messages) == 1


def test_state_alerts_test_command_and_failed_delivery(sandbox, tokens, tmp_path, receiver):
    # BrightSmile's own token expires in 5 days: an alert on every run while it lasts.
    config = write_config(tmp_path, sandbox.base_url, clients=["brightsmile-dental"],
                          alerts={"urls": [receiver.url("expiry")],
                                  "when": {"token_expires_within_days": 7}})
    result = run_cli("run", "-c", str(config), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["alerts"]["status"] == "sent"
    assert len(receiver.messages) == 1
    assert "access token expires in 5 day(s)" in receiver.messages[0]["message"]

    tested = run_cli("alerts", "test", "-c", str(config))
    assert tested.exit_code == 0, tested.output
    assert "test alert" in receiver.messages[-1]["title"]

    # nobody listens on port 9 of loopback: reported, and the audit's exit code is unchanged
    closed = write_config(tmp_path, sandbox.base_url, clients=["brightsmile-dental"],
                          alerts={"urls": ["json://127.0.0.1:9/hook-token-5a4b3c2d1e"]})
    failed = run_cli("run", "-c", str(closed))
    assert failed.exit_code == 0
    assert "alerts: not delivered" in failed.stderr
    assert "alerts:   failed" in failed.stdout
    assert "hook-token-5a4b3c2d1e" not in failed.output
    bad_test = run_cli("alerts", "test", "-c", str(closed))
    assert bad_test.exit_code == 2 and "not delivered" in bad_test.stderr


def test_index_keeps_every_client_after_a_one_client_run(sandbox, tokens, tmp_path):
    config = write_config(tmp_path, sandbox.base_url,
                          clients=["lumen-outdoor", "evergreen-home-loans", "tidewater-coffee"])
    out = tmp_path / "out"
    assert run_cli("run", "-c", str(config), "--client", "evergreen-home-loans").exit_code == 0
    index = (out / "index.html").read_text()
    assert "across 3 clients" in index
    assert index.count("Never audited:") == 2

    assert run_cli("run", "-c", str(config)).exit_code == 0
    assert run_cli("run", "-c", str(config), "--client", "lumen-outdoor").exit_code == 0
    index = (out / "index.html").read_text()
    assert "across 3 clients" in index and "Never audited:" not in index
    for slug in ("lumen-outdoor", "evergreen-home-loans", "tidewater-coffee"):
        assert f'href="{slug}/report.html"' in index
    assert "audited today" in index
    clients = {line.split(",", 1)[0] for line in
               (out / "findings.csv").read_text().splitlines()[1:]}
    assert clients == {"lumen-outdoor", "evergreen-home-loans", "tidewater-coffee"}


def test_paths_resolve_from_the_config_folder(sandbox, tokens, tmp_path, monkeypatch):
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    data = yaml.safe_load(config.read_text())
    data["output"] = {"directory": "reports/out"}  # relative: to the config's folder
    config.write_text(yaml.safe_dump(data))
    monkeypatch.chdir(tmp_path)
    assert run_cli("run", "-c", "config.yaml").exit_code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert run_cli("run", "-c", str(config)).exit_code == 0
    assert list(elsewhere.iterdir()) == []
    listed = json.loads(run_cli("history", "-c", str(config), "--json").stdout)
    assert len(listed) == 2  # one history, two runs
    assert (tmp_path / "reports" / "out" / "history.sqlite").is_file()


def test_pruning_keeps_the_latest_runs(sandbox, tokens, tmp_path):
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"],
                          output={"directory": str(tmp_path / "out"), "keep_runs": 2})
    ids = []
    for _ in range(3):
        assert run_cli("run", "-c", str(config)).exit_code == 0
        ids.append(load_runs(tmp_path / "out")["lumen-outdoor"]["run_id"])
    listed = json.loads(run_cli("history", "-c", str(config), "--json").stdout)
    assert [r["run_id"] for r in listed] == [ids[2], ids[1]]
    archives = sorted(p.name for p in (tmp_path / "out" / "lumen-outdoor" / "runs").iterdir())
    assert archives == [ids[1], ids[2]]
    diff = json.loads(run_cli("diff", "-c", str(config), "--json").stdout)
    assert (diff["lumen-outdoor"]["from"], diff["lumen-outdoor"]["to"]) == (ids[1], ids[2])


def test_two_shards_then_the_index_shows_every_client_once(sandbox, tokens, tmp_path):
    slugs = ["lumen-outdoor", "aurora-living", "tidewater-coffee"]
    config = write_config(tmp_path, sandbox.base_url, clients=slugs)
    shards = {s: shard_of(s, 2) for s in slugs}
    assert shards == {"lumen-outdoor": 2, "aurora-living": 1, "tidewater-coffee": 2}
    out = tmp_path / "out"
    first = run_cli("run", "-c", str(config), "--shard", "1/2", "--json")
    audited = [c["client"] for c in json.loads(first.stdout)["clients"]]
    assert audited == [s for s in slugs if shards[s] == 1]
    assert run_cli("run", "-c", str(config), "--shard", "2/2").exit_code == 0
    index = (out / "index.html").read_text()
    assert "Never audited:" not in index
    for slug in slugs:
        assert index.count(f'<span class="muted small">{slug}</span>') == 1
    bad = run_cli("run", "-c", str(config), "--shard", "3/2")
    assert bad.exit_code == 2 and "K/N" in bad.output


def test_concurrent_runs_share_one_history(sandbox, tokens, tmp_path):
    config = write_config(tmp_path, sandbox.base_url,
                          clients=["lumen-outdoor", "evergreen-home-loans"])
    env = {**os.environ, **tokens}
    procs = [subprocess.Popen([sys.executable, "-m", "audit", "run", "-c", str(config),
                               "--client", slug], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for slug in ("lumen-outdoor", "evergreen-home-loans")]
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    listed = json.loads(run_cli("history", "-c", str(config), "--json").stdout)
    assert sorted(r["client"] for r in listed) == ["evergreen-home-loans", "lumen-outdoor"]
    # each run rebuilds the index under the history's write lock: the last one sees both
    index = (tmp_path / "out" / "index.html").read_text()
    assert "across 2 clients" in index and "Never audited:" not in index


def test_output_at_80_columns_keeps_ids_whole(sandbox, tokens, tmp_path):
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    runner = CliRunner(env={"COLUMNS": "80"})
    ran = runner.invoke(cli, ["run", "-c", str(config)], catch_exceptions=False)
    assert ran.exit_code == 0, ran.output
    run_id = load_runs(tmp_path / "out")["lumen-outdoor"]["run_id"]
    report = tmp_path / "out" / "lumen-outdoor" / "report.html"
    assert run_id in ran.stdout and str(report) in ran.stdout
    assert "run_cmd.py" not in ran.stderr  # plain progress lines off a terminal
    assert "lumen-outdoor: done" in ran.stderr

    history = runner.invoke(cli, ["history", "-c", str(config)], catch_exceptions=False)
    assert run_id in history.stdout and "lumen-outdoor" in history.stdout
    checks = runner.invoke(cli, ["checks"], catch_exceptions=False)
    from audit.evaluate.checks import REGISTRY
    for meta in REGISTRY.all():
        assert meta.id in checks.stdout
    domains = runner.invoke(cli, ["domains", "-c", str(config), "--from-snapshot",
                                  str(tmp_path / "out")], catch_exceptions=False)
    assert "lumenoutdoor.com.au" in domains.stdout


def test_unknown_client_slugs_are_refused_with_the_known_ones(sandbox, tokens, tmp_path):
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    assert run_cli("run", "-c", str(config)).exit_code == 0
    for args in (["history", "--client", "lumen-outdor"], ["diff", "--client", "lumen-outdor"],
                 ["run", "--client", "lumen-outdor"]):
        result = run_cli(*args, "-c", str(config))
        assert result.exit_code == 2, args
        assert 'no client "lumen-outdor"' in result.stderr and "known: lumen-outdoor" in \
            result.stderr


def test_diff_prints_readable_lines(sandbox, tokens, tmp_path):
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    assert run_cli("run", "-c", str(config)).exit_code == 0
    rule = next(r for r in sandbox.state.rules.values() if r.account_id == "act_100000000001")
    rule.evaluation_spec["filters"].append({"field": "spent", "value": 1,
                                            "operator": "GREATER_THAN"})
    assert run_cli("run", "-c", str(config)).exit_code == 0
    text = run_cli("diff", "-c", str(config)).stdout
    assert f"rules edited: {rule.name} ({rule.id})" in text
    assert "[{" not in text and "'rule_id'" not in text


def test_every_listing_has_json(sandbox, tokens, tmp_path):
    config = write_config(tmp_path, sandbox.base_url, clients=["lumen-outdoor"])
    ran = run_cli("run", "-c", str(config), "--json")
    summary = json.loads(ran.stdout)
    assert [c["client"] for c in summary["clients"]] == ["lumen-outdoor"]
    assert summary["alerts"]["status"] == "off"
    snap = str(Path(tmp_path / "out"))
    for args in (["config", "check", "-c", str(config)], ["history", "-c", str(config)],
                 ["diff", "-c", str(config)], ["checks"],
                 ["rules", "-c", str(config), "--from-snapshot", snap],
                 *([cmd, "-c", str(config), "--from-snapshot", snap] for cmd in
                   ("domains", "access", "events", "priorities", "windows"))):
        result = run_cli(*args, "--json")
        assert result.exit_code == 0, (args, result.output)
        json.loads(result.stdout)
