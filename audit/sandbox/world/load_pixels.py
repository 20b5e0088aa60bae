"""World-file parsing of ``pixels:`` entries (node fields, sharing, traffic, quality)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from . import enums as E
from . import fields as F
from .model import Pixel, PixelEvent, PixelShare
from .timeutil import graph_time
from .validate import (
    as_account_id,
    as_bool,
    as_enum,
    as_id,
    as_int,
    as_list,
    as_map,
    as_number,
    as_share_map,
    as_str,
    as_str_list,
    as_time,
    check_keys,
    fail,
    req,
)

_SPECIAL = ("id", "name", "owner_business", "last_fired", "shared_with", "assigned_users",
            "ad_accounts", "hosts", "events", "da_checks", "dataset_quality")
_EVENT_KEYS = ("browser_per_day", "server_per_day", "last_fired", "server_last_fired", "hosts",
               "url_path", "quality")
_QUALITY_KEYS = ("emq", "match_keys", "key_uplift", "diagnostics", "coverage",
                 "coverage_goal", "dedup", "freshness", "acr", "potential_acr")
_TIME_FIELDS = ("creation_time", "last_upload_app_changed_time", "event_time_max",
                "event_time_min")
_DEFAULT_PATHS = {
    "PageView": "/", "ViewContent": "/products/item", "AddToCart": "/cart",
    "InitiateCheckout": "/checkout", "AddPaymentInfo": "/checkout/payment",
    "Purchase": "/checkout/thank-you", "Lead": "/contact/thank-you",
    "CompleteRegistration": "/account/welcome", "Search": "/search",
    "Contact": "/contact", "Schedule": "/book/confirmed",
}


def parse_pixel(raw: Any, now: datetime, path: str) -> Pixel:
    """Validate one ``pixels[i]`` entry."""
    data = as_map(raw, path)
    check_keys(data, set(_SPECIAL) | F.FIELDS["AdsPixel"], path)
    pixel_id = as_id(req(data, "id", path), f"{path}.id")
    extra = {k: v for k, v in data.items() if k not in _SPECIAL}
    for key in _TIME_FIELDS:
        if key in extra:
            extra[key] = graph_time(as_time(extra[key], now, f"{path}.{key}"))
    for key in ("is_unavailable", "is_created_by_business", "enable_automatic_matching"):
        if key in extra:
            as_bool(extra[key], f"{path}.{key}")
    owner = data.get("owner_business")
    pixel = Pixel(
        id=pixel_id,
        name=as_str(req(data, "name", path), f"{path}.name"),
        owner_business=None if owner is None else as_id(owner, f"{path}.owner_business"),
        fields=extra,
        last_fired=None if data.get("last_fired") is None else as_time(
            data["last_fired"], now, f"{path}.last_fired"),
        hosts=as_share_map(data.get("hosts"), f"{path}.hosts"),
        ad_accounts=[as_account_id(a, f"{path}.ad_accounts[{i}]") for i, a in
                     enumerate(as_list(data.get("ad_accounts"), f"{path}.ad_accounts"))],
    )
    for i, share in enumerate(as_list(data.get("shared_with"), f"{path}.shared_with")):
        pixel.shared_with.append(_share(share, f"{path}.shared_with[{i}]"))
    for i, user in enumerate(as_list(data.get("assigned_users"), f"{path}.assigned_users")):
        pixel.assigned_users.append(_assigned_user(user, f"{path}.assigned_users[{i}]"))
    for i, check in enumerate(as_list(data.get("da_checks"), f"{path}.da_checks")):
        cpath = f"{path}.da_checks[{i}]"
        c = as_map(check, cpath)
        check_keys(c, F.FIELDS["DACheck"], cpath)
        as_enum(req(c, "result", cpath), ("passed", "failed", "unavailable"), f"{cpath}.result")
        pixel.da_checks.append(dict(c))
    quality = as_map(data.get("dataset_quality"), f"{path}.dataset_quality")
    check_keys(quality, ("mode",), f"{path}.dataset_quality")
    pixel.quality_mode = as_enum(quality.get("mode", "ok"), ("ok", "permission_error", "error"),
                                 f"{path}.dataset_quality.mode")
    default_fired = pixel.last_fired or now - timedelta(minutes=2)
    events = as_map(data.get("events"), f"{path}.events")
    for name, raw_event in events.items():
        pixel.events[name] = _event(name, raw_event, now, default_fired, f"{path}.events.{name}")
    if pixel.events and not pixel.hosts:
        raise fail(f"{path}.hosts", "is required when the pixel has events")
    return pixel


def _share(raw: Any, path: str) -> PixelShare:
    data = as_map(raw, path)
    check_keys(data, ("business", "tasks", "roles"), path)
    tasks = as_str_list(data.get("tasks"), f"{path}.tasks")
    for i, task in enumerate(tasks):
        as_enum(task, E.PIXEL_TASKS, f"{path}.tasks[{i}]")
    return PixelShare(business=as_id(req(data, "business", path), f"{path}.business"),
                      tasks=tasks, roles=as_str_list(data.get("roles"), f"{path}.roles"))


def _assigned_user(raw: Any, path: str) -> dict[str, Any]:
    data = as_map(raw, path)
    check_keys(data, ("id", "name", "user_type", "business", "tasks", "permitted_tasks"), path)
    tasks = as_str_list(data.get("tasks"), f"{path}.tasks")
    for i, task in enumerate(tasks):
        as_enum(task, E.PIXEL_TASKS, f"{path}.tasks[{i}]")
    return {
        "id": as_id(req(data, "id", path), f"{path}.id"),
        "name": as_str(req(data, "name", path), f"{path}.name"),
        "user_type": as_enum(data.get("user_type", "SYSTEM_USER"),
                             ("SYSTEM_USER", "BUSINESS_USER"), f"{path}.user_type"),
        "business": as_id(req(data, "business", path), f"{path}.business"),
        "tasks": tasks,
        "permitted_tasks": as_str_list(data.get("permitted_tasks", tasks),
                                       f"{path}.permitted_tasks"),
    }


def _counts(value: Any, path: str) -> tuple[list[int], bool]:
    if isinstance(value, list):
        return [as_int(v, f"{path}[{i}]") for i, v in enumerate(value)], False
    return [as_int(value, path)], True


def _event(name: str, raw: Any, now: datetime, default_fired: datetime, path: str) -> PixelEvent:
    data = as_map(raw, path)
    check_keys(data, _EVENT_KEYS, path)
    browser, b_repeat = _counts(data.get("browser_per_day", 0), f"{path}.browser_per_day")
    server, s_repeat = _counts(data.get("server_per_day", 0), f"{path}.server_per_day")
    fired = default_fired
    if data.get("last_fired") is not None:
        fired = as_time(data["last_fired"], now, f"{path}.last_fired")
    server_fired = fired
    if data.get("server_last_fired") is not None:
        server_fired = as_time(data["server_last_fired"], now, f"{path}.server_last_fired")
    if fired > now or server_fired > now:
        raise fail(f"{path}.last_fired", "must not be in the future")
    hosts = None
    if data.get("hosts") is not None:
        hosts = as_share_map(data["hosts"], f"{path}.hosts")
    url_path = as_str(data.get("url_path", _DEFAULT_PATHS.get(name, "/")), f"{path}.url_path")
    if not url_path.startswith("/"):
        raise fail(f"{path}.url_path", "must start with /")
    return PixelEvent(
        name=name,
        browser_per_day=browser,
        server_per_day=server,
        browser_repeat=b_repeat,
        server_repeat=s_repeat,
        last_fired=fired if any(browser) else None,
        server_last_fired=server_fired if any(server) else None,
        hosts=hosts,
        url_path=url_path,
        quality=_quality(data.get("quality"), f"{path}.quality"),
    )


def _quality(raw: Any, path: str) -> dict[str, Any] | None:
    if raw is None:
        return None
    data = as_map(raw, path)
    check_keys(data, _QUALITY_KEYS, path)
    out: dict[str, Any] = {}
    if data.get("emq") is not None:
        emq = as_number(data["emq"], f"{path}.emq")
        if emq > 10:
            raise fail(f"{path}.emq", "must be between 0 and 10")
        out["emq"] = emq
    keys = as_map(data.get("match_keys"), f"{path}.match_keys")
    out["match_keys"] = {k: _pct(v, f"{path}.match_keys.{k}") for k, v in keys.items()}
    # Per match key: Meta's potential_aly_acr_increase (a key listed only here is not sent).
    uplift = as_map(data.get("key_uplift"), f"{path}.key_uplift")
    out["key_uplift"] = {k: _pct(v, f"{path}.key_uplift.{k}") for k, v in uplift.items()}
    for key in ("coverage", "coverage_goal", "acr", "potential_acr"):
        if data.get(key) is not None:
            out[key] = _pct(data[key], f"{path}.{key}")
    dedup = as_map(data.get("dedup"), f"{path}.dedup")
    out["dedup"] = {}
    for key, triple in dedup.items():
        tpath = f"{path}.dedup.{key}"
        values = as_list(triple, tpath)
        if len(values) != 3:
            raise fail(tpath, "must be [browser %, server %, overall browser coverage %]")
        out["dedup"][key] = [_pct(v, f"{tpath}[{i}]") for i, v in enumerate(values)]
    if data.get("freshness") is not None:
        out["freshness"] = as_str(data["freshness"], f"{path}.freshness")
    diagnostics = []
    for i, diag in enumerate(as_list(data.get("diagnostics"), f"{path}.diagnostics")):
        dpath = f"{path}.diagnostics[{i}]"
        d = as_map(diag, dpath)
        check_keys(d, F.DATASET_QUALITY["diagnostics"], dpath)
        diagnostics.append(dict(d))
    out["diagnostics"] = diagnostics
    return out


def _pct(value: Any, path: str) -> float:
    number = as_number(value, path)
    if number > 100:
        raise fail(path, "must be a percentage between 0 and 100")
    return number
