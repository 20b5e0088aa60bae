"""Numbers for people: money with its currency, percentages, counts, by locale.

The few functions every stage uses to put a number into words (check messages, rule
arithmetic, reports), so that all of them format the same way and a later translation
only has to pass another locale. Formatting is Babel's (CLDR data): separators, currency
symbols and the number of decimals a currency has (two for USD, none for JPY) come from
it, not from hand-written rules.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from babel import Locale
from babel.numbers import (
    NumberPattern,
    format_currency,
    format_decimal,
    format_percent,
    parse_pattern,
)

DEFAULT_LOCALE = "en"
UNAVAILABLE = "—"
MINUS = "\u2212"


@functools.lru_cache(maxsize=64)
def _locale(name: str) -> Locale:
    """The parsed locale. Babel's format functions take a Locale as well as its name, and
    parse the name again at every call, which cost more than the formatting (a report
    formats thousands of numbers)."""
    return Locale.parse(name)


@functools.lru_cache(maxsize=64)
def _pattern(text: str) -> NumberPattern:
    """The parsed number pattern (the format functions take one as well as its text)."""
    return parse_pattern(text)


def _numeric(value: Any) -> bool:
    """A number that can be shown: NaN and infinities are unavailable, never printed."""
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))


def money(amount: Any, currency: str | None, locale: str = DEFAULT_LOCALE) -> str:
    """1234.5, "AUD" → "A$1,234.50"; 5000, "JPY" → "¥5,000"; None → "—".

    Without a currency (the API did not say) the amount keeps two decimals and no sign.
    """
    if not _numeric(amount):
        return UNAVAILABLE
    if not currency:
        return str(format_decimal(amount, format=_pattern("#,##0.00"), locale=_locale(locale)))
    return str(format_currency(amount, currency.upper(), locale=_locale(locale)))


def number(value: Any, locale: str = DEFAULT_LOCALE, unavailable: str = UNAVAILABLE) -> str:
    """Whole numbers without decimals (1,596), others with one or two (2.6, 46.42)."""
    if not _numeric(value):
        return unavailable if value is None else str(value)
    if float(value).is_integer():
        return str(format_decimal(value, format=_pattern("#,##0"), locale=_locale(locale)))
    return str(format_decimal(value, format=_pattern("#,##0.0#"), locale=_locale(locale)))


def count(value: Any, locale: str = DEFAULT_LOCALE) -> str:
    """A count, always whole: 1596 → "1,596"."""
    if not _numeric(value):
        return UNAVAILABLE
    return str(format_decimal(round(value), format=_pattern("#,##0"), locale=_locale(locale)))


def percent(ratio: Any, locale: str = DEFAULT_LOCALE, signed: bool = False) -> str:
    """A ratio as a percentage with one decimal: 0.7236 → "72.4%" (signed: "+", "±" or minus)."""
    if not _numeric(ratio):
        return UNAVAILABLE
    text = str(format_percent(abs(ratio), format=_pattern("#,##0.0%"), locale=_locale(locale)))
    if not signed:
        return text if ratio >= 0 else MINUS + text
    return ("+" if ratio > 0 else MINUS if ratio < 0 else "±") + text


def factor(value: Any, locale: str = DEFAULT_LOCALE) -> str:
    """A multiplier with two to four decimals: 1.2100 → "1.21", 1.14634 → "1.1463"."""
    if not _numeric(value):
        return UNAVAILABLE
    return str(format_decimal(value, format=_pattern("#,##0.00##"), locale=_locale(locale)))
