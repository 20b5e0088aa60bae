"""Full Graph representations of world objects; ``fieldsel.select`` then trims them.

Values follow Graph conventions: ids and money as strings, times as
``YYYY-MM-DDTHH:MM:SS+0000``, nested nodes as objects (``owner_business {id, name}``).
"""

from __future__ import annotations

import json
from typing import Any

from ..world.model import (
    AdAccount,
    AdSet,
    Business,
    Campaign,
    CustomConversion,
    Domain,
    Pixel,
    ReportRun,
    Rule,
    Token,
    World,
)
from ..world.timeutil import graph_time


def business_ref(world: World, business_id: str | None) -> dict[str, Any] | None:
    """``{"id", "name"}`` of a business (or ``None``)."""
    if business_id is None:
        return None
    business = world.businesses.get(business_id)
    return business_dict(business) if business else {"id": business_id}


def business_dict(business: Business) -> dict[str, Any]:
    """A ``Business`` node."""
    out: dict[str, Any] = {"id": business.id, "name": business.name}
    for key, value in business.fields.items():
        out[key] = graph_time(value) if hasattr(value, "tzinfo") else value
    out.setdefault("verification_status", "not_verified")
    out.setdefault("link", f"https://business.facebook.com/settings/info?business_id={business.id}")
    return out


def pixel_last_fired(pixel: Pixel) -> Any:
    """Explicit ``last_fired`` or the latest event fire."""
    if pixel.last_fired is not None:
        return pixel.last_fired
    moments = [m for e in pixel.events.values() for m in (e.last_fired, e.server_last_fired) if m]
    return max(moments) if moments else None


def pixel_dict(world: World, pixel: Pixel) -> dict[str, Any]:
    """An ``AdsPixel`` node."""
    out: dict[str, Any] = {"id": pixel.id, "name": pixel.name, "is_unavailable": False,
                           "owner_business": business_ref(world, pixel.owner_business),
                           "code": _pixel_code(pixel.id)}
    out.update(pixel.fields)
    fired = pixel_last_fired(pixel)
    if fired is not None:
        out["last_fired_time"] = graph_time(fired)
    return out


def _pixel_code(pixel_id: str) -> str:
    return ("<!-- Meta Pixel Code --><script>!function(f,b,e,v,n,t,s){/* sandbox */}"
            f"(window,document,'script');fbq('init', '{pixel_id}');fbq('track', 'PageView');"
            "</script><!-- End Meta Pixel Code -->")


def account_dict(world: World, account: AdAccount) -> dict[str, Any]:
    """An ``AdAccount`` node."""
    out: dict[str, Any] = {"id": account.id, "name": account.name,
                           "is_attribution_spec_system_default": True}
    out.update(account.fields)
    if account.owner_business:
        out["business"] = business_ref(world, account.owner_business)
    return out


def campaign_dict(campaign: Campaign) -> dict[str, Any]:
    """A ``Campaign`` node."""
    return {"id": campaign.id, "name": campaign.name, **campaign.fields}


def adset_dict(world: World, adset: AdSet) -> dict[str, Any]:
    """An ``AdSet`` node (``campaign`` nested)."""
    out = {"id": adset.id, "name": adset.name, **adset.fields}
    out["campaign"] = campaign_dict(world.campaigns[adset.campaign_id])
    return out


def _spec(rule: Rule, key: str, value: dict[str, Any] | None, suffix: int) -> Any:
    """A rule spec as read: with its own ``id`` (``AdRuleEvaluationSpec`` and
    ``AdRuleExecutionSpec`` have one in the SDK; an update must not send it back), as JSON
    text for the rules whose world gives it so."""
    if value is None:
        return None
    out = {"id": str(int(rule.id) * 10 + suffix), **value} if suffix else dict(value)
    return json.dumps(out, separators=(",", ":")) if key in rule.text_specs else out


def rule_dict(rule: Rule) -> dict[str, Any]:
    """An ``AdRule`` node."""
    return {"id": rule.id, "account_id": rule.account_id[4:], "name": rule.name,
            "status": rule.status,
            "evaluation_spec": _spec(rule, "evaluation_spec", rule.evaluation_spec, 1),
            "execution_spec": _spec(rule, "execution_spec", rule.execution_spec, 2),
            "schedule_spec": _spec(rule, "schedule_spec", rule.schedule_spec, 0),
            "created_time": graph_time(rule.created_time) if rule.created_time else None,
            "updated_time": graph_time(rule.updated_time) if rule.updated_time else None,
            "created_by": rule.created_by}


def custom_conversion_dict(cc: CustomConversion) -> dict[str, Any]:
    """A ``CustomConversion`` node."""
    return {"id": cc.id, "name": cc.name, **cc.fields}


def domain_dict(world: World, domain: Domain) -> dict[str, Any]:
    """An ``OwnedDomain`` node."""
    return {"id": domain.id, "domain_name": domain.domain_name, "status": domain.status,
            "verification_code": domain.verification_code,
            "owner_business": business_ref(world, domain.owner_business)}


def user_dict(token: Token) -> dict[str, Any]:
    """The token's ``User`` (``/me``)."""
    return {"id": token.user_id, "name": token.user_name}


def report_dict(run: ReportRun, status: str, percent: int) -> dict[str, Any]:
    """An ``AdReportRun`` node."""
    out: dict[str, Any] = {
        "id": run.id, "account_id": run.account_id[4:], "async_status": status,
        "async_percent_completion": percent, "date_start": run.date_start,
        "date_stop": run.date_stop, "time_ref": int(run.created.timestamp()),
        "is_running": status in ("Job Not Started", "Job Started", "Job Running"),
    }
    if status == "Job Completed":
        out["time_completed"] = int(run.created.timestamp()) + 5
    if status == "Job Failed":
        out["error_code"] = 2601
        out["error_message"] = "Error accessing adreport job."
    return out
