"""Helpers shared by the CLI commands: config loading, client selection, consoles.

Errors are raised, never printed here: every expected failure is an
:class:`~audit.errors.AuditError`, turned into one line and its exit code by the command
group in :mod:`audit.cli` (the only place that decides how the process exits).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.text import Text

from audit.collect.snapshot import Snapshot
from audit.config import ClientConfig, Config, ConfigError, load_config
from audit.errors import AuditError
from audit.evaluate.engine import validate_mutes, validate_overrides
from audit.graph.trace import WireTrace
from audit.publish.alerts import register_url_secrets
from audit.publish.render.i18n import validate_languages
from audit.redact import redact, register_secret

config_option = click.option(
    "-c", "--config", "config_path", required=True,
    type=click.Path(dir_okay=False, path_type=Path), help="The agency's config file (YAML).")


class RedactingConsole(Console):
    """A rich console that scrubs credentials from text before laying it out.

    stdout and stderr are scrubbed as a whole too (:class:`~audit.redact.RedactingStream`),
    but rich wraps long lines to the terminal's width, and a token cut in two by a line
    break would no longer be recognised there: text is redacted here, while still whole.
    """

    def render_str(self, text: str, *args: Any, **kwargs: Any) -> Text:
        """Rich's string-to-Text step, on the scrubbed string."""
        return super().render_str(redact(text), *args, **kwargs)

    def print(self, *objects: Any, **kwargs: Any) -> None:
        """Print, with every string or Text scrubbed first."""
        super().print(*(_scrubbed(o) for o in objects), **kwargs)

    def log(self, *objects: Any, **kwargs: Any) -> None:
        """Log a line, with every string or Text scrubbed first."""
        super().log(*(_scrubbed(o) for o in objects), **kwargs)


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, Text):
        plain = redact(value.plain)
        return value if plain == value.plain else Text(plain, style=value.style)
    return value


def stdout() -> Console:
    """A console for tables on stdout."""
    return RedactingConsole(highlight=False, soft_wrap=False)


def stderr() -> Console:
    """A console for progress and messages on stderr (no source locations on log lines)."""
    return RedactingConsole(stderr=True, highlight=False, log_path=False)


def fail(message: str) -> NoReturn:
    """Stop the command with a usage error (exit 2) and this one-line message."""
    raise AuditError(message)


def load_checked_config(path: Path) -> Config:
    """Load and fully validate the config, including ``checks:``, ``mute:`` and that every
    report language has a catalogue."""
    config = load_config(path)
    problems = (validate_overrides(config.checks) + validate_mutes(config.mute)
                + validate_languages(config))
    known = {c.slug for c in config.clients}
    problems += [f'mute[{i}].client: no client "{m.client}" in the config; known: '
                 f'{", ".join(sorted(known))}'
                 for i, m in enumerate(config.mute) if m.client and m.client not in known]
    if problems:
        raise ConfigError(str(path), problems)
    register_config_secrets(config, os.environ)
    return config


def register_config_secrets(config: Config, env: Mapping[str, str]) -> None:
    """Mask the config's tokens, app secret and alert URLs (read from ``env``) in every
    later output, from the start: a token of a client not yet audited can be echoed too."""
    for secret in config.secrets(env):
        register_secret(secret)
    register_url_secrets(config.alerts.all_urls(env))


def select_clients(config: Config, slugs: Sequence[str]) -> list[ClientConfig]:
    """The clients named by ``--client`` (all when none); unknown slugs name the known ones."""
    return [config.client(s) for s in slugs] if slugs else list(config.clients)


def check_slug(config: Config, slug: str | None) -> str | None:
    """``slug`` if the config has that client (or None); else a usage error naming the known."""
    if slug is not None:
        config.client(slug)
    return slug


def shard_of(slug: str, count: int) -> int:
    """The shard (1..count) a client belongs to: SHA-256 of its slug, modulo ``count``.

    Stable across machines, Python versions and config order (unlike ``hash()``), so each
    of N cron jobs or pods audits the same clients every time; a client added to the
    config joins one shard without moving the others.
    """
    digest = hashlib.sha256(slug.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % count + 1


def parse_shard(_ctx: click.Context, _param: click.Parameter, value: str | None
                ) -> tuple[int, int] | None:
    """``--shard K/N`` → (K, N), with 1 <= K <= N."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", value)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)) <= 10000:
        raise click.BadParameter(f"{value!r} must be K/N with 1 <= K <= N (e.g. 1/2 and 2/2; "
                                 "a Kubernetes Indexed Job passes $((JOB_COMPLETION_INDEX+1))/N)")
    return int(match.group(1)), int(match.group(2))


def select_shard(clients: Sequence[ClientConfig], shard: tuple[int, int]
                 ) -> list[ClientConfig]:
    """The clients of shard K of N (see :func:`shard_of`)."""
    k, n = shard
    return [c for c in clients if shard_of(c.slug, n) == k]


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


pdf_option = click.option(
    "--pdf", is_flag=True,
    help="Also write report.pdf beside each report.html (needs the pdf extra: "
         "pip install 'ios14-audit[pdf]').")


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
