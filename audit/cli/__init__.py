"""The ``ios14-audit`` command line: a thin click layer over the library.

This package is the only place that echoes or exits. Exit codes: 0 completed, 1 a
``--fail-on`` severity matched, 2 usage or config error, 3 at least one client could not
be audited.
"""

from __future__ import annotations

import logging
import sys

import click

from audit import __version__
from audit.cli import (
    checks_cmd,
    config_cmd,
    history_cmd,
    inspect_cmd,
    rules_cmd,
    run_cmd,
    sandbox_cmd,
)
from audit.redact import RedactingFilter


def _setup_logging(verbose: int) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # urllib3 logs full URLs (query string, token included) at DEBUG: keep it quiet.
    logging.getLogger("urllib3").setLevel(logging.WARNING)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ios14-audit")
@click.option("-v", "--verbose", count=True, help="More log output (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """Audit Meta Business Managers for iOS 14 measurement readiness.

    Start with `ios14-audit demo` to see a report for a demo agency, produced by the
    official SDK against the built-in sandbox Graph API.
    """
    _setup_logging(verbose)


cli.add_command(config_cmd.config_group)
cli.add_command(checks_cmd.checks)
cli.add_command(run_cmd.run)
cli.add_command(run_cmd.demo)
cli.add_command(sandbox_cmd.sandbox)
for _command in (inspect_cmd.domains, inspect_cmd.access, inspect_cmd.events,
                 inspect_cmd.priorities, inspect_cmd.windows, rules_cmd.rules,
                 history_cmd.history, history_cmd.diff, history_cmd.report):
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="ios14-audit")
