"""Sandbox clock, relative times ("-3h", "+75d") and Graph date/time formats."""

from __future__ import annotations

import re
import time
from datetime import date, datetime, timedelta, timezone

UTC = timezone.utc
GRAPH_FORMAT = "%Y-%m-%dT%H:%M:%S+0000"
_RELATIVE = re.compile(r"^([+-])(\d+(?:\.\d+)?)([smhdw])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


class Clock:
    """The sandbox's notion of "now": fixed (``settings.now``) or the real UTC clock."""

    def __init__(self, fixed: datetime | None = None) -> None:
        self.fixed = fixed

    def now(self) -> datetime:
        """Return the current sandbox time (timezone-aware UTC)."""
        if self.fixed is not None:
            return self.fixed
        return datetime.fromtimestamp(time.time(), tz=UTC)


def parse_relative(text: str, now: datetime) -> datetime | None:
    """Resolve ``-3h``/``+75d``/``now`` against ``now``; ``None`` if not a relative time."""
    if text == "now":
        return now
    match = _RELATIVE.match(text.strip())
    if not match:
        return None
    sign, amount, unit = match.groups()
    seconds = float(amount) * _UNITS[unit]
    return now + timedelta(seconds=seconds if sign == "+" else -seconds)


def parse_absolute(text: str) -> datetime | None:
    """Parse ISO-8601 dates/times (``2026-01-12``, ``…T10:00:00Z``, ``…+0000``) as UTC."""
    value = text.strip()
    if value.endswith("Z"):
        value = value[:-1] + "+00:00"
    if re.search(r"[+-]\d{4}$", value) and "T" in value:
        value = value[:-2] + ":" + value[-2:]
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_time(text: str, now: datetime) -> datetime | None:
    """Relative or absolute time, or ``None`` when the text is neither."""
    return parse_relative(text, now) or parse_absolute(text)


def parse_param_time(text: str) -> datetime | None:
    """A request parameter time: unix seconds or ISO-8601 (as the stats edge accepts)."""
    stripped = text.strip()
    if re.fullmatch(r"\d+(\.\d+)?", stripped):
        return datetime.fromtimestamp(float(stripped), tz=UTC)
    return parse_absolute(stripped)


def graph_time(moment: datetime) -> str:
    """Format like Graph: ``2026-05-01T09:12:33+0000``."""
    return moment.astimezone(UTC).strftime(GRAPH_FORMAT)


def unix(moment: datetime) -> int:
    """Unix seconds."""
    return int(moment.timestamp())


def floor_hour(moment: datetime) -> datetime:
    """Truncate to the hour."""
    return moment.replace(minute=0, second=0, microsecond=0)


def local_date(moment: datetime, offset_hours: float) -> date:
    """Calendar date of ``moment`` in a zone ``offset_hours`` from UTC."""
    return (moment + timedelta(hours=offset_hours)).date()
