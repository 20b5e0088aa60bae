"""Small typed readers for the world file; every failure names its key path.

``WorldError("pixels[2].events.Purchase.server_per_day: must be a non-negative integer")``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from .timeutil import parse_time


class WorldError(ValueError):
    """The world file is invalid; the message starts with the offending key path."""


def fail(path: str, message: str) -> WorldError:
    """Build a ``WorldError`` for ``path``."""
    return WorldError(f"{path}: {message}" if path else message)


def as_map(value: Any, path: str) -> dict[str, Any]:
    """A mapping with string keys (``None`` counts as empty)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise fail(path, "must be a mapping")
    for key in value:
        if not isinstance(key, str):
            raise fail(path, f"keys must be strings (got {key!r})")
    return value


def as_list(value: Any, path: str) -> list[Any]:
    """A list (``None`` counts as empty)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise fail(path, "must be a list")
    return value


def check_keys(data: dict[str, Any], allowed: Iterable[str], path: str) -> None:
    """Reject keys outside ``allowed`` (catches typos in the world file)."""
    allowed_set = set(allowed)
    for key in data:
        if key not in allowed_set:
            raise fail(f"{path}.{key}" if path else key, "unknown key")


def req(data: dict[str, Any], key: str, path: str) -> Any:
    """A required key."""
    if key not in data or data[key] is None:
        raise fail(f"{path}.{key}", "is required")
    return data[key]


def as_str(value: Any, path: str) -> str:
    """A string; numbers are accepted and converted (YAML ids often look numeric)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise fail(path, "must be a string")
    return str(value)


def as_id(value: Any, path: str) -> str:
    """A numeric-string Graph id."""
    text = as_str(value, path)
    if not text.isdigit():
        raise fail(path, f"must be a numeric id string (got {text!r})")
    return text


def as_account_id(value: Any, path: str) -> str:
    """An ad account id, normalised to ``act_<digits>``."""
    text = as_str(value, path)
    digits = text[4:] if text.startswith("act_") else text
    if not digits.isdigit():
        raise fail(path, f"must be act_<digits> (got {text!r})")
    return f"act_{digits}"


def as_bool(value: Any, path: str) -> bool:
    """A boolean."""
    if not isinstance(value, bool):
        raise fail(path, "must be true or false")
    return value


def as_int(value: Any, path: str, minimum: int | None = 0) -> int:
    """An integer (non-negative unless ``minimum`` says otherwise)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise fail(path, "must be a non-negative integer" if minimum == 0 else "must be an integer")
    if minimum is not None and value < minimum:
        if minimum == 0:
            raise fail(path, "must be a non-negative integer")
        raise fail(path, f"must be an integer >= {minimum}")
    return value


def as_number(value: Any, path: str) -> float:
    """A non-negative number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise fail(path, "must be a non-negative number")
    return float(value)


def as_str_list(value: Any, path: str) -> list[str]:
    """A list of strings."""
    return [as_str(item, f"{path}[{i}]") for i, item in enumerate(as_list(value, path))]


def as_enum(value: Any, allowed: Iterable[str], path: str) -> str:
    """A string out of ``allowed``."""
    text = as_str(value, path)
    options = sorted(allowed)
    if text not in options:
        raise fail(path, f"must be one of {', '.join(options)} (got {text!r})")
    return text


def as_time(value: Any, now: datetime, path: str) -> datetime:
    """A relative (``-3h``) or absolute (ISO-8601) time."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=now.tzinfo)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=now.tzinfo)
    text = as_str(value, path)
    parsed = parse_time(text, now)
    if parsed is None:
        raise fail(path, f"must be a relative time like -3h/+75d or an ISO date (got {text!r})")
    return parsed


def as_date(value: Any, now: datetime, path: str) -> date:
    """A date (relative times allowed: ``-90d``)."""
    return as_time(value, now, path).date()


def as_share_map(value: Any, path: str) -> dict[str, float]:
    """``{host: share}`` with positive shares; shares are normalised to sum to 1."""
    data = as_map(value, path)
    shares = {host: as_number(share, f"{path}.{host}") for host, share in data.items()}
    total = sum(shares.values())
    if data and total <= 0:
        raise fail(path, "shares must not all be zero")
    return {host: share / total for host, share in sorted(shares.items())} if data else {}
