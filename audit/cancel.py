"""Stopping a run on request (Ctrl-C, SIGTERM): one process-wide flag, checked before work.

The command line sets the flag from its signal handler (:func:`request_stop`); the Graph
session checks it before every request and batch (:func:`check`) and waits through
:func:`pause` instead of ``time.sleep`` (a retry or rate-limit pause of minutes ends at
once); the pipeline checks it between clients and between a client's stages. A stopped
stage raises :class:`Cancelled`, a ``BaseException`` like ``KeyboardInterrupt`` so that the
``except Exception`` blocks which keep one client's failure from stopping the others do not
turn a stop into a "not audited" client.

The flag is per process on purpose: a signal stops everything the process is doing, and
every layer can see it without being handed an object.
"""

from __future__ import annotations

import threading

_stop = threading.Event()


class Cancelled(BaseException):
    """The run was asked to stop (Ctrl-C or SIGTERM) before this piece of work began."""


def request_stop() -> None:
    """Ask every thread to stop before its next request (safe from a signal handler)."""
    _stop.set()


def stop_requested() -> bool:
    """True once a stop was requested (until :func:`reset`)."""
    return _stop.is_set()


def check() -> None:
    """Raise :class:`Cancelled` if a stop was requested."""
    if _stop.is_set():
        raise Cancelled("stop requested")


def pause(seconds: float) -> None:
    """Sleep ``seconds``, or less: raise :class:`Cancelled` as soon as a stop is requested."""
    if _stop.wait(max(0.0, seconds)):
        raise Cancelled("stop requested")


def reset() -> None:
    """Clear the flag (a new command in the same process, e.g. the tests' in-process CLI)."""
    _stop.clear()
