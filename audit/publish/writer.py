"""Runs in, files out: snapshot.json, run.json, report.html, findings.csv, the index, history.

Layout: ``OUT/<slug>/{report.html, technical.html, run.json, snapshot.json, findings.csv}``
hold the latest run; ``OUT/<slug>/runs/<run_id>/{run.json, snapshot.json}`` keep every
run, referenced from the history database. ``OUT/index.html`` and ``OUT/findings.csv``
cover every client. The snapshot is always written first: whatever fails afterwards,
nothing collected is lost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from audit.collect.snapshot import Snapshot
from audit.evaluate.assemble import Evaluation
from audit.evaluate.run import RunResult
from audit.files import write_text_atomic
from audit.publish.history import History, RunRow
from audit.publish.render import (
    Branding,
    environment,
    findings_csv,
    render_index,
    render_report,
    render_technical,
)
from audit.publish.runfile import save_run


@dataclass(frozen=True)
class SnapshotFiles:
    """Where one client's snapshot of this run was saved."""

    latest: Path
    archive: Path


def trends(runs: Sequence[RunResult]) -> dict[str, dict[str, float | None]]:
    """Per client: previous score and the change since then (from ``sections.changes``)."""
    out: dict[str, dict[str, float | None]] = {}
    for run in runs:
        prev = run.sections.get("changes", {}).get("previous_score")
        now = run.readiness()["score"]
        delta = round(now - prev, 1) if isinstance(prev, (int, float)) and now is not None \
            else None
        out[str(run.client.get("slug"))] = {"previous_score": prev, "delta": delta}
    return out


def compiled_environment(templates_dir: Path | None) -> jinja2.Environment:
    """The template environment with every template compiled once, up front.

    Clients render side by side, and Jinja's cache would otherwise have each thread compile
    the same templates at the same moment.
    """
    env = environment(templates_dir)
    for name in env.list_templates():
        env.get_template(name)
    return env


class Writer:
    """Writes one output directory: per-client files, the archive, history and the index."""

    def __init__(self, out_dir: Path, *, templates: jinja2.Environment, branding: Branding,
                 history: History | None = None) -> None:
        self.out_dir = out_dir
        self.templates = templates
        self.branding = branding
        self.history = history

    def client_dir(self, slug: str) -> Path:
        """``OUT/<slug>``, created on demand."""
        path = self.out_dir / slug
        path.mkdir(parents=True, exist_ok=True)
        return path

    def archive_dir(self, slug: str, run_id: str) -> Path:
        """``OUT/<slug>/runs/<run_id>``."""
        return self.client_dir(slug) / "runs" / run_id

    def save_snapshot(self, snap: Snapshot, run_id: str) -> SnapshotFiles:
        """Write the snapshot to the run's archive and as the client's latest."""
        slug = snap.record.slug
        files = SnapshotFiles(self.client_dir(slug) / "snapshot.json",
                              self.archive_dir(slug, run_id) / "snapshot.json")
        snap.save(files.archive, files.latest)
        return files

    def write_client(self, evaluation: Evaluation) -> dict[str, Path]:
        """Record the run in the history, then write run.json, report.html, findings.csv.

        The changes since the client's previous recorded run go into the run first, so the
        report can show them; the run is recorded only once its run.json is on disk.
        """
        run = evaluation.run
        slug = str(run.client.get("slug"))
        folder = self.client_dir(slug)
        archive = self.archive_dir(slug, run.run_id)
        if self.history is not None:
            changes = self.history.changes(slug, run.run_id, run.findings, evaluation.assets)
            run.sections["changes"] = changes.to_dict()
        save_run(run, archive / "run.json", folder / "run.json")
        files = {"run": folder / "run.json"}
        if self.history is not None:
            self.history.record(RunRow(
                run_id=run.run_id, client=slug, started_at=run.started_at,
                finished_at=run.finished_at, tool_version=str(run.tool.get("version")),
                status=run.status, score=run.readiness()["score"],
                run_path=self._relative(archive / "run.json"),
                snapshot_path=self._relative(archive / "snapshot.json"),
            ), run.findings, evaluation.assets)
        files.update(self.write_reports(run, folder))
        return files

    def write_reports(self, run: RunResult, folder: Path) -> dict[str, Path]:
        """report.html, technical.html and findings.csv for one run, in ``folder``."""
        report = folder / "report.html"
        write_text_atomic(report, render_report(run, self.templates, self.branding))
        technical = folder / "technical.html"  # the agency's companion, beside the report
        write_text_atomic(technical, render_technical(run, self.templates, self.branding))
        csv_path = folder / "findings.csv"
        write_text_atomic(csv_path, findings_csv(run.findings))
        return {"report": report, "technical": technical, "csv": csv_path}

    def write_index(self, run_id: str, runs: Sequence[RunResult], links: Mapping[str, str],
                    agency: Mapping[str, Any]) -> dict[str, Path]:
        """index.html and the cross-client findings.csv."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        index = self.out_dir / "index.html"
        write_text_atomic(index, render_index(runs, links, agency, run_id, self.templates,
                                              self.branding, trends=trends(runs)))
        csv_path = self.out_dir / "findings.csv"
        write_text_atomic(csv_path, findings_csv(f for r in runs for f in r.findings))
        return {"index": index, "csv": csv_path}

    def _relative(self, path: Path) -> str:
        base = self.history.path.parent if self.history is not None else self.out_dir
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            return str(path.resolve())
