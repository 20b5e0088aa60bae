"""Validate Conversions API event payloads as a client's server would send them (no network).

Input: JSON lines, a JSON array of events, or a request body ``{"data": [...]}``; an event
may also be a JSON *string* (what the Business SDK puts in ``data``). Each event is checked
against Meta's server event parameters
(https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/server-event):

* ``event_name``, ``event_time``, ``action_source`` and ``user_data`` are required;
  ``website`` events also need ``event_source_url`` and ``user_data.client_user_agent``
  (https://developers.facebook.com/docs/marketing-api/conversions-api/best-practices);
  ``app`` events need ``app_data``;
* ``event_time`` is Unix seconds, at most 7 days old (``physical_store``: 62 days) and not
  in the future: "If any event_time in data is greater than 7 days in the past, we return an
  error for the entire request and process no events";
* ``user_data``: see :mod:`audit.evaluate.capi_userdata`;
* ``custom_data``: ``value`` a number, ``currency`` an ISO 4217 code (``pycountry``'s list);
  both required for ``Purchase``;
* ``event_id``: needed where the browser pixel sends the same event, so Meta can deduplicate
  (same ``event_name`` and ``event_id`` on both sides; external_id + fbp as a fallback).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import pycountry

from audit.errors import AuditError
from audit.evaluate.capi_userdata import (
    Issue,
    MatchKeys,
    check_user_data,
    match_keys,
    present_keys,
    too_broad,
)

# The action_source values Meta documents (the SDK's ActionSource enum holds the same).
ACTION_SOURCES = ("website", "app", "email", "phone_call", "chat", "physical_store",
                  "system_generated", "business_messaging", "other")
# Top-level event parameters Meta documents (server-event page; the SDK's Event knows them).
EVENT_KEYS = frozenset({
    "event_name", "event_time", "user_data", "custom_data", "event_source_url", "opt_out",
    "event_id", "action_source", "data_processing_options", "data_processing_options_country",
    "data_processing_options_state", "referrer_url", "app_data", "original_event_data",
    "customer_segmentation", "messaging_channel", "attribution_data",
    "advanced_measurement_table"})
MAX_AGE = timedelta(days=7)
MAX_AGE_PHYSICAL_STORE = timedelta(days=62)
CLOCK_SKEW = timedelta(minutes=1)


def is_currency(code: str) -> bool:
    """True for an ISO 4217 currency code, in any case (``usd``, ``AUD``)."""
    text = code.strip().upper()
    return len(text) == 3 and pycountry.currencies.get(alpha_3=text) is not None


class PayloadFileError(AuditError):
    """The payload file cannot be read as events (exit 2)."""


@dataclass(frozen=True)
class PayloadReport:
    """The verdict on one event: its issues and its match keys."""

    index: int
    event_name: str | None
    action_source: str | None
    event_id: str | None
    issues: list[Issue] = field(default_factory=list)
    match: MatchKeys | None = None

    @property
    def errors(self) -> list[Issue]:
        """Issues that Meta refuses or that break measurement."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        """Issues worth fixing that Meta accepts."""
        return [i for i in self.issues if i.severity == "warning"]

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form (issues never contain a plain identifier)."""
        return {"index": self.index, "event_name": self.event_name,
                "action_source": self.action_source, "event_id": self.event_id,
                "ok": not self.errors, "errors": len(self.errors),
                "warnings": len(self.warnings), "issues": [i.to_dict() for i in self.issues],
                "match_keys": self.match.to_dict() if self.match else None}


def parse_payloads(text: str, source: str = "<payload>") -> list[Any]:
    """Events from a JSON array, a ``{"data": [...]}`` body, one event, or JSON lines."""
    if not text.strip():
        raise PayloadFileError(f"{source}: the file is empty; expected Conversions API events")
    try:
        whole = json.loads(text)
    except ValueError:
        events = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                events.append(json.loads(line))
            except json.JSONDecodeError as exc:
                # exc.msg says what is wrong; the line itself may hold personal data.
                raise PayloadFileError(f"{source}: line {number} is not valid JSON "
                                       f"({exc.msg}, column {exc.colno}); expected JSON lines, "
                                       "a JSON array or {\"data\": [...]}") from None
        return events
    if isinstance(whole, dict) and "data" in whole:
        data = whole["data"]
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                raise PayloadFileError(f"{source}: 'data' is a string but not a JSON "
                                       "array") from None
        if not isinstance(data, list):
            raise PayloadFileError(f"{source}: 'data' must be a list of events")
        return data
    if isinstance(whole, list):
        return whole
    if isinstance(whole, dict):
        return [whole]
    raise PayloadFileError(f"{source}: expected JSON lines, a JSON array of events or "
                           "{\"data\": [...]}")


def _event_time(raw: Any, source: str | None, now: datetime) -> list[Issue]:
    if isinstance(raw, bool) or raw is None:
        return [Issue("error", "event_time", "invalid_time",
                      "must be a Unix timestamp in seconds")]
    try:
        seconds = float(raw)
    except (TypeError, ValueError):
        return [Issue("error", "event_time", "invalid_time",
                      "must be a Unix timestamp in seconds (a number)")]
    if not math.isfinite(seconds):
        return [Issue("error", "event_time", "invalid_time", "must be a finite number")]
    if seconds > 1e11:
        return [Issue("error", "event_time", "milliseconds",
                      "looks like milliseconds: send whole seconds since 1970 (divide by "
                      "1000)")]
    moment = datetime.fromtimestamp(seconds, tz=now.tzinfo)
    limit = MAX_AGE_PHYSICAL_STORE if source == "physical_store" else MAX_AGE
    if moment < now - limit:
        days = (now - moment).days
        return [Issue("error", "event_time", "too_old",
                      f"is {days} days old; Meta refuses the whole request when an event is "
                      f"older than {limit.days} days")]
    if moment > now + CLOCK_SKEW:
        return [Issue("error", "event_time", "future",
                      "is in the future: send the time the event happened, in UTC seconds")]
    if isinstance(raw, str) or (isinstance(raw, float) and not seconds.is_integer()):
        return [Issue("warning", "event_time", "not_integer",
                      "should be an integer number of seconds")]
    return []


def _custom_data(raw: Any, event_name: str | None) -> list[Issue]:
    purchase = event_name == "Purchase"
    if raw is None:
        if purchase:
            return [Issue("error", "custom_data", "missing_value",
                          "Purchase events need custom_data with value and currency")]
        return []
    if not isinstance(raw, dict):
        return [Issue("error", "custom_data", "not_an_object", "must be an object")]
    issues: list[Issue] = []
    value = raw.get("value")
    if value is None:
        if purchase:
            issues.append(Issue("error", "custom_data.value", "missing_value",
                                "is required for Purchase events"))
    elif isinstance(value, bool) or not isinstance(value, (int, float, str)):
        issues.append(Issue("error", "custom_data.value", "not_numeric", "must be a number"))
    elif isinstance(value, str):
        try:
            float(value)
        except ValueError:
            issues.append(Issue("error", "custom_data.value", "not_numeric",
                                "must be a number (e.g. 49.95), not text"))
        else:
            issues.append(Issue("warning", "custom_data.value", "numeric_string",
                                "is a number in a string: send it as a JSON number"))
    elif not math.isfinite(value) or value < 0:
        issues.append(Issue("warning", "custom_data.value", "negative",
                            "should be a positive amount"))
    currency = raw.get("currency")
    if currency is None:
        if purchase or value is not None:
            issues.append(Issue("error" if purchase else "warning", "custom_data.currency",
                                "missing_currency",
                                "is required with a value (an ISO 4217 code such as USD)"))
    elif not isinstance(currency, str) or not is_currency(currency):
        issues.append(Issue("error", "custom_data.currency", "invalid_currency",
                            "must be an ISO 4217 currency code such as USD, EUR or AUD"))
    return issues


def _event_id(event: dict[str, Any], name: str | None,
              browser_events: Collection[str] | None) -> list[Issue]:
    event_id = event.get("event_id")
    if event_id not in (None, ""):
        if not isinstance(event_id, str):
            return [Issue("warning", "event_id", "not_a_string",
                          "should be a string (the same text the pixel sends as eventID)")]
        return []
    if browser_events is not None and name in browser_events:
        user = event.get("user_data")
        keys = set(present_keys(user)) if isinstance(user, dict) else set()
        example = "order-123" if name == "Purchase" else f"{str(name).lower()}-123"
        if {"external_id", "fbp"} <= keys:
            return [Issue("warning", "event_id", "missing_event_id",
                          f"is missing; the pixel also sends {name}, and external_id + fbp "
                          "alone deduplicate less reliably: send the same event_id as the "
                          "pixel's eventID")]
        return [Issue("error", "event_id", "missing_event_id",
                      f"is missing, but the pixel also sends {name}: Meta cannot "
                      "deduplicate, so the conversion counts twice. Send the same value as "
                      f"the pixel's eventID (fbq('track', '{name}', {{...}}, "
                      f"{{eventID: '{example}'}})), e.g. the order or lead number")]
    return [Issue("warning", "event_id", "missing_event_id",
                  "is missing; Meta recommends an event_id on every event so browser and "
                  "server copies can be deduplicated")]


def _required(event: dict[str, Any], source: str | None) -> list[Issue]:
    issues = []
    for key in ("event_name", "event_time", "action_source", "user_data"):
        if event.get(key) in (None, ""):
            issues.append(Issue("error", key, "missing_required", "is required"))
    name = event.get("event_name")
    if name not in (None, "") and not isinstance(name, str):
        issues.append(Issue("error", "event_name", "not_a_string", "must be a string"))
    if source is not None and source not in ACTION_SOURCES:
        issues.append(Issue("error", "action_source", "invalid_action_source",
                            f"must be one of {', '.join(ACTION_SOURCES)}"))
    if source == "website":
        url = event.get("event_source_url")
        if url in (None, ""):
            issues.append(Issue("error", "event_source_url", "missing_required",
                                "is required for website events"))
        elif not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") \
                or not urlsplit(url).hostname:
            issues.append(Issue("error", "event_source_url", "invalid_url",
                                "must be the full address of the page (https://…)"))
        user = event.get("user_data")
        if isinstance(user, dict) and not user.get("client_user_agent"):
            issues.append(Issue("error", "user_data.client_user_agent", "missing_required",
                                "is required for website events"))
    if source == "app" and not isinstance(event.get("app_data"), dict):
        issues.append(Issue("error", "app_data", "missing_required",
                            "is required for app events"))
    for key in sorted(k for k in event if k not in EVENT_KEYS):
        issues.append(Issue("warning", str(key), "unknown_key",
                            "is not a Conversions API event parameter (check the spelling)"))
    return issues


def check_event(raw: Any, index: int, now: datetime,
                browser_events: Collection[str] | None = None) -> PayloadReport:
    """Every issue of one event; ``now`` must be timezone-aware."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return PayloadReport(index, None, None, None, [
                Issue("error", "(event)", "invalid_json", "is a string but not JSON")])
    if not isinstance(raw, dict):
        return PayloadReport(index, None, None, None, [
            Issue("error", "(event)", "not_an_object", "must be a JSON object")])
    name = raw.get("event_name") if isinstance(raw.get("event_name"), str) else None
    source = raw.get("action_source") if isinstance(raw.get("action_source"), str) else None
    event_id = raw.get("event_id")
    issues = _required(raw, source)
    if "event_time" in raw:
        issues += _event_time(raw["event_time"], source, now)
    user = raw.get("user_data")
    match = None
    website = source == "website"
    if isinstance(user, dict):
        user_issues = check_user_data(user, website)
        issues += user_issues
        # A key with an error (plain e-mail, hashed IP …) cannot match: it does not count.
        broken = {i.field.split(".", 1)[1].split("[", 1)[0] for i in user_issues
                  if i.severity == "error"}
        present = [k for k in present_keys(user) if k not in broken]
        if too_broad(present):
            issues.append(Issue("error", "user_data", "too_broad",
                                "has no customer information Meta can match, or only a "
                                "combination Meta considers too broad (e.g. city, state, "
                                "country and gender): add e-mail, phone or external_id"))
        match = match_keys(present, website)
    elif user is not None:
        issues.append(Issue("error", "user_data", "not_an_object", "must be an object"))
    issues += _custom_data(raw.get("custom_data"), name)
    issues += _event_id(raw, name, browser_events)
    return PayloadReport(index, name, source, str(event_id) if event_id is not None else None,
                         issues, match)


def check_payloads(events: Sequence[Any], now: datetime,
                   browser_events: Collection[str] | None = None) -> list[PayloadReport]:
    """Check every event, plus the same ``event_name`` + ``event_id`` sent twice."""
    reports = [check_event(e, i, now, browser_events) for i, e in enumerate(events)]
    pairs = Counter((r.event_name, r.event_id) for r in reports if r.event_id)
    for r in reports:
        if r.event_id and pairs[(r.event_name, r.event_id)] > 1:
            r.issues.append(Issue("warning", "event_id", "duplicate_event_id",
                                  f"is used by {pairs[(r.event_name, r.event_id)]} {r.event_name} "
                                  "events: Meta considers only the first of matching events "
                                  "within 48 hours; give each conversion its own id (e.g. the "
                                  "order number)"))
    return reports
