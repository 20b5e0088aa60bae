"""The ``ios14-audit`` command line: a thin click layer over the library.

This package is the only place that echoes or exits, and this module the only place that
turns an :class:`~audit.errors.AuditError` into a message and an exit code
(:class:`~audit.errors.ExitCode`: 0 completed, 1 a ``--fail-on`` severity matched, 2 usage,
config or input-file error, 3 at least one client could not be audited, 4 a write to Meta
failed, 130 a run stopped by Ctrl-C or SIGTERM). Everything it prints passes the redaction
(:mod:`audit.cli.guard`).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from audit import __version__
from audit.cli import (
    alerts_cmd,
    capi_cmd,
    checks_cmd,
    config_cmd,
    doctor_cmd,
    history_cmd,
    inspect_cmd,
    rules_cmd,
    run_cmd,
    sandbox_cmd,
)
from audit.cli.guard import exit_now_if_interrupted, redacted_output
from audit.errors import AuditError, ExitCode
from audit.redact import RedactingFilter, redact, redacting_excepthook


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


class AuditGroup(click.Group):
    """The command group that handles every expected error once, for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an AuditError becomes one line on stderr and its exit code.

        Everything the command prints goes through the redaction (stdout and stderr are
        wrapped for its duration).
        """
        with redacted_output():
            try:
                return super().invoke(ctx)
            except AuditError as exc:
                click.echo(f"error: {redact(str(exc))}", err=True)
                ctx.exit(int(exc.exit_code))
            except KeyboardInterrupt:
                # Commands other than run/demo (which turn Ctrl-C into an orderly stop):
                # one line and 130, never click's "Aborted!" with 1 (reserved for --fail-on).
                click.echo("interrupted", err=True)
                ctx.exit(int(ExitCode.INTERRUPTED))


@click.group(cls=AuditGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
cli.add_command(doctor_cmd.doctor)
cli.add_command(alerts_cmd.alerts_group)
for _command in (inspect_cmd.domains, inspect_cmd.access, inspect_cmd.events,
                 inspect_cmd.priorities, inspect_cmd.windows, rules_cmd.rules,
                 history_cmd.history, history_cmd.diff, history_cmd.report):
    cli.add_command(_command)
cli.add_command(capi_cmd.capi)


def main() -> None:
    """Console-script entry point.

    An unexpected crash prints its traceback scrubbed of credentials; a run stopped by
    Ctrl-C or SIGTERM leaves at once with exit code 130 (see :mod:`audit.cli.guard`).
    """
    sys.excepthook = redacting_excepthook
    try:
        with redacted_output():  # click's own usage errors are printed outside invoke()
            cli(prog_name="ios14-audit")
    except SystemExit as exc:
        exit_now_if_interrupted(exc.code)
        raise
