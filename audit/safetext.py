"""Text from the API made safe to store and show: bounded in length, unable to reorder a page.

Two hazards of strings nobody on our side wrote. Size: a server (or a proxy in front of
it) can answer with a multi-megabyte error message or name, which would be copied into
every report, CSV row and history record; :func:`truncate` keeps the start and says how
long the original was. Direction: Unicode's explicit bidirectional formatting characters
(embeddings, overrides and isolates, U+202A to U+202E and U+2066 to U+2069; Unicode Standard
Annex #9, https://www.unicode.org/reports/tr9/) make a viewer display the text after them
in another order, so a name such as ``invoice`` + U+202E + ``gnp.exe`` reads as something else
(CVE-2021-42574, "Trojan Source", is the same trick in source code);
:func:`neutralise_bidi` replaces them with a visible ``[U+202E]``.
"""

from __future__ import annotations

import re
from typing import Any

# The longest string from the API kept whole (names are at most a few hundred characters;
# rule specs sent as JSON text a few thousand). Longer ones are cut, with a marker.
MAX_TEXT = 10_000
# Error messages are shown in tables: a paragraph is plenty.
MAX_MESSAGE = 1_000

_BIDI_CHARS = tuple(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_MARKER = re.compile(r"… \[truncated, ([\d,]+) characters\]$")


def truncate(text: str, limit: int = MAX_TEXT) -> str:
    """``text`` cut to ``limit`` characters plus a marker naming the original length,
    e.g. ``… [truncated, 10,485,760 characters]``; shorter text is returned as is. Text
    cut before keeps the length its marker names."""
    if len(text) <= limit:
        return text
    length = len(text)
    earlier = _MARKER.search(text[-64:])
    if earlier is not None:
        length = int(earlier.group(1).replace(",", ""))
    return f"{text[:limit]}… [truncated, {length:,} characters]"


def bound_strings(data: Any, limit: int = MAX_TEXT) -> tuple[Any, bool]:
    """``data`` (parsed JSON) with every string longer than ``limit`` truncated; and
    whether anything was. Keys are bounded too (a key is a string an API chose)."""
    changed = False

    def walk(value: Any) -> Any:
        nonlocal changed
        if isinstance(value, str):
            if len(value) > limit:
                changed = True
                return truncate(value, limit)
            return value
        if isinstance(value, dict):
            return {walk(k): walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value

    out = walk(data)
    return out, changed


def neutralise_bidi(text: str) -> str:
    """``text`` with each bidirectional embedding, override or isolate character replaced
    by its visible code point (``[U+202E]``): it can no longer reorder what follows.

    A whole page at a time: on a text longer than a few dozen characters, nine searches
    for one character each, which run at C speed, decide first (the regular expression's
    character class costs several times more on a long text without any; on a short one,
    less than starting the nine searches)."""
    if not (_BIDI.search(text) if len(text) < 64 else any(c in text for c in _BIDI_CHARS)):
        return text
    return _BIDI.sub(lambda m: f"[U+{ord(m.group(0)):04X}]", text)
