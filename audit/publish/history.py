"""Run history in an embedded SQLite database, and "what changed since the last run".

Every run is recorded per client: run id, times, tool version, status, score, the paths of
its archived run.json and snapshot.json, a small summary (what the agency index and the
alerts need, so neither has to re-read every client's run.json), its findings by
fingerprint, and a few assets (pixels, verified domains, rule specs) so that changed assets
can be reported. Diffs work on fingerprints (check + client + resource), never on message
text. Old runs are pruned per client (``output.keep_runs``), never the latest.

Several processes may share one database (shards of an agency in parallel cron jobs): each
write is one transaction, and SQLite's file lock with a busy timeout serialises them.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.errors import AuditError
from audit.files import strict_dumps
from audit.models import Finding, Status
from audit.redact import redact_obj

SCHEMA_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT NOT NULL, client TEXT NOT NULL, started_at TEXT, finished_at TEXT,
    tool_version TEXT, status TEXT, score REAL, run_path TEXT, snapshot_path TEXT,
    PRIMARY KEY (run_id, client));
CREATE TABLE IF NOT EXISTS findings (
    run_id TEXT NOT NULL, client TEXT NOT NULL, fingerprint TEXT NOT NULL, check_id TEXT,
    status TEXT, severity TEXT, area TEXT, resource_type TEXT, resource_id TEXT,
    resource_name TEXT, title TEXT, message TEXT, muted TEXT,
    PRIMARY KEY (run_id, client, fingerprint));
CREATE TABLE IF NOT EXISTS assets (
    run_id TEXT NOT NULL, client TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL,
    value TEXT, PRIMARY KEY (run_id, client, kind, key));
CREATE INDEX IF NOT EXISTS runs_by_client ON runs (client, finished_at);
"""
# Schema 2: the client summary of each run (JSON), added to databases written by schema 1.
_RUN_COLUMNS = ("run_id", "client", "started_at", "finished_at", "tool_version", "status",
                "score", "run_path", "snapshot_path")
_SELECT_RUNS = f"SELECT {', '.join(_RUN_COLUMNS)} FROM runs"
PROBLEM_RANK = {"PASS": 0, "WARN": 1, "FAIL": 2}


class HistoryError(AuditError):
    """The history database cannot be opened or is not ours."""


@dataclass(frozen=True)
class RunRow:
    """One recorded run of one client."""

    run_id: str
    client: str
    started_at: str | None
    finished_at: str | None
    tool_version: str | None
    status: str | None
    score: float | None
    run_path: str | None
    snapshot_path: str | None


@dataclass
class Changes:
    """Findings and assets that changed between two runs of a client."""

    previous: RunRow | None
    new: list[dict[str, Any]] = field(default_factory=list)
    resolved: list[dict[str, Any]] = field(default_factory=list)
    regressed: list[dict[str, Any]] = field(default_factory=list)
    improved: list[dict[str, Any]] = field(default_factory=list)
    assets: dict[str, list[Any]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The ``sections.changes`` form of run.json."""
        if self.previous is None:
            return {}
        return {"previous_run_id": self.previous.run_id,
                "previous_finished_at": self.previous.finished_at,
                "previous_score": self.previous.score,
                "new": self.new, "resolved": self.resolved, "regressed": self.regressed,
                "improved": self.improved, "assets": self.assets}

    @property
    def count(self) -> int:
        """How many things changed."""
        return (len(self.new) + len(self.resolved) + len(self.regressed) + len(self.improved)
                + sum(len(v) for v in self.assets.values()))


def _is_problem(status: str) -> bool:
    return status in (Status.FAIL.value, Status.WARN.value, Status.ERROR.value)


def diff_findings(before: Mapping[str, Mapping[str, Any]], after: Mapping[str, Mapping[str, Any]]
                  ) -> dict[str, list[dict[str, Any]]]:
    """Compare two runs' findings (fingerprint → row) into new/resolved/regressed/improved.

    Muted findings on either side are left out of new/regressed: an accepted deviation
    is not news.
    """
    out: dict[str, list[dict[str, Any]]] = {"new": [], "resolved": [], "regressed": [],
                                            "improved": []}
    for fp, row in sorted(after.items(), key=lambda kv: (kv[1].get("check_id", ""), kv[0])):
        status = str(row.get("status"))
        old = before.get(fp)
        if row.get("muted"):
            continue
        if old is None:
            if _is_problem(status):
                out["new"].append(dict(row))
            continue
        was = str(old.get("status"))
        if status in PROBLEM_RANK and was in PROBLEM_RANK:
            if PROBLEM_RANK[status] > PROBLEM_RANK[was]:
                out["regressed"].append({**row, "previous_status": was})
            elif PROBLEM_RANK[status] < PROBLEM_RANK[was]:
                target = "resolved" if status == "PASS" else "improved"
                out[target].append({**row, "previous_status": was})
        elif _is_problem(status) and not _is_problem(was):
            out["new"].append({**row, "previous_status": was})
    for fp, old in sorted(before.items(), key=lambda kv: (kv[1].get("check_id", ""), kv[0])):
        if fp not in after and _is_problem(str(old.get("status"))) and not old.get("muted"):
            out["resolved"].append({**old, "previous_status": old["status"],
                                    "gone": True})
    return out


def diff_assets(before: Mapping[str, Mapping[str, str]], after: Mapping[str, Mapping[str, str]]
                ) -> dict[str, list[Any]]:
    """Changed assets: pixels added/removed, domains that lost verification, edited rules."""
    b_pix, a_pix = set(before.get("pixel", {})), set(after.get("pixel", {}))
    b_dom, a_dom = before.get("domain_verified", {}), after.get("domain_verified", {})
    b_rule, a_rule = before.get("rule", {}), after.get("rule", {})
    return {
        "pixels_added": sorted(a_pix - b_pix),
        "pixels_removed": sorted(b_pix - a_pix),
        "domains_lost_verification": sorted(d for d, v in b_dom.items()
                                            if v == "yes" and a_dom.get(d) == "no"),
        "rules_edited": [{"rule_id": k.split("|", 1)[0], "name": k.split("|", 1)[-1]}
                         for k in sorted(a_rule) if k in b_rule and b_rule[k] != a_rule[k]],
    }


class History:
    """The runs store (thread-safe; one connection guarded by a lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
            self._db.row_factory = sqlite3.Row
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise HistoryError(f"{path}: written by a newer ios14-audit (schema {version}); "
                                   "upgrade the tool or use another output.history_db")
            self._db.executescript(_SCHEMA)
            columns = {r[1] for r in self._db.execute("PRAGMA table_info(runs)")}
            if "summary" not in columns:
                self._db.execute("ALTER TABLE runs ADD COLUMN summary TEXT")
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            self._db.commit()
        except sqlite3.DatabaseError as exc:
            raise HistoryError(f"{path}: not a usable history database ({exc}); move it "
                               "away or set output.history_db to a new file") from None

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def record(self, row: RunRow, findings: Iterable[Finding],
               assets: Mapping[str, Mapping[str, str]],
               summary: Mapping[str, Any] | None = None) -> None:
        """Store one client's run (replacing a run with the same id) and its summary.

        Every value is scrubbed of credentials first (one pass over the rows' JSON form):
        finding messages and resource names are API text, which may carry a token.
        """
        run_row = redact_obj([
            row.run_id, row.client, row.started_at, row.finished_at, row.tool_version,
            row.status, row.score, row.run_path, row.snapshot_path,
            None if summary is None else strict_dumps(summary, ensure_ascii=False,
                                                      separators=(",", ":"))])
        finding_rows = redact_obj([
            [row.run_id, row.client, f.fingerprint, f.check_id, f.status.value,
             f.severity.value, f.area, f.resource.type, f.resource.id, f.resource.name,
             f.title, f.message, f.muted] for f in findings])
        asset_rows = redact_obj([[row.run_id, row.client, kind, key, value]
                                 for kind, items in assets.items()
                                 for key, value in items.items()])
        with self._lock, self._db:
            self._db.execute("DELETE FROM findings WHERE run_id=? AND client=?",
                             (row.run_id, row.client))
            self._db.execute("DELETE FROM assets WHERE run_id=? AND client=?",
                             (row.run_id, row.client))
            self._db.execute(
                f"INSERT OR REPLACE INTO runs ({', '.join(_RUN_COLUMNS)}, summary) "
                "VALUES (?,?,?,?,?,?,?,?,?,?)", run_row)
            self._db.executemany(
                "INSERT OR REPLACE INTO findings VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                finding_rows)
            self._db.executemany("INSERT OR REPLACE INTO assets VALUES (?,?,?,?,?)",
                                 asset_rows)

    def runs(self, client: str | None = None, limit: int = 100) -> list[RunRow]:
        """Recorded runs, newest first."""
        sql = _SELECT_RUNS
        args: tuple[Any, ...] = ()
        if client:
            sql += " WHERE client=?"
            args = (client,)
        sql += " ORDER BY run_id DESC, client LIMIT ?"
        with self._lock:
            rows = self._db.execute(sql, (*args, limit)).fetchall()
        return [RunRow(**dict(r)) for r in rows]

    def run(self, run_id: str, client: str) -> RunRow | None:
        """One run of one client."""
        with self._lock:
            r = self._db.execute(f"{_SELECT_RUNS} WHERE run_id=? AND client=?",
                                 (run_id, client)).fetchone()
        return RunRow(**dict(r)) if r else None

    def previous(self, client: str, before_run_id: str) -> RunRow | None:
        """The client's latest run recorded before ``before_run_id``."""
        with self._lock:
            r = self._db.execute(
                f"{_SELECT_RUNS} WHERE client=? AND run_id<? ORDER BY run_id DESC LIMIT 1",
                (client, before_run_id)).fetchone()
        return RunRow(**dict(r)) if r else None

    def clients(self) -> list[str]:
        """Every client with at least one recorded run."""
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT client FROM runs ORDER BY client")
            return [r[0] for r in rows.fetchall()]

    def latest(self) -> dict[str, tuple[RunRow, dict[str, Any] | None]]:
        """Each client's latest recorded run and its summary (None for older records)."""
        sql = (f"SELECT {', '.join(_RUN_COLUMNS)}, summary FROM (SELECT *, ROW_NUMBER() "
               "OVER (PARTITION BY client ORDER BY run_id DESC) AS n FROM runs) WHERE n = 1")
        with self._lock:
            rows = self._db.execute(sql).fetchall()
        out: dict[str, tuple[RunRow, dict[str, Any] | None]] = {}
        for r in rows:
            data = dict(r)
            raw = data.pop("summary")
            try:
                summary = json.loads(raw) if raw else None
            except ValueError:
                summary = None
            out[data["client"]] = (RunRow(**data), summary if isinstance(summary, dict)
                                   else None)
        return out

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the database's write lock while the caller reads and acts on what it read.

        Processes sharing the database (shards) rebuild the index under it: each one records
        its runs first, so whichever rebuilds last has seen every recorded run.
        """
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield
            finally:
                self._db.commit()

    def prune(self, client: str, keep: int) -> list[RunRow]:
        """Forget all but the client's ``keep`` latest runs (at least one); returns them.

        One write transaction (``BEGIN IMMEDIATE``), so processes pruning and recording at
        the same time never see half a run; the caller deletes the archived files after.
        """
        keep = max(1, keep)
        with self._lock:
            count = self._db.execute("SELECT COUNT(*) FROM runs WHERE client=?",
                                     (client,)).fetchone()[0]
        if count <= keep:  # the usual case: no write, no lock
            return []
        with self._lock, self._db:
            self._db.execute("BEGIN IMMEDIATE")
            rows = [RunRow(**dict(r)) for r in self._db.execute(
                f"{_SELECT_RUNS} WHERE client=? ORDER BY run_id DESC LIMIT -1 OFFSET ?",
                (client, keep)).fetchall()]
            for table in ("findings", "assets", "runs"):
                self._db.executemany(f"DELETE FROM {table} WHERE run_id=? AND client=?",
                                     [(r.run_id, client) for r in rows])
        return rows

    def findings(self, run_id: str, client: str) -> dict[str, dict[str, Any]]:
        """A run's findings by fingerprint, in run.json finding form."""
        with self._lock:
            rows = self._db.execute("SELECT * FROM findings WHERE run_id=? AND client=?",
                                    (run_id, client)).fetchall()
        return {r["fingerprint"]: _finding_dict(dict(r)) for r in rows}

    def assets(self, run_id: str, client: str) -> dict[str, dict[str, str]]:
        """A run's assets: kind → key → value."""
        with self._lock:
            rows = self._db.execute("SELECT kind, key, value FROM assets WHERE run_id=? AND "
                                    "client=?", (run_id, client)).fetchall()
        out: dict[str, dict[str, str]] = {}
        for r in rows:
            out.setdefault(r["kind"], {})[r["key"]] = r["value"]
        return out

    def changes(self, client: str, run_id: str, findings: Iterable[Finding],
                assets: Mapping[str, Mapping[str, str]]) -> Changes:
        """What changed between the client's previous recorded run and this one."""
        prev = self.previous(client, run_id)
        if prev is None:
            return Changes(None)
        current = {f.fingerprint: f.to_dict() for f in findings}
        found = diff_findings(self.findings(prev.run_id, client), current)
        return Changes(prev, found["new"], found["resolved"], found["regressed"],
                       found["improved"], diff_assets(self.assets(prev.run_id, client), assets))

    def compare(self, client: str, run_a: str, run_b: str) -> Changes:
        """Changes from run A to run B of one client (both recorded)."""
        prev = self.run(run_a, client)
        if prev is None or self.run(run_b, client) is None:
            missing = run_a if prev is None else run_b
            raise HistoryError(f"no run {missing} recorded for client {client}; see "
                               "'ios14-audit history'")
        found = diff_findings(self.findings(run_a, client), self.findings(run_b, client))
        return Changes(prev, found["new"], found["resolved"], found["regressed"],
                       found["improved"], diff_assets(self.assets(run_a, client),
                                                      self.assets(run_b, client)))


def _finding_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row in the run.json finding shape (evidence and remediation not kept)."""
    return {"fingerprint": row["fingerprint"], "check_id": row["check_id"],
            "client": row["client"], "status": row["status"], "severity": row["severity"],
            "area": row["area"], "title": row["title"] or "", "message": row["message"] or "",
            "resource": {"type": row["resource_type"], "id": row["resource_id"],
                         "name": row["resource_name"]},
            "evidence": {}, "remediation": "", "platform_changes": [], "muted": row["muted"]}
