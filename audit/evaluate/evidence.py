"""Which checks lost evidence when a read came back without fields Meta refused.

A check's ``needs`` are snapshot-key patterns (``pixel/*/agencies``); a read's key matches a
pattern segment by segment, each segment an :func:`fnmatch.fnmatchcase` pattern, so
``pixel/*`` is the pixel node and not its edges.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from fnmatch import fnmatchcase

from audit.evaluate.checks.registry import CheckMeta
from audit.models import MissingFields


def key_matches(key: str, pattern: str) -> bool:
    """``pixel/123/agencies`` matches ``pixel/*/agencies``; ``pixel/123`` matches ``pixel/*``."""
    parts, wanted = key.split("/"), pattern.split("/")
    return len(parts) == len(wanted) and all(
        fnmatchcase(part, want) for part, want in zip(parts, wanted, strict=True))


def checks_needing(key: str, metas: Iterable[CheckMeta]) -> tuple[str, ...]:
    """Ids of the checks whose ``needs`` (or ``uses``, reads a check looks at but can do
    without, where the registry declares them) include the read stored under ``key``."""
    return tuple(m.id for m in metas
                 if any(key_matches(key, p) for p in (*m.needs, *getattr(m, "uses", ()))))


def with_checks(missing: Sequence[MissingFields], metas: Sequence[CheckMeta]
                ) -> list[MissingFields]:
    """Each missing-fields record with the checks that lost evidence filled in."""
    return [replace(m, checks=checks_needing(m.resource, metas)) for m in missing]
