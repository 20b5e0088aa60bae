"""Automated rules: SDK updates (form-encoded JSON specs), validation, create/delete, state."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adrule import AdRule
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from sbx_helpers import ACCOUNT, TOKEN

from audit.sandbox import SandboxServer

RULE = "730000001"
FIXED_SPEC: dict[str, Any] = {"evaluation_type": "SCHEDULE", "filters": [
    {"field": "entity_type", "value": "ADSET", "operator": "EQUAL"},
    {"field": "attribution_window", "value": "ACCOUNT_DEFAULT", "operator": "EQUAL"}]}


def test_update_with_sdk_then_reread(srv: SandboxServer, api: FacebookAdsApi) -> None:
    before = AdRule(RULE, api=api).api_get(fields=["updated_time", "evaluation_spec"])
    assert before["evaluation_spec"]["filters"][1]["value"] == "28D_CLICK"
    AdRule(RULE, api=api).api_update(params={"evaluation_spec": FIXED_SPEC})
    logged = srv.requests[-1]
    assert (logged.method, logged.path) == ("POST", RULE)
    assert logged.params["evaluation_spec"].startswith('{"evaluation_type":"SCHEDULE"')
    after = AdRule(RULE, api=api).api_get(fields=["updated_time", "evaluation_spec", "name"])
    assert after["evaluation_spec"]["filters"][1]["value"] == "ACCOUNT_DEFAULT"
    assert after["updated_time"] == "2026-03-02T12:30:00+0000" != before["updated_time"]
    assert srv.state.rules[RULE].evaluation_spec == FIXED_SPEC


def test_invalid_spec_is_rejected_with_a_path(srv: SandboxServer, api: FacebookAdsApi) -> None:
    bad = {"evaluation_type": "SCHEDULE",
           "filters": [{"field": "spent", "value": 1, "operator": "BIGGER"}]}
    with pytest.raises(FacebookRequestError) as info:
        AdRule(RULE, api=api).api_update(params={"evaluation_spec": bad})
    message = info.value.api_error_message()
    assert info.value.api_error_code() == 100
    assert message.startswith("(#100) Param evaluation_spec[filters][0][operator] must be one of")
    not_json = requests.post(f"{srv.base_url}/v26.0/{RULE}/", params={"access_token": TOKEN},
                             data={"evaluation_spec": "{oops"}, timeout=5).json()["error"]
    assert not_json["message"] == "(#100) Param evaluation_spec must be a JSON object"
    unknown = requests.post(f"{srv.base_url}/v26.0/{RULE}/", params={"access_token": TOKEN},
                            data={"colour": "red"}, timeout=5).json()["error"]
    assert unknown["code"] == 100
    assert srv.state.rules[RULE].evaluation_spec["filters"][1]["value"] == "28D_CLICK"


def test_create_list_and_delete(srv: SandboxServer, api: FacebookAdsApi) -> None:
    created = AdAccount(ACCOUNT, api=api).create_ad_rules_library(params={
        "name": "Notify on high CPA", "evaluation_spec": FIXED_SPEC,
        "execution_spec": {"execution_type": "NOTIFICATION"},
        "schedule_spec": {"schedule_type": "DAILY"}})
    new_id = created["id"]
    names = [r["name"] for r in AdAccount(ACCOUNT, api=api).get_ad_rules_library(
        fields=["name"])]
    assert names == ["Legacy window rule", "Notify on high CPA"]
    AdRule(new_id, api=api).api_delete()
    gone = requests.get(f"{srv.base_url}/v26.0/{new_id}/", params={"access_token": TOKEN},
                        timeout=5).json()["error"]
    assert gone["error_subcode"] == 33


def test_edits_through_state_and_reset(srv: SandboxServer, api: FacebookAdsApi) -> None:
    srv.state.rules[RULE].name = "Edited after planning"
    assert AdRule(RULE, api=api).api_get(fields=["name"])["name"] == "Edited after planning"
    srv.reset_state()
    assert AdRule(RULE, api=api).api_get(fields=["name"])["name"] == "Legacy window rule"
