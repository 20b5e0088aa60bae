"""Conversions API events built with the SDK's server-side helpers.

The second (and last) importer of ``facebook_business``, for one reason: normalisation and
hashing of customer information must be exactly what Meta requires, and the SDK's
``facebook_business.adobjects.serverside`` (``Normalize``, ``UserData``, ``CustomData``,
``Event``, ``EventRequest``) is Meta's own implementation of it
(https://github.com/facebook/facebook-python-business-sdk, ``adobjects/serverside``).

We build the request parameters with ``EventRequest.get_params()`` and never call
``EventRequest.execute()``: that goes through the SDK's global default API, which this tool
never sets (one session per client). The caller posts the parameters with its own session
(``GraphClient.create(pixel_id, "events", params)``). As in the SDK, ``data`` is a list of
JSON *strings*, one per event (``EventRequest.normalize`` serialises each with
``json.dumps``).

Plain customer information lives only in memory, in :class:`Identity`, whose ``repr`` shows
field names, never values; errors name the field, never the value.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any

from facebook_business.adobjects.serverside.action_source import ActionSource
from facebook_business.adobjects.serverside.custom_data import CustomData
from facebook_business.adobjects.serverside.event import Event
from facebook_business.adobjects.serverside.event_request import EventRequest
from facebook_business.adobjects.serverside.normalize import Normalize
from facebook_business.adobjects.serverside.user_data import UserData

# Identity attribute -> the Conversions API user_data key it becomes
# (https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters).
USER_DATA_KEYS: dict[str, str] = {
    "email": "em", "phone": "ph", "first_name": "fn", "last_name": "ln", "city": "ct",
    "state": "st", "zip_code": "zp", "country": "country", "external_id": "external_id",
    "client_ip_address": "client_ip_address", "client_user_agent": "client_user_agent",
    "fbp": "fbp", "fbc": "fbc",
}
# Keys the SDK normalises and SHA-256 hashes (UserData.normalize); external_id is hashed here
# too, with the same Normalize call, because Meta recommends hashing it and the SDK does not.
HASHED_KEYS = ("em", "ph", "fn", "ln", "ct", "st", "zp", "country", "external_id")


@dataclass(frozen=True)
class Identity:
    """One test person's plain customer information (kept in memory only; never printed)."""

    email: str | None = field(default=None, repr=False)
    phone: str | None = field(default=None, repr=False)
    first_name: str | None = field(default=None, repr=False)
    last_name: str | None = field(default=None, repr=False)
    city: str | None = field(default=None, repr=False)
    state: str | None = field(default=None, repr=False)
    zip_code: str | None = field(default=None, repr=False)
    country: str | None = field(default=None, repr=False)
    external_id: str | None = field(default=None, repr=False)
    client_ip_address: str | None = field(default=None, repr=False)
    client_user_agent: str | None = field(default=None, repr=False)
    fbp: str | None = field(default=None, repr=False)
    fbc: str | None = field(default=None, repr=False)

    def present(self) -> list[str]:
        """The ``user_data`` keys this identity fills (names only)."""
        return [USER_DATA_KEYS[f.name] for f in fields(self) if getattr(self, f.name)]

    def __repr__(self) -> str:
        return f"Identity(keys={self.present()})"


@dataclass(frozen=True)
class ServerEvent:
    """One event to send, before normalisation and hashing."""

    event_name: str
    event_time: int
    event_id: str
    event_source_url: str
    identity: Identity
    action_source: str = "website"
    value: float | None = None
    currency: str | None = None


class NormalisationError(ValueError):
    """A customer-information value Meta's normalisation refuses (the value is never shown)."""

    def __init__(self, key: str, where: str) -> None:
        self.key = key
        self.where = where
        super().__init__(f"{where}: the {key} value cannot be normalised the way Meta requires")


def hash_value(key: str, value: str) -> str:
    """Normalise and SHA-256 hash one ``user_data`` value exactly as the SDK does.

    ``Normalize.normalize_field`` lower-cases and trims, applies the field's rules (e-mail
    pattern; phone digits with country code; city/state letters only; zip before ``-``;
    ISO country code) and hashes; a value that is already a SHA-256 or MD5 hex digest is
    passed through. Raises ``ValueError``/``TypeError`` from the SDK (whose messages
    contain the value: callers must not show them).
    """
    result = Normalize.normalize_field(key, value)
    if not isinstance(result, str):
        raise ValueError(f"{key}: empty value")
    return result


def check_identity(identity: Identity, where: str) -> None:
    """Run the SDK's normalisation on every hashed field, to name a field it refuses.

    Raises :class:`NormalisationError` with ``where`` (e.g. "identity 2") and the key.
    """
    for attr, key in USER_DATA_KEYS.items():
        value = getattr(identity, attr)
        if value and key in HASHED_KEYS:
            try:
                hash_value(key, value)
            except (TypeError, ValueError):
                raise NormalisationError(key, where) from None


def _user_data(identity: Identity) -> UserData:
    def one(value: str | None) -> list[str] | None:
        return [value] if value else None

    external = [hash_value("external_id", identity.external_id)] if identity.external_id \
        else None
    return UserData(
        emails=one(identity.email), phones=one(identity.phone),
        first_names=one(identity.first_name), last_names=one(identity.last_name),
        cities=one(identity.city), states=one(identity.state),
        zip_codes=one(identity.zip_code), country_codes=one(identity.country),
        external_ids=external, client_ip_address=identity.client_ip_address or None,
        client_user_agent=identity.client_user_agent or None, fbp=identity.fbp or None,
        fbc=identity.fbc or None)


def _sdk_event(event: ServerEvent) -> Event:
    custom = None
    if event.value is not None or event.currency is not None:
        custom = CustomData(value=event.value, currency=event.currency)
    return Event(event_name=event.event_name, event_time=event.event_time,
                 event_id=event.event_id, event_source_url=event.event_source_url,
                 action_source=ActionSource(event.action_source),
                 user_data=_user_data(event.identity), custom_data=custom)


def build_event_params(pixel_id: str, events: Sequence[ServerEvent],
                       test_event_code: str | None) -> dict[str, Any]:
    """The ``POST /{pixel_id}/events`` parameters, as ``EventRequest`` would send them.

    Raises :class:`NormalisationError` (naming the field, not the value) when Meta's
    normalisation refuses a value.
    """
    for i, event in enumerate(events):
        check_identity(event.identity, f"event {i + 1}")
    request = EventRequest(pixel_id=pixel_id, events=[_sdk_event(e) for e in events],
                           test_event_code=test_event_code)
    params: dict[str, Any] = request.get_params()
    return params


def decoded_events(params: dict[str, Any]) -> list[dict[str, Any]]:
    """The events of ``build_event_params`` as objects (``data`` holds JSON strings)."""
    out = []
    for item in params.get("data") or []:
        decoded = json.loads(item) if isinstance(item, str) else item
        if isinstance(decoded, dict):
            out.append(decoded)
    return out
