"""Views of a run shared by its outputs: once per language while one client is written, and
worked out at every call outside."""

from __future__ import annotations

from typing import Any

from audit.publish.render import i18n
from audit.publish.render.shared import once, sharing


def _counting() -> tuple[list[Any], Any]:
    calls: list[Any] = []

    def make(*args: Any) -> Any:
        calls.append(args)
        return [len(calls), i18n.current()]
    return calls, make


def test_outside_sharing_every_call_works_it_out() -> None:
    calls, make = _counting()
    findings = [1, 2]
    assert once(make, findings) == [1, "en"]
    assert once(make, findings) == [2, "en"]
    assert len(calls) == 2


def test_inside_sharing_each_view_is_worked_out_once_per_language() -> None:
    calls, make = _counting()
    findings, other = [1, 2], [1, 2]  # equal lists, different objects: different views
    with sharing():
        first = once(make, findings, None)
        assert once(make, findings, None) is first
        assert once(make, other, None) is not first
        assert once(make, findings, "ctx") is not first
        with i18n.language("nl"):
            dutch = once(make, findings, None)
        assert dutch == [4, "nl"]
        assert once(make, findings, None) is first
    assert len(calls) == 4
    once(make, findings, None)  # the scope is over: worked out again
    assert len(calls) == 5


def test_scopes_do_not_leak_into_each_other() -> None:
    calls, make = _counting()
    findings = [1]
    with sharing():
        once(make, findings)
    with sharing():
        once(make, findings)
    assert len(calls) == 2
