"""The response gate, the circuit breaker and the number parsers, on their own."""

from __future__ import annotations

import json
import math

import pytest

from audit.facts.view import number_problem, to_amount, to_float
from audit.graph.breaker import CLIENT_THRESHOLD, RUN_THRESHOLD, Breaker
from audit.graph.sdk.gate import GATE_KEY, MAX_DEPTH, UnreadableAnswer, check_body
from audit.safetext import MAX_TEXT, neutralise_bidi, truncate


def _strict(body: bytes) -> object:
    return json.loads(body, parse_constant=lambda c: pytest.fail(f"bare {c}"))


def test_a_plain_answer_passes_untouched() -> None:
    assert check_body(b'{"data": [{"id": "1", "spend": "12.50"}]}') is None


@pytest.mark.parametrize(("token", "kept"), [("NaN", "NaN"), ("Infinity", "Infinity"),
                                             ("-Infinity", "-Infinity"), ("1e400", "1e400")])
def test_values_json_has_no_word_for_arrive_as_their_text(token: str, kept: str) -> None:
    body = check_body(f'{{"spend": {token}, "count": 3}}'.encode())
    assert body is not None
    assert _strict(body) == {"spend": kept, "count": 3}


def test_an_html_page_is_a_transient_unreadable_answer() -> None:
    with pytest.raises(UnreadableAnswer) as info:
        check_body(b"<html><body>502 Bad Gateway</body></html>", "text/html", 502)
    assert info.value.transient is True
    assert info.value.message == "HTTP 502 with an HTML page instead of JSON"


@pytest.mark.parametrize("body", [b"operation success", b'"success"', b"", b"42"])
def test_text_and_bare_values_are_transient_not_a_crash(body: bytes) -> None:
    with pytest.raises(UnreadableAnswer) as info:
        check_body(body, "text/plain", 200)
    assert info.value.transient is True


def test_deep_nesting_is_refused_as_invalid_not_retried() -> None:
    for depth in (MAX_DEPTH + 50, 5_000):
        with pytest.raises(UnreadableAnswer) as info:
            check_body(b'{"a":' * depth + b"1" + b"}" * depth)
        assert info.value.transient is False
        assert "nested deeper than" in info.value.message


def test_long_strings_are_cut_with_a_marker() -> None:
    body = check_body(json.dumps({"name": "x" * (MAX_TEXT + 5)}).encode())
    assert body is not None
    name = json.loads(body)["name"]
    assert name == "x" * MAX_TEXT + f"… [truncated, {MAX_TEXT + 5:,} characters]"


@pytest.mark.parametrize("text", [
    '"' * (MAX_TEXT + 1),  # escaped quotes: the raw text has a quote every other character
    "\\" * (MAX_TEXT + 1),  # escaped backslashes: each two characters of text stand for one
    "\\\"" * (MAX_TEXT // 2 + 1),  # both, adjacent
    "\u00e9" * (MAX_TEXT + 1),  # \uXXXX escapes (six characters of text for one)
    "\U0001f600" * (MAX_TEXT + 1),  # a surrogate pair (twelve for one)
])
def test_long_strings_written_with_escapes_are_cut_too(text: str) -> None:
    for dumped in (json.dumps({"name": text, "n": 1}), json.dumps([{"k": text}])):
        for body in (dumped.encode(), dumped):  # bytes from the wire, str inside a batch
            out = check_body(body)
            assert out is not None
            cut = json.loads(out)
            name = cut["name"] if isinstance(cut, dict) else cut[0]["k"]
            assert name == text[:MAX_TEXT] + f"… [truncated, {len(text):,} characters]"


def test_a_long_answer_of_short_strings_passes_untouched() -> None:
    body = json.dumps({"data": [{"id": str(i), "name": f"row \"{i}\" \\"}
                                for i in range(2_000)]})
    assert len(body) > 5 * MAX_TEXT
    assert check_body(body.encode()) is None


def test_batch_items_are_checked_one_by_one() -> None:
    items = [{"code": 200, "body": '{"id": "1"}'},
             {"code": 200, "body": '{"spend": NaN}'},
             {"code": 200, "body": "<html>oops</html>"},
             None]
    body = check_body(json.dumps(items).encode())
    assert body is not None
    out = json.loads(body)
    assert out[0] == items[0] and out[3] is None
    assert json.loads(out[1]["body"]) == {"spend": "NaN"}
    assert out[2]["code"] == 502
    assert json.loads(out[2]["body"])["error"][GATE_KEY] == "transient"


def test_the_parses_of_items_kept_as_they_came_are_handed_on() -> None:
    items = [{"code": 200, "body": '{"id": "1", "n": 12}'},
             {"code": 200, "body": '{"spend": NaN}'},
             {"code": 200, "body": "<html>oops</html>"},
             {"code": 400, "body": '{"error": {"message": "(#100) bad"}}'},
             None]
    parses: dict[str, list[object]] = {}
    check_body(json.dumps(items).encode(), parses=parses)
    # the two items kept as they came, parsed; not the converted one nor the refused one
    assert parses == {items[0]["body"]: [{"id": "1", "n": 12}],  # type: ignore[index]
                      items[3]["body"]: [{"error": {"message": "(#100) bad"}}]}  # type: ignore[index]


def test_items_with_the_same_text_have_a_parse_each() -> None:
    items = [{"code": 200, "body": '{"data": []}'}, {"code": 200, "body": '{"data": []}'}]
    parses: dict[str, list[object]] = {}
    check_body(json.dumps(items).encode(), parses=parses)
    first, second = parses['{"data": []}']
    assert first == second == {"data": []}
    assert first is not second  # one read's data is never another's


@pytest.mark.parametrize("depth", [MAX_DEPTH - 3, MAX_DEPTH - 2, MAX_DEPTH - 1])
def test_a_batch_answer_is_as_deep_as_its_own_containers(depth: int) -> None:
    # [ {headers: [ nested... ]} ]: the list, the item and the headers list are 3 levels
    nested: object = "x"
    for _ in range(depth):
        nested = [nested]
    items = [{"code": 200, "headers": nested, "body": "[" * 200 + "]" * 200}]
    body = json.dumps(items).encode()
    if depth + 2 > MAX_DEPTH:
        with pytest.raises(UnreadableAnswer, match="nested deeper"):
            check_body(body)
    else:  # the brackets inside the item's body are its own (checked as the item)
        assert check_body(body) is None


def test_the_breaker_opens_after_consecutive_failures_only() -> None:
    breaker = Breaker()
    for _ in range(CLIENT_THRESHOLD - 1):
        assert breaker.failure("timeout") is None
    breaker.success()  # an answer starts the count again
    for _ in range(CLIENT_THRESHOLD - 1):
        assert breaker.failure("timeout") is None
    reason = breaker.failure("no answer within 1s")
    assert reason == (f"no answer within 1s; {CLIENT_THRESHOLD} requests in a row failed, "
                      "so no more were sent")
    breaker.success()  # once open, open for the run
    assert breaker.open_reason() == reason


def test_the_run_breaker_stops_clients_that_have_not_started() -> None:
    run = Breaker.for_run()
    clients = [run.child() for _ in range(RUN_THRESHOLD)]
    for client in clients:  # one failure each: no client reaches its own threshold
        client.failure("refused")
    late = run.child()
    reason = late.open_reason()
    assert reason is not None and "across clients" in reason


def test_numbers_that_cannot_be_right_are_unknown_with_a_reason() -> None:
    assert to_float("12.5") == 12.5 and to_amount("0") == 0.0
    for raw, problem in [("NaN", "not a number"), (math.nan, "not a number"),
                         ("1e400", "infinite"), (-math.inf, "infinite"), (10**400, "infinite"),
                         ("2e15", "implausibly large"), ("-3", "negative"), ("x", "not a number")]:
        assert to_amount(raw) is None, raw
        assert number_problem(raw) == problem, raw
    assert to_float("-3") == -3.0  # a signed figure where signs are allowed
    assert number_problem(None) is None and number_problem("") is None


def test_text_helpers() -> None:
    assert truncate("abc", 5) == "abc"
    cut = truncate("a" * 20, 5)
    assert cut == "aaaaa… [truncated, 20 characters]"
    assert truncate(cut, 2) == "aa… [truncated, 20 characters]"  # keeps the first length
    assert neutralise_bidi("a\u202eb\u2066c") == "a[U+202E]b[U+2066]c"
    assert neutralise_bidi("plain") == "plain"
