"""What stands between a command and the terminal: redaction of all output, and signals.

:func:`redacted_output` puts :class:`~audit.redact.RedactingStream` around stdout and
stderr for the time of a command, so every line the command line prints (click, rich,
JSON, log records, tracebacks) passes the one redaction step.

:func:`stoppable` turns Ctrl-C (SIGINT) and SIGTERM (how systemd, Kubernetes and
``timeout`` stop a job) into a stop request (:mod:`audit.cancel`): the run sends no new
request, keeps the clients that completed, writes the index and exits 130. A second signal
exits at once, without the index.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from types import FrameType

from audit import cancel
from audit.errors import ExitCode
from audit.redact import RedactingStream

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextlib.contextmanager
def redacted_output() -> Iterator[None]:
    """Scrub everything written to stdout and stderr while the block runs."""
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, RedactingStream):
        sys.stdout = RedactingStream(sys.stdout)
    if not isinstance(sys.stderr, RedactingStream):
        sys.stderr = RedactingStream(sys.stderr)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        sys.stdout, sys.stderr = saved


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    if cancel.stop_requested():  # the second one: stop now, index or not
        with contextlib.suppress(Exception):
            sys.stderr.write("interrupted again: stopping now; the index was not written\n")
            sys.stderr.flush()
        os._exit(int(ExitCode.INTERRUPTED))
    cancel.request_stop()


@contextlib.contextmanager
def stoppable() -> Iterator[None]:
    """Ctrl-C and SIGTERM request a stop (see the module) while the block runs.

    Signal handlers can only be set from the main thread; elsewhere (a test calling the
    command line from a thread) the default behaviour stays.
    """
    cancel.reset()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _on_signal) for s in STOP_SIGNALS}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def exit_now_if_interrupted(code: object) -> None:
    """After a stopped run, leave without waiting for requests still in flight.

    Worker threads abandoned by a stop may sit in a socket read until the Graph timeout;
    Python would join them before exiting. Everything the run keeps is written and closed
    by now, so the process ends here with exit code 130.
    """
    if code == ExitCode.INTERRUPTED:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(int(ExitCode.INTERRUPTED))
