"""Medium and low faults, end to end: what the user is told and which exit code follows.

A rule update Meta accepted but that cannot be read back; a backup path that cannot be
written; a token refused (190) on one endpoint mid-run; a throttled endpoint; a report that
cannot be rendered.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from audit.errors import ExitCode
from audit.sandbox import SandboxServer
from tests.faults.conftest import cli, fault_config, history_rows, load_json_strict
from tests.faults.servers import MutatingProxy, graph_error

RULES_CLIENT = "aurora-living"
RULE = "238500000000401"


def _plan(tmp_path: Path, sandbox: SandboxServer) -> Path:
    # Meta refuses updates to this CPA rule as it stands (a PAUSE on a cost condition,
    # error 2703): as a notification every update is accepted.
    for rule in sandbox.state.rules.values():
        rule.execution_spec = {"execution_type": "NOTIFICATION"}
    config = fault_config(tmp_path / "plan", sandbox.base_url, clients=(RULES_CLIENT,),
                          graph={"timeout_seconds": 20})
    plan = tmp_path / "plan.json"
    made = cli("rules", "-c", str(config), "--plan", str(plan))
    assert made.code == ExitCode.OK, made.err
    assert RULE in {r["rule_id"] for r in json.loads(plan.read_text())["rules"]}
    return plan


@pytest.fixture
def rules_dirs(tmp_path: Path) -> Path:
    (tmp_path / "plan").mkdir()
    (tmp_path / "apply").mkdir()
    return tmp_path


def test_an_update_accepted_but_not_read_back_is_updated_not_verified(
        sandbox: SandboxServer, proxy: MutatingProxy, rules_dirs: Path,
        tokens: dict[str, str]) -> None:
    plan = _plan(rules_dirs, sandbox)
    # The first GET of the rule (before the update) answers; every later one fails.
    body = json.loads(graph_error("An unknown error occurred", code=1))
    proxy.rewrite(rf"/{RULE}/?$", lambda _: body, status=500, method="GET",
                  nth=set(range(2, 20)))
    config = fault_config(rules_dirs / "apply", proxy.base_url, clients=(RULES_CLIENT,),
                          graph={"timeout_seconds": 20})
    applied = cli("rules", "apply", str(plan), "-c", str(config), "--yes",
                  "--backup", str(rules_dirs / "backup.json"))
    assert applied.code == ExitCode.OK, applied.console
    # One record per block when the table does not fit: "rule: …", "result: …", …
    block = applied.out[applied.out.index(f"rule: {RULE}"):].split("\n\n", 1)[0]
    assert "result: updated_unverified" in block, applied.out
    assert "1 rule(s) updated but not verified" in applied.err
    assert RULE in applied.err
    assert sandbox.request_count(rf"^{RULE}$", "POST") == 1  # the update did happen
    assert (rules_dirs / "backup.json").is_file()


def test_an_unwritable_backup_path_stops_before_any_call(
        sandbox: SandboxServer, rules_dirs: Path, tokens: dict[str, str]) -> None:
    plan = _plan(rules_dirs, sandbox)
    blocker = rules_dirs / "not-a-folder"
    blocker.write_text("a file where the backup's folder should be", encoding="utf-8")
    config = fault_config(rules_dirs / "apply", sandbox.base_url, clients=(RULES_CLIENT,))
    before = len(sandbox.requests)
    applied = cli("rules", "apply", str(plan), "-c", str(config), "--yes",
                  "--backup", str(blocker / "backup.json"))
    assert applied.code == ExitCode.USAGE == 2
    lines = applied.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot write the backup file ")
    assert "no rule was updated" in lines[0] and "--backup" in lines[0]
    assert "Traceback" not in applied.console
    assert len(sandbox.requests) == before  # not a read, not a write
    assert sandbox.request_count(r"^2385", "POST") == 0


def test_a_token_refused_mid_run_raises_the_token_banner(
        sandbox: SandboxServer, tmp_path: Path, tokens: dict[str, str]) -> None:
    sandbox.add_fault(r"^act_\d+/adrules_library$", code=190, subcode=460, times=None,
                      message="Error validating access token: the session has been "
                              "invalidated because the user changed their password")
    config = fault_config(tmp_path, sandbox.base_url, clients=("lumen-outdoor",),
                          graph={"timeout_seconds": 20})
    result = cli("run", "-c", str(config))
    assert result.code == ExitCode.OK, result.err
    folder = tmp_path / "out" / "lumen-outdoor"
    run = load_json_strict(folder / "run.json")
    token = [f for f in run["findings"] if f["check_id"] == "token_access_valid"]
    assert [f["status"] for f in token] == ["FAIL"]
    assert "refused the access token during the audit" in token[0]["message"]
    refused = token[0]["evidence"]["refused_reads"]
    assert [r["endpoint"] for r in refused] == ["GET /act_100000000001/adrules_library"]
    assert refused[0]["code"] == 190
    assert "Generate new token" in token[0]["remediation"]
    report = (folder / "report.html").read_text(encoding="utf-8")
    banner = report[report.index('<div class="banner bad" id="token-alert-1">'):]
    banner = banner[:banner.index("</div>")]
    assert "Audit access:" in banner and "audit access is invalid" in banner


@pytest.mark.parametrize("batch", [True, False], ids=["batch", "single"])
def test_a_throttled_endpoint_says_how_long_to_wait_and_when_to_rerun(
        batch: bool, sandbox: SandboxServer, tmp_path: Path, tokens: dict[str, str]) -> None:
    sandbox.add_fault(r"^act_\d+/customconversions$", code=80004, subcode=2446079,
                      regain_minutes=7, times=None)
    config = fault_config(tmp_path, sandbox.base_url, clients=("lumen-outdoor",),
                          graph={"timeout_seconds": 20, "use_batch": batch})
    result = cli("run", "-c", str(config))
    assert result.code == ExitCode.OK, result.err
    advice = re.compile(r"Meta asked to wait 7 minutes; rerun after \d\d:\d\d UTC")
    assert advice.search(result.err), result.err[-2000:]
    folder = tmp_path / "out" / "lumen-outdoor"
    run = load_json_strict(folder / "run.json")
    throttled = [e for e in run["collection_errors"] if e["kind"] == "throttled"]
    assert throttled and all(advice.search(e["message"]) for e in throttled)
    assert advice.search((folder / "technical.html").read_text(encoding="utf-8"))


def test_a_report_that_cannot_be_rendered_is_not_an_audit(
        sandbox: SandboxServer, tmp_path: Path, tokens: dict[str, str]) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "report.html.j2").write_text("{{ run.client.no_such_thing.name }}\n",
                                             encoding="utf-8")
    config = fault_config(tmp_path, sandbox.base_url, clients=("lumen-outdoor",),
                          graph={"timeout_seconds": 20},
                          report={"templates_dir": str(templates)})
    result = cli("run", "-c", str(config), "--json")
    assert result.code == ExitCode.NOT_AUDITED == 3
    client = json.loads(result.out)["clients"][0]
    assert client["audited"] is False and client["status"] == "failed"
    assert client["reason"].startswith("the report could not be rendered (UndefinedError")
    assert "lumen-outdoor: not audited: the report could not be rendered" in result.err
    out = tmp_path / "out"
    assert (out / "lumen-outdoor" / "run.json").is_file()  # the evaluation is kept
    assert (out / "lumen-outdoor" / "snapshot.json").is_file()
    assert not (out / "lumen-outdoor" / "report.html").exists()
    assert history_rows(out) == []  # no score recorded for a run nobody can read
