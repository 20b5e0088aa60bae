"""Access preflight: is the token valid, long-lived enough, permitted, and able to see the client.

These run even when a client could not be audited, so the reason shows at the top of the
report.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from audit.evaluate.checks.registry import CheckContext, check
from audit.evaluate.checks.remedies import SETTINGS_URL
from audit.facts.view import parse_time, str_list, to_float, to_str
from audit.graph.errors import UNANSWERED_KINDS
from audit.graph.reads import debug_token_data
from audit.models import Actor, Finding, Resource, Severity


def _token_resource(ctx: CheckContext) -> Resource:
    var = ctx.view.client.token_env or "the token variable"
    return Resource("token", var, f"access token in ${var}")


def _iso(timestamp: float | None) -> str | None:
    when = parse_time(timestamp) if timestamp else None
    return when.isoformat() if when else None


# Meta's system-user tokens are either non-expiring or "expiring access tokens", valid for 60
# days and refreshed before they expire; an expired one cannot be refreshed, only replaced.
# https://developers.facebook.com/docs/marketing-api/system-users/install-apps-and-generate-tokens
REFRESH_DOC = ("https://developers.facebook.com/docs/marketing-api/system-users/"
               "install-apps-and-generate-tokens")
REFRESH_CALL = ("GET /oauth/access_token with grant_type fb_exchange_token, "
                "set_token_expires_in_60_days true, fb_exchange_token (the current, still valid "
                "token) and the app's client_id and client_secret; the answer is a new token, "
                "valid 60 days")
SIXTY_DAYS = 60.0
LIFETIME_SLACK_DAYS = 3.0


def _expiry(value: float | None) -> str | None:
    """A debug_token expiry for evidence: ``expires_at: 0`` means it never expires."""
    if value is None:
        return None
    return "never" if value == 0 else _iso(value)


def sixty_day_system_user(data: Mapping[str, Any]) -> bool:
    """A system-user token issued to expire after about 60 days (Meta's expiring kind)."""
    if str(data.get("type") or "").upper() != "SYSTEM_USER":
        return False
    issued, expires = to_float(data.get("issued_at")), to_float(data.get("expires_at"))
    if not issued or not expires:
        return False
    return abs((expires - issued) / 86400 - SIXTY_DAYS) <= LIFETIME_SLACK_DAYS


def _refresh(ctx: CheckContext) -> str:
    var = ctx.view.client.token_env or "the configured token variable"
    return (f"For {ctx.view.agency_name}'s Business Manager admin (or whoever runs the audit): "
            "refresh the token before it expires. Meta exchanges a still-valid 60-day "
            "system-user token for a new one valid another 60 days, using the app's ID and "
            f"secret; store the new token in the environment variable {var} where the audit "
            "runs. A token that has already expired cannot be refreshed: generate a new one in "
            f"Business Settings ({SETTINGS_URL}) → Users → System users → Generate new token.")


def _renew(ctx: CheckContext) -> str:
    var = ctx.view.client.token_env or "the configured token variable"
    return (f"In {ctx.view.agency_name}'s Business Settings ({SETTINGS_URL}): Users → System "
            "users → select the audit system user → Generate new token → choose the app, "
            "tick ads_read, ads_management and business_management → Generate; then store it "
            f"in the environment variable {var} where the audit runs.")


@check(
    "token_access_valid",
    title="The access token is valid and not about to expire",
    severity=Severity.CRITICAL,
    area="token",
    actor=Actor.AGENCY,
    # Not a need: when the client could not be audited this check reports why.
    uses=("token/debug",),
    params={"warn_days": 14},
    platform_changes=("token-expiry", "system-user-60d"),
    when_not_audited=True,
)
def token_valid(ctx: CheckContext) -> Iterator[Finding]:
    """A periodic audit that runs on an expired token silently stops: system-user tokens
    are now often issued to expire after 60 days and must be refreshed before they do, so
    the audit checks expiry up front and warns while there is still time. A token whose
    expiry Meta reports as 0 never expires."""
    res = _token_resource(ctx)
    debug = ctx.view.get("token/debug")
    reason = ctx.view.snap.not_audited
    if debug is None or (debug.error and not debug.partial):
        # A read the API did not answer says nothing about the token: no advice to renew.
        unanswered = debug is not None and debug.error_kind in UNANSWERED_KINDS
        if reason and not unanswered:
            yield ctx.failed(res, f"The client could not be audited: {reason}",
                             evidence={"reason": reason}, remediation=_renew(ctx))
        else:
            kind = debug.error_kind if debug else "unread"
            yield ctx.skipped(res, f"Token details could not be read ({kind}); expiry unknown.",
                              evidence={"reason": reason} if reason else None)
        return
    data = debug_token_data(debug)
    now = ctx.view.now
    expires = to_float(data.get("expires_at"))
    data_expires = to_float(data.get("data_access_expires_at"))
    sixty = sixty_day_system_user(data)
    evidence: dict[str, object] = {
        "is_valid": data.get("is_valid"), "type": to_str(data.get("type")),
        "expires_at": _expiry(expires),
        "data_access_expires_at": _expiry(data_expires),
        "issued_at": _iso(to_float(data.get("issued_at"))),
        "sixty_day_system_user_token": sixty,
    }
    if sixty:
        evidence |= {"refresh": REFRESH_CALL, "refresh_doc": REFRESH_DOC}
    fix = _refresh(ctx) if sixty else _renew(ctx)
    if data.get("is_valid") is False:
        err = data.get("error")
        detail = to_str(err.get("message")) if isinstance(err, dict) else None
        yield ctx.failed(res, "The access token is not valid" + (f": {detail}" if detail else "."),
                         evidence=evidence, remediation=_renew(ctx))
        return
    refused = _refused_mid_run(ctx)
    if refused:
        yield ctx.failed(res, f"Meta refused the access token during the audit ({len(refused)} "
                         "read(s) failed), although it reported the token valid at the start; "
                         "what could not be read is missing from this report.",
                         evidence={**evidence, "refused_reads": refused},
                         remediation=_renew(ctx))
        return
    warn_days = float(ctx.params["warn_days"])
    # 0 (or nothing) means "never": only real timestamps count towards the soonest expiry
    soonest = [t for t in (expires, data_expires) if t]
    if not soonest:
        yield ctx.passed(res, "The access token is valid and never expires.",
                         evidence=evidence)
        return
    when = parse_time(min(soonest))
    if when is None:
        yield ctx.skipped(res, "The token's expiry could not be read.", evidence=evidence)
        return
    days = (when - now).total_seconds() / 86400
    evidence["days_left"] = round(days, 1)
    kind = " (a system-user token that expires every 60 days)" if sixty else ""
    if days <= 0:
        yield ctx.failed(res, f"The access token{kind} expired on {when:%Y-%m-%d}.",
                         evidence=evidence, remediation=_renew(ctx))
    elif days < warn_days:
        step = "refresh" if sixty else "renew"
        yield ctx.warned(res, f"The access token{kind} expires in {days:.0f} day(s), on "
                         f"{when:%Y-%m-%d}: {step} it before the next scheduled run.",
                         evidence=evidence, remediation=fix)
    else:
        later = " It is a 60-day system-user token: refresh it before then." if sixty else ""
        yield ctx.passed(res, f"The access token is valid until {when:%Y-%m-%d} "
                         f"({days:.0f} days).{later}", evidence=evidence)


def _refused_mid_run(ctx: CheckContext) -> list[dict[str, Any]]:
    """Reads refused for the token itself (error 190 and kin) after debug_token said it
    was valid: revoked, expired or invalidated while the audit ran."""
    return [{"endpoint": r.endpoint, "code": r.error_code,
             "message": str((r.error or {}).get("message", ""))}
            for key, r in sorted(ctx.view.snap.endpoints.items())
            if r.error_kind == "auth" and not key.startswith("token/")]


@check(
    "token_permissions_granted",
    title="The token holds the permissions the audit needs",
    severity=Severity.HIGH,
    area="token",
    actor=Actor.AGENCY,
    uses=("token/permissions", "token/debug"),  # either one lists the granted scopes
    params={"required": ["business_management"], "any_of": ["ads_read", "ads_management"]},
    when_not_audited=True,
)
def token_permissions(ctx: CheckContext) -> Iterator[Finding]:
    """Business assets (pixels, domains, partners) need business_management; ad sets,
    insights and rules need ads_read or ads_management. A token missing one of them
    produces permission errors that look like missing data."""
    res = _token_resource(ctx)
    granted: set[str] | None = None
    perms = ctx.view.get("token/permissions")
    if perms is not None and (perms.succeeded or perms.partial):
        granted = {str(p.get("permission")) for p in perms.items()
                   if str(p.get("status", "granted")).lower() == "granted"}
    else:
        debug = ctx.view.get("token/debug")
        scopes = debug_token_data(debug).get("scopes") if debug is not None else None
        if debug is not None and debug.succeeded and isinstance(scopes, list):
            granted = set(str_list(scopes))
    if granted is None:
        yield ctx.skipped(res, "The token's permissions could not be read.")
        return
    required = [str(p) for p in ctx.params["required"]]
    any_of = [str(p) for p in ctx.params["any_of"]]
    missing = [p for p in required if p not in granted]
    if any_of and not any(p in granted for p in any_of):
        missing.append(" or ".join(any_of))
    evidence = {"granted": sorted(granted), "required": required, "any_of": any_of}
    if missing:
        yield ctx.failed(res, f"The token lacks {', '.join(missing)}.", evidence=evidence,
                         remediation=_renew(ctx))
    else:
        yield ctx.passed(res, "The token holds the permissions the audit needs.",
                         evidence=evidence)


@check(
    "token_business_visible",
    title="The token can read the client's business",
    severity=Severity.HIGH,
    area="token",
    actor=Actor.CLIENT_ADMIN,
    uses=("business",),  # a failed read is this check's finding, not a reason to skip
    when_not_audited=True,
)
def business_visible(ctx: CheckContext) -> Iterator[Finding]:
    """The client business is where its pixels, domains and partners live; if the
    agency's token cannot read it, the client has not (or no longer) shared assets with
    the agency, and most of the audit runs blind."""
    v = ctx.view
    res = Resource("business", v.business_id, v.client_name)
    node = v.get("business")
    if node is None:
        yield ctx.skipped(res, "The business was not read (the run stopped before).")
    elif node.error and not node.partial and node.error_kind in UNANSWERED_KINDS:
        # The API did not answer: whether the token can read the business is unknown.
        yield ctx.skipped(res, f"The business could not be read ({node.error_kind} error); "
                          "whether the token can see it is unknown.",
                          evidence={"error": dict(node.error)})
    elif node.error and not node.partial:
        yield ctx.failed(
            res, f"The token cannot read business {v.business_id} ({node.error_kind} error "
            f"{node.error_code}).", evidence={"error": dict(node.error)},
            remediation=(f"Ask {v.client_name} to add {v.agency_name} (business "
                         f"{v.agency_id}) as a partner in Business Settings → Users → "
                         "Partners, sharing the pixels and ad accounts, and check the "
                         "business id in the config."))
    else:
        name = to_str(node.obj().get("name"))
        yield ctx.passed(res, f"The token can read business {name or v.business_id}.",
                         evidence={"name": name})
