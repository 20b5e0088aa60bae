"""Checks of a Conversions API event's ``user_data``: hashing, formats, match keys.

Rules from Meta's customer information parameters page
(https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/customer-information-parameters):
``em, ph, fn, ln, db, ge, ct, st, zp, country`` must be SHA-256 hashes of the normalised
value; ``external_id`` should be; ``client_ip_address``, ``client_user_agent``, ``fbc``,
``fbp`` (and the other ids) must not be hashed. The "baseline requirements for matching"
and the high-quality parameters come from the best-practices page
(https://developers.facebook.com/docs/marketing-api/conversions-api/best-practices).

A plain value found where a hash belongs is never repeated in full: messages show a masked
form (``j***@e***.com``, ``***12``) so the report itself leaks nothing.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]

HASH_REQUIRED = ("em", "ph", "fn", "ln", "db", "ge", "ct", "st", "zp", "country")
HASH_RECOMMENDED = ("external_id",)
NOT_HASHED = ("client_ip_address", "client_user_agent", "fbc", "fbp", "subscription_id",
              "fb_login_id", "lead_id", "anon_id", "madid", "page_id", "page_scoped_user_id",
              "ctwa_clid", "ig_account_id", "ig_sid")
# Split-name/date fields the SDK also knows (UserData.f5first … doby); hashed like the rest.
SDK_EXTRA = ("f5first", "f5last", "fi", "dobd", "dobm", "doby")
KNOWN_KEYS = frozenset(HASH_REQUIRED + HASH_RECOMMENDED + NOT_HASHED + SDK_EXTRA)

# "An event is considered invalid if it only includes customer information parameters that
# consist of one of the following combinations, (or a subset thereof)" (best practices).
TOO_BROAD = (frozenset({"ct", "country", "st", "zp", "ge", "client_user_agent"}),
             frozenset({"db", "client_user_agent"}), frozenset({"fn", "ge"}),
             frozenset({"ln", "ge"}))
# Keys that identify a person or an ad click on their own.
STRONG_KEYS = frozenset({"em", "ph", "external_id", "fbc", "fb_login_id", "lead_id"})
# The order in which we suggest adding keys (the high-quality parameters Meta names first).
WEB_ORDER = ("em", "ph", "external_id", "client_ip_address", "client_user_agent", "fbp",
             "fbc", "fn", "ln", "ct", "st", "zp", "country", "db", "ge")
OTHER_ORDER = ("em", "ph", "external_id", "fn", "ln", "ct", "st", "zp", "country", "db", "ge")
LABELS = {
    "em": "e-mail (hashed)", "ph": "phone with country code (hashed)",
    "external_id": "your customer id (hashed)", "client_ip_address": "the visitor's IP address",
    "client_user_agent": "the visitor's browser user agent",
    "fbp": "browser id (_fbp cookie)", "fbc": "click id (_fbc cookie or fbclid)",
    "fn": "first name (hashed)", "ln": "last name (hashed)", "ct": "city (hashed)",
    "st": "state (hashed)", "zp": "zip code (hashed)", "country": "country (hashed)",
    "db": "date of birth (hashed)", "ge": "gender (hashed)",
}

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MD5 = re.compile(r"^[0-9a-f]{32}$")
_FB_COOKIE = re.compile(r"^fb\.\d+\.\d{10,13}\.\S+$")
# Digests of values that mean "nothing was there" before hashing: a frequent integration bug.
EMPTY_DIGESTS = {hashlib.sha256(word.encode()).hexdigest(): word or "an empty string"
                 for word in ("", "null", "undefined", "none", "nan", "[object object]")}
# User agents of HTTP libraries: the server's own, not the visitor's browser.
_SERVER_AGENTS = re.compile(r"^(python-requests|python-urllib|curl|wget|go-http-client|axios|"
                            r"node-fetch|undici|okhttp|java/|apache-httpclient|guzzlehttp|"
                            r"ruby|libwww-perl|facebook-php-business-sdk|fbbizsdk)", re.I)


@dataclass(frozen=True)
class Issue:
    """One problem found in a payload: severity, where, a stable code and what to do."""

    severity: Severity
    field: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        """Serialisable form."""
        return {"severity": self.severity, "field": self.field, "code": self.code,
                "message": self.message}


def mask(value: str, key: str = "") -> str:
    """A form of ``value`` that shows its shape, never the value (``j***@e***.com``)."""
    text = value.strip().lower()
    if key == "em" or "@" in text:
        local, _, domain = text.partition("@")
        labels = [p for p in domain.split(".") if p]
        tail = f".{labels[-1]}" if len(labels) > 1 else ""
        return f"{local[:1]}***@{labels[0][:1] if labels else ''}***{tail}"
    digits = re.sub(r"\D", "", text)
    if key == "ph" or (len(digits) >= 7 and len(digits) >= 0.6 * len(text)):
        return f"***{digits[-2:]}" if len(digits) > 4 else "***"
    return f"{text[:1]}***" if len(text) > 3 else "***"


def _values(raw: Any) -> list[Any]:
    return list(raw) if isinstance(raw, list) else [raw]


def _hashed_field(key: str, raw: Any, path: str) -> list[Issue]:
    issues: list[Issue] = []
    required = key in HASH_REQUIRED or key in SDK_EXTRA
    for i, value in enumerate(_values(raw)):
        where = f"{path}[{i}]" if isinstance(raw, list) else path
        if not isinstance(value, str):
            issues.append(Issue("error", where, "not_a_string",
                                "must be a string or a list of strings"))
            continue
        text = value.strip()
        if not text:
            issues.append(Issue("warning", where, "empty",
                                "is empty: leave the key out when there is no value"))
        elif _SHA256.match(text):
            if text in EMPTY_DIGESTS:
                issues.append(Issue("error", where, "hash_of_empty",
                                    f"is the SHA-256 of {EMPTY_DIGESTS[text]}: the value was "
                                    "missing when it was hashed; leave the key out instead"))
        elif _SHA256.match(text.lower()):
            issues.append(Issue("warning", where, "hash_uppercase",
                                "is a SHA-256 digest in upper case; send lower-case hex "
                                "(what the Business SDK sends)"))
        elif _MD5.match(text.lower()):
            issues.append(Issue("warning" if not required else "error", where, "md5",
                                "looks like an MD5 digest; Meta asks for SHA-256"))
        elif required:
            issues.append(Issue("error", where, "unhashed", _unhashed_message(key, text)))
        else:
            issues.append(Issue("warning", where, "unhashed_recommended",
                                f"is not hashed ({mask(text, key)}); Meta recommends sending "
                                "the SHA-256 of it"))
    return issues


def _unhashed_message(key: str, text: str) -> str:
    shown = mask(text, key)
    if key == "em":
        return (f"is a plain e-mail address ({shown}): trim it, lower-case it and send its "
                "SHA-256")
    if key == "ph":
        extra = ""
        digits = re.sub(r"\D", "", text)
        stripped = text.lstrip().lstrip("+")
        if (stripped.startswith("0") and not stripped.startswith("00")) or len(digits) < 8:
            extra = "; it also seems to lack the country code"
        return (f"is a plain phone number ({shown}): keep the digits only, country code "
                f"first (no + or leading 00), then send its SHA-256{extra}")
    return f"is not hashed ({shown}): normalise it as Meta documents, then send its SHA-256"


def _plain_field(key: str, raw: Any, path: str, website: bool) -> list[Issue]:
    issues: list[Issue] = []
    if isinstance(raw, list):
        return [Issue("error", path, "not_a_string", "must be a single string, not a list")]
    if not isinstance(raw, str) or not raw.strip():
        return [Issue("error", path, "not_a_string", "must be a non-empty string")]
    text = raw.strip()
    if _SHA256.match(text.lower()):
        return [Issue("error", path, "hashed_forbidden",
                      "must not be hashed: send the value as it is")]
    if key == "client_ip_address":
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            issues.append(Issue("error", path, "invalid_ip",
                                f"is not an IPv4 or IPv6 address ({mask(text)})"))
        else:
            if website and (address.is_loopback or _is_lan(address)):
                issues.append(Issue("warning", path, "server_ip",
                                    "is a private or loopback address: send the visitor's "
                                    "address from the request, not the server's"))
    elif key in ("fbp", "fbc") and not _FB_COOKIE.match(text):
        issues.append(Issue("warning", path, "cookie_format",
                            f"does not look like a Meta {key} value (fb.1.<time>.<id>): send "
                            f"the _{key} cookie unchanged"))
    elif key == "client_user_agent" and _SERVER_AGENTS.match(text):
        issues.append(Issue("warning", path, "server_user_agent",
                            "looks like the server's HTTP library: send the visitor's browser "
                            "user agent from the request"))
    return issues


def _is_lan(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    lan = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fe80::/10")
    return any(address in ipaddress.ip_network(net) for net in lan)


def check_user_data(user_data: Mapping[str, Any], website: bool) -> list[Issue]:
    """Hashing and format issues of every ``user_data`` key."""
    issues: list[Issue] = []
    for key, raw in user_data.items():
        path = f"user_data.{key}"
        if raw is None:
            continue
        if key in HASH_REQUIRED or key in HASH_RECOMMENDED or key in SDK_EXTRA:
            issues.extend(_hashed_field(key, raw, path))
        elif key in NOT_HASHED:
            issues.extend(_plain_field(key, raw, path, website))
        else:
            issues.append(Issue("warning", path, "unknown_key",
                                "is not a customer information parameter Meta documents "
                                "(check the spelling)"))
    return issues


def present_keys(user_data: Mapping[str, Any]) -> list[str]:
    """Keys that carry a value (empty strings and lists do not count)."""
    out = []
    for key, raw in user_data.items():
        values = [v for v in _values(raw) if v not in (None, "")]
        if values:
            out.append(str(key))
    return sorted(out)


@dataclass(frozen=True)
class MatchKeys:
    """Which match keys an event carries and the match quality they allow (our estimate)."""

    present: tuple[str, ...]
    quality: str  # poor | ok | good | great | n/a (non-website events)
    add: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form, with labels for the keys to add."""
        return {"present": list(self.present), "estimated_quality": self.quality,
                "add": [{"key": k, "what": LABELS.get(k, k)} for k in self.add]}


def too_broad(present: list[str]) -> bool:
    """True when Meta considers the keys too broad to match (or there are none)."""
    keys = set(present)
    return not keys or any(keys <= combo for combo in TOO_BROAD)


def match_keys(present: list[str], website: bool, limit: int = 4) -> MatchKeys:
    """Estimate the event match quality the keys allow, and the keys worth adding.

    Meta's score (0-10, website events only) also weighs how often each key actually
    matches; this is a band from presence alone: *poor* (too broad, or neither a strong key
    nor a browser signal), *ok* (browser signals only: IP + user agent or fbp), *good* (a
    strong key such as e-mail, phone, external id or click id, plus a browser signal),
    *great* (e-mail or phone plus another strong key, IP + user agent and fbp or fbc).
    """
    keys = set(present)
    order = WEB_ORDER if website else OTHER_ORDER
    add = tuple(k for k in order if k not in keys)[:limit]
    if not website:
        return MatchKeys(tuple(sorted(keys)), "n/a", add)
    strong = keys & STRONG_KEYS
    browser = {"client_ip_address", "client_user_agent"} <= keys or "fbp" in keys
    if too_broad(present) or (not strong and not browser):
        quality = "poor"
    elif not strong:
        quality = "ok"
    elif ((keys & {"em", "ph"}) and len(strong) >= 2 and keys & {"fbp", "fbc"}
          and {"client_ip_address", "client_user_agent"} <= keys):
        quality = "great"
    else:
        quality = "good" if browser else "ok"
    return MatchKeys(tuple(sorted(keys)), quality, add)
