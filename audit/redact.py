"""Keep access tokens, app secrets and appsecret_proof out of every string we emit.

Two layers: secrets registered at run time (the tokens actually in use) are replaced
wherever they appear, and anything shaped like a credential query parameter
(``access_token=…``, ``appsecret_proof=…``, ``input_token=…``) or a Meta user token
(``EAA…``) is masked even if it was never registered. A logging filter applies the same
scrubbing to every log record.

Cheap on large documents: a registered secret costs one substring search, and the regular
expressions run only on text that contains one of their markers (a credential parameter
name, or ``EAA``), so a multi-megabyte snapshot without credentials is scanned at C speed
instead of by the regex engine at every position.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import TypeVar, cast

import orjson

T = TypeVar("T")

MASK = "[REDACTED]"

_PARAM = re.compile(
    r"(?i)\b(access_token|input_token|appsecret_proof|app_secret|client_secret)"
    r"(\"?\s*[=:]\s*\"?)([^&\s\"',}\\]+)"
)
_META_TOKEN = re.compile(r"\bEAA[A-Za-z0-9]{20,}")
# Literal text _PARAM cannot match without (it is case-insensitive: compared lower-cased).
_PARAM_MARKERS = ("access_token", "input_token", "appsecret_proof", "app_secret",
                  "client_secret")

_lock = threading.Lock()
_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Remember a secret so that it is masked wherever it appears later."""
    if value and len(value) >= 4:
        with _lock:
            _secrets.add(value)


def redact(text: str) -> str:
    """Return ``text`` with every known secret and credential-shaped value masked."""
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    lowered = text.lower()
    if any(marker in lowered for marker in _PARAM_MARKERS):
        text = _PARAM.sub(lambda m: f"{m.group(1)}{m.group(2)}{MASK}", text)
    if "EAA" in text:
        text = _META_TOKEN.sub(MASK, text)
    return text


def redact_obj(value: T) -> T:
    """Apply :func:`redact` to every string inside a JSON-like structure.

    JSON data goes through its text form (orjson's encoder, one scrubbing pass, its
    decoder), which is an order of magnitude faster than walking large snapshots string by
    string.
    """
    if isinstance(value, (dict, list)):
        try:
            text = orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode("utf-8")
        except TypeError:  # not JSON data (or an integer beyond 64 bits): walk it
            pass
        else:
            return cast(T, orjson.loads(redact(text)))
    return _walk(value)


def _walk(value: T) -> T:
    if isinstance(value, str):
        return cast(T, redact(value))
    if isinstance(value, dict):
        return cast(T, {redact(str(k)): _walk(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return cast(T, [_walk(v) for v in value])
    return value


class RedactingFilter(logging.Filter):
    """Logging filter that scrubs the formatted message of every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with secrets masked; never drops a record."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
