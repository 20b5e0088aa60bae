"""The facts layer reads numbers as they usually come at once (``float``) and everything else
the long way: both ways must give the same answers for every value."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.facts.view import MAX_NUMBER, number_problem, to_amount, to_float


def _parse(value: Any) -> float | None:  # the long way, as it was written first
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:
            return math.inf
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", ""))
        except ValueError:
            return None
    return None


def reference_to_float(value: Any) -> float | None:
    number = _parse(value)
    if number is None or not math.isfinite(number) or abs(number) > MAX_NUMBER:
        return None
    return number


def reference_problem(value: Any, non_negative: bool) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _parse(value)
    if number is None or math.isnan(number):
        return "not a number"
    if math.isinf(number):
        return "infinite"
    if abs(number) > MAX_NUMBER:
        return "implausibly large"
    if non_negative and number < 0:
        return "negative"
    return None


TEXT = st.one_of(
    st.text(alphabet=st.sampled_from(list("0123456789.,-+eE _ \t\n\u00a0\u2007٣infatyINFNAN")),
            max_size=14),
    st.sampled_from(["12.50", " 7 ", "1,234.5", "1_000", "nan", "-inf", "1e400", "1e16",
                     "-0", "", "   ", "٣٤", "1e15", "-1e15", "0x10", "1,2,3"]),
)
VALUES = st.one_of(
    TEXT, st.none(), st.booleans(), st.integers(), st.integers(min_value=10**300),
    st.floats(), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(), st.integers(),
                                                                      max_size=1),
)


@settings(max_examples=1500, deadline=None)
@given(VALUES, st.booleans())
def test_quick_and_long_ways_agree(value: Any, non_negative: bool) -> None:
    expected = reference_to_float(value)
    got = to_float(value)
    assert got == expected  # neither is ever NaN
    assert to_amount(value) == (None if expected is None or expected < 0 else expected)
    assert number_problem(value, non_negative=non_negative) == reference_problem(
        value, non_negative)
