"""Views of one run that several outputs need, worked out once while the run is written.

A client's run is summarised for the agency index, then rendered as the client report and
as the technical page, and each derives the same groups of findings, action items and
window tables from it. Inside :func:`sharing` (the writer opens it around one client's
files), :func:`once` keeps each result for the rest of that client's writing, per
language (sentences are worded in the active one, :mod:`.i18n`); outside, it works the
result out at every call. Results are read, never changed, by the pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from . import i18n

T = TypeVar("T")

_shared: ContextVar[dict[tuple[Any, ...], Any] | None] = ContextVar("shared_views",
                                                                    default=None)


@contextmanager
def sharing() -> Iterator[None]:
    """Within: :func:`once` computes each view of the run once (per thread: each thread
    writes its own client)."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def _key(value: Any) -> Any:
    """A value as part of a key: itself when hashable (a Context, None), else its identity
    (the run's findings list, its sections: alive as long as the run being written)."""
    try:
        hash(value)
    except TypeError:
        return ("id", id(value))
    return value


def once(make: Callable[..., T], *args: Any) -> T:
    """``make(*args)``, worked out once per language inside :func:`sharing`."""
    memo = _shared.get()
    if memo is None:
        return make(*args)
    key = (make, i18n.current(), *(_key(a) for a in args))
    if key not in memo:
        memo[key] = make(*args)
    return memo[key]  # type: ignore[no-any-return]
