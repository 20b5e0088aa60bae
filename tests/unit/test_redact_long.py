"""Long texts: :func:`audit.redact.redact` looks at their UTF-8 bytes first and skips the
text pass only when nothing can be masked. The answer must be the text pass's, always.

Secrets registered here are unique to this file (the registry is process-wide and only
grows), so no other test's text can contain them.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit import redact as redaction
from audit.redact import MASK, redact, register_secret

LONG_SECRET = "Lr9sK2vX7qLongTextSecret"
register_secret(LONG_SECRET)
register_secret("caf\u00e9-secret-42")  # a secret outside ASCII

# A page of text that holds nothing to mask, with characters outside ASCII ("—", "€").
FILLER = ("Spend \u20ac1.234,56 \u2014 BENCH_TOKEN debug_token token_env <td>72.4%</td> "
          "next_page_token secret_santa proof_of_work app secret ")
PIECES = [
    "access_token=abc123def", "ACCESS_TOKEN: xyz789", "Input_Token=qqq111",
    "appsecret_proof=0f0f0f0f", "App_Secret = s3cr3tvalue", "client_secret\":\"hidden9",
    "access_to\u212aen=kelvin123",  # KELVIN SIGN: lower-cases to "k"
    "\u0130nput_token=dotted1",     # capital I with dot: lower-cases to "i" + a dot
    "EAAB" + "x" * 30, "EAA", LONG_SECRET, "caf\u00e9-secret-42", "\u20ac", "\u2014",
    "token", "_proof", "_secret", "access", "appsecret", "=", " ", "\n",
]


def long(text: str) -> str:
    """``text`` inside enough filler to take the bytes-first way."""
    pad = FILLER * (redaction._BYTES_FIRST // len(FILLER) + 1)
    return pad + text + pad


def test_a_long_text_with_nothing_to_mask_skips_the_text_pass(monkeypatch) -> None:
    text = long("")
    assert len(text) >= redaction._BYTES_FIRST
    assert not redaction._may_need_masking(text.encode("utf-8"))

    def text_pass(_: str) -> str:
        raise AssertionError("the text pass ran on a text with nothing to mask")

    monkeypatch.setattr(redaction, "_mask", text_pass)
    assert redact(text) == text


@pytest.mark.parametrize("piece", [
    "access_token=abc123def", "ACCESS_TOKEN: xyz789", "appsecret_proof=0f0f0f0f",
    "App_Secret = s3cr3tvalue", "client_secret\":\"hidden9", "Input_Token=qqq111",
    "access_to\u212aen=kelvin123", "EAAB" + "x" * 30, LONG_SECRET, "caf\u00e9-secret-42",
])
def test_what_is_masked_in_a_short_text_is_masked_in_a_long_one(piece: str) -> None:
    masked = redact(long(piece))
    assert piece not in masked
    assert MASK in masked
    assert masked == redaction._mask(long(piece))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12), st.text(max_size=40))
def test_the_bytes_first_way_gives_the_text_pass_answer(pieces: list[str], extra: str
                                                        ) -> None:
    text = long("".join(pieces) + extra)
    assert redact(text) == redaction._mask(text)


@pytest.mark.parametrize("piece", [
    "access_token=abc123def", "input_token=qqq111", "appsecret_proof=0f0f0f0f",
    "app_secret=s3cr3tvalue", "client_secret=hidden9", "ACCESS_TO\u212aEN=kelvin123",
])
def test_a_marker_at_the_very_start_of_a_long_text_is_masked(piece: str) -> None:
    pad = FILLER * (redaction._BYTES_FIRST // len(FILLER) + 1)
    masked = redact(piece + " " + pad)
    assert masked.startswith(piece.split("=")[0] + "=" + MASK)
    assert masked.endswith(" " + pad)


def test_the_bytes_first_way_starts_at_its_length(monkeypatch) -> None:
    at = ("x" * redaction._BYTES_FIRST)
    below = at[1:]
    looked: list[int] = []
    real = redaction._may_need_masking

    def spy(data: bytes) -> bool:
        looked.append(len(data))
        return real(data)

    monkeypatch.setattr(redaction, "_may_need_masking", spy)
    assert redact(below) == below and looked == []  # short: the text pass at once
    assert redact(at) == at and looked == [redaction._BYTES_FIRST]
