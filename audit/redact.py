"""Keep access tokens, app secrets and appsecret_proof out of every string we emit.

Two layers: secrets registered at run time (the tokens actually in use) are replaced
wherever they appear, and anything shaped like a credential query parameter
(``access_token=…``, ``appsecret_proof=…``, ``input_token=…``) or a Meta user token
(``EAA…``) is masked even if it was never registered. A logging filter applies the same
scrubbing to every log record (its traceback included), and :class:`RedactingStream` to
everything the command line writes to stdout and stderr.

This is the one redaction step every output goes through: the atomic file writers
(:mod:`audit.files`: reports, PDFs, CSVs, run.json, snapshots, plans and backups), the
history's rows, the wire trace, log records, the console and the alert bodies.

Cheap on large documents: a registered secret costs one substring search, and the regular
expressions run only on text that contains one of their markers (a credential parameter
name, or ``EAA``), so a multi-megabyte snapshot without credentials is scanned at C speed
instead of by the regex engine at every position. A long text is first looked at as UTF-8
bytes (:func:`_may_need_masking`): lower-casing bytes is a table lookup per byte, where
lower-casing text that holds one non-ASCII character (a "—" or a "€" in a report) goes
through Unicode's case tables for every character, and cost more than everything else.
"""

from __future__ import annotations

import io
import logging
import re
import sys
import threading
import traceback
from types import TracebackType
from typing import TextIO, TypeVar, cast

import orjson

from audit import jsontext

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

# The markers as _may_need_masking finds them in lower-cased bytes: each one's tail (found
# by one regular expression with a literal first byte, which the engine scans for at C
# speed), then the whole marker before it. str.lower() turns only two characters outside
# ASCII into ASCII letters, which bytes.lower() leaves alone: U+0130 (into "i" and a
# combining dot, which no marker can hold: none ends in "i") and U+212A KELVIN SIGN (into
# "k": "TO\u212aEN" lower-cases to "token"), so the markers with a "k" are also looked for
# with a Kelvin sign.
_KELVIN = "\u212a".encode("utf-8")
_MARKER_BYTES = tuple(m.encode("ascii") for m in _PARAM_MARKERS) + tuple(
    m.encode("ascii").replace(b"k", _KELVIN) for m in _PARAM_MARKERS if "k" in m)
_MARKER_TAILS = re.compile(rb"_(?:to(?:k|\xe2\x84\xaa)en|secret|proof)")
_LONGEST_MARKER = max(len(m) for m in _MARKER_BYTES)
_EAA = re.compile(rb"EAA")  # the engine's literal search beats bytes.__contains__ here
# Texts at least this long are looked at as bytes first (see _may_need_masking).
_BYTES_FIRST = 2048

_lock = threading.Lock()
_secrets: set[str] = set()
# Longest first (a secret containing another is masked whole); replaced as one tuple, so
# redact() reads it without taking the lock. _encoded: the same secrets in UTF-8.
_ordered: tuple[str, ...] = ()
_encoded: tuple[bytes, ...] = ()


def register_secret(value: str | None) -> None:
    """Remember a secret so that it is masked wherever it appears later."""
    global _ordered, _encoded
    if value and len(value) >= 8:  # shorter is no real secret, and masking it mangles text
        with _lock:
            if value not in _secrets:
                _secrets.add(value)
                _ordered = tuple(sorted(_secrets, key=len, reverse=True))
                _encoded = tuple(s.encode("utf-8", "surrogatepass") for s in _ordered)


def looks_like_token(value: str) -> bool:
    """True when ``value`` is shaped like an access token or a secret, not like a name.

    Used on config values that must be environment variable *names* (``token_env``,
    ``graph.app_secret_env``, ``alerts.urls_env``). A value is token-shaped when it has no
    underscore (names join words with ``_``; Meta tokens and app secrets are runs of
    letters and digits) and any of:

    - it starts with ``EAA`` and has 20+ characters (Meta user, page and system-user
      access tokens start with ``EAA``);
    - it has 32+ characters (an app secret is 32 hexadecimal characters; tokens are longer);
    - it has 20+ characters mixing lower-case letters, upper-case letters and digits.
    """
    if "_" in value or len(value) < 20:
        return False
    if value.startswith("EAA") or len(value) >= 32:
        return True
    return (any(c.islower() for c in value) and any(c.isupper() for c in value)
            and any(c.isdigit() for c in value))


def _may_need_masking(data: bytes) -> bool:
    """Whether the UTF-8 text ``data`` may hold something :func:`redact` masks; False only
    when it certainly holds none: no registered secret (UTF-8 is self-synchronising, so a
    text contains a string exactly when its bytes contain the string's bytes), no
    credential parameter name in any case (bytes.lower() lower-cases ASCII as str.lower()
    does; see _KELVIN for the rest), and no ``EAA``. A few scans of the bytes at C speed,
    a fraction of what the text pass costs on a long text."""
    if _EAA.search(data) or any(secret in data for secret in _encoded):
        return True
    lowered = data.lower()
    for tail in _MARKER_TAILS.finditer(lowered):
        if lowered[max(0, tail.end() - _LONGEST_MARKER):tail.end()].endswith(_MARKER_BYTES):
            return True
    return False


def redact(text: str) -> str:
    """Return ``text`` with every known secret and credential-shaped value masked."""
    if len(text) >= _BYTES_FIRST and not _may_need_masking(
            text.encode("utf-8", "surrogatepass")):
        return text
    return _mask(text)


def _mask(text: str) -> str:
    """The text pass of :func:`redact`: every registered secret, then the patterns."""
    for secret in _ordered:
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
            text = jsontext.dumps(value).decode("utf-8")
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


def redact_bytes(data: bytes) -> bytes:
    """:func:`redact` for bytes (a file's content): secrets are ASCII, so the bytes are read
    one character per byte (Latin-1) and written back the same way."""
    text = data.decode("latin-1")
    cleaned = redact(text)
    return data if cleaned == text else cleaned.encode("latin-1")


class RedactingFilter(logging.Filter):
    """Logging filter that scrubs the formatted message of every record, and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message with secrets masked; never drops a record."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not hide the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Formatted here, so the formatter prints this scrubbed text: an exception's
            # message (a URL with its query string, an API error) is part of the record.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class RedactingStream(io.TextIOBase):
    """A text stream that scrubs everything written to it before passing it on.

    The command line puts one around stdout and stderr, so click's output, rich's tables,
    JSON listings, log lines and tracebacks all pass the same redaction. The underlying
    stream's ``buffer`` is deliberately not exposed: writing bytes to it would go around
    the redaction.
    """

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.wrapped = stream

    @property
    def encoding(self) -> str:  # type: ignore[override]
        """The wrapped stream's encoding (click and rich choose characters by it)."""
        return str(getattr(self.wrapped, "encoding", None) or "utf-8")

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        """The wrapped stream's error handler."""
        return getattr(self.wrapped, "errors", None)

    def write(self, text: str) -> int:
        """Write ``text`` with secrets masked; returns the length given (as callers expect)."""
        self.wrapped.write(redact(text))
        return len(text)

    def writable(self) -> bool:
        """Always: this is an output stream."""
        return True

    def flush(self) -> None:
        """Flush the wrapped stream."""
        self.wrapped.flush()

    def isatty(self) -> bool:
        """Whether the wrapped stream is a terminal (rich and click style by it)."""
        return bool(self.wrapped.isatty())

    def fileno(self) -> int:
        """The wrapped stream's descriptor (rich reads the terminal size through it)."""
        return self.wrapped.fileno()


def redacting_excepthook(kind: type[BaseException], value: BaseException,
                         tb: TracebackType | None) -> None:
    """A ``sys.excepthook`` printing the traceback of an unexpected crash, scrubbed."""
    stream = sys.stderr or sys.__stderr__
    if stream is not None:
        stream.write(redact("".join(traceback.format_exception(kind, value, tb))))
