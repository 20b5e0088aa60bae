"""Meta's domain verification markers, parsed from what a domain publishes. Pure.

Verifying a domain in Business Settings → Brand safety → Domains gives the business a code
and asks for it to be published in one of three places
(https://developers.facebook.com/docs/sharing/domain-verification):

- a DNS TXT record ``facebook-domain-verification=<code>`` on the domain;
- ``<meta name="facebook-domain-verification" content="<code>" />`` in the home page's
  ``<head>``;
- an HTML file ``/<code>.html`` at the web root.

Pages are parsed with the standard library's :class:`html.parser.HTMLParser`: tags are
tokenised, nothing is executed, and parsing stops at the end of the ``<head>``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

TXT_PREFIX = "facebook-domain-verification="
META_NAME = "facebook-domain-verification"
# What a code looks like: Meta shows ~30 lower-case letters and digits. Anything else found
# in a record or tag is kept as "malformed" evidence and never treated as a code.
_CODE = re.compile(r"^[A-Za-z0-9]{8,64}$")
MAX_VALUE_CHARS = 120  # longer values are cut in the snapshot (a hostile page can be huge)
MAX_VALUES = 20


def looks_like_code(value: str) -> bool:
    """True when ``value`` has the shape of a verification code."""
    return bool(_CODE.match(value))


def clip(value: str) -> str:
    """A value cut to a length that is safe to store and show."""
    value = value.strip()
    return value if len(value) <= MAX_VALUE_CHARS else value[:MAX_VALUE_CHARS] + "…"


def txt_values(records: list[str]) -> list[str]:
    """The values of the ``facebook-domain-verification=`` TXT records, in order."""
    out = []
    for record in records:
        text = record.strip().strip('"')
        if text.lower().startswith(TXT_PREFIX):
            out.append(clip(text[len(TXT_PREFIX):]))
    return out[:MAX_VALUES]


class _HeadParser(HTMLParser):
    """Collects the verification meta tags until the ``<head>`` ends."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[str] = []
        self.head_done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.head_done:
            return
        if tag == "body":
            self.head_done = True
            return
        if tag != "meta":
            return
        found = {k.lower(): (v or "") for k, v in attrs}
        if found.get("name", "").strip().lower() == META_NAME and len(self.values) < MAX_VALUES:
            self.values.append(clip(found.get("content", "")))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.head_done = True


def meta_values(html: str) -> tuple[list[str], bool]:
    """The contents of the verification meta tags in ``html``'s head, and whether the
    head was read to its end (False when the page stopped first, e.g. cut at the size cap)."""
    parser = _HeadParser()
    # Feed in slices so a page whose head ends early is not tokenised to the end.
    for start in range(0, len(html), 16384):
        parser.feed(html[start:start + 16384])
        if parser.head_done:
            break
    if not parser.head_done:
        parser.close()
    return parser.values, parser.head_done


def file_shows_code(body: str, code: str) -> bool:
    """True when a ``/<code>.html`` response carries the code.

    Many sites answer 200 with their home page for any path, so a 200 alone proves nothing;
    the file Meta hands out contains the code itself.
    """
    return code.lower() in body.lower()
