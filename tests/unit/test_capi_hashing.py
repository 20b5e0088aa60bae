"""Normalisation and hashing of test events through the SDK's server-side helpers.

Expected digests are computed here with hashlib from the normalised literal (never through
the code under test), plus the one Meta publishes for its phone example.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from audit.graph.sdk.serverside import (
    Identity,
    NormalisationError,
    ServerEvent,
    build_event_params,
    decoded_events,
    hash_value,
)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Meta's customer information parameters page: (650)555-1212 with country code 1.
META_PHONE_DIGEST = "e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176"


@pytest.mark.parametrize(("key", "raw", "normalised"), [
    ("em", "  Jane.DOE@Example.COM ", "jane.doe@example.com"),
    ("em", " John@Example.com ", "john@example.com"),
    ("ph", "+44 844 412 4653", "448444124653"),
    ("ph", "0044 20-7946-0958", "442079460958"),
    ("fn", " Mary ", "mary"),
    ("ln", "Valéry", "valéry"),
    ("ct", "Menlo Park", "menlopark"),
    ("st", "CA", "ca"),
    ("zp", "94025-1234", "94025"),
    ("country", "US", "us"),
    ("external_id", " User-42 ", "user-42"),
])
def test_values_are_normalised_then_sha256_hashed(key: str, raw: str, normalised: str) -> None:
    assert hash_value(key, raw) == sha(normalised)


def test_phone_with_punctuation_and_country_code_matches_metas_published_digest() -> None:
    assert sha("16505551212") == META_PHONE_DIGEST
    assert hash_value("ph", "+1 (650) 555-1212") == META_PHONE_DIGEST


def test_an_existing_sha256_digest_is_passed_through() -> None:
    digest = sha("jane@example.com")
    assert hash_value("em", digest.upper()) == digest


def _event(identity: Identity, **kw: object) -> ServerEvent:
    base: dict[str, object] = {"event_name": "Purchase", "event_time": 1_800_000_000,
                               "event_id": "ios14-audit-1",
                               "event_source_url": "https://shop.example.com/",
                               "identity": identity}
    base.update(kw)
    return ServerEvent(**base)  # type: ignore[arg-type]


def test_request_params_are_what_the_sdk_sends() -> None:
    person = Identity(email="  Jane.DOE@Example.COM ", phone="+1 (650) 555-1212",
                      external_id="User-42", client_ip_address="203.0.113.7",
                      client_user_agent="Mozilla/5.0", fbp="fb.1.1714550000000.123456789")
    params = build_event_params("123", [_event(person, value=49.95, currency="AUD")], "TEST42")
    assert params["test_event_code"] == "TEST42"
    # The SDK serialises each event with json.dumps: data is a list of JSON strings.
    assert all(isinstance(item, str) for item in params["data"])
    [event] = decoded_events(params)
    assert event["user_data"] == {
        "em": [sha("jane.doe@example.com")], "ph": [META_PHONE_DIGEST],
        "external_id": [sha("user-42")], "client_ip_address": "203.0.113.7",
        "client_user_agent": "Mozilla/5.0", "fbp": "fb.1.1714550000000.123456789"}
    assert event["custom_data"] == {"value": 49.95, "currency": "aud"}
    assert (event["event_name"], event["event_id"], event["action_source"]) == (
        "Purchase", "ios14-audit-1", "website")
    text = json.dumps(params)
    for plain in ("Jane.DOE@Example.COM", "jane.doe@example.com", "650", "User-42"):
        assert plain not in text


def test_events_without_value_carry_no_custom_data() -> None:
    params = build_event_params("123", [_event(Identity(email="a@example.com"),
                                               event_name="Lead")], None)
    [event] = decoded_events(params)
    assert "custom_data" not in event and "test_event_code" not in params


def test_a_value_the_sdk_refuses_names_the_field_never_the_value() -> None:
    with pytest.raises(NormalisationError) as info:
        build_event_params("123", [_event(Identity(email="not-an-address"))], "TEST1")
    assert info.value.key == "em"
    assert "not-an-address" not in str(info.value)
    assert "em" in str(info.value)


def test_identity_repr_shows_keys_not_values() -> None:
    person = Identity(email="jane@example.com", phone="+16505551212")
    assert repr(person) == "Identity(keys=['em', 'ph'])"
    assert "jane" not in f"{person!r} {person}"
