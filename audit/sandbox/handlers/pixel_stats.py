"""Deterministic hourly pixel stats (``GET /{pixel}/stats``) from the compact world data.

Day ``k`` of an event is the 24 hours ending at the hour of its last fire minus ``k`` days; its
count is spread over those hours by a fixed diurnal profile with the largest-remainder method,
then over hosts by their shares — so every split sums exactly to the world's numbers. Only the
last 168 hourly buckets (7 days, ending with the current hour) are ever returned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from ..wire.errors import enum_error, invalid_param, missing_param
from ..world import enums as E
from ..world.model import Pixel, PixelEvent
from ..world.timeutil import floor_hour, graph_time, parse_param_time

HOUR = timedelta(hours=1)
RETENTION_HOURS = 168
# Relative traffic per UTC hour of day (night low, evening peak).
DIURNAL = (3, 2, 2, 1, 1, 1, 2, 4, 6, 7, 8, 8, 8, 8, 7, 7, 7, 8, 9, 10, 10, 9, 7, 5)
DEVICE_TYPES = (("desktop", 0.38), ("mobile_iphone", 0.34), ("mobile_android_phone", 0.22),
                ("mobile_ipad", 0.06))
BROWSER_TYPES = (("Safari", 0.36), ("Chrome", 0.44), ("Facebook", 0.12), ("Firefox", 0.08))
DEVICE_OS = (("iOS", 0.40), ("Android", 0.22), ("Windows", 0.26), ("Mac OS X", 0.12))
# Aggregations whose output format is undocumented: accepted, answered with no rows.
UNMODELLED = frozenset({"custom_data_field", "match_keys", "had_pii", "event_detection_method",
                        "event_processing_results", "event_value_count", "url_by_rule"})
ExtraCounts = dict[tuple[str, str, datetime, str], int]


def split(total: int, weights: Sequence[float]) -> list[int]:
    """Largest-remainder split of ``total`` by ``weights`` (ties go to the earlier index)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    raw = [total * w / weight_sum for w in weights]
    parts = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - parts[i]), i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def hourly(event: PixelEvent, source: str, now: datetime) -> dict[datetime, int]:
    """Counts per hour bucket (within retention) for ``browser`` or ``server`` traffic."""
    if source == "browser":
        per_day, repeat, last = event.browser_per_day, event.browser_repeat, event.last_fired
    else:
        per_day, repeat, last = event.server_per_day, event.server_repeat, event.server_last_fired
    if last is None:
        return {}
    top = floor_hour(last)
    first_kept = floor_hour(now) - (RETENTION_HOURS - 1) * HOUR
    out: dict[datetime, int] = {}
    k = 0
    while True:
        day_end = top - timedelta(days=k)
        if day_end < first_kept or (not repeat and k >= len(per_day)):
            break
        count = per_day[0] if repeat else per_day[-1 - k]
        hours = [day_end - (23 - i) * HOUR for i in range(24)]
        for hour, part in zip(hours, split(count, [DIURNAL[h.hour] for h in hours]),
                              strict=True):
            if part and hour >= first_kept:
                out[hour] = part
        k += 1
    return out


def _host_split(count: int, hosts: dict[str, float]) -> list[tuple[str, int]]:
    names = sorted(hosts)
    return list(zip(names, split(count, [hosts[n] for n in names]), strict=True))


def _window(params: dict[str, str], now: datetime) -> tuple[datetime, datetime]:
    start, end = floor_hour(now) - (RETENTION_HOURS - 1) * HOUR, now
    for key in ("start_time", "end_time"):
        raw = params.get(key)
        if raw:
            parsed = parse_param_time(raw)
            if parsed is None:
                raise invalid_param(f"Param {key} must be a unix timestamp or ISO-8601 time")
            if key == "start_time":
                start = max(start, floor_hour(parsed))
            else:
                end = min(end, parsed)
    return start, end


def pixel_stats(pixel: Pixel, params: dict[str, str], now: datetime,
                extra: ExtraCounts) -> list[dict[str, object]]:
    """The ``AdsPixelStatsResult`` list for a stats request, oldest hour first."""
    aggregation = params.get("aggregation", "event") or "event"
    if aggregation not in E.STATS_AGGREGATIONS:
        raise enum_error("aggregation", E.STATS_AGGREGATIONS)
    source = params.get("event_source")
    if source and source not in ("WEB_ONLY", "SERVER_ONLY"):
        raise enum_error("event_source", ("WEB_ONLY", "SERVER_ONLY"))
    if aggregation == "custom_data_field" and not params.get("event"):
        raise missing_param("event")
    start, end = _window(params, now)
    if aggregation in UNMODELLED or start > end:
        return []
    sources = {"WEB_ONLY": ("browser",), "SERVER_ONLY": ("server",)}.get(source or "",
                                                                          ("browser", "server"))
    buckets: dict[datetime, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    only_event = params.get("event")
    for event in pixel.events.values():
        if only_event and event.name != only_event:
            continue
        hosts = event.hosts or pixel.hosts
        for src in sources:
            for hour, count in hourly(event, src, now).items():
                if start <= hour <= end:
                    _add(buckets[hour], aggregation, event, src, count, hosts)
    for (pixel_id, name, hour, host), count in extra.items():
        if pixel_id == pixel.id and "server" in sources and start <= hour <= end and (
                not only_event or name == only_event):
            fake = PixelEvent(name, [], [], False, False, None, None, {host: 1.0}, "/")
            _add(buckets[hour], aggregation, fake, "server", count, {host: 1.0})
    return _results(buckets, aggregation)


def _add(bucket: dict[str, int], aggregation: str, event: PixelEvent, source: str, count: int,
         hosts: dict[str, float]) -> None:
    if aggregation in ("event", "event_total_counts"):
        bucket[event.name] += count
    elif aggregation in ("host", "url"):
        for host, part in _host_split(count, hosts):
            if part:
                key = host if aggregation == "host" else f"https://{host}{event.url_path}"
                bucket[key] += part
    elif aggregation == "event_source":
        bucket["WEB" if source == "browser" else "SERVER"] += count
    elif aggregation == "pixel_fire":
        if source == "browser":
            bucket["fires"] += count
    elif source == "browser":
        shares = {"device_type": DEVICE_TYPES, "browser_type": BROWSER_TYPES,
                  "device_os": DEVICE_OS}[aggregation]
        for (name, _), part in zip(shares, split(count, [s for _, s in shares]), strict=True):
            if part:
                bucket[name] += part


def _results(buckets: dict[datetime, dict[str, int]], aggregation: str) -> list[dict[str, object]]:
    cap = 100 if aggregation == "event" else 10000
    hours = sorted(h for h, values in buckets.items() if any(values.values()))
    if aggregation == "event_total_counts":
        if not hours:
            return []
        totals: dict[str, int] = defaultdict(int)
        for hour in hours:
            for name, count in buckets[hour].items():
                totals[name] += count
        return [{"aggregation": aggregation, "start_time": graph_time(hours[0]),
                 "data": _rows(totals, cap)}]
    return [{"aggregation": aggregation, "start_time": graph_time(hour),
             "data": _rows(buckets[hour], cap)} for hour in hours]


def _rows(values: dict[str, int], cap: int) -> list[dict[str, object]]:
    ordered = sorted(((v, c) for v, c in values.items() if c), key=lambda vc: (-vc[1], vc[0]))
    return [{"value": value, "count": count} for value, count in ordered[:cap]]


def host_last_fired(pixel: Pixel, domain: str) -> datetime | None:
    """Latest fire of any event on a host equal to or under ``domain``."""
    latest: datetime | None = None
    for event in pixel.events.values():
        hosts = event.hosts or pixel.hosts
        if not any(h == domain or h.endswith("." + domain) for h, s in hosts.items() if s > 0):
            continue
        for moment in (event.last_fired, event.server_last_fired):
            if moment and (latest is None or moment > latest):
                latest = moment
    return latest
