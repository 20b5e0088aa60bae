"""The sandbox world as typed, mutable objects (what ``load_world`` returns and ``srv.state`` is).

Everything is indexed flat by id, so handlers look objects up directly; children carry their
parent's id (``AdSet.account_id``, ``Rule.account_id`` …). Times are resolved to aware UTC
datetimes when the world is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from .timeutil import Clock


@dataclass
class App:
    """The Meta app the tokens belong to."""

    id: str
    name: str
    secret: str
    require_appsecret_proof: bool = False


@dataclass
class Token:
    """An access token the sandbox accepts, with its user, scopes, expiry and reach."""

    token: str
    user_id: str
    user_name: str
    user_type: str  # SYSTEM_USER | USER
    scopes: list[str]
    declined: list[str] = field(default_factory=list)
    issued_at: datetime | None = None
    expires_at: datetime | None = None  # None = never
    data_access_expires_at: datetime | None = None
    valid: bool = True
    businesses: list[str] | None = None  # None = unrestricted
    granular_targets: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Business:
    """A Business Manager."""

    id: str
    name: str
    fields: dict[str, Any] = field(default_factory=dict)
    clients: list[str] = field(default_factory=list)
    owned_domains_mode: str = "ok"  # ok | nonexisting_field | permission_error


@dataclass
class Domain:
    """An ``OwnedDomain`` of a business."""

    id: str
    domain_name: str
    owner_business: str
    status: str | None = None
    verification_code: str | None = None


@dataclass
class Site:
    """A domain on the sandbox's DNS and web servers (the world's ``domains:`` section):
    its TXT records, its home page and the verification files it serves."""

    name: str
    txt: list[str] = field(default_factory=list)
    dns: str = "ok"  # ok | timeout (no answer) | servfail
    web: str = "ok"  # ok | refused (connections refused on both ports)
    home: str = "<!doctype html><html><head><title>Home</title></head><body></body></html>"
    status: int = 200
    delay_ms: int = 0
    padding_bytes: int = 0  # filler inserted before </head>: a huge page
    redirect: str | None = None  # the home page answers 301 to this URL
    files: list[str] = field(default_factory=list)  # codes served at /<code>.html
    hosts: list[str] = field(default_factory=list)  # other host names serving the same site


@dataclass
class PixelEvent:
    """Traffic of one event on a pixel: daily counts (chronological, last = most recent day)."""

    name: str
    browser_per_day: list[int]
    server_per_day: list[int]
    browser_repeat: bool  # a scalar in the world: the same count on every day
    server_repeat: bool
    last_fired: datetime | None
    server_last_fired: datetime | None
    hosts: dict[str, float] | None = None
    url_path: str = "/"
    quality: dict[str, Any] | None = None


@dataclass
class PixelShare:
    """A pixel shared with a partner business."""

    business: str
    tasks: list[str]
    roles: list[str] = field(default_factory=list)


@dataclass
class Pixel:
    """An ``AdsPixel`` (dataset) with its traffic model."""

    id: str
    name: str
    owner_business: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    last_fired: datetime | None = None
    shared_with: list[PixelShare] = field(default_factory=list)
    assigned_users: list[dict[str, Any]] = field(default_factory=list)
    ad_accounts: list[str] = field(default_factory=list)
    hosts: dict[str, float] = field(default_factory=dict)
    events: dict[str, PixelEvent] = field(default_factory=dict)
    da_checks: list[dict[str, Any]] = field(default_factory=list)
    quality_mode: str = "ok"  # ok | permission_error | error


@dataclass
class Conversion:
    """Daily conversion rates of one action type on an ad set, per attribution window."""

    action_type: str
    windows: dict[str, float]
    value_per_conversion: float = 0.0


@dataclass
class Delivery:
    """Daily delivery of an ad set, scaled deterministically over any date range."""

    spend_per_day: float = 0.0
    impressions_per_day: float = 0.0
    clicks_per_day: float = 0.0
    reach_per_day: float = 0.0
    active_from: date | None = None
    active_until: date | None = None
    conversions: list[Conversion] = field(default_factory=list)


@dataclass
class AdAccount:
    """An ad account (``act_<digits>``)."""

    id: str
    name: str
    owner_business: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    agencies: list[str] = field(default_factory=list)
    pixels: list[str] = field(default_factory=list)
    timezone_offset: float = 0.0


@dataclass
class Campaign:
    """A campaign."""

    id: str
    account_id: str
    name: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class AdSet:
    """An ad set with its delivery/conversion model."""

    id: str
    account_id: str
    campaign_id: str
    name: str
    fields: dict[str, Any] = field(default_factory=dict)
    delivery: Delivery = field(default_factory=Delivery)


@dataclass
class CustomConversion:
    """A custom conversion."""

    id: str
    account_id: str
    name: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class OfflineEventSet:
    """An ``OfflineConversionDataSet`` (offline event set; its API was shut down in May 2025)."""

    id: str
    name: str
    owner_business: str | None
    fields: dict[str, Any] = field(default_factory=dict)
    ad_accounts: list[str] = field(default_factory=list)  # attached: its shared_accounts


@dataclass
class Rule:
    """An automated rule (``AdRule``); edit it through ``srv.state.rules[id]``."""

    id: str
    account_id: str
    name: str
    status: str
    evaluation_spec: dict[str, Any]
    execution_spec: dict[str, Any]
    schedule_spec: dict[str, Any] | None = None
    created_time: datetime | None = None
    updated_time: datetime | None = None
    created_by: dict[str, Any] | None = None
    # Specs served as JSON text instead of objects, as some recorded real responses show.
    text_specs: tuple[str, ...] = ()


@dataclass
class EdgePaging:
    """Paging behaviour of one edge (or the default)."""

    default_limit: int = 25
    max_limit: int = 500
    empty_pages: list[int] = field(default_factory=list)


@dataclass
class Quotas:
    """Call quotas behind the usage headers."""

    window_seconds: int = 3600
    app_calls: int = 5000
    account_calls: int = 2000
    business_calls: int = 5000
    enforce: bool = False
    access_tier: str = "standard_access"


@dataclass
class Settings:
    """Global sandbox behaviour."""

    paging: EdgePaging = field(default_factory=EdgePaging)
    edge_paging: dict[str, EdgePaging] = field(default_factory=dict)
    view_windows_removed_on: date | None = date(2026, 1, 12)
    insights_sync_max_rows: int = 2000
    insights_zero_windows: str = "omit"  # omit | zero
    async_polls: int = 2
    latency_ms: int = 0
    quotas: Quotas = field(default_factory=Quotas)
    min_api_version: str = "v23.0"
    max_api_version: str = "v26.0"
    permission_http_status: int = 403
    denied_error: str = "permission"  # permission | not_found
    batch_null_items: list[int] = field(default_factory=list)
    # Fields this API version no longer serves, by node type (simulated API drift): asking
    # for one is answered "(#100) Tried accessing nonexisting field".
    retired_fields: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass
class FaultSpec:
    """A fault to inject (see ``wire/faults.py``)."""

    path: str
    method: str | None = None
    kind: str = "error"  # error | latency | batch_null | job_failed | not_json
    code: int | None = 80004
    subcode: int | None = 2446079
    http_status: int | None = None
    message: str | None = None
    type: str = "OAuthException"
    is_transient: bool | None = None
    times: int | None = 1
    skip: int = 0  # let this many matching requests through before the fault fires
    latency_ms: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    regain_minutes: int = 0
    user_title: str | None = None
    user_msg: str | None = None


@dataclass
class ReportRun:
    """An async Insights job (``POST …/insights`` → ``report_run_id``)."""

    id: str
    account_id: str
    rows: list[dict[str, Any]]
    date_start: str
    date_stop: str
    created: datetime
    polls: int = 0
    fail: bool = False


@dataclass
class Runtime:
    """State that only exists while the server runs (never in the world file)."""

    report_runs: dict[str, ReportRun] = field(default_factory=dict)
    # (pixel id, event name, hour, host) -> server events received through POST /{pixel}/events
    extra_counts: dict[tuple[str, str, datetime, str], int] = field(default_factory=dict)
    # every accepted POST /{pixel}/events: pixel_id, test_event_code, events, fbtrace_id …
    capi_received: list[dict[str, Any]] = field(default_factory=list)
    next_id: int = 1

    def new_id(self, prefix: str, taken: Any) -> str:
        """A fresh numeric id that is not in ``taken``."""
        while True:
            candidate = f"{prefix}{self.next_id:012d}"
            self.next_id += 1
            if candidate not in taken:
                return candidate


@dataclass
class World:
    """The whole world; the server works on a deep copy (``srv.state``)."""

    app: App
    clock: Clock
    settings: Settings = field(default_factory=Settings)
    tokens: dict[str, Token] = field(default_factory=dict)
    businesses: dict[str, Business] = field(default_factory=dict)
    domains: dict[str, Domain] = field(default_factory=dict)
    pixels: dict[str, Pixel] = field(default_factory=dict)
    ad_accounts: dict[str, AdAccount] = field(default_factory=dict)
    campaigns: dict[str, Campaign] = field(default_factory=dict)
    adsets: dict[str, AdSet] = field(default_factory=dict)
    custom_conversions: dict[str, CustomConversion] = field(default_factory=dict)
    offline_event_sets: dict[str, OfflineEventSet] = field(default_factory=dict)
    rules: dict[str, Rule] = field(default_factory=dict)
    faults: list[FaultSpec] = field(default_factory=list)
    sites: dict[str, Site] = field(default_factory=dict)  # by lower-case domain name
    source: str = "<dict>"
    runtime: Runtime = field(default_factory=Runtime)

    def node_type(self, node_id: str) -> str | None:
        """Return the Graph node type of an id, or ``None`` when unknown."""
        tables: list[tuple[dict[str, Any], str]] = [
            (self.businesses, "Business"),
            (self.pixels, "AdsPixel"),
            (self.ad_accounts, "AdAccount"),
            (self.campaigns, "Campaign"),
            (self.adsets, "AdSet"),
            (self.rules, "AdRule"),
            (self.custom_conversions, "CustomConversion"),
            (self.domains, "OwnedDomain"),
            (self.offline_event_sets, "OfflineConversionDataSet"),
        ]
        for table, name in tables:
            if node_id in table:
                return name
        return None
