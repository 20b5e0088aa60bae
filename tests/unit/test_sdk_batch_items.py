"""A batch item's answer parsed once reads exactly as the SDK's own ``FacebookResponse``."""

from __future__ import annotations

from typing import Any

import pytest
from facebook_business.api import FacebookResponse

from audit.graph.sdk.batch import ParsedItem

BIG = 123456789012345678901234567890  # beyond 64 bits: orjson makes it a float, json an int

# (body, status, the parsed body, success as the SDK decides it)
CASES: list[tuple[Any, int, Any, Any]] = [
    ('{"id": "1", "name": "Pixel"}', 200, {"id": "1", "name": "Pixel"}, True),
    ('{"error": {"message": "(#100) bad", "code": 100}}', 400,
     {"error": {"message": "(#100) bad", "code": 100}}, False),
    ('{"success": false}', 200, {"success": False}, False),
    ('{"success": true}', 200, {"success": True}, True),
    ("[]", 200, [], True),
    ("{}", 500, {}, False),
    (f'{{"count": {BIG}}}', 200, {"count": BIG}, True),
    ('{"count": -9223372036854775809}', 200, {"count": -9223372036854775809}, True),
    ('{"count": 9223372036854775807, "id": "1234567890123456789"}', 200,
     {"count": 9223372036854775807, "id": "1234567890123456789"}, True),
    ('{"name": "\\ud800"}', 200, {"name": "\ud800"}, True),  # a lone surrogate
    ("Service Unavailable", 200, "Service Unavailable", False),
    (None, 200, None, True),
]


def _values(data: Any) -> list[Any]:
    return list(data.values()) if isinstance(data, dict) else [data]


@pytest.mark.parametrize(("body", "status", "parsed", "success"), CASES)
def test_an_item_parses_and_succeeds_as_the_sdk_says(body: Any, status: int, parsed: Any,
                                                      success: Any) -> None:
    sdk = FacebookResponse(body=body, http_status=status, headers={"X-Test": "1"})
    item = ParsedItem(body, status, {"X-Test": "1"})
    assert item.json() == parsed == sdk.json()
    assert [type(v) for v in _values(item.json())] == [type(v) for v in _values(parsed)]
    assert item.is_success() == success == sdk.is_success()
    assert (item.status(), item.headers(), item.body()) == (status, {"X-Test": "1"}, body)


def test_the_gates_parse_of_the_same_text_is_used() -> None:
    known = {"id": "1"}
    item = ParsedItem('{"id": "1"}', 200, {}, known)
    assert item.json() is known


def test_a_body_with_a_long_number_is_read_by_json_whatever_the_gate_parsed() -> None:
    body = f'{{"count": {BIG}}}'
    item = ParsedItem(body, 200, {}, {"count": float(BIG)})  # orjson's reading
    assert item.json() == {"count": BIG}
    assert type(item.json()["count"]) is int


def test_the_sdk_batch_still_has_what_our_copy_of_its_dispatch_reads() -> None:
    # If an SDK upgrade renames these, the session falls back to the SDK's own execute
    # (tests/sandbox/test_client_faults.py); this test says the copy needs a look.
    from facebook_business.api import FacebookAdsApi, FacebookAdsApiBatch
    from facebook_business.session import FacebookSession

    from audit.graph.sdk.batch import Batch

    batch = FacebookAdsApiBatch(FacebookAdsApi(FacebookSession(access_token="x" * 8)))
    missing = [name for name in Batch.SDK_ATTRIBUTES if not hasattr(batch, name)]
    assert missing == []
