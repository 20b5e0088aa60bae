"""Whether the reads a check needs are in the snapshot, and the standard SKIPPED wording.

A need (a key pattern such as ``pixel/*/da_checks``) is met when at least one matching read
succeeded or returned part of its data. It is unmet when every matching read failed
outright, or when nothing matching was read although the client has the resources the
pattern ranges over (a pixel pattern for a client with pixels, an ad-account pattern for
one with ad accounts, any pattern without a wildcard). A client with no pixels does not
miss its pixels' reads: the check runs and has nothing to say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from audit.collect.snapshot import Snapshot
from audit.facts.view import SnapshotView
from audit.graph.reads import KEY_PATTERNS, WILDCARD, key_matches
from audit.graph.result import Fetched

# How many endpoints a message names before it says "and N more" (the evidence has all).
SHOWN = 3


@dataclass(frozen=True)
class UnmetNeed:
    """A need none of whose reads can be used: the failed ones (empty if none was read)."""

    pattern: str
    failed: tuple[tuple[str, Fetched], ...]


def _has_resources(pattern: str, view: SnapshotView) -> bool:
    """Whether the client has what ``pattern``'s wildcard ranges over."""
    root = pattern.split("/", 1)[0]
    if WILDCARD not in pattern:
        return True
    if root == "pixel":
        return bool(view.pixel_ids)
    if root == "adaccount":
        return bool(view.client.ad_accounts)
    return True  # an unknown collection: expect it rather than run on nothing


ReadIndex = Mapping[str, list[tuple[str, Fetched]]]


def _by_shape() -> dict[tuple[int, str], tuple[str, ...]]:
    """The catalogue's patterns by their number of segments and their first one."""
    shapes: dict[tuple[int, str], list[str]] = {}
    for pattern in KEY_PATTERNS:
        segments = pattern.split("/")
        shapes.setdefault((len(segments), segments[0]), []).append(pattern)
    return {shape: tuple(patterns) for shape, patterns in shapes.items()}


# A key can only fit a pattern of its own length whose first segment is its first one
# (or the wildcard): those few are tried, not the whole catalogue for every key.
_SHAPES = _by_shape()


def index_reads(snap: Snapshot) -> ReadIndex:
    """The snapshot's reads grouped by catalogue pattern, in key order (built once a run:
    an agency-sized snapshot has thousands of keys and every check asks)."""
    out: dict[str, list[tuple[str, Fetched]]] = {}
    for key in sorted(snap.endpoints):
        segments = key.split("/")
        for first in (segments[0], WILDCARD):
            for pattern in _SHAPES.get((len(segments), first), ()):
                if key_matches(pattern, key):
                    out.setdefault(pattern, []).append((key, snap.endpoints[key]))
    return out


def unmet_needs(needs: Iterable[str], view: SnapshotView, index: ReadIndex | None = None
                ) -> list[UnmetNeed]:
    """The needs in ``needs`` that the snapshot cannot satisfy, in the order given."""
    index = index_reads(view.snap) if index is None else index
    out = []
    for pattern in needs:
        found = index.get(pattern, [])
        if any(r.succeeded or r.partial for _, r in found):
            continue
        if found or _has_resources(pattern, view):
            out.append(UnmetNeed(pattern, tuple(found)))
    return out


def _reason(res: Fetched) -> str:
    kind = res.error_kind or "unknown"
    code = res.error_code
    return f"{kind} error" + (f" {code}" if code is not None else "")


def _endpoints(names: list[str]) -> str:
    if len(names) > SHOWN:
        return f"{', '.join(names[:SHOWN])} and {len(names) - SHOWN} more"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def skip_message(unmet: Iterable[UnmetNeed]) -> str:
    """``Skipped: GET /act_1/adrules_library could not be read (permission error 200)``."""
    parts = []
    for need in unmet:
        if not need.failed:
            parts.append(f"{need.pattern} was not read")
            continue
        by_reason: dict[str, list[str]] = {}
        for _key, res in need.failed:
            by_reason.setdefault(_reason(res), []).append(res.endpoint)
        for reason, names in by_reason.items():
            parts.append(f"{_endpoints(names)} could not be read ({reason})")
    return "Skipped: " + "; ".join(parts)


def skip_evidence(unmet: Iterable[UnmetNeed]) -> dict[str, Any]:
    """The unmet needs and every failed read behind them, for the finding's evidence."""
    unmet = list(unmet)
    return {
        "unmet_needs": [n.pattern for n in unmet],
        "failed_reads": [{"key": key, "endpoint": res.endpoint, "kind": res.error_kind,
                          "code": res.error_code,
                          "message": str((res.error or {}).get("message", ""))}
                         for n in unmet for key, res in n.failed],
    }
