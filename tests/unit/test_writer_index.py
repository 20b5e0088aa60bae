"""The agency index is rebuilt from the history: summaries, or run.json for older records."""

from __future__ import annotations

from datetime import datetime, timezone

from audit.models import Finding, Resource, Severity, Status
from audit.publish.history import History, RunRow
from audit.publish.render import Branding
from audit.publish.runfile import save_run
from audit.publish.summary import ClientSummary
from audit.publish.writer import IndexEntry, Writer, compiled_environment
from tests.unit.test_render_run import make_run


def fail(rid: str) -> Finding:
    return Finding("access_pixel_shared", "acme", Status.FAIL, Severity.CRITICAL, "access",
                   "t", f"pixel {rid} is not shared", Resource("pixel", rid))


def test_index_from_history_with_and_without_stored_summaries(tmp_path):
    out = tmp_path / "out"
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    with History(out / "history.sqlite") as db:
        writer = Writer(out, templates=compiled_environment(None),
                        branding=Branding(agency_name="N"), history=db)
        # "acme" was recorded by an older version: no summary, no archived findings.csv
        old = make_run(findings=[fail("77")])
        archive = out / "acme" / "runs" / old.run_id
        save_run(old, archive / "run.json")
        db.record(RunRow(old.run_id, "acme", None, old.finished_at, "0.1", old.status, 0.0,
                         f"acme/runs/{old.run_id}/run.json", None), old.findings, {})
        # "beta" is this invocation's, with its summary
        beta = make_run(findings=[fail("88")], client={"slug": "beta", "name": "Beta Co"})
        (out / "beta").mkdir(parents=True)
        (out / "beta" / "findings.csv").write_text("header\nbeta,FAIL,from-archive\n")
        current = {"beta": IndexEntry(ClientSummary.from_run(beta), out / "beta" / "report.html",
                                      out / "beta" / "findings.csv")}
        files = writer.write_index("R2", [("acme", "Acme"), ("beta", "Beta Co"),
                                          ("newco", "New Co")], current, {"name": "N"}, now)
    index = files["index"].read_text()
    assert "across 3 clients" in index and index.count("Never audited:") == 1
    assert '<span class="muted small">acme</span>' in index
    assert "audited 3 days ago" in index
    csv_lines = files["csv"].read_text().splitlines()
    assert csv_lines[0].startswith("client,status,severity")
    assert "beta,FAIL,from-archive" in csv_lines
    assert any(line.startswith("acme,FAIL,critical") and ",77," in line for line in csv_lines)
    assert not any(line.startswith("newco") for line in csv_lines)
