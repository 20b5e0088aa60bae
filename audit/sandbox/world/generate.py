"""Expand an ad account's ``generate:`` block into campaign/ad-set entries.

```yaml
generate:
  campaigns: 60              # how many campaigns
  adsets_per_campaign: 5     # ad sets under each
  campaign: {name: "Always-on {i:02d}", objective: OUTCOME_SALES}      # template
  adset: {name: "{campaign} - Audience {j}", delivery: {...}}          # template
  cycle:                      # per-index variations: value = list[index % len(list)]
    campaign: {status: [ACTIVE, ACTIVE, PAUSED]}
    adset: {optimization_goal: [OFFSITE_CONVERSIONS, VALUE]}
  scale: [0.6, 1.0, 1.5]     # multiplies delivery numbers of ad set n by scale[n % len]
```

Ids are derived from the account id, so they are stable: campaign ``1202<acct5>1<i:05d>``,
ad set ``1202<acct5>2<n:05d>`` (``acct5`` = last five digits of the account id). In names,
``{i}`` is the campaign number, ``{j}`` the ad set number within it, ``{n}`` the ad set number in
the account (all 1-based) and ``{campaign}`` the campaign name.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from .validate import as_int, as_list, as_map, as_number, check_keys, fail

_KEYS = ("campaigns", "adsets_per_campaign", "campaign", "adset", "cycle", "scale")
_SCALED = ("spend_per_day", "impressions_per_day", "clicks_per_day", "reach_per_day")


def expand_generator(account_id: str, raw: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield ``(key_path, campaign_mapping)`` pairs, each with its generated ``adsets``."""
    data = as_map(raw, path)
    check_keys(data, _KEYS, path)
    campaigns = as_int(data.get("campaigns", 0), f"{path}.campaigns")
    per = as_int(data.get("adsets_per_campaign", 0), f"{path}.adsets_per_campaign")
    campaign_tpl = as_map(data.get("campaign"), f"{path}.campaign")
    adset_tpl = as_map(data.get("adset"), f"{path}.adset")
    cycle = as_map(data.get("cycle"), f"{path}.cycle")
    check_keys(cycle, ("campaign", "adset"), f"{path}.cycle")
    campaign_cycle = _cycles(cycle.get("campaign"), f"{path}.cycle.campaign")
    adset_cycle = _cycles(cycle.get("adset"), f"{path}.cycle.adset")
    scale = [as_number(v, f"{path}.scale[{k}]")
             for k, v in enumerate(as_list(data.get("scale"), f"{path}.scale"))] or [1.0]
    prefix = "1202" + account_id[4:][-5:].zfill(5)
    n = 0
    for i in range(1, campaigns + 1):
        cpath = f"{path}.campaign(#{i})"
        campaign = _apply(campaign_tpl, campaign_cycle, i - 1)
        campaign["id"] = f"{prefix}1{i:05d}"
        campaign["name"] = _name(campaign.get("name", "Campaign {i}"), cpath, i=i, j=0, n=0,
                                 campaign="")
        adsets = []
        for j in range(1, per + 1):
            n += 1
            adset = _apply(adset_tpl, adset_cycle, n - 1)
            adset["id"] = f"{prefix}2{n:05d}"
            adset["name"] = _name(adset.get("name", "{campaign} - Ad set {j}"),
                                  f"{path}.adset(#{n})", i=i, j=j, n=n,
                                  campaign=campaign["name"])
            delivery = adset.get("delivery")
            if isinstance(delivery, dict):
                _scale(delivery, scale[(n - 1) % len(scale)])
            adsets.append(adset)
        campaign["adsets"] = adsets
        yield cpath, campaign


def _cycles(raw: Any, path: str) -> dict[str, list[Any]]:
    data = as_map(raw, path)
    out: dict[str, list[Any]] = {}
    for key, values in data.items():
        items = as_list(values, f"{path}.{key}")
        if not items:
            raise fail(f"{path}.{key}", "must be a non-empty list")
        out[key] = items
    return out


def _apply(template: dict[str, Any], cycles: dict[str, list[Any]], index: int) -> dict[str, Any]:
    item = copy.deepcopy(template)
    for key, values in cycles.items():
        item[key] = copy.deepcopy(values[index % len(values)])
    return item


def _name(template: Any, path: str, **values: Any) -> str:
    try:
        return str(template).format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise fail(f"{path}.name", f"bad name template {template!r}: {exc}") from exc


def _scale(delivery: dict[str, Any], factor: float) -> None:
    for key in _SCALED:
        if isinstance(delivery.get(key), (int, float)):
            delivery[key] = round(delivery[key] * factor, 2)
    conversions = delivery.get("conversions")
    if isinstance(conversions, dict):
        for rates in conversions.values():
            if isinstance(rates, dict):
                for key, value in rates.items():
                    if key != "value_per_conversion" and isinstance(value, (int, float)):
                        rates[key] = round(value * factor, 3)
