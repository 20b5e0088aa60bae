"""Conversions API events (``POST /{pixel}/events``): validation and recording.

Accepted events are added to the pixel's *server* traffic for their hour and host, so the
``stats`` edge shows them. Events sent with ``test_event_code`` are validated but not recorded.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from ..wire.errors import SandboxError
from ..world.model import Pixel, World
from ..world.timeutil import UTC, floor_hour

ACTION_SOURCES = ("website", "app", "email", "phone_call", "chat", "physical_store",
                  "system_generated", "business_messaging", "other")


def _bad(index: int, message: str) -> SandboxError:
    return SandboxError("(#100) Invalid parameter", subcode=2804050,
                        user_title="Invalid event", user_msg=f"data[{index}]: {message}")


def validate_event(item: Any, index: int, now: datetime) -> dict[str, Any]:
    """Check one event (the SDK sends each event as a JSON *string*)."""
    if isinstance(item, str):
        try:
            item = json.loads(item)
        except ValueError:
            raise _bad(index, "is not valid JSON") from None
    if not isinstance(item, dict):
        raise _bad(index, "must be an object")
    for key in ("event_name", "event_time", "action_source", "user_data"):
        if key not in item:
            raise _bad(index, f"{key} is required")
    if item["action_source"] not in ACTION_SOURCES:
        raise _bad(index, f"action_source must be one of {', '.join(ACTION_SOURCES)}")
    try:
        moment = datetime.fromtimestamp(int(item["event_time"]), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        raise _bad(index, "event_time must be a unix timestamp in seconds") from None
    if moment < now - timedelta(days=7):
        raise SandboxError("(#100) Invalid parameter", subcode=2804003,
                           user_title="Event Timestamp Too Old",
                           user_msg=f"data[{index}]: event_time is more than 7 days in the past")
    if moment > now + timedelta(minutes=10):
        raise _bad(index, "event_time must not be in the future")
    if not isinstance(item["user_data"], dict):
        raise _bad(index, "user_data must be an object")
    if item["action_source"] == "website" and not item.get("event_source_url"):
        raise _bad(index, "event_source_url is required for website events")
    return {**item, "_moment": moment}


def record_events(world: World, pixel: Pixel, events: list[dict[str, Any]]) -> None:
    """Add accepted events to the pixel's server traffic."""
    for event in events:
        host = urlsplit(str(event.get("event_source_url", ""))).hostname or "server"
        key = (pixel.id, str(event["event_name"]), floor_hour(event["_moment"]), host)
        world.runtime.extra_counts[key] = world.runtime.extra_counts.get(key, 0) + 1
