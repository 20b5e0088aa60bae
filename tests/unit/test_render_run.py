from __future__ import annotations

import csv
import io
import json

import pytest

from audit.evaluate.run import RunResult
from audit.graph.result import Fetched
from audit.models import Finding, Resource, Severity, Status
from audit.publish.render import findings_csv, render_index, render_report, render_technical
from audit.publish.runfile import RunFileError, load_run, save_run, validate_run
from tests.helpers import make_snapshot

HOSTILE = '<script>alert("x")</script>'


def finding(status=Status.FAIL, name=HOSTILE, message=None, **kw):
    return Finding(
        check_id="access_pixel_shared", client="acme", status=status,
        severity=Severity.CRITICAL, area="access", title="Every client pixel is shared",
        message=message or f"Pixel {name} is not shared", resource=Resource("pixel", "1", name),
        evidence={"partners": ["9"], "note": HOSTILE}, remediation="Assign partner " + HOSTILE,
        **kw)


def make_run(findings=None, **kw):
    base = dict(run_id="20261128T120000Z", client={"slug": "acme", "name": HOSTILE,
                                                    "business_id": "1"},
                agency={"name": "Northwind", "business_id": "2"},
                started_at="2026-11-28T12:00:00+00:00", finished_at="2026-11-28T12:00:05+00:00",
                findings=findings if findings is not None else [finding()],
                collection_errors=[], checks=[], snapshot={"path": "snapshot.json"})
    base.update(kw)
    return RunResult(**base)


def test_report_escapes_everything_from_the_api():
    html = render_report(make_run())
    assert HOSTILE not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "<script" not in html.lower()


def test_report_is_self_contained():
    html = render_report(make_run())
    for external in ("http://", "https://", "src=", "@import", "url("):
        assert external not in html.replace("https://business.facebook.com", "")


def test_report_shows_not_audited_reason_and_collection_errors():
    from audit.models import CollectionError

    run = make_run(findings=[], not_audited="token <b>expired</b>",
                   collection_errors=[CollectionError("GET /1/owned_domains", "unsupported",
                                                      "nonexisting field", 100)])
    html = render_report(run)
    assert "not audited: token &lt;b&gt;expired&lt;/b&gt;" in html
    # the failed read is technical detail: on the agency's page, not in the client's
    assert "GET /1/owned_domains" not in html and "nonexisting field" not in html
    technical = render_technical(run)
    assert "GET /1/owned_domains" in technical and "nonexisting field" in technical
    assert "not audited" in technical.lower()


def test_index_escapes_and_orders_worst_first():
    good = make_run(findings=[finding(Status.PASS)], client={"slug": "good", "name": "Good",
                                                             "business_id": "1"})
    bad = make_run(client={"slug": "bad", "name": HOSTILE, "business_id": "2"})
    html = render_index([good, bad], {"good": "good/report.html", "bad": "bad/report.html"},
                        {"name": "Northwind"}, "r1")
    assert HOSTILE not in html
    assert html.index("bad/report.html") < html.index("good/report.html")


def test_csv_defuses_formulas_and_keeps_columns():
    text = findings_csv([finding(name="=HYPERLINK(1)", message="+cmd")])
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["resource_name"] == "'=HYPERLINK(1)"
    assert rows[0]["message"] == "'+cmd"
    assert rows[0]["fingerprint"] == finding().fingerprint


@pytest.mark.parametrize(("name", "shown"), [
    ("\u202e=cmd", "[U+202E]=cmd"),  # a control first: not a formula, made visible
    ("=\u202ecmd", "'=[U+202E]cmd"),  # a formula with a control in it: both
    ('a,"b"\u2066\nc', 'a,"b"[U+2066]\nc'),  # quoting and lines kept
])
def test_csv_values_are_defused_and_show_their_controls(name: str, shown: str) -> None:
    text = findings_csv([finding(name=name)])
    assert not any(c in text for c in "\u202e\u2066")
    assert next(csv.DictReader(io.StringIO(text)))["resource_name"] == shown


def test_run_json_validates_against_the_shipped_schema(tmp_path):
    run = make_run()
    data = run.to_dict()
    validate_run(data)
    path = tmp_path / "run.json"
    save_run(run, path)
    again = load_run(path)
    assert again.findings == run.findings
    assert json.loads(path.read_text())["summary"]["by_status"]["FAIL"] == 1


def test_invalid_run_json_names_the_problem(tmp_path):
    data = make_run().to_dict()
    data["findings"][0]["status"] = "BROKEN"
    with pytest.raises(RunFileError) as exc:
        validate_run(data, "x.json")
    assert "findings/0/status" in str(exc.value)
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(RunFileError):
        load_run(path)


def test_snapshot_roundtrip_and_no_credentials(tmp_path):
    snap = make_snapshot({"pixel/1": {"id": "1", "note": "access_token=leak123"},
                          "pixel/1/agencies": Fetched.failed("GET /1/agencies",
                                                             {"kind": "permission", "code": 200,
                                                              "message": "no"})})
    path = tmp_path / "snapshot.json"
    snap.save(path)
    text = path.read_text()
    assert "leak123" not in text
    again = type(snap).load(path)
    assert again.get("pixel/1/agencies").error_kind == "permission"
    assert [e.endpoint for e in again.collection_errors()] == ["GET /1/agencies"]


def test_index_marks_age_and_clients_never_audited():
    from datetime import datetime, timezone

    from audit.publish.render import (
        index_row,
        never_audited_row,
        render_index_rows,
        run_age,
        sort_rows,
    )

    now = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    assert [run_age(t, now) for t in ("2026-12-01T01:00:00+00:00", "2026-11-30T23:59:00Z",
                                      "2026-11-28T12:00:05+00:00", None, "garbage")] == [
        "today", "yesterday", "3 days ago", None, None]
    row = index_row(make_run(), "acme/report.html")
    row["age"] = run_age(row["finished_at"], now)
    rows = sort_rows([row, never_audited_row("newco", "New Co <b>")])
    assert [r["slug"] for r in rows] == ["newco", "acme"]
    html = render_index_rows(rows, {"name": "Northwind"}, "R9")
    assert "across 2 clients" in html and "1</b> never audited" in html
    assert "Never audited:</b> no run recorded" in html and "New Co &lt;b&gt;" in html
    assert "audited 3 days ago" in html


@pytest.mark.parametrize("extra", [{}, {"count": 2**70}])  # the second: orjson cannot encode it
def test_run_json_text_and_data_built_once_are_the_methods_own(extra):
    from audit.redact import MASK, register_secret

    register_secret("EAAsecret-token-built-once-1234567890")
    run = make_run(findings=[finding(message="token EAAsecret-token-built-once-1234567890")])
    run.sections["extra"] = extra
    text, data = run.to_json_and_dict()
    assert text == run.to_json()
    assert data == run.to_dict()
    assert MASK in json.dumps(data) and "built-once" not in json.dumps(data)
