"""World-file parsing of ``offline_event_sets:`` (``OfflineConversionDataSet`` nodes).

Meta shut the Offline Conversions API down in May 2025; worlds keep offline event sets so
the audit can find the ones custom conversions and ad sets still point at.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from . import fields as F
from .model import OfflineEventSet
from .timeutil import graph_time
from .validate import (
    as_account_id,
    as_bool,
    as_id,
    as_list,
    as_map,
    as_str,
    as_time,
    check_keys,
    req,
)

_SPECIAL = ("id", "name", "owner_business", "ad_accounts")
_TIME_FIELDS = ("creation_time", "last_fired_time")


def parse_offline_set(raw: Any, now: datetime, path: str) -> OfflineEventSet:
    """Validate one ``offline_event_sets[i]`` entry (fields of the SDK's
    OfflineConversionDataSet, plus the ad accounts it is attached to)."""
    data = as_map(raw, path)
    check_keys(data, set(_SPECIAL) | F.FIELDS["OfflineConversionDataSet"], path)
    extra = {k: v for k, v in data.items() if k not in _SPECIAL}
    for key in _TIME_FIELDS:
        if key in extra:
            extra[key] = graph_time(as_time(extra[key], now, f"{path}.{key}"))
    if "is_unavailable" in extra:
        as_bool(extra["is_unavailable"], f"{path}.is_unavailable")
    owner = data.get("owner_business")
    return OfflineEventSet(
        id=as_id(req(data, "id", path), f"{path}.id"),
        name=as_str(req(data, "name", path), f"{path}.name"),
        owner_business=None if owner is None else as_id(owner, f"{path}.owner_business"),
        fields=extra,
        ad_accounts=[as_account_id(a, f"{path}.ad_accounts[{i}]") for i, a in
                     enumerate(as_list(data.get("ad_accounts"), f"{path}.ad_accounts"))],
    )
