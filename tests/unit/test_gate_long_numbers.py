"""The gate looks once over a whole answer for integers of 19 digits or more (where orjson's
reading and the SDK's ``json`` differ); the session then trusts the gate's parse of each
batch item without searching its text again. That is only right if no item can hold one
when the answer does not."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.graph.sdk.batch import ParsedItem
from audit.graph.sdk.gate import may_hold_long_number

BIG = 123456789012345678901234567890


@pytest.mark.parametrize(("body", "may"), [
    (b'{"n": 123456789012345678}', False),  # 18 digits
    (b'{"n": 1234567890123456789}', True),  # 19
    (b'{"n": -9223372036854775809}', True),
    (b'{"id": "1234567890123456789"}', True),  # in a string: still a run (it may be a body)
    (b'{"s": "\\u0031"}', True),  # a digit written as an escape
    (b'{"s": "\\u00e9", "n": 12}', False),  # other escapes are fine
    (json.dumps([{"code": 200, "body": json.dumps({"n": BIG})}]).encode(), True),
    (json.dumps([{"code": 200, "body": json.dumps({"n": 123456789012345678})}]).encode(), False),
])
def test_long_numbers_are_found_in_an_answer_and_in_its_bodies(body: bytes, may: bool
                                                              ) -> None:
    assert may_hold_long_number(body) is may
    assert may_hold_long_number(body.decode("utf-8")) is may  # an item's body, as text


NUMBERS = st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False))
BODIES = st.recursive(st.one_of(NUMBERS, st.text(max_size=6)),
                      lambda inner: st.one_of(st.lists(inner, max_size=3),
                                              st.dictionaries(st.text(max_size=3), inner,
                                                              max_size=3)),
                      max_leaves=8)


@given(st.lists(BODIES, max_size=4), st.booleans())
def test_an_answer_without_long_numbers_has_no_body_with_one(bodies: list[Any],
                                                             ascii_only: bool) -> None:
    texts = [json.dumps(b, ensure_ascii=ascii_only) for b in bodies]
    answer = json.dumps([{"code": 200, "body": t} for t in texts],
                        ensure_ascii=ascii_only).encode("utf-8")
    if not may_hold_long_number(answer):
        for text in texts:
            assert not may_hold_long_number(text)
    for text in texts:  # text and its bytes read alike
        assert may_hold_long_number(text) is may_hold_long_number(text.encode("utf-8"))


def test_a_trusted_parse_is_used_and_an_untrusted_one_checked() -> None:
    body = f'{{"count": {BIG}}}'
    orjsons = {"count": float(BIG)}
    assert ParsedItem(body, 200, {}, orjsons, long_numbers=True).json() == {"count": BIG}
    # only said by the gate when no item can hold such a number: then its parse stands
    assert ParsedItem(body, 200, {}, orjsons, long_numbers=False).json() is orjsons
