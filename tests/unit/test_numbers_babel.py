"""audit.numbers prepares each (pattern, locale, currency) once and then takes Babel's steps
itself: its answers must be Babel's, for every number, locale and currency."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from babel.numbers import format_currency, format_decimal, format_percent
from hypothesis import given, settings
from hypothesis import strategies as st

from audit import numbers
from audit.numbers import _prepared

LOCALES = ["en", "nl", "de", "fr", "de_CH", "en_IN", "ja", "ar", "sv", "pt_BR", "hi", "fa"]
CURRENCIES = ["AUD", "EUR", "JPY", "BHD", "USD", "CHF", "INR", "XXX"]
PATTERNS = ["#,##0", "#,##0.0#", "#,##0.00", "#,##0.00##", "#,##0.0%"]
VALUES = st.one_of(
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(min_value=-1e15, max_value=1e15, allow_nan=False, allow_infinity=False),
    # around 2**53, where an integral float's text and its int() part ways, and up to the
    # 28 digits of Decimal's context (beyond, Babel and these steps both raise)
    st.integers(min_value=-10**27, max_value=10**27),
    st.floats(min_value=1e15, max_value=1e27),
    st.sampled_from([2.0**53, 2.0**53 + 2, 1.2345678901234567e+20, -(2.0**60), 10**27]),
    st.sampled_from([0, 0.0, -0.0, 0.005, 0.015, 0.125, 2.675, 1.005, 999.995, 0.9999,
                     1234.5, -1234.5, 1e-7, 123456789.125]),
)


def outcome(format_it: Callable[[], str]) -> tuple[str, object]:
    """The text, or the kind of error raised."""
    try:
        return "text", format_it()
    except ArithmeticError as exc:  # decimal.InvalidOperation beyond 28 digits
        return "raises", type(exc)


@settings(max_examples=600, deadline=None)
@given(VALUES, st.sampled_from(LOCALES), st.sampled_from(PATTERNS))
def test_patterns_format_as_babel_does(value: float, locale: str, pattern: str) -> None:
    babel = outcome(lambda: format_percent(value, pattern, locale=locale)
                    if pattern.endswith("%") else format_decimal(value, pattern, locale=locale))
    assert outcome(lambda: _prepared(pattern, locale).apply(value)) == babel


@settings(max_examples=600, deadline=None)
@given(VALUES, st.sampled_from(LOCALES), st.sampled_from(CURRENCIES))
def test_money_formats_as_babel_does(value: float, locale: str, currency: str) -> None:
    assert outcome(lambda: numbers.money(value, currency, locale)) == outcome(
        lambda: format_currency(value, currency, locale=locale))


@pytest.mark.parametrize(("value", "locale", "text"), [
    (1234.5, "en", "1,234.5"), (1234.5, "nl", "1.234,5"), (1596, "en", "1,596"),
    (2.675, "en", "2.68"),  # Babel rounds the decimal text half to even, not the float
    (1234567.891, "en_IN", "1,234,567.89"),  # the pattern's grouping, not the locale's
])
def test_numbers_read_as_people_write_them(value: float, locale: str, text: str) -> None:
    assert numbers.number(value, locale) == text


def test_money_keeps_the_currency_digits() -> None:
    assert numbers.money(5000.4, "JPY", "en") == "¥5,000"
    assert numbers.money(1.2345, "BHD", "en") == "BHD1.234"  # three digits
    assert numbers.money(1950, "AUD", "nl") == "AU$\xa01.950,00"


@pytest.mark.parametrize("pattern", ["0.###E0", "@@@", "#,##0.00 'x'"])
def test_patterns_outside_the_plain_case_are_babels(pattern: str) -> None:
    prepared = _prepared(pattern, "en")
    assert prepared.babel_only
    for value in (0, 1.5, 123456.789, -42):
        assert prepared.apply(value) == format_decimal(value, pattern, locale="en")


def test_the_decimal_rounding_is_babels_not_the_floats() -> None:
    # str(2.675) is "2.675": half to even on the text gives 2.68 where the float is below
    assert _prepared("#,##0.00", "en").apply(2.675) == "2.68"
    assert Decimal(str(2.675)).quantize(Decimal("0.01")) == Decimal("2.68")
