"""The facts layer reads numbers as they usually come at once (``float``) and everything else
the long way: both ways must give the same answers for every value."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.facts import view
from audit.facts.view import number_problem, to_amount, to_float

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


def _long_way(value: Any, non_negative: bool) -> tuple[Any, Any, Any]:
    """to_float, to_amount and number_problem with no form read at once."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(view, "_PLAIN", ())
        return (to_float(value), to_amount(value),
                number_problem(value, non_negative=non_negative))


@settings(max_examples=1500, deadline=None)
@given(VALUES, st.booleans())
def test_quick_and_long_ways_agree(value: Any, non_negative: bool) -> None:
    quick = (to_float(value), to_amount(value), number_problem(value, non_negative=non_negative))
    assert quick == _long_way(value, non_negative)  # to_float never gives NaN


@pytest.mark.parametrize(("value", "expected"), [
    ("12.50", 12.5), (" 7 ", 7.0), ("1,234.5", 1234.5), (7, 7.0), (True, None),
    ("nan", None), ("1e400", None), (2**1100, None), ("", None), ("x", None),
])
def test_numbers_in_every_form_are_read(value: Any, expected: float | None) -> None:
    assert to_float(value) == expected
