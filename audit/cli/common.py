"""Helpers shared by the CLI commands: config loading, exit codes, output."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console

from audit.config import Config, ConfigError, load_config
from audit.evaluate.engine import validate_mutes, validate_overrides

EXIT_OK = 0
EXIT_FAIL_ON = 1
EXIT_USAGE = 2
EXIT_NOT_AUDITED = 3

config_option = click.option(
    "-c", "--config", "config_path", required=True,
    type=click.Path(dir_okay=False, path_type=Path), help="The agency's config file (YAML).")


def stdout() -> Console:
    """A console for tables on stdout."""
    return Console(highlight=False, soft_wrap=False)


def stderr() -> Console:
    """A console for progress and messages on stderr."""
    return Console(stderr=True, highlight=False)


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print an error and exit with ``code``."""
    click.echo(f"error: {message}", err=True)
    raise SystemExit(code)


def load_or_exit(path: Path) -> Config:
    """Load and fully validate the config (including ``checks:``), or exit 2."""
    try:
        config = load_config(path)
    except ConfigError as exc:
        fail(str(exc))
    problems = validate_overrides(config.checks) + validate_mutes(config.mute)
    if problems:
        fail(str(ConfigError(str(path), problems)))
    return config
