"""Dataset Quality API results (event match quality, coverage, dedup, freshness), parsed.

The API answers ``{"web": [{"event_name", "event_match_quality", "event_coverage",
"dedup_key_feedback", "data_freshness", …}]}``. Sub-objects are read tolerantly: a
percentage may come as a number or as ``{"percentage": n}``, and feedback may be a list or
an object. Anything unrecognised is unknown, never zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from audit.view import SnapshotView, to_float, to_str


def _pct(value: Any) -> float | None:
    if isinstance(value, Mapping):
        return to_float(value.get("percentage"))
    return to_float(value)


@dataclass(frozen=True)
class DedupFeedback:
    """How many browser and server events carried a deduplication key (event_id)."""

    keys: tuple[str, ...]
    browser_percent: float | None
    server_percent: float | None

    @property
    def best_percent(self) -> float | None:
        """The higher of the two coverages, or None when neither was reported."""
        values = [v for v in (self.browser_percent, self.server_percent) if v is not None]
        return max(values) if values else None


@dataclass(frozen=True)
class EventQuality:
    """Dataset Quality figures for one event of one pixel."""

    event: str
    match_quality: float | None
    coverage_percent: float | None
    coverage_goal_percent: float | None
    dedup: DedupFeedback | None
    freshness: str | None


def _dedup(value: Any) -> DedupFeedback | None:
    entries = value if isinstance(value, list) else [value] if isinstance(value, Mapping) else []
    keys: list[str] = []
    browser: list[float] = []
    server: list[float] = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        key = to_str(entry.get("dedupe_key") or entry.get("dedup_key"))
        if key:
            keys.append(key)
        b = _pct(entry.get("browser_events_with_dedupe_key"))
        s = _pct(entry.get("server_events_with_dedupe_key"))
        if b is not None:
            browser.append(b)
        if s is not None:
            server.append(s)
    if not entries:
        return None
    return DedupFeedback(tuple(keys), max(browser) if browser else None,
                         max(server) if server else None)


def _freshness(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return to_str(value.get("upload_frequency") or value.get("description"))
    return to_str(value)


def dataset_quality(view: SnapshotView, pixel_id: str) -> dict[str, EventQuality] | None:
    """Per-event quality of one pixel; None when the Dataset Quality API was unavailable."""
    res = view.get(f"pixel/{pixel_id}/dataset_quality")
    if res is None or res.error is not None:
        return None
    web = res.obj().get("web")
    if not isinstance(web, list):
        data = res.obj().get("data")
        web = data if isinstance(data, list) else []
    out: dict[str, EventQuality] = {}
    for item in web:
        if not isinstance(item, Mapping):
            continue
        name = to_str(item.get("event_name"))
        if not name:
            continue
        emq = item.get("event_match_quality")
        coverage = item.get("event_coverage")
        out[name] = EventQuality(
            event=name,
            match_quality=to_float(emq.get("composite_score")) if isinstance(emq, Mapping)
            else None,
            coverage_percent=_pct(coverage),
            coverage_goal_percent=to_float(coverage.get("goal_percentage"))
            if isinstance(coverage, Mapping) else None,
            dedup=_dedup(item.get("dedup_key_feedback", item.get("dedupe_key_feedback"))),
            freshness=_freshness(item.get("data_freshness")),
        )
    return out
