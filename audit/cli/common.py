"""Helpers shared by the CLI commands: config loading, client selection, consoles.

Errors are raised, never printed here: every expected failure is an
:class:`~audit.errors.AuditError`, turned into one line and its exit code by the command
group in :mod:`audit.cli` (the only place that decides how the process exits).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console

from audit.collect.snapshot import Snapshot
from audit.config import ClientConfig, Config, ConfigError, load_config
from audit.errors import AuditError
from audit.evaluate.engine import validate_mutes, validate_overrides
from audit.graph.trace import WireTrace

config_option = click.option(
    "-c", "--config", "config_path", required=True,
    type=click.Path(dir_okay=False, path_type=Path), help="The agency's config file (YAML).")


def stdout() -> Console:
    """A console for tables on stdout."""
    return Console(highlight=False, soft_wrap=False)


def stderr() -> Console:
    """A console for progress and messages on stderr."""
    return Console(stderr=True, highlight=False)


def fail(message: str) -> NoReturn:
    """Stop the command with a usage error (exit 2) and this one-line message."""
    raise AuditError(message)


def load_checked_config(path: Path) -> Config:
    """Load and fully validate the config, including ``checks:`` and ``mute:``."""
    config = load_config(path)
    problems = validate_overrides(config.checks) + validate_mutes(config.mute)
    if problems:
        raise ConfigError(str(path), problems)
    return config


def select_clients(config: Config, slugs: Sequence[str]) -> list[ClientConfig]:
    """The clients named by ``--client`` (all when none); unknown slugs name the known ones."""
    return [config.client(s) for s in slugs] if slugs else list(config.clients)


def find_snapshots(path: Path, slugs: Sequence[str]) -> list[Snapshot]:
    """Snapshots from a file or an output directory, filtered by slug."""
    files = [path] if path.is_file() else sorted(path.glob("*/snapshot.json"))
    if not files:
        fail(f"{path}: no snapshot.json found (pass a snapshot file or an output directory)")
    snaps = [snap for snap in (Snapshot.load(f) for f in files)
             if not slugs or snap.record.slug in slugs]
    if not snaps:
        fail(f"{path}: no snapshot for client(s) {', '.join(slugs)}")
    return snaps


trace_option = click.option(
    "--trace", "trace_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Write every HTTP request to the Graph API to this file as JSON lines (method, path, "
         "fields, params, status, error code, duration; tokens and secrets removed).")


@contextlib.contextmanager
def open_trace(path: Path | None) -> Iterator[WireTrace | None]:
    """The wire trace for ``--trace`` (None without it), closed when the command ends."""
    if path is None:
        yield None
        return
    with WireTrace(path) as trace:
        yield trace
