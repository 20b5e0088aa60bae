"""Redaction at its edges: the secret length floor, longest-first masking, values that are
not JSON, bytes, broken log records, and the stream's reported encoding.

Secrets registered here are unique to this file (the registry is process-wide and only
grows), so no other test's text can contain them.
"""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest

from audit.redact import (
    MASK,
    RedactingFilter,
    RedactingStream,
    looks_like_token,
    redact,
    redact_bytes,
    redact_obj,
    register_secret,
)


@pytest.mark.parametrize(("secret", "masked"), [
    ("Qz7rW1x", False),      # 7 characters: too short to be a secret, masking it would mangle
    ("Qz7rW1xK", True),      # 8: the shortest secret
    ("Qz7rW1xKm", True),     # 9
])
def test_secrets_of_eight_characters_or_more_are_masked(secret: str, masked: bool) -> None:
    register_secret(secret)
    assert redact(f"a {secret} b") == (f"a {MASK} b" if masked else f"a {secret} b")


def test_a_secret_containing_another_is_masked_whole() -> None:
    register_secret("Vb8nM2qP")
    register_secret("Vb8nM2qPLongerSecretPart")
    assert redact("x Vb8nM2qPLongerSecretPart y") == f"x {MASK} y"
    assert redact("x Vb8nM2qP y") == f"x {MASK} y"


@pytest.mark.parametrize(("value", "expected"), [
    ("aB3" + "x" * 16, False),        # 19 characters, mixed: too short
    ("aB3" + "x" * 17, True),         # 20, mixed
    ("EAA" + "b" * 16, False),        # 19, EAA
    ("EAA" + "b" * 17, True),         # 20, EAA
    ("a" * 31, False),                # 31 of one kind
    ("a" * 32, True),                 # 32: an app secret's length
    ("ab" * 10, False),               # 20, lower-case only
    ("AB12" * 5, False),              # 20, no lower-case
    ("ab12" * 5, False),              # 20, no upper-case
    ("abCD" * 5, False),              # 20, no digit
    ("IOS14_AUDIT_TOKEN_FOR_A_LONG_CLIENT_NAME", False),  # a variable name
])
def test_token_shape_boundaries(value: str, expected: bool) -> None:
    assert looks_like_token(value) is expected


class NotJson:
    """A value orjson cannot encode."""


def test_values_that_are_not_json_are_walked_and_still_masked() -> None:
    register_secret("Hn4kL8sT")
    weird = NotJson()
    value: dict[Any, Any] = {"Hn4kL8sT key": {"inner": ["x Hn4kL8sT", ("Hn4kL8sT", 3)]},
                             "other": weird, "set": {1}}
    out = redact_obj(value)
    assert out == {f"{MASK} key": {"inner": [f"x {MASK}", [MASK, 3]]}, "other": weird,
                   "set": {1}}
    assert redact_obj([2 ** 70, "Hn4kL8sT"]) == [2 ** 70, MASK]  # beyond 64 bits
    assert redact_obj("Hn4kL8sT") == MASK
    assert redact_obj(5) == 5


def test_bytes_are_returned_as_given_unless_a_secret_is_masked() -> None:
    register_secret("Abcdefgh12")  # 'A' sorts before MASK's '[': the masked text sorts after
    clean = b"nothing \xff here"
    assert redact_bytes(clean) is clean
    assert redact_bytes(b"k=Abcdefgh12 \xff") == f"k={MASK} ".encode() + b"\xff"
    register_secret("zzzzzzzz99")  # and one that sorts after it
    assert redact_bytes(b"k=zzzzzzzz99") == f"k={MASK}".encode()


def test_a_record_with_a_broken_format_string_keeps_its_text() -> None:
    register_secret("Pw5tY9uI")
    record = logging.LogRecord("t", logging.INFO, __file__, 1, "%s and %s Pw5tY9uI",
                               ("one",), None)
    assert RedactingFilter().filter(record) is True
    assert record.msg == f"%s and %s {MASK}" and record.args is None


class Bare(io.StringIO):
    """A stream reporting no encoding (as some test runners' captures do)."""

    @property
    def encoding(self) -> Any:  # type: ignore[override]
        return None


def test_the_stream_reports_its_encoding_and_error_handler_as_attributes() -> None:
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1", errors="replace")
    stream = RedactingStream(latin)
    assert stream.encoding == "latin-1"
    assert stream.errors == "replace"
    assert RedactingStream(Bare()).encoding == "utf-8"
