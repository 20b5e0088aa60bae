"""Numbers for people: money with its currency, percentages, counts, by locale.

The few functions every stage uses to put a number into words (check messages, rule
arithmetic, reports), so that all of them format the same way and a later translation
only has to pass another locale. Formatting is Babel's (CLDR data): separators, currency
symbols and the number of decimals a currency has (two for USD, none for JPY) come from
it, not from hand-written rules.

A report formats thousands of numbers, and Babel looks the locale's symbols, the currency's
symbol and digits up again for each one, which cost more than the arithmetic. So each
(pattern, locale, currency) is prepared once (:class:`_Prepared`) and each number then
takes Babel's own steps (``NumberPattern.apply``: the same ``Decimal`` rounding, grouping
and fraction rules) with those looked-up pieces; a pattern or locale those steps do not
cover (scientific or significant-digit patterns, quoted text, a long currency name) is
left to Babel itself. A property test holds the two to the same answers.
"""

from __future__ import annotations

import decimal
import functools
import math
from typing import Any

from babel import Locale
from babel.numbers import (
    NumberPattern,
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
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


# Below 2**53 an integral float's int() is the integer its shortest text (str()) spells;
# above, the text rounds (1.2345678901234567e+20) where int() does not.
_EXACT = 2.0**53


class _Prepared:
    """A number pattern with its locale (and currency) looked up once: ``apply`` gives what
    Babel's ``NumberPattern.apply(value, locale, currency=…)`` gives, in Babel's steps."""

    def __init__(self, pattern: NumberPattern, locale: Locale, currency: str | None) -> None:
        self.pattern = pattern
        self.locale = locale
        self.currency = currency
        self.group = get_group_symbol(locale, numbering_system="latn")
        self.decimal = get_decimal_symbol(locale, numbering_system="latn")
        self.frac_prec = ((get_currency_precision(currency),) * 2 if currency
                          else pattern.frac_prec)
        self.quantum = decimal.Decimal(10) ** -self.frac_prec[1]
        symbol = get_currency_symbol(currency, locale) if currency else ""
        self.prefix = tuple(self._affix(a, symbol) for a in pattern.prefix)
        self.suffix = tuple(self._affix(a, symbol) for a in pattern.suffix)
        # Babel's own way where its steps differ from the plain case this class takes.
        self.babel_only = bool(
            pattern.exp_prec or "@" in pattern.pattern or pattern.number_pattern == ""
            or "'" in "".join((*pattern.prefix, *pattern.suffix, self.group, self.decimal))
            or "¤¤¤" in "".join((*pattern.prefix, *pattern.suffix)))
        # Groups of three and at most one forced digit: Python's own "," grouping writes
        # the integer part (``_integer`` otherwise); with no fraction either, a Python int
        # needs no Decimal at all.
        self.threes = pattern.grouping == (3, 3) and pattern.int_prec[0] <= 1
        self.whole_ints = self.threes and self.frac_prec == (0, 0) and pattern.scale == 0

    def _affix(self, text: str, symbol: str) -> str:
        if "¤" in text and self.currency is not None:
            text = text.replace("¤¤", self.currency.upper()).replace("¤", symbol)
        return text

    def apply(self, number: float | int) -> str:
        """``number`` formatted (a finite int or float)."""
        if self.babel_only:
            return str(self.pattern.apply(number, self.locale, currency=self.currency))
        if self.whole_ints and self._whole(number):
            return self.prefix[number < 0] + self._grouped(f"{abs(int(number)):,}") \
                + self.suffix[number < 0]
        value = decimal.Decimal(str(number)).scaleb(self.pattern.scale)
        negative = int(value.is_signed())
        rounded = abs(value).normalize().quantize(self.quantum)
        if self.threes:
            whole, _, fraction = f"{rounded:,f}".partition(".")
            whole = self._grouped(whole)
        else:
            whole, _, fraction = f"{rounded:f}".partition(".")
            whole = self._integer(whole)
        return self.prefix[negative] + whole + self._fraction(fraction or "0") \
            + self.suffix[negative]

    @staticmethod
    def _whole(number: float | int) -> bool:
        """Whether ``number`` is an int, or a float whose int() is what Decimal(str())
        reads (not 0.0, which may be -0.0)."""
        if type(number) is int:
            return True
        return type(number) is float and 0 < abs(number) < _EXACT and number.is_integer()

    def _grouped(self, digits: str) -> str:
        """Digits grouped by Python's "," in threes, with the locale's group symbol."""
        return digits if self.group == "," else digits.replace(",", self.group)

    def _integer(self, digits: str) -> str:
        minimum = self.pattern.int_prec[0]
        if len(digits) < minimum:
            digits = "0" * (minimum - len(digits)) + digits
        size, out = self.pattern.grouping[0], ""
        while len(digits) > size:
            out = self.group + digits[-size:] + out
            digits = digits[:-size]
            size = self.pattern.grouping[1]
        return digits + out

    def _fraction(self, digits: str) -> str:
        least, most = self.frac_prec
        if len(digits) < least:
            digits += "0" * (least - len(digits))
        if most == 0 or (least == 0 and int(digits) == 0):
            return ""
        while len(digits) > least and digits[-1] == "0":
            digits = digits[:-1]
        return self.decimal + digits


@functools.lru_cache(maxsize=256)
def _prepared(pattern: str | None, locale: str, currency: str | None = None) -> _Prepared:
    """The prepared pattern: ``pattern`` (None: the locale's currency pattern)."""
    loc = _locale(locale)
    parsed = _pattern(pattern) if pattern is not None else loc.currency_formats["standard"]
    return _Prepared(parsed, loc, currency)


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
        return _prepared("#,##0.00", locale).apply(amount)
    return _prepared(None, locale, currency.upper()).apply(amount)


def number(value: Any, locale: str = DEFAULT_LOCALE, unavailable: str = UNAVAILABLE) -> str:
    """Whole numbers without decimals (1,596), others with one or two (2.6, 46.42)."""
    if not _numeric(value):
        return unavailable if value is None else str(value)
    if float(value).is_integer():
        return _prepared("#,##0", locale).apply(value)
    return _prepared("#,##0.0#", locale).apply(value)


def count(value: Any, locale: str = DEFAULT_LOCALE) -> str:
    """A count, always whole: 1596 → "1,596"."""
    if not _numeric(value):
        return UNAVAILABLE
    return _prepared("#,##0", locale).apply(round(value))


def percent(ratio: Any, locale: str = DEFAULT_LOCALE, signed: bool = False) -> str:
    """A ratio as a percentage with one decimal: 0.7236 → "72.4%" (signed: "+", "±" or minus)."""
    if not _numeric(ratio):
        return UNAVAILABLE
    text = _prepared("#,##0.0%", locale).apply(abs(ratio))
    if not signed:
        return text if ratio >= 0 else MINUS + text
    return ("+" if ratio > 0 else MINUS if ratio < 0 else "±") + text


def factor(value: Any, locale: str = DEFAULT_LOCALE) -> str:
    """A multiplier with two to four decimals: 1.2100 → "1.21", 1.14634 → "1.1463"."""
    if not _numeric(value):
        return UNAVAILABLE
    return _prepared("#,##0.00##", locale).apply(value)
