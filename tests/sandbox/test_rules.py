"""Automated rules: SDK updates (form-encoded JSON specs), validation, create/delete, state."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adrule import AdRule
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from sbx_helpers import ACCOUNT, TOKEN, small_world_data

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


def test_reads_carry_spec_ids_that_an_update_may_not_send_back(srv: SandboxServer,
                                                               api: FacebookAdsApi) -> None:
    read = AdRule(RULE, api=api).api_get(fields=["evaluation_spec", "execution_spec"])
    assert read["evaluation_spec"]["id"] and read["execution_spec"]["id"]
    as_read = read["evaluation_spec"].export_all_data()
    with pytest.raises(FacebookRequestError) as info:
        AdRule(RULE, api=api).api_update(params={"evaluation_spec": as_read})
    assert info.value.api_error_code() == 100
    assert "evaluation_spec[id]" in info.value.api_error_message()
    spec = {k: v for k, v in as_read.items() if k != "id"}
    AdRule(RULE, api=api).api_update(params={"evaluation_spec": spec})
    assert "id" not in srv.state.rules[RULE].evaluation_spec


def test_pausing_ad_sets_on_a_cost_condition_is_refused_with_2703(srv: SandboxServer,
                                                                  api: FacebookAdsApi) -> None:
    srv.state.rules[RULE].execution_spec = {"execution_type": "PAUSE"}
    cost = {"evaluation_type": "SCHEDULE", "filters": [
        {"field": "entity_type", "value": "ADSET", "operator": "EQUAL"},
        {"field": "7d_click:cost_per_purchase_fb", "value": 4000, "operator": "GREATER_THAN"}]}
    with pytest.raises(FacebookRequestError) as info:
        AdRule(RULE, api=api).api_update(params={"evaluation_spec": cost})
    assert info.value.api_error_code() == 2703
    assert info.value.api_error_message().startswith(
        "Rules that turn off ads can't have cost conditions.")
    # a notification, or spend without a cost condition, is accepted
    AdRule(RULE, api=api).api_update(params={
        "evaluation_spec": cost, "execution_spec": {"execution_type": "NOTIFICATION"}})
    spend = {**cost, "filters": [cost["filters"][0],
                                 {"field": "spent", "value": 4000, "operator": "GREATER_THAN"}]}
    AdRule(RULE, api=api).api_update(params={"evaluation_spec": spend,
                                             "execution_spec": {"execution_type": "PAUSE"}})
    assert srv.state.rules[RULE].execution_spec == {"execution_type": "PAUSE"}


def test_a_spec_given_as_json_text_is_served_as_text(start_server) -> None:
    data = small_world_data()
    rules = data["ad_accounts"][0]["rules"]
    rules[0]["evaluation_spec"] = json.dumps(rules[0]["evaluation_spec"])
    srv = start_server(data)
    body = requests.get(f"{srv.base_url}/v26.0/{RULE}/", timeout=5,
                        params={"access_token": TOKEN, "fields": "evaluation_spec"}).json()
    assert isinstance(body["evaluation_spec"], str)
    assert json.loads(body["evaluation_spec"])["filters"][1]["value"] == "28D_CLICK"
