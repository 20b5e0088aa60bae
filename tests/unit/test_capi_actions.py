"""The test-event workflow: identities, where events go, what is sent, Meta's refusal."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from audit.actions.capi import (
    CapiTestError,
    Target,
    generated_identities,
    load_identities,
    plan_events,
    resolve_target,
    send_test_events,
)
from audit.config import ClientConfig
from audit.errors import ActionFailed
from audit.graph.client import GraphClient
from audit.graph.errors import Unsupported
from audit.graph.sdk.serverside import Identity
from tests.fakes import FakeTransport
from tests.helpers import make_snapshot, stats

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def client(**kw: Any) -> ClientConfig:
    base: dict[str, Any] = {"slug": "acme", "name": "Acme", "business_id": "1000000000001",
                            "ad_accounts": ["act_1"], "pixels": ["111"],
                            "domains": ["acme.com.au"]}
    base.update(kw)
    return ClientConfig(**base)


def no_read(_account: str) -> str | None:
    raise AssertionError("the API must not be asked")


# ----------------------------------------------------------------------------- identities


def test_identity_file_accepts_our_names_and_metas_keys(tmp_path: Path) -> None:
    path = tmp_path / "ids.yaml"
    path.write_text("identities:\n  - email: jane@example.com\n    phone: '+1 650 555 1212'\n"
                    "  - em: joe@example.com\n    zip: '2000'\n    ip: 203.0.113.9\n")
    first, second = load_identities(path)
    assert first.present() == ["em", "ph"]
    assert second.present() == ["em", "zp", "client_ip_address"]
    json_path = tmp_path / "ids.json"
    json_path.write_text(json.dumps({"email": "a@example.com", "country": "NZ"}))
    assert [p.present() for p in load_identities(json_path)] == [["em", "country"]]


@pytest.mark.parametrize(("text", "error"), [
    ("- emial: jane@example.com\n", "unknown key 'emial'"),
    ("- email: [jane@example.com]\n", "identity 1.email: must be text"),
    ("- email: not-an-address\n", "identity 1.em: n***"),
    ("- country: Narnia\n", "cannot be normalised"),
    ("[]\n", "no identities"),
    ("- fbp: fb.1.1.1\n  email:\n", None),
    ("email: [unclosed\n", "not valid YAML or JSON (line 2)"),
])
def test_identity_file_errors_say_what_to_fix_without_the_value(tmp_path: Path, text: str,
                                                                error: str | None) -> None:
    path = tmp_path / "ids.yaml"
    path.write_text(text)
    if error is None:
        assert load_identities(path)[0].present() == ["fbp"]
        return
    with pytest.raises(CapiTestError, match=re.escape(error)) as info:
        load_identities(path)
    assert "not-an-address" not in str(info.value) and "Narnia" not in str(info.value)


def test_missing_identity_file(tmp_path: Path) -> None:
    with pytest.raises(CapiTestError, match="file not found"):
        load_identities(tmp_path / "nope.yaml")


def test_generated_identities_are_clearly_fake() -> None:
    people = generated_identities(3, NOW)
    assert [p.email for p in people] == [f"capi-test-{n}@example.com" for n in (1, 2, 3)]
    assert all(p.phone and "555-01" in p.phone for p in people)
    assert all(p.client_ip_address and p.client_ip_address.startswith("192.0.2.")
               for p in people)
    assert len({p.fbp for p in people}) == 3


# ----------------------------------------------------------------------------- target


def test_target_from_config_and_live_currency() -> None:
    target = resolve_target(client(), None, pixel=None, currency=None, needs_currency=True,
                            read_currency=lambda account: "aud" if account == "act_1" else None)
    assert (target.pixel_id, target.host, target.currency) == ("111", "acme.com.au", "AUD")
    assert target.found == {"pixel": "config", "page": "config",
                            "currency": "ad account act_1"}


def test_target_from_the_last_audit() -> None:
    snap = make_snapshot({
        "pixel/222": {"id": "222", "name": "Found"},
        "pixel/222/stats/host": [{"aggregation": "host", "start_time": "2026-11-28T10:00:00+0000",
                                  "data": [{"value": "www.acme.com.au", "count": 10},
                                           {"value": "shop.acme.com.au", "count": 70},
                                           {"value": "checkout.other.com", "count": 900}]}],
        "adaccount/act_1": {"id": "act_1", "currency": "NZD"},
    }, ad_accounts=["act_1"], domains=["acme.com.au"])
    target = resolve_target(client(pixels=[]), snap, pixel=None, currency=None,
                            needs_currency=True, read_currency=no_read)
    assert (target.pixel_id, target.host, target.currency) == ("222", "shop.acme.com.au", "NZD")
    assert target.found["pixel"] == "last audit"
    assert target.found["currency"] == "ad account act_1 (last audit)"


def test_currency_option_wins_and_is_not_needed_without_value_events() -> None:
    target = resolve_target(client(), None, pixel=None, currency="eur", needs_currency=True,
                            read_currency=no_read)
    assert target.currency == "EUR"
    target = resolve_target(client(ad_accounts=[]), None, pixel=None, currency=None,
                            needs_currency=False, read_currency=no_read)
    assert target.currency is None


@pytest.mark.parametrize(("kw", "pixel", "error"), [
    ({"pixels": ["111", "333"]}, None, "has 2 pixels (111, 333); choose one with --pixel"),
    ({"pixels": ["111"]}, "999", "pixel 999 is not one of acme's pixels (111"),
    ({"pixels": []}, None, "no pixel known for acme"),
    ({"domains": []}, None, "no domain known for acme"),
    ({"ad_accounts": []}, None, "pass --currency"),
])
def test_target_errors(kw: dict[str, Any], pixel: str | None, error: str) -> None:
    with pytest.raises(CapiTestError) as info:
        resolve_target(client(**kw), None, pixel=pixel, currency=None, needs_currency=True,
                       read_currency=lambda _a: None)
    assert error in str(info.value)


def test_any_pixel_is_accepted_when_none_is_known() -> None:
    target = resolve_target(client(pixels=[]), None, pixel="444", currency="USD",
                            needs_currency=True, read_currency=no_read)
    assert target.pixel_id == "444" and target.found["pixel"] == "--pixel"


# ----------------------------------------------------------------------------- sending


class CapiTransport(FakeTransport):
    """Answers POST /{pixel}/events like Meta, or refuses it."""

    def __init__(self, refuse: Unsupported | None = None, received: int | None = None) -> None:
        super().__init__()
        self.refuse = refuse
        self.received = received

    def post(self, node_id: str, edge: str = "",
             params: Mapping[str, Any] | None = None) -> dict[str, Any]:
        self.calls.append(("POST", f"{node_id}/{edge}", dict(params or {})))
        if self.refuse is not None:
            raise self.refuse
        count = len((params or {})["data"]) if self.received is None else self.received
        return {"events_received": count, "messages": [], "fbtrace_id": "AbcTrace"}


TARGET = Target("111", "shop.acme.com.au", "AUD")


def test_value_events_carry_value_and_currency_others_do_not() -> None:
    ids = iter(["id-1", "id-2", "id-3"])
    people = [Identity(email="a@example.com"), Identity(email="b@example.com")]
    events = plan_events(["Purchase", "Lead", "AddToCart"], people, TARGET, NOW, 9.5,
                         new_id=lambda: next(ids))
    assert [(e.event_name, e.event_id, e.value, e.currency) for e in events] == [
        ("Purchase", "id-1", 9.5, "AUD"), ("Lead", "id-2", None, None),
        ("AddToCart", "id-3", 9.5, "AUD")]
    assert [e.identity.email for e in events] == ["a@example.com", "b@example.com",
                                                   "a@example.com"]
    assert {e.event_source_url for e in events} == {"https://shop.acme.com.au/"}
    assert {e.event_time for e in events} == {int(NOW.timestamp())}
    # Website events need a user agent: an identity without one gets a browser's.
    assert all(e.identity.client_user_agent for e in events)


def test_send_posts_to_the_pixels_events_edge_and_reports_metas_answer() -> None:
    transport = CapiTransport()
    events = plan_events(["Purchase"], [Identity(email="a@example.com")], TARGET, NOW, 1.0)
    result = send_test_events(GraphClient(transport), "111", events, "TEST7")
    [(method, path, params)] = transport.posts()
    assert (method, path, params["test_event_code"]) == ("POST", "111/events", "TEST7")
    assert result.complete and result.fbtrace_id == "AbcTrace"
    assert result.events[0].event_id == events[0].event_id
    assert result.events[0].match_keys == ["client_user_agent", "em"]
    assert result.to_dict()["live"] is False


def test_fewer_events_received_is_reported_as_incomplete() -> None:
    events = plan_events(["Purchase", "Lead"], [Identity(email="a@example.com")], TARGET, NOW,
                         1.0)
    result = send_test_events(GraphClient(CapiTransport(received=1)), "111", events, None)
    assert not result.complete and result.to_dict()["live"] is True


def test_a_refused_send_is_an_action_failure_with_metas_words_and_trace() -> None:
    refusal = Unsupported("data[0]: event_time is more than 7 days in the past", code=100,
                          subcode=2804003, http_status=400, endpoint="POST /111/events",
                          fbtrace_id="AxTrace9")
    events = plan_events(["Lead"], [Identity(email="a@example.com")], TARGET, NOW, 1.0)
    with pytest.raises(ActionFailed) as info:
        send_test_events(GraphClient(CapiTransport(refuse=refusal)), "111", events, "TEST7")
    message = str(info.value)
    assert "more than 7 days" in message and "subcode 2804003" in message
    assert "AxTrace9" in message and info.value.exit_code == 4


def test_snapshot_stats_helper_is_used_for_hosts() -> None:
    # A snapshot whose pixel saw no host traffic falls back to the declared domain.
    snap = make_snapshot({"pixel/111": {"id": "111"},
                          "pixel/111/stats/event": stats(("Purchase", 3))})
    target = resolve_target(client(), snap, pixel=None, currency="USD", needs_currency=True,
                            read_currency=no_read)
    assert target.host == "acme.com.au" and target.found["page"] == "config"
