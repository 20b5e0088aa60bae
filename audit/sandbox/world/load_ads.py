"""World-file parsing of ``ad_accounts:`` (campaigns, ad sets, custom conversions, rules).

Campaigns nest their ad sets; ``generate:`` expands templates into hundreds of objects
(see ``generate.py``) so large accounts stay compact in the file.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from . import enums as E
from . import fields as F
from .generate import expand_generator
from .model import AdAccount, AdSet, Campaign, Conversion, CustomConversion, Delivery, Rule, World
from .rule_specs import validate_rule_specs
from .timeutil import graph_time
from .validate import (
    as_account_id,
    as_bool,
    as_enum,
    as_id,
    as_list,
    as_map,
    as_number,
    as_str,
    as_time,
    check_keys,
    fail,
    req,
)

ClaimId = Callable[[World, str, str], None]
_ACCOUNT_SPECIAL = ("id", "name", "owner_business", "agencies", "pixels", "campaigns",
                    "custom_conversions", "rules", "generate")
_TIME_FIELDS = ("created_time", "updated_time", "start_time", "stop_time", "end_time",
                "creation_time", "last_fired_time", "first_fired_time")
_WINDOW_ORDER = (("1d_click", "7d_click", "28d_click"), ("1d_view", "7d_view", "28d_view"))


def parse_ad_account(world: World, raw: Any, now: datetime, path: str, claim: ClaimId) -> None:
    """Validate one ``ad_accounts[i]`` entry and add it (and its children) to ``world``."""
    data = as_map(raw, path)
    check_keys(data, set(_ACCOUNT_SPECIAL) | F.FIELDS["AdAccount"], path)
    account_id = as_account_id(req(data, "id", path), f"{path}.id")
    claim(world, account_id, f"{path}.id")
    extra = _passthrough(data, _ACCOUNT_SPECIAL, now, path)
    extra.setdefault("account_id", account_id[4:])
    extra.setdefault("account_status", 1)
    extra.setdefault("currency", "USD")
    extra.setdefault("timezone_name", "Etc/UTC")
    offset = extra.setdefault("timezone_offset_hours_utc", 0)
    if isinstance(offset, bool) or not isinstance(offset, (int, float)):
        raise fail(f"{path}.timezone_offset_hours_utc", "must be a number")
    owner = data.get("owner_business")
    account = AdAccount(
        id=account_id,
        name=as_str(req(data, "name", path), f"{path}.name"),
        owner_business=None if owner is None else as_id(owner, f"{path}.owner_business"),
        fields=extra,
        agencies=[as_id(a, f"{path}.agencies[{i}]")
                  for i, a in enumerate(as_list(data.get("agencies"), f"{path}.agencies"))],
        pixels=[as_id(p, f"{path}.pixels[{i}]")
                for i, p in enumerate(as_list(data.get("pixels"), f"{path}.pixels"))],
        timezone_offset=float(offset),
    )
    world.ad_accounts[account_id] = account
    campaigns = as_list(data.get("campaigns"), f"{path}.campaigns")
    for i, raw_campaign in enumerate(campaigns):
        _campaign(world, account, raw_campaign, now, f"{path}.campaigns[{i}]", claim)
    if data.get("generate") is not None:
        for cpath, raw_campaign in expand_generator(account_id, data["generate"],
                                                    f"{path}.generate"):
            _campaign(world, account, raw_campaign, now, cpath, claim)
    for i, raw_cc in enumerate(as_list(data.get("custom_conversions"),
                                       f"{path}.custom_conversions")):
        _custom_conversion(world, account, raw_cc, now, f"{path}.custom_conversions[{i}]", claim)
    for i, raw_rule in enumerate(as_list(data.get("rules"), f"{path}.rules")):
        _rule(world, account, raw_rule, now, f"{path}.rules[{i}]", claim)


def _passthrough(data: dict[str, Any], special: tuple[str, ...], now: datetime,
                 path: str) -> dict[str, Any]:
    extra = {k: v for k, v in data.items() if k not in special}
    for key in _TIME_FIELDS:
        if key in extra:
            extra[key] = graph_time(as_time(extra[key], now, f"{path}.{key}"))
    return extra


def _campaign(world: World, account: AdAccount, raw: Any, now: datetime, path: str,
              claim: ClaimId) -> None:
    data = as_map(raw, path)
    special = ("id", "name", "adsets")
    check_keys(data, set(special) | F.FIELDS["Campaign"], path)
    campaign_id = as_id(req(data, "id", path), f"{path}.id")
    claim(world, campaign_id, f"{path}.id")
    extra = _passthrough(data, special, now, path)
    extra["account_id"] = account.id[4:]
    extra["objective"] = as_enum(extra.get("objective", "OUTCOME_SALES"), E.CAMPAIGN_OBJECTIVES,
                                 f"{path}.objective")
    extra["status"] = as_enum(extra.get("status", "ACTIVE"), E.OBJECT_STATUSES, f"{path}.status")
    extra.setdefault("effective_status", extra["status"])
    extra.setdefault("buying_type", "AUCTION")
    extra.setdefault("special_ad_categories", [])
    extra.setdefault("created_time", graph_time(now - timedelta(days=180)))
    if "is_skadnetwork_attribution" in extra:
        as_bool(extra["is_skadnetwork_attribution"], f"{path}.is_skadnetwork_attribution")
    campaign = Campaign(id=campaign_id, account_id=account.id,
                        name=as_str(req(data, "name", path), f"{path}.name"), fields=extra)
    world.campaigns[campaign_id] = campaign
    for i, raw_adset in enumerate(as_list(data.get("adsets"), f"{path}.adsets")):
        _adset(world, account, campaign, raw_adset, now, f"{path}.adsets[{i}]", claim)


def _adset(world: World, account: AdAccount, campaign: Campaign, raw: Any, now: datetime,
           path: str, claim: ClaimId) -> None:
    data = as_map(raw, path)
    special = ("id", "name", "delivery")
    check_keys(data, set(special) | F.FIELDS["AdSet"], path)
    adset_id = as_id(req(data, "id", path), f"{path}.id")
    claim(world, adset_id, f"{path}.id")
    extra = _passthrough(data, special, now, path)
    extra["account_id"] = account.id[4:]
    extra["campaign_id"] = campaign.id
    extra["status"] = as_enum(extra.get("status", "ACTIVE"), E.OBJECT_STATUSES, f"{path}.status")
    parent_paused = campaign.fields["status"] != "ACTIVE"
    extra.setdefault("effective_status",
                     "CAMPAIGN_PAUSED" if parent_paused and extra["status"] == "ACTIVE"
                     else extra["status"])
    extra["optimization_goal"] = as_enum(extra.get("optimization_goal", "OFFSITE_CONVERSIONS"),
                                         E.OPTIMIZATION_GOALS, f"{path}.optimization_goal")
    extra.setdefault("billing_event", "IMPRESSIONS")
    extra.setdefault("created_time", campaign.fields["created_time"])
    extra.setdefault("updated_time", extra["created_time"])
    promoted = as_map(extra.get("promoted_object"), f"{path}.promoted_object")
    if promoted:
        ppath = f"{path}.promoted_object"
        check_keys(promoted, F.FIELDS["AdPromotedObject"], ppath)
        if "custom_event_type" in promoted:
            as_enum(promoted["custom_event_type"], E.CUSTOM_EVENT_TYPES,
                    f"{ppath}.custom_event_type")
        for key in ("pixel_id", "application_id", "custom_conversion_id",
                    "offline_conversion_data_set_id"):
            if key in promoted:
                promoted[key] = as_id(promoted[key], f"{ppath}.{key}")
        if "pixel_id" in promoted and promoted["pixel_id"] not in world.pixels:
            raise fail(f"{ppath}.pixel_id", f"unknown pixel {promoted['pixel_id']!r}")
        offline = promoted.get("offline_conversion_data_set_id")
        if offline is not None and offline not in world.offline_event_sets:
            raise fail(f"{ppath}.offline_conversion_data_set_id",
                       f"unknown offline event set {offline!r}")
    spec = as_list(extra.setdefault("attribution_spec", [
        {"event_type": "CLICK_THROUGH", "window_days": 7},
        {"event_type": "VIEW_THROUGH", "window_days": 1}]), f"{path}.attribution_spec")
    for i, item in enumerate(spec):
        ipath = f"{path}.attribution_spec[{i}]"
        entry = as_map(item, ipath)
        check_keys(entry, ("event_type", "window_days"), ipath)
        as_enum(req(entry, "event_type", ipath), ("CLICK_THROUGH", "VIEW_THROUGH",
                                                  "ENGAGED_VIDEO_VIEW"), f"{ipath}.event_type")
        as_enum(str(req(entry, "window_days", ipath)), ("1", "7", "28"), f"{ipath}.window_days")
    adset = AdSet(id=adset_id, account_id=account.id, campaign_id=campaign.id,
                  name=as_str(req(data, "name", path), f"{path}.name"), fields=extra,
                  delivery=_delivery(data.get("delivery"), now, f"{path}.delivery"))
    world.adsets[adset_id] = adset


def _delivery(raw: Any, now: datetime, path: str) -> Delivery:
    data = as_map(raw, path)
    keys = ("spend_per_day", "impressions_per_day", "clicks_per_day", "reach_per_day",
            "active_from", "active_until", "conversions")
    check_keys(data, keys, path)
    delivery = Delivery(
        spend_per_day=as_number(data.get("spend_per_day", 0), f"{path}.spend_per_day"),
        impressions_per_day=as_number(data.get("impressions_per_day", 0),
                                      f"{path}.impressions_per_day"),
        clicks_per_day=as_number(data.get("clicks_per_day", 0), f"{path}.clicks_per_day"),
        reach_per_day=as_number(data.get("reach_per_day", 0), f"{path}.reach_per_day"),
        active_from=as_time(data.get("active_from", "-120d"), now, f"{path}.active_from").date(),
        active_until=None if data.get("active_until") is None else as_time(
            data["active_until"], now, f"{path}.active_until").date(),
    )
    conversions = as_map(data.get("conversions"), f"{path}.conversions")
    for action_type, raw_rates in conversions.items():
        cpath = f"{path}.conversions.{action_type}"
        rates = as_map(raw_rates, cpath)
        check_keys(rates, (*E.MODELLED_WINDOWS, "value_per_conversion"), cpath)
        windows = {w: as_number(rates[w], f"{cpath}.{w}") for w in E.MODELLED_WINDOWS
                   if w in rates}
        for chain in _WINDOW_ORDER:
            present = [w for w in chain if w in windows]
            for shorter, longer in itertools.pairwise(present):
                if windows[shorter] > windows[longer]:
                    raise fail(f"{cpath}.{longer}", f"must be >= {shorter} (windows nest)")
        delivery.conversions.append(Conversion(
            action_type=action_type, windows=windows,
            value_per_conversion=as_number(rates.get("value_per_conversion", 0),
                                           f"{cpath}.value_per_conversion")))
    return delivery


def _custom_conversion(world: World, account: AdAccount, raw: Any, now: datetime, path: str,
                       claim: ClaimId) -> None:
    data = as_map(raw, path)
    special = ("id", "name")
    check_keys(data, set(special) | F.FIELDS["CustomConversion"], path)
    cc_id = as_id(req(data, "id", path), f"{path}.id")
    claim(world, cc_id, f"{path}.id")
    extra = _passthrough(data, special, now, path)
    extra["account_id"] = account.id[4:]
    if "custom_event_type" in extra:
        as_enum(extra["custom_event_type"], E.CUSTOM_EVENT_TYPES, f"{path}.custom_event_type")
    if "pixel" in extra:
        pixel_id = as_id(extra["pixel"], f"{path}.pixel")
        if pixel_id not in world.pixels:
            raise fail(f"{path}.pixel", f"unknown pixel {pixel_id!r}")
        extra["pixel"] = {"id": pixel_id}
    if "offline_conversion_data_set" in extra:
        set_id = as_id(extra["offline_conversion_data_set"],
                       f"{path}.offline_conversion_data_set")
        if set_id not in world.offline_event_sets:
            raise fail(f"{path}.offline_conversion_data_set",
                       f"unknown offline event set {set_id!r}")
        extra["offline_conversion_data_set"] = {
            "id": set_id, "name": world.offline_event_sets[set_id].name}
    if "is_unavailable" in extra:
        as_bool(extra["is_unavailable"], f"{path}.is_unavailable")
    if isinstance(extra.get("rule"), (dict, list)):
        extra["rule"] = json.dumps(extra["rule"], separators=(",", ":"))
    extra.setdefault("event_source_type", "pixel")
    extra.setdefault("is_archived", False)
    extra.setdefault("is_unavailable", False)
    world.custom_conversions[cc_id] = CustomConversion(
        id=cc_id, account_id=account.id, name=as_str(req(data, "name", path), f"{path}.name"),
        fields=extra)


def _rule(world: World, account: AdAccount, raw: Any, now: datetime, path: str,
          claim: ClaimId) -> None:
    data = as_map(raw, path)
    keys = ("id", "name", "status", "evaluation_spec", "execution_spec", "schedule_spec",
            "created_time", "updated_time", "created_by")
    check_keys(data, keys, path)
    rule_id = as_id(req(data, "id", path), f"{path}.id")
    claim(world, rule_id, f"{path}.id")
    specs = {k: data.get(k) for k in ("evaluation_spec", "execution_spec", "schedule_spec")}
    text_specs = tuple(k for k, v in specs.items() if isinstance(v, str))
    for key in text_specs:  # a spec given as JSON text is served as text
        try:
            specs[key] = json.loads(str(specs[key]))
        except ValueError:
            raise fail(f"{path}.{key}", "must be an object, or JSON text holding one") from None
    problem = validate_rule_specs(specs, require=("evaluation_spec", "execution_spec"))
    if problem:
        raise fail(f"{path}.{problem[0]}", problem[1])
    created = as_time(data.get("created_time", "-200d"), now, f"{path}.created_time")
    creator = as_map(data.get("created_by"), f"{path}.created_by")
    world.rules[rule_id] = Rule(
        id=rule_id, account_id=account.id,
        name=as_str(req(data, "name", path), f"{path}.name"),
        status=as_enum(data.get("status", "ENABLED"), E.RULE_STATUSES, f"{path}.status"),
        evaluation_spec=dict(specs["evaluation_spec"] or {}),
        execution_spec=dict(specs["execution_spec"] or {}),
        schedule_spec=None if specs["schedule_spec"] is None else dict(specs["schedule_spec"]),
        created_time=created,
        updated_time=as_time(data.get("updated_time", created), now, f"{path}.updated_time"),
        created_by={k: as_str(v, f"{path}.created_by.{k}") for k, v in creator.items()} or None,
        text_specs=text_specs,
    )

