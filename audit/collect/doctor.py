"""``ios14-audit doctor``: one small read per endpoint family, each OK or refused and why.

What a user runs first against the real API, and what they paste into a bug report. Each
probe is a read the audit itself makes (same path, fields and parameters, from
``audit/graph/reads.py``), sent on its own and limited to its first page, so every family's
answer stands alone: token (debug and permissions), business, pixels, pixel partner edges,
pixel stats, Dataset Quality, ad accounts, ad sets, insights and automated rules.

Statuses: ``OK``; ``refused`` (Meta answered with an error: its code, what it means, the
fix); ``missing`` (the read worked but shows a gap: an invalid token, a permission not
granted); ``skipped`` (nothing to probe with, e.g. no pixel found).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from audit.collect.collector import renew_token_hint
from audit.config import ClientConfig, Config
from audit.graph import reads
from audit.graph.client import Read
from audit.graph.drift import refused_fields
from audit.graph.errors import GraphError
from audit.graph.result import Fetched
from audit.graph.transport import GraphTransport

OK, REFUSED, MISSING, SKIPPED = "OK", "refused", "missing", "skipped"
PAGE = 5  # items asked for on an edge probe: enough to show it answers
NEEDED_SCOPES = ("ads_read", "ads_management", "business_management")
INVALID_TOKEN = "the access token is not valid"
SETTINGS = "Business Settings (https://business.facebook.com/settings)"


@dataclass
class Probe:
    """The outcome of one probe."""

    family: str
    endpoint: str
    status: str
    code: int | None = None
    subcode: int | None = None
    meaning: str = ""
    fix: str = ""
    detail: str = ""  # Meta's message (refused) or what came back (OK)
    kind: str = ""  # the refusal's kind (auth, permission, throttled …) or the gap
    token_problem: bool = False  # the token itself is unusable

    def to_dict(self) -> dict[str, Any]:
        """JSON form for ``doctor --json``."""
        return {"family": self.family, "endpoint": self.endpoint, "status": self.status,
                "kind": self.kind or None, "code": self.code, "subcode": self.subcode,
                "meaning": self.meaning, "fix": self.fix, "detail": self.detail}


@dataclass
class Diagnosis:
    """Every probe for one client."""

    client: str
    probes: list[Probe] = field(default_factory=list)

    @property
    def token_refused(self) -> bool:
        """True when the token itself is unusable (the client cannot be audited at all)."""
        return any(p.token_problem for p in self.probes)

    def to_dict(self) -> dict[str, Any]:
        """JSON form for ``doctor --json``."""
        return {"client": self.client, "token_refused": self.token_refused,
                "probes": [p.to_dict() for p in self.probes]}


def _access_fix(family: str, agency: str) -> str:
    """Where to give the audit's system user access to this kind of asset."""
    where = {
        "business": f"the client's {SETTINGS} → Users → Partners → add {agency} as a partner "
                    "and share the assets with it",
        "pixels": f"{SETTINGS} → Data sources → Datasets (pixels) → select the pixel → "
                  "Assign people → the audit system user (or share the pixel with the agency)",
        "partner edges": f"{SETTINGS} → Data sources → Datasets → select the pixel → Partners: "
                         "the business_management permission is needed to read them",
        "ad accounts": f"{SETTINGS} → Accounts → Ad accounts → select the account → "
                       "Assign people → the audit system user",
    }
    family_key = "pixels" if family in ("stats", "dataset quality") else family
    if family_key in ("ad sets", "insights", "rules"):
        family_key = "ad accounts"
    return where.get(family_key, f"{SETTINGS} → Users → System users → the audit system user "
                                 "→ Assign assets")


def explain(error: GraphError, family: str, token_env: str | None, agency: str
            ) -> tuple[str, str]:
    """What a refusal means and how to fix it, by error kind and code (never message text)."""
    kind = error.kind
    if kind == "auth":
        return ("the access token is invalid or expired", renew_token_hint(token_env))
    if kind == "permission":
        return ("the token may not read this: a permission is missing or the system user "
                "has no access to the asset", _access_fix(family, agency))
    if kind == "throttled":
        return ("Meta is rate-limiting this app, account or business",
                "wait (the audit retries and pauses by itself), or lower graph.concurrency")
    if kind in ("transient", "network"):
        return ("Meta's API or the network failed for a moment", "run doctor again")
    if kind == "not_found":
        return ("the id does not exist or this token cannot see it",
                "check the id in the config against Business Settings")
    if kind == "too_much_data":
        return ("too much data for a synchronous answer",
                "nothing: the audit switches to an asynchronous report run by itself")
    if kind == "invalid_response":
        return ("the answer was not a Graph API answer",
                "check graph.base_url and any proxy between here and graph.facebook.com")
    gone = refused_fields(error.to_dict())
    if gone:
        return (f"this API version has no field {', '.join(gone)}",
                "nothing urgent: the audit reads the rest without it and reports what was "
                "lost; update ios14-audit")
    if kind == "unsupported":
        return ("Meta refused the request as invalid (an edge or parameter this API version "
                "does not have)", "update ios14-audit; if it persists, report it with this "
                "output and a --trace file")
    return ("Meta answered with an unexpected error",
            "run again with --trace FILE and report it with this output")


def first_page(transport: GraphTransport, read: Read, size: int = PAGE) -> Any:
    """The read's node, or the first ``size`` items of its edge (never every page)."""
    if not read.edge:
        return transport.get(read.node, read.fields, read.params)
    items = transport.edge(read.node, read.edge, read.fields, read.params, page_size=size)
    return list(itertools.islice(items, size))


class Doctor:
    """Runs the probes for one client through one Graph connection."""

    def __init__(self, config: Config, client: ClientConfig, transport: GraphTransport,
                 token: str, now: datetime) -> None:
        self.config = config
        self.client = client
        self.t = transport
        self.token = token
        self.now = now
        self.token_env = config.token_env_for(client)
        self.result = Diagnosis(client.slug)

    def probe(self, family: str, read: Read,
              check: Callable[[Any], tuple[str, str, str]] | None = None,
              size: int = PAGE) -> Any:
        """Run one read; record OK (or what ``check`` finds in the answer) or the refusal."""
        try:
            data = first_page(self.t, read, size)
        except GraphError as exc:
            meaning, fix = explain(exc, family, self.token_env, self.config.agency.name)
            self.result.probes.append(Probe(family, read.endpoint, REFUSED, exc.code,
                                            exc.subcode, meaning, fix, exc.message, exc.kind,
                                            token_problem=exc.kind == "auth"))
            return None
        status, meaning, fix = check(data) if check else (OK, "", "")
        count = f"{len(data)} item{'' if len(data) == 1 else 's'}" if isinstance(data, list) \
            else ""
        invalid = meaning.startswith(INVALID_TOKEN)
        gap = "" if status == OK else "token invalid" if invalid else "scopes"
        self.result.probes.append(Probe(family, read.endpoint, status, meaning=meaning,
                                        fix=fix, detail=count, kind=gap,
                                        token_problem=invalid))
        return data

    def skip(self, family: str, why: str) -> None:
        """Record a family that could not be probed."""
        self.result.probes.append(Probe(family, "", SKIPPED, meaning=why))

    def _token_valid(self, data: Any) -> tuple[str, str, str]:
        inner = reads.debug_token_data(Fetched.ok("GET /debug_token", data))
        if inner.get("is_valid") is False:
            err = inner.get("error")
            why = err.get("message") if isinstance(err, dict) else None
            return (MISSING, INVALID_TOKEN + (f" ({why})" if why else ""),
                    renew_token_hint(self.token_env))
        return OK, "", ""

    def _scopes(self, data: Any) -> tuple[str, str, str]:
        granted = {str(r.get("permission")) for r in data if isinstance(r, dict)
                   and r.get("status") == "granted"} if isinstance(data, list) else set()
        missing = [s for s in NEEDED_SCOPES if s not in granted]
        if missing:
            return (MISSING, f"the token lacks {', '.join(missing)}",
                    renew_token_hint(self.token_env))
        return OK, "", ""

    def run(self) -> Diagnosis:
        """Every probe, in the order the audit reads."""
        c = self.client
        agency = str(self.config.agency.business_id)
        self.probe("token", reads.token_debug(self.token), self._token_valid)
        self.probe("token", reads.token_permissions(), self._scopes, size=100)
        if self.result.token_refused:
            for family in ("business", "pixels", "partner edges", "stats", "dataset quality",
                           "ad accounts", "ad sets", "insights", "rules"):
                self.skip(family, "token refused")
            return self.result
        self.probe("business", reads.business(c.business_id))
        owned = self.probe("pixels", reads.owned_pixels(c.business_id))
        pixel = next(iter(c.pixels), None) or next(
            (str(p["id"]) for p in owned or [] if isinstance(p, dict) and "id" in p), None)
        if pixel is None:
            for family in ("partner edges", "stats", "dataset quality"):
                self.skip(family, "no pixel in the config or owned by the business")
        else:
            self.probe("partner edges", reads.pixel_agencies(pixel))
            self.probe("partner edges", reads.pixel_assigned_users(pixel, agency))
            start, end = reads.stats_window(self.now)
            self.probe("stats", reads.pixel_stats(pixel, "event", start, end))
            self.probe("dataset quality", reads.dataset_quality(pixel))
        account = next(iter(c.ad_accounts), None)
        if account is None:
            for family in ("ad accounts", "ad sets", "insights", "rules"):
                self.skip(family, "no ad account in the config")
        else:
            self.probe("ad accounts", reads.ad_account(account))
            self.probe("ad sets", reads.adsets(account))
            preset = self.config.windows.date_preset
            self.probe("insights", reads.insights(account, "campaign", preset))
            self.probe("rules", reads.ad_rules(account))
        return self.result


def no_token(client: ClientConfig, token_env: str | None) -> Diagnosis:
    """The diagnosis when the client's token variable is not set."""
    return Diagnosis(client.slug, [Probe(
        "token", "", MISSING, meaning=f"the environment variable {token_env} is not set",
        fix=f"export {token_env}=<the system user's token> (see README, 'Using it with a "
            "real agency')", kind="no token", token_problem=True)])


def diagnose(config: Config, client: ClientConfig, transport: GraphTransport, token: str,
             now: datetime) -> Diagnosis:
    """Probe every endpoint family for ``client``."""
    return Doctor(config, client, transport, token, now).run()

