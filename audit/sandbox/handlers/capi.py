"""Conversions API events (``POST /{pixel}/events``): validation, recording, traffic.

Validation follows Meta's server event and customer information parameter pages
(https://developers.facebook.com/docs/marketing-api/conversions-api/parameters): one invalid
event rejects the whole request with ``(#100) Invalid parameter`` and Meta's
``error_user_title``/``error_user_msg``. ``data`` arrives as a JSON array of JSON *strings*
(the Business SDK serialises each event with ``json.dumps``) or of objects; both are accepted.

Every accepted request is recorded (pixel, ``test_event_code``, the decoded events, the
``fbtrace_id``) in ``world.runtime.capi_received``, readable in-process or from
``GET /__sandbox/capi``, so tests can check the exact payload. Accepted events without a
``test_event_code`` are also added to the pixel's *server* traffic for their hour and host,
so the ``stats`` edge shows them; test events are not.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from ..wire.errors import SandboxError
from ..world.model import Pixel, World
from ..world.timeutil import UTC, floor_hour

ACTION_SOURCES = ("website", "app", "email", "phone_call", "chat", "physical_store",
                  "system_generated", "business_messaging", "other")
# Customer information Meta only accepts as SHA-256 hashes of the normalised value.
HASHED = ("em", "ph", "fn", "ln", "db", "ge", "ct", "st", "zp", "country")
_DIGEST = re.compile(r"^([0-9a-f]{64}|[0-9a-f]{32})$")
# Best practices, "Baseline requirements for matching": an event whose customer information
# is only (a subset of) one of these combinations is invalid.
TOO_BROAD = (frozenset({"ct", "country", "st", "zp", "ge", "client_user_agent"}),
             frozenset({"db", "client_user_agent"}), frozenset({"fn", "ge"}),
             frozenset({"ln", "ge"}))
# Wording of Meta's answer to such an event (subcode 2804050), as public client code records it.
TOO_BROAD_TITLE = "You haven't added sufficient customer information parameter data for this event"
TOO_BROAD_MSG = ("This event has no customer information parameters, or has a combination of "
                 "customer information parameters that is so broad that it is unlikely to be "
                 "effective for matching. You can fix this by going to the parameter best "
                 "practices at developers.facebook.com/docs/marketing-api/conversions-api/"
                 "best-practices/#req-rec-params")


def _bad(index: int, message: str, title: str = "Invalid event",
         subcode: int | None = 2804050) -> SandboxError:
    return SandboxError("(#100) Invalid parameter", subcode=subcode, user_title=title,
                        user_msg=f"data[{index}]: {message}")


def _decode(item: Any, index: int) -> dict[str, Any]:
    if isinstance(item, str):
        try:
            item = json.loads(item)
        except ValueError:
            raise _bad(index, "is not valid JSON") from None
    if not isinstance(item, dict):
        raise _bad(index, "must be an object")
    return item


def _check_time(item: dict[str, Any], index: int, now: datetime) -> datetime:
    try:
        moment = datetime.fromtimestamp(int(item["event_time"]), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        raise _bad(index, "event_time must be a unix timestamp in seconds") from None
    days = 62 if item["action_source"] == "physical_store" else 7
    if moment < now - timedelta(days=days):
        raise SandboxError("(#100) Invalid parameter", subcode=2804003,
                           user_title="Event Timestamp Too Old",
                           user_msg=f"data[{index}]: event_time is more than {days} days in "
                                    "the past")
    if moment > now + timedelta(minutes=10):
        raise _bad(index, "event_time must not be in the future")
    return moment


def _check_user_data(user: dict[str, Any], item: dict[str, Any], index: int) -> None:
    for key in HASHED:
        values = user.get(key)
        for value in values if isinstance(values, list) else [values]:
            if isinstance(value, str) and value and not _DIGEST.match(value):
                # Never echo the value back: it is personal data.
                raise _bad(index, f"user_data.{key} must be the SHA-256 hash of the normalised "
                           "value", title="Unhashed customer information", subcode=None)
    if item["action_source"] == "website" and not user.get("client_user_agent"):
        raise _bad(index, "client_user_agent is required for website events")
    present = {k for k, v in user.items() if v not in (None, "", [])}
    if not present or any(present <= combo for combo in TOO_BROAD):
        raise SandboxError("(#100) Invalid parameter", subcode=2804050,
                           user_title=TOO_BROAD_TITLE, user_msg=TOO_BROAD_MSG)


def validate_event(item: Any, index: int, now: datetime) -> dict[str, Any]:
    """Check one event; returns it decoded, with its time as ``_moment``."""
    item = _decode(item, index)
    for key in ("event_name", "event_time", "action_source", "user_data"):
        if key not in item:
            raise _bad(index, f"{key} is required")
    if not isinstance(item["event_name"], str) or not item["event_name"]:
        raise _bad(index, "event_name must be a non-empty string")
    if item["action_source"] not in ACTION_SOURCES:
        raise _bad(index, f"action_source must be one of {', '.join(ACTION_SOURCES)}")
    moment = _check_time(item, index, now)
    if not isinstance(item["user_data"], dict):
        raise _bad(index, "user_data must be an object")
    if item["action_source"] == "website" and not item.get("event_source_url"):
        raise _bad(index, "event_source_url is required for website events")
    _check_user_data(item["user_data"], item, index)
    return {**item, "_moment": moment}


def record_events(world: World, pixel: Pixel, events: list[dict[str, Any]]) -> None:
    """Add accepted events to the pixel's server traffic."""
    for event in events:
        host = urlsplit(str(event.get("event_source_url", ""))).hostname or "server"
        key = (pixel.id, str(event["event_name"]), floor_hour(event["_moment"]), host)
        world.runtime.extra_counts[key] = world.runtime.extra_counts.get(key, 0) + 1


def record_receipt(world: World, pixel: Pixel, events: list[dict[str, Any]],
                   test_event_code: str | None, trace_id: str, now: datetime) -> None:
    """Keep what an accepted request carried, for tests and ``GET /__sandbox/capi``."""
    world.runtime.capi_received.append({
        "pixel_id": pixel.id, "test_event_code": test_event_code, "fbtrace_id": trace_id,
        "received_at": now.isoformat(),
        "events": [{k: v for k, v in e.items() if k != "_moment"} for e in events]})
