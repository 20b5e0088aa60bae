"""Find English UI strings in a translated report: the scan the language tests share.

Every message the catalogue translates differently (``msgid`` ≠ ``msgstr``) must not be
in the visible text of a report rendered in that language. What came from the run (names,
ids, event names, rule names: every string of run.json) is blanked out first, since data
stays as the client named it; strings of run.json that are themselves messages (an English
label the run carries, such as "Purchase (website)") are not blanked, so a label that
missed its translation is still found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

LOCALE = Path(__file__).resolve().parents[1] / "audit" / "publish" / "locale"
_PLACEHOLDER = re.compile(r"\{\w+\}|%\(\w+\)s")
_TAG = re.compile(r"<[^>]+>")


class _Text(HTMLParser):
    """What a reader sees: text, and the titles, alt texts and labels of elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self.hidden += 1
        self.parts += [v for k, v in attrs if k in ("title", "alt", "aria-label") and v]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees (and hears, from labels), one part per line."""
    parser = _Text()
    parser.feed(html)
    return "\n".join(p.strip() for p in parser.parts if p.strip())


def translated(lang: str) -> dict[str, str]:
    """Every English message (singular and plural) whose ``lang`` translation differs."""
    with (LOCALE / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    out: dict[str, str] = {}
    for m in catalog:
        if not m.id:
            continue
        sources = m.id if isinstance(m.id, tuple) else (m.id,)
        targets = m.string if isinstance(m.string, tuple) else (m.string,)
        for source, target in zip(sources, targets, strict=False):
            if source != target:
                out[source] = target
    return out


def _pattern(message: str) -> re.Pattern[str] | None:
    """A regex for a message as it reads on the page (placeholders filled, tags gone)."""
    pieces = [p.strip() for p in _PLACEHOLDER.split(_TAG.sub("", message))]
    pieces = [p for p in pieces if p]
    if not pieces:
        return None
    body = r".{1,80}?".join(re.escape(p) for p in pieces)
    # whole words only: "Top-8" is not in "Top-8-gebeurtenissen"
    start = r"(?<![\w-])" if pieces[0][0].isalnum() else ""
    end = r"(?![\w-])" if pieces[-1][-1].isalnum() else ""
    return re.compile(start + body + end)


def strings_of(data: Any) -> Iterator[str]:
    """Every string in a JSON document (keys and values)."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield str(k)
            yield from strings_of(v)
    elif isinstance(data, (list, tuple)):
        for v in data:
            yield from strings_of(v)


def english_leftovers(html: str, lang: str, data: Iterable[str]) -> list[str]:
    """The English messages found in the visible text of a report rendered in ``lang``."""
    messages = translated(lang)
    text = visible_text(html)
    values = sorted({d.strip() for d in data} - set(messages), key=len, reverse=True)
    values = [v for v in values if len(v) >= 2]
    if values:  # whole words only, longest first: "en" is data, not the end of "Uploaden"
        names = re.compile(r"(?<![\w-])(?:" + "|".join(map(re.escape, values)) + r")(?![\w-])")
        text = names.sub(" ", text)
    found = []
    for message in messages:
        pattern = _pattern(message)
        if pattern is not None and pattern.search(text):
            found.append(message)
    return sorted(found)
