from __future__ import annotations

from audit.models import Finding, Resource, Severity, Status
from audit.publish.history import History, RunRow, diff_assets, diff_findings


def f(status, rid="1", check="access_pixel_shared", muted=None):
    return Finding(check, "acme", Status(status), Severity.HIGH, "access", "t", f"m {status}",
                   Resource("pixel", rid), muted=muted)


def rows(*findings):
    return {x.fingerprint: x.to_dict() for x in findings}


def test_diff_classifies_by_fingerprint_not_message():
    before = rows(f("PASS", "a"), f("WARN", "b"), f("FAIL", "c"), f("FAIL", "d"), f("PASS", "e"))
    after = rows(f("FAIL", "a"), f("FAIL", "b"), f("WARN", "c"), f("PASS", "e"), f("FAIL", "n"))
    out = diff_findings(before, after)
    ids = {k: [x["resource"]["id"] for x in v] for k, v in out.items()}
    assert ids == {"new": ["n"], "regressed": ["a", "b"], "improved": ["c"], "resolved": ["d"]}
    assert out["resolved"][0].get("gone") is True


def test_muted_findings_are_not_news():
    out = diff_findings(rows(f("PASS", "a")), rows(f("FAIL", "a", muted="ok"),
                                                   f("FAIL", "b", muted="ok")))
    assert out == {"new": [], "regressed": [], "improved": [], "resolved": []}


def test_asset_changes():
    before = {"pixel": {"1": "A", "2": "B"}, "domain_verified": {"x.com": "yes", "y.com": "yes"},
              "rule": {"r1|Pause": "aaa", "r2|Budget": "bbb"}}
    after = {"pixel": {"2": "B", "3": "C"}, "domain_verified": {"x.com": "no", "y.com": "yes"},
             "rule": {"r1|Pause": "zzz", "r2|Budget": "bbb"}}
    assert diff_assets(before, after) == {
        "pixels_added": ["3"], "pixels_removed": ["1"], "domains_lost_verification": ["x.com"],
        "rules_edited": [{"rule_id": "r1", "name": "Pause"}]}


def test_store_roundtrip_and_previous(tmp_path):
    with History(tmp_path / "h.sqlite") as db:
        for run_id, status in (("20260101T000000.000Z", "PASS"), ("20260102T000000.000Z",
                                                                    "FAIL")):
            db.record(RunRow(run_id, "acme", None, run_id, "t", "audited", 50.0, None, None),
                      [f(status)], {"pixel": {"1": "A"}})
        assert [r.run_id for r in db.runs("acme")] == ["20260102T000000.000Z",
                                                       "20260101T000000.000Z"]
        changes = db.changes("acme", "20260103T000000.000Z", [f("PASS")], {"pixel": {}})
        assert changes.previous.run_id == "20260102T000000.000Z"
        assert [x["resource"]["id"] for x in changes.resolved] == ["1"]
        assert changes.assets["pixels_removed"] == ["1"]


def test_not_a_database_is_a_clear_error(tmp_path):
    import pytest

    from audit.publish.history import HistoryError

    bad = tmp_path / "h.sqlite"
    bad.write_text("this is not sqlite" * 100)
    with pytest.raises(HistoryError, match="not a usable history database"):
        History(bad)


def _record(db, run_id, client="acme", summary=None):
    db.record(RunRow(run_id, client, None, run_id, "t", "audited", 50.0,
                     f"{client}/runs/{run_id}/run.json", None), [f("FAIL")], {},
              summary)


def test_prune_keeps_the_latest_runs_of_that_client_only(tmp_path):
    with History(tmp_path / "h.sqlite") as db:
        for day in (1, 2, 3, 4):
            _record(db, f"2026010{day}T000000.000Z")
        _record(db, "20260101T000000.000Z", client="other")
        removed = db.prune("acme", 2)
        assert [r.run_id for r in removed] == ["20260102T000000.000Z", "20260101T000000.000Z"]
        assert [r.run_id for r in db.runs("acme")] == ["20260104T000000.000Z",
                                                       "20260103T000000.000Z"]
        assert db.findings("20260101T000000.000Z", "acme") == {}
        assert len(db.runs("other")) == 1
        assert [r.run_id for r in db.prune("acme", 0)] == ["20260103T000000.000Z"]
        assert [r.run_id for r in db.runs("acme")] == ["20260104T000000.000Z"]  # never the last


def test_latest_run_and_summary_per_client(tmp_path):
    with History(tmp_path / "h.sqlite") as db:
        _record(db, "20260101T000000.000Z", summary={"version": 1, "n": 1})
        _record(db, "20260102T000000.000Z", summary={"version": 1, "n": 2})
        _record(db, "20260101T000000.000Z", client="old")  # recorded without a summary
        latest = db.latest()
        assert latest["acme"][0].run_id == "20260102T000000.000Z"
        assert latest["acme"][1] == {"version": 1, "n": 2}
        assert latest["old"][1] is None
        assert db.clients() == ["acme", "old"]
        with db.exclusive():  # the index is rebuilt holding the write lock
            assert set(db.latest()) == {"acme", "old"}


def test_a_schema_1_database_gains_the_summary_column(tmp_path):
    import sqlite3

    path = tmp_path / "h.sqlite"
    old = sqlite3.connect(path)
    old.executescript("""
        CREATE TABLE runs (run_id TEXT NOT NULL, client TEXT NOT NULL, started_at TEXT,
            finished_at TEXT, tool_version TEXT, status TEXT, score REAL, run_path TEXT,
            snapshot_path TEXT, PRIMARY KEY (run_id, client));
        INSERT INTO runs VALUES ('20250101T000000.000Z', 'acme', NULL, NULL, '0.1', 'audited',
                                 70.0, 'acme/runs/20250101T000000.000Z/run.json', NULL);
        PRAGMA user_version = 1;""")
    old.close()
    with History(path) as db:
        assert db.latest()["acme"][1] is None
        _record(db, "20260101T000000.000Z", summary={"version": 1})
        assert [r.run_id for r in db.runs("acme")] == ["20260101T000000.000Z",
                                                       "20250101T000000.000Z"]
