"""Dataset Quality API results (event match quality, coverage, dedup, freshness), parsed.

The API answers ``{"web": [{"event_name", "event_match_quality": {"composite_score",
"match_key_feedback": [{"identifier", "coverage": {"percentage"},
"potential_aly_acr_increase": {"percentage"}}]}, "event_potential_aly_acr_increase":
{"percentage"}, "event_coverage":
{"percentage", "goal_percentage"}, "dedupe_key_feedback": [{"dedupe_key",
"browser_events_with_dedupe_key": {"percentage"}, …}], "data_freshness":
{"upload_frequency"}}]}``, as documented (with examples) at
https://developers.facebook.com/docs/marketing-api/conversions-api/dataset-quality-api.
Sub-objects are still read tolerantly: a percentage may come as a number or as
``{"percentage": n}``, and feedback may be a list or an object. Anything unrecognised is
unknown, never zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from audit.facts.view import SnapshotView, to_float, to_str


def _pct(value: Any) -> float | None:
    if isinstance(value, Mapping):
        return to_float(value.get("percentage"))
    return to_float(value)


@dataclass(frozen=True)
class KeyFeedback:
    """One dedupe key's coverage: browser and server events carrying it, and deduplicated."""

    key: str
    browser_percent: float | None
    server_percent: float | None
    overall_percent: float | None


@dataclass(frozen=True)
class DedupFeedback:
    """Deduplication keys (event_id, fbp, external_id …) and how far they match events.

    ``overall_percent`` is Meta's "overall browser coverage from dedupe key": the share of
    browser events actually deduplicated against Conversions API events (incremental per
    key, so the keys add up). When it is absent, the best key's coverage on *both* sides
    is the estimate: a key only on server events deduplicates nothing.
    """

    keys: tuple[str, ...]
    browser_percent: float | None
    server_percent: float | None
    overall_percent: float | None = None
    both_sides_percent: float | None = None
    per_key: tuple[KeyFeedback, ...] = ()

    def key(self, name: str) -> KeyFeedback | None:
        """The feedback of one dedupe key (e.g. ``event_id``), if Meta reported it."""
        return next((k for k in self.per_key if k.key == name), None)

    @property
    def best_percent(self) -> float | None:
        """Share of events deduplicated (see class doc), or None when not reported."""
        if self.overall_percent is not None:
            return self.overall_percent
        return self.both_sides_percent


@dataclass(frozen=True)
class MatchKey:
    """One customer information key (email, phone …) of an event's match quality.

    ``coverage_percent`` is the share of server events that carry it (None: not reported,
    which for a key Meta lists with an uplift means it is not sent). ``uplift_percent`` is
    Meta's ``potential_aly_acr_increase``: the median increase in additional conversions
    reported that similar advertisers saw when they sent this key (Dataset Quality API,
    2025-05-28). It is Meta's estimate for comparable advertisers, not a promise.
    """

    identifier: str
    coverage_percent: float | None
    uplift_percent: float | None


@dataclass(frozen=True)
class EventQuality:
    """Dataset Quality figures for one event of one pixel."""

    event: str
    match_quality: float | None
    coverage_percent: float | None
    coverage_goal_percent: float | None
    dedup: DedupFeedback | None
    freshness: str | None
    match_keys: tuple[MatchKey, ...] = ()
    # event_potential_aly_acr_increase: Meta's estimate for the event as a whole
    potential_uplift_percent: float | None = None


def _match_keys(emq: Any) -> tuple[MatchKey, ...]:
    feedback = emq.get("match_key_feedback") if isinstance(emq, Mapping) else None
    entries = feedback if isinstance(feedback, list) else []
    out = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        name = to_str(entry.get("identifier"))
        if name:
            out.append(MatchKey(name, _pct(entry.get("coverage")),
                                _pct(entry.get("potential_aly_acr_increase"))))
    return tuple(out)


def _dedup(value: Any) -> DedupFeedback | None:
    entries = value if isinstance(value, list) else [value] if isinstance(value, Mapping) else []
    keys: list[str] = []
    browser: list[float] = []
    server: list[float] = []
    overall: list[float] = []
    both: list[float] = []
    per_key: list[KeyFeedback] = []
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        key = to_str(entry.get("dedupe_key"))
        if key:
            keys.append(key)
        b = _pct(entry.get("browser_events_with_dedupe_key"))
        s = _pct(entry.get("server_events_with_dedupe_key"))
        o = _pct(entry.get("overall_browser_coverage_from_dedupe_key"))
        if b is not None:
            browser.append(b)
        if s is not None:
            server.append(s)
        if b is not None and s is not None:
            both.append(min(b, s))
        if o is not None:
            overall.append(o)
        if key:
            per_key.append(KeyFeedback(key, b, s, o))
    if not entries:
        return None
    return DedupFeedback(tuple(keys), max(browser) if browser else None,
                         max(server) if server else None,
                         min(sum(overall), 100.0) if overall else None,
                         max(both) if both else None, tuple(per_key))


def _freshness(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return to_str(value.get("upload_frequency") or value.get("description"))
    return to_str(value)


def read_dataset_quality(view: SnapshotView, pixel_id: str) -> dict[str, EventQuality] | None:
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
            dedup=_dedup(item.get("dedupe_key_feedback")),
            freshness=_freshness(item.get("data_freshness")),
            match_keys=_match_keys(emq),
            potential_uplift_percent=_pct(item.get("event_potential_aly_acr_increase")),
        )
    return out
