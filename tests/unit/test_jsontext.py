"""JSON text: the same bytes as orjson with non-string keys allowed, at its faster speed when
no key needs that option."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit import jsontext

KEYS = st.one_of(st.text(max_size=5), st.integers(-5, 5))
JSON = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63 - 1),
                              st.floats(allow_nan=False, allow_infinity=False),
                              st.text(max_size=8)),
                    lambda inner: st.one_of(st.lists(inner, max_size=4),
                                            st.dictionaries(KEYS, inner, max_size=4)),
                    max_leaves=20)


@given(JSON)
def test_the_text_is_orjsons_with_keys_written_as_text(data: Any) -> None:
    assert jsontext.dumps(data) == orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)


def test_a_key_that_is_not_text_is_written_as_text() -> None:
    assert jsontext.dumps({1: "a", "b": {2.5: None}}) == b'{"1":"a","b":{"2.5":null}}'


@pytest.mark.parametrize("data", [{"n": 2**64}, {"x": object()}, {1: {"n": 2**64}}])
def test_what_orjson_cannot_encode_raises_type_error(data: Any) -> None:
    with pytest.raises(TypeError):
        jsontext.dumps(data)
