"""The reports' languages: gettext catalogues compiled at run time, and the active language.

Every sentence of the client report, its PDF and the agency index goes through gettext.
The catalogues are the ``.po`` files in ``audit/publish/locale/<lang>/LC_MESSAGES/``; they
are compiled in memory when first used (Babel's ``read_po`` → ``write_mo`` →
``babel.support.Translations``), so no binary ``.mo`` file is kept in the repository and
adding a language is adding one ``.po`` file (see the README). English is the source
language and needs no catalogue.

The active language is a context variable set around each rendering (:func:`language`),
so clients rendered side by side in threads each get their own; the Jinja2 environment is
shared and its ``gettext`` calls read the active language, as do the lazy strings of
:mod:`.catalogue` and the number formatting of :mod:`.formatting`.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import LazyProxy, Translations

from audit.config import Config

SOURCE_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
DOMAIN = "messages"

_active: ContextVar[str] = ContextVar("ios14_audit_language", default=SOURCE_LANGUAGE)


def catalogue_path(lang: str) -> Path:
    """Where the ``.po`` file of ``lang`` lives (whether or not it exists)."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages() -> tuple[str, ...]:
    """The languages a report can be written in: English and every catalogue present."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANGUAGE, *(lang for lang in found if lang != SOURCE_LANGUAGE))


@functools.cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English: the messages as written).

    Fuzzy entries are left out (``write_mo`` skips them), so an unreviewed translation
    shows the English text rather than a guess.
    """
    if lang == SOURCE_LANGUAGE:
        return _gettext.NullTranslations()
    path = catalogue_path(lang)
    if not path.is_file():
        raise LookupError(f"no catalogue for language {lang!r} ({path})")
    with path.open("rb") as po:
        catalog = read_po(po, locale=lang)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def current() -> str:
    """The active language (``en`` outside :func:`language`)."""
    return _active.get()


def babel_locale() -> str:
    """The Babel locale for numbers, money and dates in the active language."""
    return current()


@contextmanager
def language(lang: str | None) -> Iterator[str]:
    """Make ``lang`` the active language for the block (None: English)."""
    token = _active.set(lang or SOURCE_LANGUAGE)
    try:
        yield _active.get()
    finally:
        _active.reset(token)


def gettext(message: str) -> str:
    """``message`` in the active language."""
    return str(translations(current()).gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the active language."""
    return str(translations(current()).ngettext(singular, plural, n))


def lazy_gettext(message: str) -> Any:
    """``message``, translated each time it is used into the then active language.

    For module-level wording (:mod:`.catalogue`, :mod:`.vocabulary`), which is defined
    once at import and shown in whichever language a report is rendered in.
    """
    return LazyProxy(gettext, message, enable_cache=False)


@dataclass(frozen=True)
class Plural:
    """A message with a singular and a plural form, chosen by a count when used.

    Written ``ngettext("A pixel is …", "{n} pixels are …")`` in :mod:`.catalogue`, so
    ``pybabel extract`` (whose default keywords include ``ngettext``) takes both forms.
    """

    singular: str
    plural: str

    def format(self, n: int, **values: Any) -> str:
        """The form for ``n`` in the active language, with ``{n}`` and ``values`` filled in."""
        from .formatting import fmt_count  # the count in the active locale

        return ngettext(self.singular, self.plural, n).format(n=fmt_count(n), **values)


def lazy_ngettext(singular: str, plural: str) -> Plural:
    """A :class:`Plural` (the form is chosen, and translated, when it is formatted)."""
    return Plural(singular, plural)


def validate_languages(config: Config) -> list[str]:
    """Problems with the config's report languages: each must have a catalogue."""
    known = languages()
    hint = f"available: {', '.join(known)} (adding one is adding a catalogue; see the README)"
    problems = []
    if config.report.language not in known:
        problems.append(f'report.language: no catalogue for "{config.report.language}"; '
                        + hint)
    for i, client in enumerate(config.clients):
        if client.language is not None and client.language not in known:
            problems.append(f'clients[{i}].language: no catalogue for "{client.language}"; '
                            + hint)
    return problems
