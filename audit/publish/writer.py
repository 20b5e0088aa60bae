"""Runs in, files out: snapshot.json, run.json, report.html, findings.csv, the index, history.

Layout: ``OUT/<slug>/{report.html, technical.html, run.json, snapshot.json, findings.csv}``
(and ``report.pdf`` when PDFs are asked for) hold the latest run, the report in the
client's language (run.json records which); ``OUT/<slug>/runs/<run_id>/{run.json,
snapshot.json, findings.csv}`` keep the last
``output.keep_runs`` runs, referenced from the history database (older ones are pruned,
files and rows together, never a client's latest). ``OUT/index.html`` and
``OUT/findings.csv`` are the agency's state: every configured client's latest recorded run,
whichever invocation (``--client``, ``--shard``) produced it. The snapshot is always
written first: whatever fails afterwards, nothing collected is lost.
"""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2

from audit.collect.snapshot import Snapshot
from audit.evaluate.assemble import Evaluation
from audit.evaluate.run import RunResult
from audit.files import link_atomic, write_bytes_atomic, write_chunks_atomic, write_text_atomic
from audit.publish.history import History, RunRow
from audit.publish.render import (
    Branding,
    environment,
    findings_csv,
    i18n,
    never_audited_row,
    render_index_rows,
    render_report,
    render_technical,
    run_age,
    safe_link,
    sort_rows,
)
from audit.publish.render.pdf import render_pdf
from audit.publish.render.report import report_language
from audit.publish.render.shared import sharing
from audit.publish.runfile import RunFileError, load_run, save_run
from audit.publish.summary import ClientSummary

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SnapshotFiles:
    """Where one client's snapshot of this run was saved."""

    latest: Path
    archive: Path


@dataclass
class WrittenClient:
    """One client's files of this run, and its summary (all the pipeline keeps)."""

    summary: ClientSummary
    files: dict[str, Path] = field(default_factory=dict)


@dataclass(frozen=True)
class RenderedPages:
    """One run's pages, rendered and not yet written."""

    report: str
    technical: str
    pdf: bytes | None = None


class ReportNotRendered(Exception):
    """A run's report could not be rendered: the client's audit did not complete (its
    run.json and snapshot.json are kept; nothing enters the history)."""


@dataclass(frozen=True)
class IndexEntry:
    """A client's latest run as the index needs it: the summary and where its files are."""

    summary: ClientSummary | None
    report: Path | None = None
    csv: Path | None = None  # that run's findings.csv
    run_file: Path | None = None  # its run.json, to rebuild a missing CSV or summary
    problem: str | None = None  # why the latest recorded run cannot be shown


def compiled_environment(templates_dir: Path | None) -> jinja2.Environment:
    """The template environment with every template compiled once, up front.

    Clients render side by side, and Jinja's cache would otherwise have each thread compile
    the same templates at the same moment.
    """
    env = environment(templates_dir)
    for name in env.list_templates():
        env.get_template(name)
    env.auto_reload = False  # compiled once: no stat() of every template on every render
    return env


def _csv_body(text: str) -> str:
    """A findings.csv without its header line."""
    return text.split("\n", 1)[1] if "\n" in text else ""


class Writer:
    """Writes one output directory: per-client files, the archive, history and the index."""

    def __init__(self, out_dir: Path, *, templates: jinja2.Environment, branding: Branding,
                 history: History | None = None, keep_runs: int | None = None,
                 languages: Mapping[str, str] | None = None, language: str | None = None,
                 pdf: bool = False) -> None:
        """``languages``: each client's report language by slug (from the config);
        ``language``: the agency's (the index, and clients without one); ``pdf``: write
        ``report.pdf`` beside each ``report.html`` (needs the ``pdf`` extra)."""
        self.out_dir = out_dir
        self.templates = templates
        self.branding = branding
        self.history = history
        self.keep_runs = keep_runs
        self.languages = dict(languages or {})
        self.language = language
        self.pdf = pdf

    def language_of(self, run: RunResult) -> str:
        """The client report's language: the config's for this client, else the one its
        run.json records, else the agency's."""
        slug = str(run.client.get("slug"))
        return self.languages.get(slug) or str(run.client.get("language") or "") or \
            report_language(run, self.language)

    def summarise(self, run: RunResult) -> ClientSummary:
        """The run's summary, its index row worded in the agency's language."""
        with i18n.language(self.language):
            return ClientSummary.from_run(run)

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
        snap.save(files.archive)
        link_atomic(files.archive, files.latest)
        return files

    def write_client(self, evaluation: Evaluation) -> WrittenClient:
        """Write run.json and findings.csv, record the run, then render report.html.

        The changes since the client's previous recorded run go into the run first, so the
        report and the alerts can show them; the run is recorded once its archive is
        complete (run.json, snapshot.json, findings.csv), and old runs are pruned after.
        The index row and both pages share what they derive from the run
        (:func:`~audit.publish.render.shared.sharing`).
        """
        with sharing():
            return self._write_client(evaluation)

    def _write_client(self, evaluation: Evaluation) -> WrittenClient:
        run = evaluation.run
        slug = str(run.client.get("slug"))
        folder = self.client_dir(slug)
        archive = self.archive_dir(slug, run.run_id)
        if self.history is not None:
            changes = self.history.changes(slug, run.run_id, run.findings, evaluation.assets)
            run.sections["changes"] = changes.to_dict()
        run.client["language"] = self.language_of(run)  # re-rendering keeps the language
        # run.json's text, and its data for both pages, from one build of the document.
        text, data = run.to_json_and_dict()
        save_run(run, archive / "run.json", text=text)
        write_text_atomic(archive / "findings.csv", findings_csv(run.findings))
        for name in ("run.json", "findings.csv"):
            link_atomic(archive / name, folder / name)
        summary = self.summarise(run)
        # Rendered before the run is recorded: a run whose report cannot be rendered is
        # not a completed audit, and must not enter the history with a score.
        try:
            pages = self.render_pages(run, data)
        except Exception as exc:
            log.exception("the report of %s could not be rendered", slug)
            raise ReportNotRendered(
                f"the report could not be rendered ({type(exc).__name__}: {exc}); run.json "
                "and snapshot.json are saved") from exc
        if self.history is not None:
            self.history.record(RunRow(
                run_id=run.run_id, client=slug, started_at=run.started_at,
                finished_at=run.finished_at, tool_version=str(run.tool.get("version")),
                status=run.status, score=summary.score,
                run_path=self._relative(archive / "run.json"),
                snapshot_path=self._relative(archive / "snapshot.json"),
            ), run.findings, evaluation.assets, summary.to_dict())
            if self.keep_runs is not None:
                self.prune(slug, self.keep_runs)
        files = self.write_rendered(pages, folder)
        return WrittenClient(summary, {"run": folder / "run.json", **files,
                                       "csv": folder / "findings.csv",
                                       "archive": archive})

    def render_pages(self, run: RunResult, data: dict[str, Any] | None = None
                     ) -> RenderedPages:
        """report.html (and report.pdf) in the client's language, and technical.html, in
        memory (raises when the run cannot be rendered). ``data``: ``run.to_dict()`` when
        the caller has it already."""
        language = self.language_of(run)
        # run.json's data (credentials scrubbed) is the same for both pages: built once.
        data = run.to_dict() if data is None else data
        report = render_report(run, self.templates, self.branding, language=language,
                               data=data)
        pdf = None
        if self.pdf:
            try:
                pdf = render_pdf(run, self.templates, self.branding, language=language)
            except Exception:  # the HTML report stands; the client was audited all the same
                log.exception("report.pdf for %s could not be written; report.html is there",
                              run.client.get("slug"))
        technical = render_technical(run, self.templates, self.branding, data=data)
        return RenderedPages(report, technical, pdf)

    def write_rendered(self, pages: RenderedPages, folder: Path) -> dict[str, Path]:
        """Write rendered pages into ``folder``; returns them by name."""
        files = {"report": folder / "report.html"}
        write_text_atomic(files["report"], pages.report)
        if pages.pdf is not None:
            files["pdf"] = folder / "report.pdf"
            write_bytes_atomic(files["pdf"], pages.pdf)
        files["technical"] = folder / "technical.html"  # the agency's, beside the report
        write_text_atomic(files["technical"], pages.technical)
        return files

    def write_pages(self, run: RunResult, folder: Path) -> dict[str, Path]:
        """report.html (and report.pdf) in the client's language, and technical.html."""
        return self.write_rendered(self.render_pages(run), folder)

    def write_reports(self, run: RunResult, folder: Path) -> dict[str, Path]:
        """report.html (report.pdf), technical.html and findings.csv for one run, in
        ``folder`` (``report --from``)."""
        files = self.write_pages(run, folder)
        csv_path = folder / "findings.csv"
        write_text_atomic(csv_path, findings_csv(run.findings))
        return {**files, "csv": csv_path}

    # ------------------------------------------------------------------ retention

    def prune(self, slug: str, keep: int) -> list[str]:
        """Keep the client's ``keep`` latest runs; delete older rows and archive folders."""
        if self.history is None:
            return []
        removed = self.history.prune(slug, keep)
        for row in removed:
            folder = (self._resolve(row.run_path).parent if row.run_path
                      else self.out_dir / slug / "runs" / row.run_id)
            # Only ever an archive folder: <slug>/runs/<run_id>.
            if folder.name == row.run_id and folder.parent.name == "runs":
                shutil.rmtree(folder, ignore_errors=True)
        if removed:
            log.info("%s: pruned %d old run(s)", slug, len(removed))
        return [r.run_id for r in removed]

    # ------------------------------------------------------------------ the index

    def recorded_entries(self) -> dict[str, IndexEntry]:
        """Every client's latest recorded run, from the history (empty without one)."""
        if self.history is None:
            return {}
        out = {}
        for slug, (row, stored) in self.history.latest().items():
            run_file = self._resolve(row.run_path) if row.run_path else None
            summary = ClientSummary.from_dict(stored) if stored else None
            problem = None
            if (summary is not None and summary.language != (self.language or "en")
                    and run_file is not None):
                summary = None  # worded in another language: build the row again
            if summary is None and run_file is not None:
                try:  # recorded before summaries were kept: read the run once
                    summary = self.summarise(load_run(run_file))
                except RunFileError as exc:
                    problem = f"the latest run's files cannot be read ({exc})"
            archive = run_file.parent if run_file is not None else None
            report = archive.parent.parent / "report.html" if archive is not None else None
            csv_path = archive / "findings.csv" if archive is not None else None
            out[slug] = IndexEntry(summary, report if report and report.exists() else None,
                                   csv_path if csv_path and csv_path.exists() else None,
                                   run_file, problem)
        return out

    def write_index(self, run_id: str, clients: Sequence[tuple[str, str]],
                    current: Mapping[str, IndexEntry], agency: Mapping[str, Any],
                    now: datetime | None = None) -> dict[str, Path]:
        """index.html and the agency findings.csv: each of ``clients`` (slug, name) at its
        latest run, from ``current`` (this invocation) or else the history.

        The CSV lists clients in index order (worst first), each client's findings worst
        first; it is streamed from each run's archived findings.csv, so memory does not grow
        with the number of clients.
        """
        if self.history is None:
            return self._write_index(run_id, clients, current, agency, now)
        with self.history.exclusive():
            return self._write_index(run_id, clients, current, agency, now)

    def _write_index(self, run_id: str, clients: Sequence[tuple[str, str]],
                     current: Mapping[str, IndexEntry], agency: Mapping[str, Any],
                     now: datetime | None) -> dict[str, Path]:
        entries = {**self.recorded_entries(), **current}
        rows: list[dict[str, Any]] = []
        for slug, name in clients:
            entry = entries.get(slug)
            if entry is None or entry.summary is None:
                row = never_audited_row(slug, name)
                if entry is not None and entry.problem:
                    row.update(status="not_audited", reason=entry.problem)
                rows.append(row)
                continue
            row = dict(entry.summary.row)
            technical = entry.report.with_name("technical.html") if entry.report else None
            row.update(link=self._link(entry.report),
                       technical=self._link(technical) if technical and technical.exists()
                       else "", trend=entry.summary.trend(),
                       age=run_age(entry.summary.finished_at, now) if now else None)
            rows.append(row)
        sort_rows(rows)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        index = self.out_dir / "index.html"
        write_text_atomic(index, render_index_rows(rows, agency, run_id, self.templates,
                                                   self.branding, self.language))
        csv_path = self.out_dir / "findings.csv"
        write_chunks_atomic(csv_path, self._agency_csv([entries.get(r["slug"]) for r in rows]))
        return {"index": index, "csv": csv_path}

    def _agency_csv(self, entries: Sequence[IndexEntry | None]) -> Iterator[str]:
        yield findings_csv([])  # the header
        for entry in entries:
            if entry is None or entry.summary is None:
                continue
            try:
                if entry.csv is not None:
                    yield _csv_body(entry.csv.read_text(encoding="utf-8"))
                elif entry.run_file is not None:
                    yield _csv_body(findings_csv(load_run(entry.run_file).findings))
            except (OSError, RunFileError) as exc:
                log.warning("%s: findings left out of the agency CSV (%s)",
                            entry.summary.slug, exc)

    def _link(self, report: Path | None) -> str:
        if report is None:
            return ""
        return safe_link(Path(os.path.relpath(report, self.out_dir)).as_posix())

    def _resolve(self, stored: str | None) -> Path:
        base = self.history.path.parent if self.history is not None else self.out_dir
        return base / (stored or "")

    def _relative(self, path: Path) -> str:
        base = self.history.path.parent if self.history is not None else self.out_dir
        try:
            return str(path.resolve().relative_to(base.resolve()))
        except ValueError:
            return str(path.resolve())
