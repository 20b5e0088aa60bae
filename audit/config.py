"""Config file (YAML) → validated models.

Every error names the key path and the fix, for example
``clients[1].ad_accounts[0]: "123" must look like act_<digits>``. Access tokens are never
read from the file: the config names the environment variables that hold them.
"""

from __future__ import annotations

import difflib
import ipaddress
import os
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from audit.errors import AuditError
from audit.redact import looks_like_token, redact, register_secret

DEFAULT_API_VERSION = "v26.0"
AemMode = Literal["legacy", "relaxed", "auto"]

_TOKEN_KEYS = {"access_token", "token", "app_secret", "appsecret_proof", "secret"}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
# Meta shows a ~30-character lower-case alphanumeric code; accept letters and digits, 8-64.
_VERIFICATION_CODE = re.compile(r"^[A-Za-z0-9]{8,64}$")


class ConfigError(AuditError):
    """The config file is missing, unreadable or invalid; ``problems`` lists each issue."""

    def __init__(self, source: str, problems: list[str]) -> None:
        # Every message passes the redaction: a problem may quote a value, and a value may
        # be a token pasted in the wrong place.
        source = redact(source)
        problems = [redact(p) for p in problems]
        self.source = source
        self.problems = problems
        if len(problems) == 1:
            super().__init__(f"{source}: {problems[0]}")
        else:
            lines = "\n".join(f"  - {p}" for p in problems)
            super().__init__(f"{source}: {len(problems)} problems in the config:\n{lines}")


def shown(value: Any) -> str:
    """A config value quoted for an error message, or a placeholder when it could be a
    secret: token-shaped (see :func:`audit.redact.looks_like_token`), a query string or
    user info (``?``, ``=``, ``&``, ``@``), or too long to be an identifier."""
    if isinstance(value, (bool, float)) or value is None:
        return repr(value)
    if not isinstance(value, (str, int)):
        return "the value"
    text = str(value)
    if (len(text) > 80 or any(c in text for c in "?=&@")
            or any(looks_like_token(part) for part in re.split(r"[^A-Za-z0-9]+", text))):
        return "the value (not shown: it may hold a secret)"
    return f'"{text}"'


def _digits_id(what: str, example: str) -> Any:
    def check(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError(f"must be a {what} (digits, quoted), e.g. \"{example}\"")
        text = str(value).strip()
        if not text.isdigit():
            raise ValueError(f"{shown(value)} must be a {what} made of digits, "
                             f"e.g. \"{example}\"")
        return text

    return BeforeValidator(check)


def _ad_account(value: Any) -> str:
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    if isinstance(value, bool) or not re.fullmatch(r"act_\d+", text):
        raise ValueError(f"{shown(value)} must look like act_<digits> (e.g. act_1234567890)")
    return text


def _domain(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{shown(value)} must be a domain name such as shop.example.com")
    text = value.strip().lower().rstrip(".")
    if "/" in text or ":" in text or not _DOMAIN.match(text):
        raise ValueError(f"{shown(value)} must be a bare domain name such as example.co.uk "
                         "(no scheme, port or path)")
    return text


def _env_name(value: str) -> str:
    # Never echo the value: someone may have pasted a token here.
    if not _ENV_NAME.match(value):
        raise ValueError(
            "must be the NAME of an environment variable (letters, digits, _), "
            "not a token; put the token in that variable"
        )
    if looks_like_token(value):
        raise ValueError(
            "looks like a token or a secret, not the NAME of an environment variable "
            "(value not shown); put it in a variable (export IOS14_AUDIT_TOKEN=...) and "
            "write the variable's name here"
        )
    return value


def _verification_code(value: Any) -> str:
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    if isinstance(value, bool) or not _VERIFICATION_CODE.match(text):
        # Never echo the value: it may be something pasted in the wrong place.
        raise ValueError("must be a domain verification code as shown in Business Settings → "
                         "Brand safety → Domains (letters and digits only, 8 to 64 characters)")
    return text.lower()


def _ip_port(value: Any, *, default_port: int | None) -> str:
    """``ip:port`` (``[v6]:port``) normalised; the port may be omitted if a default exists."""
    text = value.strip() if isinstance(value, str) else ""
    host, port = text, ""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ("x" if rest else "")
    elif text.count(":") == 1:
        host, port = text.split(":")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        ip = None
    if not port and default_port is not None:
        port = str(default_port)
    if ip is None or not port.isdigit() or not 0 < int(port) < 65536:
        example = "127.0.0.1:8080" if default_port is None else "9.9.9.9 or 127.0.0.1:5353"
        raise ValueError(f"must be an IP address and port, e.g. {example}")
    return f"[{ip}]:{port}" if ip.version == 6 else f"{ip}:{port}"


def _language(value: Any) -> str:
    """A language code such as ``en`` or ``nl`` (``pt_BR`` for a regional variant).

    Whether a catalogue exists for it is checked by the command line against the shipped
    catalogues (the config knows nothing of the reports' files).
    """
    text = value.strip() if isinstance(value, str) else ""
    if not re.fullmatch(r"[a-z]{2,3}(_[A-Z]{2})?", text):
        raise ValueError("must be a language code such as en or nl")
    return text


def _nameserver(value: Any) -> str:
    return _ip_port(value, default_port=53)


def _connect_target(value: Any) -> str:
    return _ip_port(value, default_port=None)


BusinessId = Annotated[str, _digits_id("business id", "1234567890")]
PixelId = Annotated[str, _digits_id("pixel id", "1122334455667788")]
AdAccountId = Annotated[str, BeforeValidator(_ad_account)]
Domain = Annotated[str, BeforeValidator(_domain)]
EnvName = Annotated[str, AfterValidator(_env_name)]
VerificationCode = Annotated[str, BeforeValidator(_verification_code)]
Nameserver = Annotated[str, BeforeValidator(_nameserver)]
Language = Annotated[str, BeforeValidator(_language)]
ConnectTarget = Annotated[str, BeforeValidator(_connect_target)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _no_secrets(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            for key in data:
                if str(key).lower() in _TOKEN_KEYS:
                    raise ValueError(
                        f"'{key}' is not allowed: tokens and secrets are read only from "
                        "environment variables; name the variable with token_env / app_secret_env"
                    )
        return data


class AgencyConfig(_Strict):
    """The agency running the audit; its business id is the partner clients share with."""

    name: str = Field(min_length=1)
    business_id: BusinessId


class GraphConfig(_Strict):
    """How to reach the Graph API: base URL, version, credentials' env vars, limits."""

    base_url: str = "https://graph.facebook.com"
    api_version: str = DEFAULT_API_VERSION
    token_env: EnvName = "IOS14_AUDIT_TOKEN"
    app_secret_env: EnvName | None = None
    timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    max_retries: int = Field(default=4, ge=0, le=20)
    backoff_seconds: float = Field(default=2.0, ge=0, le=600)
    max_wait_seconds: float = Field(default=300.0, ge=0, le=3600)
    page_size: int = Field(default=100, ge=1, le=5000)
    usage_slowdown_percent: float = Field(default=90.0, gt=0, le=100)
    concurrency: int = Field(default=4, ge=1, le=64)
    use_batch: bool = True

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if "@" in value:  # https://user:token@host: credentials never go in the file
            raise ValueError(
                "must not contain a user name or password (user:password@host; value not "
                "shown); tokens are read only from the variable named by graph.token_env")
        if not re.fullmatch(r"https?://[^/\s?#]+", value.rstrip("/")):
            raise ValueError(
                f"{shown(value)} must be a scheme and host only, e.g. "
                "https://graph.facebook.com or http://127.0.0.1:8765 (no version, no path)"
            )
        return value.rstrip("/")

    @field_validator("api_version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not re.fullmatch(r"v\d+\.\d+", value):
            raise ValueError(f'{shown(value)} must look like v26.0 (a "v", major, dot, minor)')
        return value


class NetworkConfig(_Strict):
    """Lookups on the clients' own domains (DNS TXT records and home pages) for Meta's
    domain verification markers; nothing here talks to Meta."""

    enabled: bool = True
    timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    concurrency: int = Field(default=16, ge=1, le=256)
    nameservers: list[Nameserver] = Field(default_factory=list)
    max_page_bytes: int = Field(default=512 * 1024, ge=4096, le=16 * 1024 * 1024)
    # Test and demo only: send a host's HTTP(S) connections elsewhere, like curl --connect-to.
    connect_to: dict[str, ConnectTarget] = Field(default_factory=dict)

    @field_validator("connect_to")
    @classmethod
    def _connect_keys(cls, value: dict[str, str]) -> dict[str, str]:
        out = {}
        for key, target in value.items():
            host, _, port = key.strip().lower().partition(":")
            if not (host == "*" or _DOMAIN.match(host)) or (port and not (
                    port.isdigit() and 0 < int(port) < 65536)):
                raise ValueError("keys must be host or host:port (or *:port), e.g. "
                                 "shop.example.com:443")
            out[f"{host}:{port}" if port else host] = target
        return out


class OutputConfig(_Strict):
    """Where reports, snapshots and history go (relative paths start at the config's folder)."""

    directory: Path = Path("reports/output")
    history_db: Path | None = None  # default: <directory>/history.sqlite
    # Runs kept per client (archive folder and history rows together); the latest is always
    # kept. 20 weekly runs are about five months of trend.
    keep_runs: int = Field(default=20, ge=1, le=100000)


class ReportConfig(_Strict):
    """Branding of the HTML reports."""

    logo: Path | None = None
    accent_color: str = Field(default="#1f5fbf", pattern=r"^#[0-9a-fA-F]{6}$")
    templates_dir: Path | None = None
    footer: str | None = None
    # The language of client reports, their PDF and the agency index unless a client says
    # otherwise; checked against the catalogues shipped (en, nl, …) when the config loads.
    language: Language = "en"

    @field_validator("logo")
    @classmethod
    def _logo(cls, value: Path | None) -> Path | None:
        if value is not None and value.suffix.lower() not in (".png", ".jpg", ".jpeg", ".svg",
                                                               ".gif", ".webp"):
            raise ValueError(f"{shown(str(value))} must be an image file (.png, .jpg, .svg, "
                             ".gif, .webp)")
        return value


Threshold = Literal["critical", "high", "medium", "low", "info"]
_URL_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://\S+$")


def _alert_url(value: Any) -> str:
    if not isinstance(value, str) or not _URL_SCHEME.match(value.strip()):
        # Never echo the value: alert URLs carry webhook tokens and passwords.
        raise ValueError("must be an Apprise URL such as json://host:port/path, "
                         "slack://…, msteams://… or mailtos://… (value not shown: alert "
                         "URLs may hold secrets)")
    return value.strip()


AlertUrl = Annotated[str, BeforeValidator(_alert_url)]


class AlertTriggers(_Strict):
    """What makes a run send an alert (``alerts.when``)."""

    fail_at_or_above: Threshold | None = "high"
    not_audited: bool = True
    token_expires_within_days: int = Field(default=7, ge=0, le=365)


class AlertsConfig(_Strict):
    """Where to send one message per run when something needs attention (Apprise URLs)."""

    urls: list[AlertUrl] = Field(default_factory=list)
    urls_env: EnvName | None = None
    when: AlertTriggers = Field(default_factory=AlertTriggers)
    report_url: str | None = None

    @field_validator("report_url")
    @classmethod
    def _report_url(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"https?://\S+", value):
            raise ValueError("must be an http(s) URL where the output directory is published, "
                             "e.g. https://reports.agency.example/ios14/")
        return value if value is None or value.endswith("/") else value + "/"

    def all_urls(self, env: Mapping[str, str]) -> list[str]:
        """The configured URLs plus those in ``urls_env`` (space or comma separated)."""
        extra = env.get(self.urls_env, "") if self.urls_env else ""
        return [*self.urls, *(u for u in re.split(r"[\s,]+", extra) if u)]


BusinessType = Literal["ecommerce", "lead_generation", "app", "custom"]


class PriorityConfig(_Strict):
    """How to rank a client's events for the top-8 list (Aggregated Event Measurement)."""

    business_type: BusinessType = "ecommerce"
    funnel: list[str] = Field(default_factory=list)
    pin: list[str] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    order: list[str] = Field(default_factory=list)
    min_weekly_events: int = Field(default=50, ge=0)

    @field_validator("pin", "order")
    @classmethod
    def _at_most_eight(cls, values: list[str]) -> list[str]:
        if len(values) > 8:
            raise ValueError(f"{len(values)} events listed, but at most 8 fit in a domain's "
                             "priority list; keep the 8 that matter most")
        return values

    @model_validator(mode="after")
    def _consistent(self) -> PriorityConfig:
        clash = sorted(set(self.pin + self.order) & set(self.exclude))
        if clash:
            raise ValueError(f"{', '.join(clash)} both pinned/ordered and excluded; "
                             "remove it from one list")
        if self.business_type == "custom" and not self.funnel:
            raise ValueError("business_type custom needs a funnel: list of events, "
                             "deepest (most valuable) first")
        return self


DatePreset = Literal["last_7d", "last_14d", "last_28d", "last_30d", "last_90d"]
InsightsLevel = Literal["campaign", "adset"]
LEVELS: tuple[InsightsLevel, ...] = ("campaign", "adset")


class WindowsConfig(_Strict):
    """The attribution-window comparison: lookback and levels."""

    date_preset: DatePreset = "last_28d"
    levels: list[InsightsLevel] = Field(default_factory=lambda: list(LEVELS), min_length=1)
    # Reported, not confirmed by Meta: from March 2026 click-through attribution counts
    # link clicks only (other clicks move to a 1-day engage-through window). Periods that
    # straddle this date are marked as not like-for-like; adjust it if Meta's date differs.
    click_redefined_on: date = date(2026, 3, 1)


# Where automated rules move to. Meta documents ACCOUNT_DEFAULT as the only value of a rule's
# attribution_window filter; any other window is set on each filter as a prefix such as
# "7d_click:cost_per_purchase_fb" (https://developers.facebook.com/docs/marketing-api/
# ad-rules/overview/evaluation-spec and .../ad-rules-examples/evaluation-spec).
RULE_WINDOWS = ("ACCOUNT_DEFAULT", "7d_click", "1d_click", "1d_view_7d_click", "1d_view_1d_click")


def rule_window(value: Any) -> str:
    """The normalised rules target window, or ValueError saying what is allowed."""
    text = str(value).strip() if isinstance(value, str) else ""
    if text.upper() == "ACCOUNT_DEFAULT":
        return "ACCOUNT_DEFAULT"
    if text.lower() in RULE_WINDOWS:
        return text.lower()  # 7D_CLICK (the old rule-level spelling) means 7d_click
    raise ValueError(
        "must be ACCOUNT_DEFAULT (the only window Meta accepts in a rule's attribution_window "
        "filter) or a window set on each filter: " + ", ".join(RULE_WINDOWS[1:]))


RuleWindow = Annotated[str, BeforeValidator(rule_window)]


class RulesConfig(_Strict):
    """Automated-rule suggestions: the window rules should move to."""

    target_window: RuleWindow = "ACCOUNT_DEFAULT"


class MuteConfig(_Strict):
    """An accepted deviation: a finding that stays visible as muted until a date."""

    check: str = Field(min_length=1)
    resource: str = Field(min_length=1, description="resource id, or type:id")
    client: str | None = None
    reason: str = Field(min_length=3)
    until: date | None = None

    def matches(self, check_id: str, client: str, resource_type: str, resource_id: str
                ) -> bool:
        """True if this entry is about that finding (ignoring its date)."""
        if self.check != check_id or (self.client and self.client != client):
            return False
        return self.resource in (resource_id, f"{resource_type}:{resource_id}")


class ClientConfig(_Strict):
    """One client business the agency audits."""

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")
    name: str = Field(min_length=1)
    business_id: BusinessId
    ad_accounts: list[AdAccountId] = Field(default_factory=list)
    pixels: list[PixelId] = Field(default_factory=list)
    domains: list[Domain] = Field(default_factory=list)
    token_env: EnvName | None = None
    aem_mode: AemMode = "auto"
    priorities: PriorityConfig = Field(default_factory=PriorityConfig)
    domain_verification_codes: list[VerificationCode] = Field(default_factory=list)
    language: Language | None = None  # this client's report language (default report.language)

    @field_validator("ad_accounts", "pixels", "domains", "domain_verification_codes")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        seen: set[str] = set()
        for v in values:
            if v in seen:
                raise ValueError(f"{shown(v)} is listed twice; remove the duplicate")
            seen.add(v)
        return values


class Config(_Strict):
    """The whole config file."""

    agency: AgencyConfig
    graph: GraphConfig = Field(default_factory=GraphConfig)
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    output: OutputConfig = Field(default_factory=OutputConfig)
    report: ReportConfig = Field(default_factory=ReportConfig)
    clients: list[ClientConfig] = Field(min_length=1)
    windows: WindowsConfig = Field(default_factory=WindowsConfig)
    rules: RulesConfig = Field(default_factory=RulesConfig)
    checks: dict[str, dict[str, Any]] = Field(default_factory=dict)
    mute: list[MuteConfig] = Field(default_factory=list)
    alerts: AlertsConfig = Field(default_factory=AlertsConfig)

    def client(self, slug: str) -> ClientConfig:
        """Return the client with this slug, or raise ConfigError naming the known slugs."""
        for c in self.clients:
            if c.slug == slug:
                return c
        known = ", ".join(c.slug for c in self.clients)
        raise ConfigError("--client", [f'no client "{slug}" in the config; known: {known}'])

    def language_for(self, client: ClientConfig) -> str:
        """The language of this client's report: its own, else ``report.language``."""
        return client.language or self.report.language

    def token_env_for(self, client: ClientConfig) -> str:
        """Name of the environment variable that holds this client's access token."""
        return client.token_env or self.graph.token_env

    def token_for(self, client: ClientConfig, env: Mapping[str, str]) -> str | None:
        """Read this client's access token from ``env`` (never from the file)."""
        value = env.get(self.token_env_for(client), "").strip()
        return value or None

    def relative_to(self, base: Path) -> Config:
        """A copy whose relative file paths (logo, template folder, output directory,
        history database) start at ``base``.

        ``load_config`` applies it with the config file's folder, so every command finds
        the same files, and the same history, whatever the current directory is.
        """
        def resolve(path: Path | None) -> Path | None:
            return base / path if path is not None and not path.is_absolute() else path

        report = self.report.model_copy(update={"logo": resolve(self.report.logo),
                                                "templates_dir": resolve(
                                                    self.report.templates_dir)})
        output = self.output.model_copy(update={"directory": resolve(self.output.directory),
                                                "history_db": resolve(self.output.history_db)})
        return self.model_copy(update={"report": report, "output": output})

    def offline(self) -> Config:
        """A copy with the lookups on the clients' domains turned off (``--offline``)."""
        return self.model_copy(update={"network": self.network.model_copy(
            update={"enabled": False})})

    def secrets(self, env: Mapping[str, str]) -> list[str]:
        """Every credential this config reads from ``env`` (each client's token and the app
        secret), for the redactor to mask wherever it might appear."""
        found = [self.token_for(c, env) for c in self.clients] + [self.app_secret(env)]
        return [s for s in dict.fromkeys(found) if s]

    def app_secret(self, env: Mapping[str, str]) -> str | None:
        """Read the optional app secret (for appsecret_proof) from ``env``."""
        if not self.graph.app_secret_env:
            return None
        value = env.get(self.graph.app_secret_env, "").strip()
        return value or None


# ----------------------------------------------------------------------------- loading


def _path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    model: Any = Config
    for part in loc:
        if isinstance(part, int):
            continue
        fld = getattr(model, "model_fields", {}).get(part)
        if fld is None:
            return None
        ann = fld.annotation
        args = getattr(ann, "__args__", ())
        candidates = [ann, *args]
        model = next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)),
                     None)
        if model is None:
            return None
    return model if isinstance(model, type) else None


def _describe(err: Mapping[str, Any]) -> str:
    loc = tuple(err["loc"])
    kind = err["type"]
    msg = str(err["msg"])
    if kind == "extra_forbidden":
        parent = _model_at(loc[:-1])
        key = str(loc[-1])
        hint = ""
        if parent is not None:
            close = difflib.get_close_matches(key, list(parent.model_fields), n=1)
            if close:
                hint = f'; did you mean "{close[0]}"?'
            else:
                hint = f"; allowed keys: {', '.join(parent.model_fields)}"
        return f"{_path(loc)}: unknown key{hint}"
    if kind == "missing":
        return f"{_path(loc)}: is required; add it"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    elif kind == "string_pattern_mismatch" and loc[-1:] == ("slug",):
        msg = "must be lower-case letters, digits and dashes (e.g. acme-shoes)"
    elif kind == "too_short" and loc[-1:] == ("clients",):
        msg = "must list at least one client"
    elif kind in ("model_type", "dict_type"):
        msg = "must be a mapping of keys to values"
    elif kind == "list_type":
        msg = "must be a list (YAML: one '- item' per line, or [a, b])"
    # Never echo the offending value: it may be a secret someone pasted in the wrong place.
    return f"{_path(loc)}: {msg}"


def parse_config(data: Any, source: str = "<config>") -> Config:
    """Validate an already-parsed YAML document."""
    if not isinstance(data, Mapping):
        raise ConfigError(source, ["the file must be a YAML mapping with agency: and clients:"])
    problems = _duplicate_slugs(data.get("clients"))
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(source, [_describe(e) for e in exc.errors()] + problems) from None
    if problems:
        raise ConfigError(source, problems)
    return config


def _duplicate_slugs(clients: Any) -> list[str]:
    """Checked on the raw data so it is reported together with every other problem."""
    if not isinstance(clients, list):
        return []
    first: dict[str, int] = {}
    out = []
    for i, c in enumerate(clients):
        slug = c.get("slug") if isinstance(c, Mapping) else None
        if not isinstance(slug, str):
            continue
        if slug in first:
            out.append(f"clients[{i}].slug: {shown(slug)} is already used by "
                       f"clients[{first[slug]}]; slugs must be unique")
        else:
            first[slug] = i
    return out


# Bounds on what a config file may cost to read. 2 MiB holds well over 5,000 clients; the
# expanded size counts a YAML alias once per use (an "alias bomb" of a few lines expands to
# billions of values), and real configs nest about 6 levels deep.
MAX_CONFIG_BYTES = 2 * 1024 * 1024
MAX_CONFIG_VALUES = 500_000
MAX_CONFIG_DEPTH = 32
# libyaml's parser when PyYAML was built with it (about 5x faster; it also caps nesting).
_YamlLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_config_text(p: Path) -> str:
    """The file's text: refused by size before it is read whole, and when not UTF-8."""
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(str(p), ["file not found; copy config.example.yaml and edit it"]
                          ) from None
    except OSError as exc:
        raise ConfigError(str(p), [f"cannot read the file ({exc.strerror})"]) from None
    if len(data) > MAX_CONFIG_BYTES:
        raise ConfigError(str(p), [f"the file is larger than {MAX_CONFIG_BYTES // 1024 // 1024} "
                                   "MB, the limit for a config; is it the right file?"])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ConfigError(str(p), [f"line {line}: not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                                   "save the file as UTF-8"]) from None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_bounds(root: yaml.Node) -> str | None:
    """Why the document is too big, too deep or self-referring once aliases are expanded
    (None when it is not), measured on the node graph without expanding it."""
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:  # depth-first, iterative: no recursion limit to hit
        node, finished = stack.pop()
        key = id(node)
        if finished:
            kids = _children(node)
            size[key] = min(MAX_CONFIG_VALUES + 1, 1 + sum(size[id(k)] for k in kids))
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            open_nodes.discard(key)
            if size[key] > MAX_CONFIG_VALUES:
                return (f"the document expands to more than {MAX_CONFIG_VALUES:,} values "
                        "(YAML aliases repeat what they refer to); write the config out "
                        "without nested aliases")
            if depth[key] > MAX_CONFIG_DEPTH:
                return (f"values are nested more than {MAX_CONFIG_DEPTH} levels deep; "
                        "a config needs about 6")
            continue
        if key in size:
            continue
        if key in open_nodes:
            return "a YAML alias refers to a value that contains it; remove the loop"
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((k, False) for k in _children(node) if id(k) not in size)
    return None


def _parse_yaml(text: str, source: str) -> Any:
    """The YAML document, through the safe loader (no Python tags), within the bounds."""
    loader = _YamlLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        problem = _check_bounds(node)
        if problem:
            raise ConfigError(source, [problem])
        return loader.construct_document(node)
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, …)
        line = text[:exc.position].count("\n") + 1
        raise ConfigError(source, [f"line {line}: the character 0x{exc.character:02x} is not "
                                   "allowed in YAML; remove it"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        if "constructor for the tag" in problem:
            raise ConfigError(source, [f"{where}a YAML tag such as !!python/object is not "
                                       "allowed in the config (plain values, lists and "
                                       "mappings only); remove it"]) from None
        raise ConfigError(source, [f"{where}{problem}; fix the YAML syntax"]) from None
    except RecursionError:
        raise ConfigError(source, [f"values are nested more than {MAX_CONFIG_DEPTH} levels "
                                   "deep; a config needs about 6"]) from None
    finally:
        loader.dispose()


def _register_named_secrets(data: Any, env: Mapping[str, str]) -> None:
    """Mask the values of the environment variables the document names (``*_env`` keys,
    and the default token variable) before it is validated: a token pasted into another
    key of the same file is then never repeated by an error message."""
    names = {GraphConfig.model_fields["token_env"].default}
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            for key, value in item.items():
                if str(key).endswith("_env") and isinstance(value, str):
                    names.add(value.strip())
                elif isinstance(value, (Mapping, list)):
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (Mapping, list)))
    for name in names:
        register_secret(env.get(name, "").strip() or None)


def load_config(path: Path | str, env: Mapping[str, str] | None = None) -> Config:
    """Read and validate a config file; raise ConfigError with every problem found.

    Bounded in time and memory whatever the file holds: larger than
    :data:`MAX_CONFIG_BYTES`, not UTF-8, aliases expanding past :data:`MAX_CONFIG_VALUES`,
    nesting past :data:`MAX_CONFIG_DEPTH` or Python tags are each one clear error. The
    tokens the file names in ``env`` (default: the process environment) are masked from
    here on, in its error messages too.
    """
    p = Path(path)
    data = _parse_yaml(_read_config_text(p), str(p))
    _register_named_secrets(data, os.environ if env is None else env)
    return parse_config(data, str(p)).relative_to(p.parent)
