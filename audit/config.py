"""Config file (YAML) → validated models.

Every error names the key path and the fix, for example
``clients[1].ad_accounts[0]: "123" must look like act_<digits>``. Access tokens are never
read from the file: the config names the environment variables that hold them.
"""

from __future__ import annotations

import difflib
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

DEFAULT_API_VERSION = "v26.0"
AemMode = Literal["legacy", "relaxed", "auto"]

_TOKEN_KEYS = {"access_token", "token", "app_secret", "appsecret_proof", "secret"}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


class ConfigError(AuditError):
    """The config file is missing, unreadable or invalid; ``problems`` lists each issue."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        if len(problems) == 1:
            super().__init__(f"{source}: {problems[0]}")
        else:
            lines = "\n".join(f"  - {p}" for p in problems)
            super().__init__(f"{source}: {len(problems)} problems in the config:\n{lines}")


def _digits_id(what: str, example: str) -> Any:
    def check(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise ValueError(f"must be a {what} (digits, quoted), e.g. \"{example}\"")
        text = str(value).strip()
        if not text.isdigit():
            raise ValueError(f"{value!r} must be a {what} made of digits, e.g. \"{example}\"")
        return text

    return BeforeValidator(check)


def _ad_account(value: Any) -> str:
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    if isinstance(value, bool) or not re.fullmatch(r"act_\d+", text):
        shown = f'"{value}"' if isinstance(value, str) else repr(value)
        raise ValueError(f"{shown} must look like act_<digits> (e.g. act_1234567890)")
    return text


def _domain(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} must be a domain name such as shop.example.com")
    text = value.strip().lower().rstrip(".")
    if "/" in text or ":" in text or not _DOMAIN.match(text):
        raise ValueError(
            f'"{value}" must be a bare domain name such as example.co.uk (no scheme, port or path)'
        )
    return text


def _env_name(value: str) -> str:
    if not _ENV_NAME.match(value):
        # Never echo the value: someone may have pasted a token here.
        raise ValueError(
            "must be the NAME of an environment variable (letters, digits, _), "
            "not a token; put the token in that variable"
        )
    return value


BusinessId = Annotated[str, _digits_id("business id", "1234567890")]
PixelId = Annotated[str, _digits_id("pixel id", "1122334455667788")]
AdAccountId = Annotated[str, BeforeValidator(_ad_account)]
Domain = Annotated[str, BeforeValidator(_domain)]
EnvName = Annotated[str, AfterValidator(_env_name)]


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
        if not re.fullmatch(r"https?://[^/\s?#]+", value.rstrip("/")):
            raise ValueError(
                f'"{value}" must be a scheme and host only, e.g. https://graph.facebook.com '
                "or http://127.0.0.1:8765 (no version, no path)"
            )
        return value.rstrip("/")

    @field_validator("api_version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not re.fullmatch(r"v\d+\.\d+", value):
            raise ValueError(f'"{value}" must look like v26.0 (a "v", major, dot, minor)')
        return value


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

    @field_validator("logo")
    @classmethod
    def _logo(cls, value: Path | None) -> Path | None:
        if value is not None and value.suffix.lower() not in (".png", ".jpg", ".jpeg", ".svg",
                                                               ".gif", ".webp"):
            raise ValueError(f'"{value}" must be an image file (.png, .jpg, .svg, .gif, .webp)')
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


RuleWindow = Literal["ACCOUNT_DEFAULT", "7D_CLICK", "1D_VIEW_7D_CLICK", "1D_CLICK",
                    "1D_VIEW_1D_CLICK"]


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

    @field_validator("ad_accounts", "pixels", "domains")
    @classmethod
    def _unique(cls, values: list[str]) -> list[str]:
        seen: set[str] = set()
        for v in values:
            if v in seen:
                raise ValueError(f'"{v}" is listed twice; remove the duplicate')
            seen.add(v)
        return values


class Config(_Strict):
    """The whole config file."""

    agency: AgencyConfig
    graph: GraphConfig = Field(default_factory=GraphConfig)
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
            out.append(f'clients[{i}].slug: "{slug}" is already used by clients[{first[slug]}]; '
                       "slugs must be unique")
        else:
            first[slug] = i
    return out


def load_config(path: Path | str) -> Config:
    """Read and validate a config file; raise ConfigError with every problem found."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(str(p), ["file not found; copy config.example.yaml and edit it"]
                          ) from None
    except OSError as exc:
        raise ConfigError(str(p), [f"cannot read the file ({exc.strerror})"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(str(p), [f"{where}{problem}; fix the YAML syntax"]) from None
    return parse_config(data, str(p)).relative_to(p.parent)
