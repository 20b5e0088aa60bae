"""Load and validate a world file (YAML) into the typed model in ``model.py``.

Top-level keys: ``app``, ``settings``, ``tokens``, ``businesses``, ``pixels``,
``offline_event_sets``, ``ad_accounts``, ``faults``, ``domains`` (served by the DNS and
web doubles in ``sites/``). The format is documented in ``docs/sandbox.md``; errors name
the key path.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

from . import fields as F
from .load_ads import parse_ad_account
from .load_offline import parse_offline_set
from .load_pixels import parse_pixel
from .load_sites import parse_sites
from .model import (
    App,
    Business,
    Domain,
    EdgePaging,
    FaultSpec,
    Quotas,
    Settings,
    Token,
    World,
)
from .timeutil import UTC, Clock
from .validate import (
    WorldError,
    as_bool,
    as_enum,
    as_id,
    as_int,
    as_list,
    as_map,
    as_str,
    as_str_list,
    as_time,
    check_keys,
    fail,
    req,
)

_TOP = ("app", "settings", "tokens", "businesses", "pixels", "ad_accounts", "faults", "domains",
        "offline_event_sets")
_SCOPES_KNOWN = ("ads_read", "ads_management", "business_management", "pages_show_list",
                 "pages_read_engagement", "read_insights", "catalog_management",
                 "public_profile", "email")


def demo_world_path() -> Path:
    """Path of the demo world shipped inside the package."""
    return Path(__file__).with_name("demo") / "world.yaml"


def demo_config_path() -> Path:
    """Path of the demo ``config.yaml`` that matches the demo world."""
    return Path(__file__).with_name("demo") / "config.yaml"


def load_world(path: str | Path) -> World:
    """Read, parse and validate a world file; raise ``WorldError`` naming the bad key."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise WorldError(f"cannot read world file {file}: {exc.strerror}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise WorldError(f"{file}: invalid YAML: {exc}") from exc
    world = parse_world(data)
    world.source = str(file)
    return world


def parse_world(data: Any) -> World:
    """Validate an already-parsed world mapping (tests build worlds as dicts)."""
    root = as_map(data, "")
    check_keys(root, _TOP, "")
    settings_raw = as_map(root.get("settings"), "settings")
    fixed_now = None
    if settings_raw.get("now") is not None:
        fixed_now = as_time(settings_raw["now"], datetime.now(tz=UTC), "settings.now")
    clock = Clock(fixed_now)
    now = clock.now()
    world = World(app=_parse_app(root.get("app")), clock=clock)
    world.settings = _parse_settings(settings_raw, now)
    for i, raw in enumerate(as_list(root.get("tokens"), "tokens")):
        token = _parse_token(raw, now, f"tokens[{i}]")
        if token.token in world.tokens:
            raise fail(f"tokens[{i}].token", "duplicate token")
        world.tokens[token.token] = token
    for i, raw in enumerate(as_list(root.get("businesses"), "businesses")):
        _parse_business(world, raw, f"businesses[{i}]")
    for i, raw in enumerate(as_list(root.get("pixels"), "pixels")):
        pixel = parse_pixel(raw, now, f"pixels[{i}]")
        _claim_id(world, pixel.id, f"pixels[{i}].id")
        world.pixels[pixel.id] = pixel
    for i, raw in enumerate(as_list(root.get("offline_event_sets"), "offline_event_sets")):
        offline = parse_offline_set(raw, now, f"offline_event_sets[{i}]")
        _claim_id(world, offline.id, f"offline_event_sets[{i}].id")
        world.offline_event_sets[offline.id] = offline
    for i, raw in enumerate(as_list(root.get("ad_accounts"), "ad_accounts")):
        parse_ad_account(world, raw, now, f"ad_accounts[{i}]", _claim_id)
    for i, raw in enumerate(as_list(root.get("faults"), "faults")):
        world.faults.append(parse_fault(raw, f"faults[{i}]"))
    world.sites = parse_sites(root.get("domains"), "domains")
    _check_references(world)
    return world


def _claim_id(world: World, node_id: str, path: str) -> None:
    if world.node_type(node_id) is not None:
        raise fail(path, f"duplicate id {node_id!r}")


def _parse_app(raw: Any) -> App:
    data = as_map(raw, "app")
    check_keys(data, ("id", "name", "secret", "require_appsecret_proof"), "app")
    return App(
        id=as_id(data.get("id", "1357924680"), "app.id"),
        name=as_str(data.get("name", "Sandbox App"), "app.name"),
        secret=as_str(data.get("secret", "sandbox-app-secret"), "app.secret"),
        require_appsecret_proof=as_bool(
            data.get("require_appsecret_proof", False), "app.require_appsecret_proof"
        ),
    )


def _parse_paging(raw: Any, path: str, base: EdgePaging) -> EdgePaging:
    data = as_map(raw, path)
    check_keys(data, ("default_limit", "max_limit", "empty_pages", "edges"), path)
    empty = [as_int(v, f"{path}.empty_pages[{i}]", 1) for i, v in enumerate(
        as_list(data.get("empty_pages"), f"{path}.empty_pages"))]
    paging = EdgePaging(
        default_limit=as_int(data.get("default_limit", base.default_limit),
                             f"{path}.default_limit", 1),
        max_limit=as_int(data.get("max_limit", base.max_limit), f"{path}.max_limit", 1),
        empty_pages=empty if "empty_pages" in data else list(base.empty_pages),
    )
    if paging.default_limit > paging.max_limit:
        raise fail(f"{path}.default_limit", "must not exceed max_limit")
    return paging


def _parse_settings(data: dict[str, Any], now: datetime) -> Settings:
    keys = ("now", "paging", "view_windows_removed_on", "insights_sync_max_rows",
            "insights_zero_windows", "async_polls", "latency_ms", "quotas", "api_versions",
            "permission_http_status", "denied_error", "retired_fields")
    check_keys(data, keys, "settings")
    s = Settings()
    paging_raw = as_map(data.get("paging"), "settings.paging")
    s.paging = _parse_paging(paging_raw, "settings.paging", EdgePaging())
    edges = as_map(paging_raw.get("edges"), "settings.paging.edges")
    for name, raw in edges.items():
        s.edge_paging[name] = _parse_paging(raw, f"settings.paging.edges.{name}", s.paging)
    if "view_windows_removed_on" in data:
        raw_cut = data["view_windows_removed_on"]
        s.view_windows_removed_on = None if raw_cut is None else as_time(
            raw_cut, now, "settings.view_windows_removed_on").date()
    s.insights_sync_max_rows = as_int(data.get("insights_sync_max_rows", 2000),
                                      "settings.insights_sync_max_rows", 1)
    s.insights_zero_windows = as_enum(data.get("insights_zero_windows", "omit"),
                                      ("omit", "zero"), "settings.insights_zero_windows")
    s.async_polls = as_int(data.get("async_polls", 2), "settings.async_polls")
    s.latency_ms = as_int(data.get("latency_ms", 0), "settings.latency_ms")
    q = as_map(data.get("quotas"), "settings.quotas")
    check_keys(q, ("window_seconds", "app_calls", "account_calls", "business_calls", "enforce",
                   "access_tier"), "settings.quotas")
    s.quotas = Quotas(
        window_seconds=as_int(q.get("window_seconds", 3600), "settings.quotas.window_seconds", 1),
        app_calls=as_int(q.get("app_calls", 5000), "settings.quotas.app_calls", 1),
        account_calls=as_int(q.get("account_calls", 2000), "settings.quotas.account_calls", 1),
        business_calls=as_int(q.get("business_calls", 5000), "settings.quotas.business_calls", 1),
        enforce=as_bool(q.get("enforce", False), "settings.quotas.enforce"),
        access_tier=as_str(q.get("access_tier", "standard_access"), "settings.quotas.access_tier"),
    )
    versions = as_map(data.get("api_versions"), "settings.api_versions")
    check_keys(versions, ("min", "max"), "settings.api_versions")
    s.min_api_version = _version(versions.get("min", "v23.0"), "settings.api_versions.min")
    s.max_api_version = _version(versions.get("max", "v26.0"), "settings.api_versions.max")
    s.permission_http_status = int(as_enum(str(data.get("permission_http_status", 403)),
                                           ("400", "403"), "settings.permission_http_status"))
    s.denied_error = as_enum(data.get("denied_error", "permission"), ("permission", "not_found"),
                             "settings.denied_error")
    retired = as_map(data.get("retired_fields"), "settings.retired_fields")
    for node_type, names in retired.items():
        where = f"settings.retired_fields.{node_type}"
        fields = frozenset(as_str_list(names, where))
        unknown = sorted(fields - F.FIELDS.get(node_type))
        if unknown:
            raise fail(where, f"{unknown[0]!r} is not a field of {node_type} in the SDK")
        s.retired_fields[node_type] = fields
    return s


def _version(value: Any, path: str) -> str:
    text = as_str(value, path)
    parts = text[1:].split(".")
    if not text.startswith("v") or len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise fail(path, f"must look like v26.0 (got {text!r})")
    return text


def _parse_token(raw: Any, now: datetime, path: str) -> Token:
    data = as_map(raw, path)
    keys = ("token", "user", "scopes", "declined", "issued", "expires", "data_access_expires",
            "valid", "businesses", "granular_scopes")
    check_keys(data, keys, path)
    text = as_str(req(data, "token", path), f"{path}.token")
    if text.startswith("EAA"):
        raise fail(f"{path}.token", "must not look like a real Meta token (EAA…)")
    user = as_map(req(data, "user", path), f"{path}.user")
    check_keys(user, ("id", "name", "type"), f"{path}.user")
    scopes = as_str_list(data.get("scopes"), f"{path}.scopes")
    for i, scope in enumerate(scopes):
        if scope not in _SCOPES_KNOWN:
            raise fail(f"{path}.scopes[{i}]", f"unknown permission {scope!r}")
    expires = data.get("expires", "never")
    granular = as_map(data.get("granular_scopes"), f"{path}.granular_scopes")
    businesses = data.get("businesses")
    return Token(
        token=text,
        user_id=as_id(req(user, "id", f"{path}.user"), f"{path}.user.id"),
        user_name=as_str(req(user, "name", f"{path}.user"), f"{path}.user.name"),
        user_type=as_enum(user.get("type", "SYSTEM_USER"), ("SYSTEM_USER", "USER"),
                          f"{path}.user.type"),
        scopes=scopes,
        declined=as_str_list(data.get("declined"), f"{path}.declined"),
        issued_at=as_time(data.get("issued", "-30d"), now, f"{path}.issued"),
        expires_at=None if expires == "never" else as_time(expires, now, f"{path}.expires"),
        # "never": debug_token reports data_access_expires_at 0, as for expires_at
        data_access_expires_at=None if data.get("data_access_expires") == "never" else as_time(
            data.get("data_access_expires", "+90d"), now, f"{path}.data_access_expires"),
        valid=as_bool(data.get("valid", True), f"{path}.valid"),
        businesses=None if businesses is None else [
            as_id(b, f"{path}.businesses[{i}]")
            for i, b in enumerate(as_list(businesses, f"{path}.businesses"))],
        granular_targets={k: as_str_list(v, f"{path}.granular_scopes.{k}")
                          for k, v in granular.items()},
    )


def _parse_business(world: World, raw: Any, path: str) -> None:
    data = as_map(raw, path)
    special = ("id", "name", "clients", "owned_domains", "owned_domains_mode")
    check_keys(data, set(special) | F.FIELDS["Business"], path)
    business_id = as_id(req(data, "id", path), f"{path}.id")
    _claim_id(world, business_id, f"{path}.id")
    extra = {k: v for k, v in data.items() if k not in special}
    for key in ("created_time", "updated_time"):
        if key in extra:
            extra[key] = as_time(extra[key], world.clock.now(), f"{path}.{key}")
    business = Business(
        id=business_id,
        name=as_str(req(data, "name", path), f"{path}.name"),
        fields=extra,
        clients=[as_id(c, f"{path}.clients[{i}]")
                 for i, c in enumerate(as_list(data.get("clients"), f"{path}.clients"))],
        owned_domains_mode=as_enum(data.get("owned_domains_mode", "ok"),
                                   ("ok", "nonexisting_field", "permission_error"),
                                   f"{path}.owned_domains_mode"),
    )
    world.businesses[business_id] = business
    for i, raw_domain in enumerate(as_list(data.get("owned_domains"), f"{path}.owned_domains")):
        dpath = f"{path}.owned_domains[{i}]"
        d = as_map(raw_domain, dpath)
        check_keys(d, ("id", "domain_name", "status", "verification_code"), dpath)
        domain_id = as_id(d.get("id", str(310000000000000 + len(world.domains) + 1)),
                          f"{dpath}.id")
        _claim_id(world, domain_id, f"{dpath}.id")
        name = as_str(req(d, "domain_name", dpath), f"{dpath}.domain_name").lower()
        world.domains[domain_id] = Domain(
            id=domain_id,
            domain_name=name,
            owner_business=business_id,
            status=None if d.get("status") is None else as_str(d["status"], f"{dpath}.status"),
            verification_code=as_str(
                d.get("verification_code", _verification_code(name)),
                f"{dpath}.verification_code"),
        )


def _verification_code(domain: str) -> str:
    return "sbx-" + hashlib.sha256(domain.encode()).hexdigest()[:24]


def parse_fault(raw: Any, path: str) -> FaultSpec:
    """Validate one fault (world ``faults:`` entry or admin/Python API input)."""
    data = as_map(raw, path)
    keys = ("path", "method", "kind", "code", "subcode", "http_status", "message", "type",
            "is_transient", "times", "skip", "latency_ms", "headers", "regain_minutes",
            "user_title", "user_msg")
    check_keys(data, keys, path)
    fault = FaultSpec(path=as_str(req(data, "path", path), f"{path}.path"))
    fault.method = None if data.get("method") is None else as_enum(
        str(data["method"]).upper(), ("GET", "POST", "DELETE"), f"{path}.method")
    fault.kind = as_enum(data.get("kind", "error"), ("error", "latency", "batch_null",
                                                     "job_failed", "not_json"), f"{path}.kind")
    if "code" in data:
        fault.code = None if data["code"] is None else as_int(data["code"], f"{path}.code")
    if "subcode" in data:
        fault.subcode = None if data["subcode"] is None else as_int(data["subcode"],
                                                                    f"{path}.subcode")
    elif fault.code != 80004:
        fault.subcode = None
    if data.get("http_status") is not None:
        fault.http_status = as_int(data["http_status"], f"{path}.http_status", 100)
    if data.get("message") is not None:
        fault.message = as_str(data["message"], f"{path}.message")
    fault.type = as_str(data.get("type", "OAuthException"), f"{path}.type")
    if data.get("is_transient") is not None:
        fault.is_transient = as_bool(data["is_transient"], f"{path}.is_transient")
    fault.times = None if data.get("times", 1) is None else as_int(data.get("times", 1),
                                                                    f"{path}.times", 1)
    fault.skip = as_int(data.get("skip", 0), f"{path}.skip")
    fault.latency_ms = as_int(data.get("latency_ms", 0), f"{path}.latency_ms")
    headers = as_map(data.get("headers"), f"{path}.headers")
    fault.headers = {k: as_str(v, f"{path}.headers.{k}") for k, v in headers.items()}
    fault.regain_minutes = as_int(data.get("regain_minutes", 0), f"{path}.regain_minutes")
    for key in ("user_title", "user_msg"):
        if data.get(key) is not None:
            setattr(fault, key, as_str(data[key], f"{path}.{key}"))
    if fault.kind == "error" and fault.code is None:
        raise fail(f"{path}.code", "is required for kind error")
    return fault


def _check_references(world: World) -> None:
    for business in world.businesses.values():
        for client in business.clients:
            if client not in world.businesses:
                raise fail(f"businesses[{business.id}].clients", f"unknown business {client!r}")
    for token in world.tokens.values():
        for b in token.businesses or []:
            if b not in world.businesses:
                raise fail(f"tokens[{token.token[:12]}…].businesses", f"unknown business {b!r}")
    for pixel in world.pixels.values():
        where = f"pixels[{pixel.id}]"
        if pixel.owner_business and pixel.owner_business not in world.businesses:
            raise fail(f"{where}.owner_business", f"unknown business {pixel.owner_business!r}")
        for share in pixel.shared_with:
            if share.business not in world.businesses:
                raise fail(f"{where}.shared_with", f"unknown business {share.business!r}")
        for account_id in pixel.ad_accounts:
            if account_id not in world.ad_accounts:
                raise fail(f"{where}.ad_accounts", f"unknown ad account {account_id!r}")
            if pixel.id not in world.ad_accounts[account_id].pixels:
                world.ad_accounts[account_id].pixels.append(pixel.id)
    for offline in world.offline_event_sets.values():
        where = f"offline_event_sets[{offline.id}]"
        if offline.owner_business and offline.owner_business not in world.businesses:
            raise fail(f"{where}.owner_business", f"unknown business {offline.owner_business!r}")
        for account_id in offline.ad_accounts:
            if account_id not in world.ad_accounts:
                raise fail(f"{where}.ad_accounts", f"unknown ad account {account_id!r}")
    for account in world.ad_accounts.values():
        for pixel_id in account.pixels:
            if pixel_id not in world.pixels:
                raise fail(f"ad_accounts[{account.id}].pixels", f"unknown pixel {pixel_id!r}")
            if account.id not in world.pixels[pixel_id].ad_accounts:
                world.pixels[pixel_id].ad_accounts.append(account.id)
