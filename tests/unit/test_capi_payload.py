"""Conversions API payload validation: every rule with a failing and a passing payload."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from facebook_business.adobjects.serverside.action_source import ActionSource

from audit.evaluate.capi_payload import (
    ACTION_SOURCES,
    PayloadFileError,
    check_event,
    check_payloads,
    parse_payloads,
)
from audit.evaluate.capi_userdata import mask, match_keys

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
T = int(NOW.timestamp())
EMAIL = "Jane.Doe@Example.com"
PHONE = "+1 (650) 555-1212"


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def good() -> dict[str, Any]:
    """A website Purchase with everything Meta asks for: no error, no warning."""
    return {
        "event_name": "Purchase", "event_time": T - 300, "event_id": "order-1001",
        "action_source": "website", "event_source_url": "https://shop.example.com/checkout",
        "user_data": {"em": [sha("jane.doe@example.com")], "ph": [sha("16505551212")],
                      "external_id": [sha("user-42")], "client_ip_address": "203.0.113.7",
                      "client_user_agent": "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)",
                      "fbp": "fb.1.1714550000000.123456789",
                      "fbc": "fb.1.1714550000000.IwAR2abc"},
        "custom_data": {"value": 49.95, "currency": "USD"},
    }


def codes(event: Any, browser: set[str] | None = None) -> dict[str, tuple[str, str]]:
    """code -> (severity, field) of every issue."""
    report = check_event(event, 0, NOW, browser)
    return {i.code: (i.severity, i.field) for i in report.issues}


def test_the_good_payload_has_no_issue_and_great_match_quality() -> None:
    report = check_event(good(), 0, NOW, {"Purchase"})
    assert report.issues == []
    assert report.match is not None and report.match.quality == "great"


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def apply(event: dict[str, Any]) -> None:
        target = event
        *parents, last = path.split(".")
        for part in parents:
            target = target[part]
        if value is _DELETE:
            del target[last]
        else:
            target[last] = value
    return apply


_DELETE = object()


def _both(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def apply(event: dict[str, Any]) -> None:
        for change in changes:
            change(event)
    return apply


# (rule, change that breaks it, expected code, severity, field, change that fixes it again)
RULES: list[tuple[str, Callable[[dict[str, Any]], None], str, str, str,
                  Callable[[dict[str, Any]], None]]] = [
    ("event_name required", _set("event_name", _DELETE), "missing_required", "error",
     "event_name", _set("event_name", "Purchase")),
    ("event_time required", _set("event_time", _DELETE), "missing_required", "error",
     "event_time", _set("event_time", T)),
    ("action_source required", _set("action_source", _DELETE), "missing_required", "error",
     "action_source", _set("action_source", "website")),
    ("action_source value", _set("action_source", "web"), "invalid_action_source", "error",
     "action_source", _set("action_source", "website")),
    ("website needs event_source_url", _set("event_source_url", _DELETE), "missing_required",
     "error", "event_source_url", _set("event_source_url", "https://shop.example.com/")),
    ("event_source_url is a full URL", _set("event_source_url", "/checkout"), "invalid_url",
     "error", "event_source_url", _set("event_source_url", "https://shop.example.com/x")),
    ("website needs client_user_agent", _set("user_data.client_user_agent", _DELETE),
     "missing_required", "error", "user_data.client_user_agent",
     _set("user_data.client_user_agent", "Mozilla/5.0")),
    ("event_time within 7 days", _set("event_time", T - 8 * 86400), "too_old", "error",
     "event_time", _set("event_time", T - 6 * 86400)),
    ("event_time not in the future", _set("event_time", T + 3600), "future", "error",
     "event_time", _set("event_time", T)),
    ("event_time in seconds", _set("event_time", T * 1000), "milliseconds", "error",
     "event_time", _set("event_time", T)),
    ("em hashed", _set("user_data.em", EMAIL), "unhashed", "error", "user_data.em",
     _set("user_data.em", sha("jane.doe@example.com"))),
    ("ph hashed", _set("user_data.ph", [PHONE]), "unhashed", "error", "user_data.ph[0]",
     _set("user_data.ph", [sha("16505551212")])),
    ("country hashed", _set("user_data.country", "us"), "unhashed", "error",
     "user_data.country", _set("user_data.country", sha("us"))),
    ("no hash of an empty value", _set("user_data.fn", sha("")), "hash_of_empty", "error",
     "user_data.fn", _set("user_data.fn", sha("mary"))),
    ("lower-case hex", _set("user_data.em", sha("a@b.co").upper()), "hash_uppercase",
     "warning", "user_data.em", _set("user_data.em", sha("a@b.co"))),
    ("external_id hashing recommended", _set("user_data.external_id", "user-42"),
     "unhashed_recommended", "warning", "user_data.external_id",
     _set("user_data.external_id", sha("user-42"))),
    ("ip not hashed", _set("user_data.client_ip_address", sha("203.0.113.7")),
     "hashed_forbidden", "error", "user_data.client_ip_address",
     _set("user_data.client_ip_address", "2001:db8::1")),
    ("ip is an address", _set("user_data.client_ip_address", "203.0.113"), "invalid_ip",
     "error", "user_data.client_ip_address", _set("user_data.client_ip_address", "203.0.113.9")),
    ("ip is the visitor's", _set("user_data.client_ip_address", "10.1.2.3"), "server_ip",
     "warning", "user_data.client_ip_address",
     _set("user_data.client_ip_address", "198.51.100.4")),
    ("user agent not hashed", _set("user_data.client_user_agent", sha("Mozilla")),
     "hashed_forbidden", "error", "user_data.client_user_agent",
     _set("user_data.client_user_agent", "Mozilla/5.0")),
    ("user agent is the browser's", _set("user_data.client_user_agent", "python-requests/2.31"),
     "server_user_agent", "warning", "user_data.client_user_agent",
     _set("user_data.client_user_agent", "Mozilla/5.0 (Windows NT 10.0)")),
    ("fbp not hashed", _set("user_data.fbp", sha("fb.1.1.1")), "hashed_forbidden", "error",
     "user_data.fbp", _set("user_data.fbp", "fb.1.1714550000000.987654321")),
    ("fbc format", _set("user_data.fbc", "IwAR2abc"), "cookie_format", "warning",
     "user_data.fbc", _set("user_data.fbc", "fb.1.1714550000000.IwAR2abc")),
    ("user_data key spelling", _set("user_data.email", sha("a@b.co")), "unknown_key", "warning",
     "user_data.email", _set("user_data.email", _DELETE)),
    ("event key spelling", _set("event_source_uri", "https://x.example"), "unknown_key",
     "warning", "event_source_uri", _set("event_source_uri", _DELETE)),
    ("value numeric", _set("custom_data.value", "abc"), "not_numeric", "error",
     "custom_data.value", _set("custom_data.value", 12)),
    ("value a JSON number", _set("custom_data.value", "12.50"), "numeric_string", "warning",
     "custom_data.value", _set("custom_data.value", 12.5)),
    ("currency ISO 4217", _set("custom_data.currency", "XYZ"), "invalid_currency", "error",
     "custom_data.currency", _set("custom_data.currency", "eur")),
    ("Purchase needs a value", _set("custom_data.value", _DELETE), "missing_value", "error",
     "custom_data.value", _set("custom_data.value", 10)),
    ("Purchase needs a currency", _set("custom_data.currency", _DELETE), "missing_currency",
     "error", "custom_data.currency", _set("custom_data.currency", "NZD")),
    ("Purchase needs custom_data", _set("custom_data", _DELETE), "missing_value", "error",
     "custom_data", _set("custom_data", {"value": 1, "currency": "GBP"})),
    ("event_id where the pixel also sends it", _both(_set("event_id", _DELETE),
                                                     _set("user_data.external_id", _DELETE)),
     "missing_event_id", "error", "event_id", _set("event_id", "order-1002")),
]


@pytest.mark.parametrize(("rule", "breaks", "code", "severity", "field", "fixes"), RULES,
                         ids=[r[0] for r in RULES])
def test_each_rule_fails_then_passes(rule: str, breaks: Callable[[dict[str, Any]], None],
                                     code: str, severity: str, field: str,
                                     fixes: Callable[[dict[str, Any]], None]) -> None:
    event = good()
    breaks(event)
    found = codes(event, {"Purchase"})
    assert found.get(code) == (severity, field), found
    fixes(event)
    assert code not in codes(event, {"Purchase"})


def test_app_events_need_app_data() -> None:
    event = good() | {"action_source": "app"}
    assert codes(event)["missing_required"] == ("error", "app_data")
    event["app_data"] = {"advertiser_tracking_enabled": 1, "extinfo": ["i2"]}
    assert "missing_required" not in codes(event)


def test_physical_store_events_may_be_62_days_old() -> None:
    event = good() | {"action_source": "physical_store", "event_time": T - 30 * 86400}
    assert "too_old" not in codes(event)
    event["event_time"] = T - 63 * 86400
    assert codes(event)["too_old"] == ("error", "event_time")


def test_too_broad_customer_information_is_an_error() -> None:
    event = good()
    event["user_data"] = {"ct": sha("menlopark"), "st": sha("ca"), "country": sha("us"),
                          "ge": sha("m"), "client_user_agent": "Mozilla/5.0"}
    assert codes(event)["too_broad"] == ("error", "user_data")
    event["user_data"]["em"] = sha("jane@example.com")
    assert "too_broad" not in codes(event)


def test_a_key_with_an_error_does_not_count_as_a_match_key() -> None:
    event = good()
    event["user_data"] = {"em": EMAIL, "client_user_agent": "Mozilla/5.0"}
    report = check_event(event, 0, NOW)
    assert report.match is not None and "em" not in report.match.present
    assert "too_broad" in {i.code for i in report.issues}


def test_plain_identifiers_are_masked_never_echoed() -> None:
    event = good()
    event["user_data"].update(em=EMAIL, ph=PHONE, fn="Jane", zp="94025")
    text = json.dumps(check_event(event, 0, NOW).to_dict())
    for plain in (EMAIL, EMAIL.lower(), "Jane", "94025", "650", "555-1212", "6505551212"):
        assert plain not in text
    assert "j***@e***.com" in text and "***12" in text


def test_mask_shapes() -> None:
    assert mask(" Jane.Doe@Example.com ", "em") == "j***@e***.com"
    assert mask("+1 (650) 555-1212", "ph") == "***12"
    assert mask("Menlo Park", "ct") == "m***"
    assert mask("ca", "st") == "***"


def test_a_phone_without_country_code_is_called_out() -> None:
    event = good()
    event["user_data"]["ph"] = "0412 345 678"
    [issue] = [i for i in check_event(event, 0, NOW).issues if i.code == "unhashed"]
    assert "lack the country code" in issue.message
    event["user_data"]["ph"] = "+61 412 345 678"
    [issue] = [i for i in check_event(event, 0, NOW).issues if i.code == "unhashed"]
    assert "lack the country code" not in issue.message


def test_missing_event_id_depends_on_the_browser_pixel() -> None:
    event = good()
    del event["event_id"], event["user_data"]["external_id"]
    assert codes(event, {"Lead"})["missing_event_id"] == ("warning", "event_id")
    assert codes(event, None)["missing_event_id"] == ("warning", "event_id")
    [issue] = [i for i in check_event(event, 0, NOW, {"Purchase"}).issues
               if i.code == "missing_event_id"]
    assert issue.severity == "error"
    assert "fbq('track', 'Purchase', {...}, {eventID: 'order-123'})" in issue.message
    # Meta also deduplicates on external_id + fbp: then the missing id is a warning.
    event["user_data"]["external_id"] = [sha("user-42")]
    assert codes(event, {"Purchase"})["missing_event_id"] == ("warning", "event_id")
    del event["user_data"]["fbp"]
    assert codes(event, {"Purchase"})["missing_event_id"] == ("error", "event_id")


def test_the_same_event_id_twice_is_flagged() -> None:
    first, second, other = good(), good(), good() | {"event_name": "AddToCart"}
    reports = check_payloads([first, second, other], NOW, {"Purchase"})
    assert [any(i.code == "duplicate_event_id" for i in r.issues) for r in reports] == [
        True, True, False]
    second["event_id"] = "order-1002"
    reports = check_payloads([first, second], NOW)
    assert not any(i.code == "duplicate_event_id" for r in reports for i in r.issues)


@pytest.mark.parametrize(("keys", "website", "quality"), [
    (["em", "ph", "external_id", "client_ip_address", "client_user_agent", "fbp"], True,
     "great"),
    (["em", "client_ip_address", "client_user_agent"], True, "good"),
    (["em", "client_user_agent"], True, "ok"),
    (["client_ip_address", "client_user_agent", "fbp"], True, "ok"),
    (["client_user_agent"], True, "poor"),
    (["fn", "ge"], True, "poor"),
    (["em", "ph"], False, "n/a"),
])
def test_match_quality_bands(keys: list[str], website: bool, quality: str) -> None:
    assert match_keys(keys, website).quality == quality


def test_keys_to_add_come_in_metas_order_of_value() -> None:
    assert match_keys(["client_user_agent"], True).add == (
        "em", "ph", "external_id", "client_ip_address")


def test_our_action_sources_are_the_sdks() -> None:
    assert set(ACTION_SOURCES) == {a.value for a in ActionSource}


def test_events_that_are_not_objects() -> None:
    assert codes("not json")["invalid_json"][0] == "error"
    assert codes(["a list"])["not_an_object"][0] == "error"
    assert check_event(json.dumps(good()), 0, NOW, {"Purchase"}).issues == []


# ----------------------------------------------------------------------------- file shapes


def test_parse_json_lines_array_and_request_body() -> None:
    events = [good(), good() | {"event_name": "Lead"}]
    lines = "\n".join(json.dumps(e) for e in events) + "\n\n"
    assert parse_payloads(lines) == events
    assert parse_payloads(json.dumps(events)) == events
    assert parse_payloads(json.dumps({"data": events, "test_event_code": "T1"})) == events
    # What the SDK posts: data as a JSON array of JSON strings, possibly itself a string.
    sdk = {"data": json.dumps([json.dumps(e) for e in events])}
    assert [json.loads(e) for e in parse_payloads(json.dumps(sdk))] == events
    assert parse_payloads(json.dumps(events[0])) == [events[0]]


def test_bad_files_name_the_problem_without_the_content() -> None:
    with pytest.raises(PayloadFileError, match="line 2 is not valid JSON"):
        parse_payloads(json.dumps(good()) + "\n{\"em\": \"" + EMAIL + "\"\n", "p.jsonl")
    with pytest.raises(PayloadFileError) as info:
        parse_payloads(json.dumps(good()) + "\n{\"em\": \"" + EMAIL + "\"\n", "p.jsonl")
    assert EMAIL not in str(info.value)
    with pytest.raises(PayloadFileError, match="empty"):
        parse_payloads("  \n")
    with pytest.raises(PayloadFileError, match="'data' must be a list"):
        parse_payloads(json.dumps({"data": {"event_name": "x"}}))


def test_input_events_are_not_modified() -> None:
    event = good()
    before = copy.deepcopy(event)
    check_payloads([event, event], NOW, {"Purchase"})
    assert event == before


def test_clock_skew_of_a_minute_is_tolerated() -> None:
    assert "future" not in codes(good() | {"event_time": T + 30})
    assert "future" in codes(good() | {"event_time": int((NOW + timedelta(minutes=5))
                                                        .timestamp())})
