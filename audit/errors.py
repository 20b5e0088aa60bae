"""One error model for the whole tool: every expected failure is an :class:`AuditError`.

An ``AuditError`` carries the process exit code it stands for, so the command line turns
any of them into one line on stderr and that code, in one place (``audit.cli.main``)::

    AuditError                    exit 2 unless a subclass says otherwise
    ├── ConfigError               the config file (audit.config)
    ├── SnapshotError             a snapshot file (audit.collect.snapshot)
    ├── RunFileError              a run.json file (audit.publish.runfile)
    ├── HistoryError              the history database (audit.publish.history)
    ├── BrandingError             report branding: logo, templates (audit.publish.render)
    ├── PlanError                 a rules plan or backup file (audit.actions.rules)
    ├── BackupNotWritable         where the rules backup goes (audit.actions.rules)
    ├── WriteNotPermitted         the token may not update rules (audit.actions.rules)
    └── ActionFailed              a write to Meta that did not complete: exit 4

Graph API failures are not AuditErrors: they are recorded against the endpoint and the
client, and a client that could not be audited at all makes the run exit 3.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """The process exit codes, documented once (README "Periodic checks")."""

    OK = 0
    FAIL_ON = 1  # a --fail-on severity matched
    USAGE = 2  # usage, config or input-file error
    NOT_AUDITED = 3  # at least one client could not be audited
    ACTION_FAILED = 4  # an explicit write to Meta (e.g. a rule update) failed or was refused
    INTERRUPTED = 130  # stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells report it)


class AuditError(Exception):
    """An expected failure with a one-line message that says what to do."""

    exit_code: ExitCode = ExitCode.USAGE


class ActionFailed(AuditError):
    """A write the user asked for (rule update, rollback) failed or was refused."""

    exit_code = ExitCode.ACTION_FAILED
