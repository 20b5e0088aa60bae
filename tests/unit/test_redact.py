from __future__ import annotations

import logging

from audit.redact import MASK, RedactingFilter, redact, redact_obj, register_secret


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
