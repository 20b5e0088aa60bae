"""JSON text at orjson's speed: snapshots, runs, and the redaction's round trip.

orjson encodes about ten times faster than the standard library; asked to accept keys that
are not strings (``OPT_NON_STR_KEYS``), it takes twice as long on every document, so that
option is used only for a document that needs it.
"""

from __future__ import annotations

from typing import Any

import orjson


def dumps(data: Any) -> bytes:
    """``data`` as compact JSON (UTF-8, characters beyond ASCII kept); keys that are not
    strings are written as text. Raises TypeError (``orjson.JSONEncodeError``) for what
    orjson cannot encode: an integer beyond 64 bits, a type that is not JSON, nesting
    deeper than 254 levels."""
    try:
        return orjson.dumps(data)
    except TypeError:  # a key that is not a string, or what the retry raises again
        return orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
