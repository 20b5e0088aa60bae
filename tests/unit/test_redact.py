from __future__ import annotations

import io
import logging
import sys
from pathlib import Path

import click
import pytest

from audit.files import write_bytes_atomic, write_chunks_atomic, write_text_atomic
from audit.redact import (
    MASK,
    RedactingFilter,
    RedactingStream,
    looks_like_token,
    redact,
    redact_bytes,
    redact_obj,
    redacting_excepthook,
    register_secret,
)


def test_registered_secrets_are_masked_anywhere():
    register_secret("s3cr3t-token-value")
    assert redact("oops s3cr3t-token-value here") == f"oops {MASK} here"


def test_credential_parameters_are_masked_even_unregistered():
    url = "http://127.0.0.1/v26.0/me?access_token=abc&appsecret_proof=def&fields=id"
    out = redact(url)
    assert "abc" not in out and "def" not in out and "fields=id" in out
    assert redact('{"input_token": "zzz"}') == '{"input_token": "[REDACTED]"}'


def test_meta_shaped_tokens_are_masked():
    token = "EAAG" + "a1B2" * 10
    assert token not in redact(f"token {token} leaked")


def test_redact_obj_walks_structures():
    register_secret("nested-secret-1")
    data = {"a": ["x nested-secret-1"], "nested-secret-1": 1, "n": 3}
    out = redact_obj(data)
    assert "nested-secret-1" not in repr(out) and out["n"] == 3


def test_logging_filter_scrubs_records(caplog):
    register_secret("log-secret-42")
    logger = logging.getLogger("test.redact")
    handler_filter = RedactingFilter()
    logger.addFilter(handler_filter)
    try:
        with caplog.at_level(logging.INFO, logger="test.redact"):
            logger.info("calling with %s", "log-secret-42")
    finally:
        logger.removeFilter(handler_filter)
    assert "log-secret-42" not in caplog.text and MASK in caplog.text


def test_credential_parameters_in_any_case_are_masked():
    assert redact("GET /me?ACCESS_TOKEN=abc123") == "GET /me?ACCESS_TOKEN=[REDACTED]"
    assert redact("Access_Token: xyz") == f"Access_Token: {MASK}"


def test_text_without_credentials_is_returned_unchanged():
    text = '{"pixel": "1", "events": [' + ",".join(['{"e": "Purchase"}'] * 1000) + "]}"
    assert redact(text) == text


# ----------------------------------------------------------------- token shapes (issue 16)

META_TOKEN = "EAAB" + "q7Lw2Xk9Rv4Tz8Mn3Pd6Hs1Jf5Gc0Yb" * 2


@pytest.mark.parametrize("value", [
    META_TOKEN,
    "EAAGm0PX4ZCpsBAKZCxyzZCq1w2e3",  # EAA and 20+ characters
    "a1b2c3d4e5f60718293a4b5c6d7e8f90",  # an app secret: 32 hexadecimal characters
    "abcdefghijklmnopqrstuvwxyzabcdefgh",  # 32+ characters, no underscore
    "Zx9Qw8Er7Ty6Ui5Op4As",  # 20 characters mixing lower, upper and digits
])
def test_token_shaped_values(value):
    assert looks_like_token(value)


@pytest.mark.parametrize("value", [
    "IOS14_AUDIT_TOKEN", "IOS14_DEMO_CLIENT2_TOKEN", "token", "MyAppToken2",
    "IOS14AUDITTOKENNAME2",  # 20 characters, but one case: a name
    "IOS14_AUDIT_TOKEN_FOR_THE_NORTHWIND_DIGITAL_AGENCY_CLIENT_2",  # long, with underscores
    "EAA_TOKEN_VARIABLE_FOR_CLIENTS",  # EAA-prefixed, but words joined with _
    "Ios14AuditToken",  # mixed case and a digit, but short
])
def test_variable_names_are_not_token_shaped(value):
    assert not looks_like_token(value)


def test_redacting_stream_masks_what_passes_and_hides_the_buffer():
    register_secret("stream-secret-0042")
    target = io.StringIO()
    stream = RedactingStream(target)  # type: ignore[arg-type]
    text = "echo stream-secret-0042 and ?access_token=zzz9 and " + META_TOKEN
    assert stream.write(text) == len(text)
    out = target.getvalue()
    assert "stream-secret-0042" not in out and "zzz9" not in out and META_TOKEN not in out
    assert out.count(MASK) == 3
    # click would write bytes to an exposed buffer, around the redaction: there is none.
    assert not hasattr(stream, "buffer")
    click.echo("via click stream-secret-0042", file=stream)
    assert "via click [REDACTED]" in target.getvalue()


def test_logging_filter_scrubs_tracebacks_too():
    register_secret("traceback-secret-77")
    target = io.StringIO()
    handler = logging.StreamHandler(target)
    handler.addFilter(RedactingFilter())
    logger = logging.getLogger("test.redact.traceback")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise RuntimeError("GET /me?x=1 with traceback-secret-77 in the URL")
        except RuntimeError:
            logger.exception("the call failed")
    finally:
        logger.removeHandler(handler)
    out = target.getvalue()
    assert "RuntimeError" in out and "Traceback" in out
    assert "traceback-secret-77" not in out and MASK in out


def test_the_excepthook_prints_a_scrubbed_traceback(capsys):
    register_secret("hook-secret-31337")
    try:
        raise ValueError("crashed holding hook-secret-31337")
    except ValueError as exc:
        redacting_excepthook(ValueError, exc, exc.__traceback__)
    err = capsys.readouterr().err
    assert "ValueError: crashed holding [REDACTED]" in err


def test_redact_bytes_keeps_other_bytes():
    register_secret("bytes-secret-5150")
    data = b"\x00\xff%PDF bytes-secret-5150 \x80 access_token=abc&x=1"
    out = redact_bytes(data)
    assert b"bytes-secret-5150" not in out and b"abc" not in out
    assert out.startswith(b"\x00\xff%PDF ") and b"\x80" in out and out.endswith(b"&x=1")
    assert redact_bytes(b"\x00\x01 nothing here") == b"\x00\x01 nothing here"


def test_every_atomic_writer_scrubs(tmp_path: Path):
    register_secret("file-secret-8086")
    write_text_atomic(tmp_path / "a.html", "<p>file-secret-8086</p>")
    write_bytes_atomic(tmp_path / "b.pdf", b"%PDF file-secret-8086")
    write_chunks_atomic(tmp_path / "c.csv", iter(["h\n", f"{META_TOKEN},x\n"]))
    texts = [(tmp_path / n).read_bytes() for n in ("a.html", "b.pdf", "c.csv")]
    for data in texts:
        assert b"file-secret-8086" not in data and META_TOKEN.encode() not in data
        assert MASK.encode() in data


def test_streams_report_the_wrapped_encoding_and_tty():
    stream = RedactingStream(sys.__stdout__ or io.StringIO())  # type: ignore[arg-type]
    assert stream.encoding
    assert stream.writable()
    assert isinstance(stream.isatty(), bool)
