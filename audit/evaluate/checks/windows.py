"""Attribution windows: the projected drop from 28-day to 7-day click, ad-set attribution
settings, and iOS 14 app-install campaigns on SKAdNetwork."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from audit.evaluate.checks.registry import CheckContext, check
from audit.facts.view import str_list, to_float, to_str
from audit.models import Actor, Finding, Resource, Severity

SUPPORTED = {"1d_click", "7d_click", "1d_view", "1d_ev"}
# Meta's default ad-set attribution today: 7-day click + 1-day view + 1-day engaged view
# (ENGAGED_VIDEO_VIEW, window 1 in attribution_spec; 1d_ev in insights), reported since the
# March 2026 click redefinition. https://www.facebook.com/business/help/460276478298895
META_DEFAULT = ["1d_ev", "1d_view", "7d_click"]
# Meta's default from 2021 until the engaged-view window joined it.
OLD_META_DEFAULT = ["1d_view", "7d_click"]
APP_OBJECTIVES = {"APP_INSTALLS", "OUTCOME_APP_PROMOTION", "MOBILE_APP_INSTALLS"}
WINDOW_WORDS = {"1d_click": "1-day click", "7d_click": "7-day click", "28d_click": "28-day click",
                "1d_view": "1-day view", "7d_view": "7-day view", "28d_view": "28-day view",
                "1d_ev": "1-day engaged view"}
_ORDER = ("click", "view", "ev")


def in_words(tokens: list[str]) -> str:
    """``["1d_view", "7d_click"]`` → ``7-day click + 1-day view`` (click, view, engaged)."""
    def key(token: str) -> tuple[int, str]:
        kind = token.split("_", 1)[-1]
        return (_ORDER.index(kind) if kind in _ORDER else len(_ORDER), token)
    return " + ".join(WINDOW_WORDS.get(t, t) for t in sorted(tokens, key=key))


def spec_tokens(spec: Any) -> list[str] | None:
    """``[{event_type, window_days}]`` → ``["7d_click", "1d_view"]``; None if absent."""
    if not isinstance(spec, list):
        return None
    kinds = {"CLICK_THROUGH": "click", "VIEW_THROUGH": "view", "ENGAGED_VIDEO_VIEW": "ev"}
    out = []
    for item in spec:
        if not isinstance(item, Mapping):
            continue
        kind = kinds.get(str(item.get("event_type", "")).upper())
        days = to_float(item.get("window_days"))
        if kind and days is not None:
            out.append(f"{int(days)}d_{kind}")
    return sorted(out)


@check(
    "windows_conversions_drop",
    title="Reported conversions hold up when moving from 28-day to 7-day click",
    severity=Severity.MEDIUM,
    area="windows",
    actor=Actor.AGENCY,
    # Account totals fall back to the ad-set level insights.
    uses=("adaccount/*/insights/campaign",),
    params={"warn_drop_percent": 20.0, "min_conversions": 10.0},
    platform_changes=("attr-2021", "unified-attr", "view-windows-gone", "click-link-only"),
)
def conversions_drop(ctx: CheckContext) -> Iterator[Finding]:
    """Clients compare this month's results with last year's. When the reporting window
    shrinks from 28-day click + 1-day view to 7-day click + 1-day view, conversions with a
    long purchase cycle stop being counted: the drop is a change of ruler, not of
    performance, and the client should hear it from the agency first."""
    result = ctx.analysis.windows
    threshold = float(ctx.params["warn_drop_percent"]) / 100.0
    minimum = float(ctx.params["min_conversions"])
    for total in result.account_totals:
        m = total.metrics()
        res = Resource("account_event", f"{total.account}:{total.action_type}", total.label)
        old = m["old_default"]
        evidence = {"conversions": dict(total.figures.counts), "spend": total.spend, **m,
                    "period": f"{result.date_start} to {result.date_stop}",
                    "like_for_like": result.like_for_like, "breaks": list(result.breaks)}
        if total.inconsistent:
            yield ctx.skipped(res, f"{total.label} in {total.account}: the figures Meta "
                              "returned do not add up (a shorter attribution window shows "
                              "more conversions than a longer one), so the change is not "
                              "projected.",
                              evidence={**evidence, "inconsistent": list(total.inconsistent)})
            continue
        if old == 0:
            yield ctx.skipped(res, f"{total.label} in {total.account}: no conversions under "
                              "28-day click + 1-day view in the period, so there is nothing "
                              "to compare.", evidence=evidence)
            continue
        if old is None or m["change"] is None:
            missing = [w for w in ("28d_click", "7d_click", "1d_view")
                       if total.figures.counts.get(w) is None]
            yield ctx.skipped(res, f"{total.label} in {total.account}: "
                              f"{', '.join(missing) or 'the needed windows'} unavailable, so "
                              "the change cannot be projected.", evidence=evidence)
            continue
        if old < minimum:
            continue
        change = m["change"]
        text = (f"{total.label} in {total.account}: {old:,.0f} conversions under 28-day click "
                f"+ 1-day view become {m['new_default']:,.0f} under 7-day click + 1-day view "
                f"({change:+.0%}).")
        if result.breaks:
            dates = " and ".join(b["date"] for b in result.breaks)
            text += (f" The period includes {dates}, when Meta changed how it counts "
                     "conversions, so this is not a like-for-like comparison.")
        if change <= -threshold:
            yield ctx.warned(res, text, evidence=evidence, remediation=(
                "Tell the client before their reports change; compare periods only on the "
                "same window (7-day click + 1-day view), and re-base targets and automated "
                "rule thresholds with the measured ratio (see the rules section)."))
        else:
            yield ctx.passed(res, text, evidence=evidence)


@check(
    "windows_adset_attribution_supported",
    title="Ad sets use a supported attribution setting matching the agency standard",
    severity=Severity.MEDIUM,
    area="windows",
    actor=Actor.AGENCY,
    needs=("adaccount/*/adsets",),
    params={"standard": list(META_DEFAULT)},
    platform_changes=("attr-2021", "click-link-only"),
)
def adset_attribution(ctx: CheckContext) -> Iterator[Finding]:
    """28-day click, 28-day view and 7-day view are no longer selectable; ad sets still
    carrying them report on a basis nobody can reproduce, and ad sets that differ from the
    agency's standard make results incomparable across campaigns. The default standard is
    Meta's own default today (7-day click + 1-day view + 1-day engaged view); an ad set on
    Meta's default is always acceptable, even when the agency configured another
    standard, because it is what Meta reports and optimises on unless told otherwise."""
    standard = sorted(str(s) for s in ctx.params["standard"])
    spend = {a.id: a.spend for a in ctx.facts.adsets}  # weighs each ad set in the score
    for account in ctx.view.client.ad_accounts:
        res_all = ctx.view.get(f"adaccount/{account}/adsets")
        for item in res_all.items() if res_all else []:
            tokens = spec_tokens(item.get("attribution_spec"))
            if tokens is None:
                continue
            adset_id = to_str(item.get("id")) or "?"
            res = Resource("adset", adset_id, to_str(item.get("name")))
            name = res.name or adset_id
            evidence = {"attribution": tokens, "standard": standard,
                        "meta_default": META_DEFAULT, "account": account,
                        "spend_28d": spend.get(adset_id),
                        "setting": "checks.windows_adset_attribution_supported.standard"}
            bad = [t for t in tokens if t not in SUPPORTED]
            if bad:
                yield ctx.failed(res, f"Ad set {name} uses attribution windows Meta retired: "
                                 f"{in_words(bad)}.", evidence=evidence,
                                 remediation=_fix(standard))
            elif tokens == standard:
                yield ctx.passed(res, f"Ad set {name} uses the agency standard "
                                 f"{in_words(tokens)}.", evidence=evidence)
            elif tokens == META_DEFAULT:
                yield ctx.passed(res, f"Ad set {name} uses Meta's default attribution "
                                 f"({in_words(tokens)}), which is always acceptable.",
                                 evidence=evidence)
            else:
                was = (" (Meta's default before the 1-day engaged view joined it in March "
                       "2026)" if tokens == OLD_META_DEFAULT else "")
                yield ctx.warned(res, f"Ad set {name} uses {in_words(tokens)}{was}, not the "
                                 f"agency standard {in_words(standard)}.",
                                 evidence=evidence, remediation=_fix(standard))


def _fix(standard: list[str]) -> str:
    return ("In Ads Manager, duplicate the ad set (the attribution setting cannot be "
            f"edited once published) with Attribution setting = {in_words(standard)}, "
            "then turn the old one off. If the agency works to another standard, it sets "
            "that standard in the audit's settings.")


def _targets_ios(adsets: list[Mapping[str, Any]]) -> bool:
    for a in adsets:
        targeting = a.get("targeting")
        if isinstance(targeting, Mapping) and any(
                "ios" in s.lower() for s in str_list(targeting.get("user_os"))):
            return True
        promoted = a.get("promoted_object")
        if isinstance(promoted, Mapping):
            url = str(promoted.get("object_store_url") or "")
            if "apps.apple.com" in url or "itunes.apple.com" in url:
                return True
    return False


@check(
    "windows_ios_app_skan",
    title="iOS app-install campaigns are dedicated SKAdNetwork campaigns",
    severity=Severity.HIGH,
    area="windows",
    actor=Actor.AGENCY,
    needs=("adaccount/*/campaigns", "adaccount/*/adsets"),
    platform_changes=("ios14-att",),
)
def ios_app_campaigns_skan(ctx: CheckContext) -> Iterator[Finding]:
    """Since iOS 14.5, app-install campaigns for iOS must be separate SKAdNetwork
    campaigns; their results arrive through Apple's SKAdNetwork, delayed by up to 3 days
    and without age, gender, region or placement breakdowns. A campaign not set up that
    way cannot deliver to opted-out iOS users or report their installs."""
    for account in ctx.view.client.ad_accounts:
        camps = ctx.view.get(f"adaccount/{account}/campaigns")
        sets = ctx.view.get(f"adaccount/{account}/adsets")
        by_campaign: dict[str, list[Mapping[str, Any]]] = {}
        for a in sets.items() if sets else []:
            by_campaign.setdefault(to_str(a.get("campaign_id")) or "", []).append(a)
        for c in camps.items() if camps else []:
            if str(c.get("objective", "")).upper() not in APP_OBJECTIVES:
                continue
            cid = to_str(c.get("id")) or "?"
            if not _targets_ios(by_campaign.get(cid, [])):
                continue
            res = Resource("campaign", cid, to_str(c.get("name")))
            evidence = {"objective": c.get("objective"),
                        "is_skadnetwork_attribution": c.get("is_skadnetwork_attribution"),
                        "account": account}
            if c.get("is_skadnetwork_attribution") is True:
                yield ctx.passed(res, f"Campaign {res.name or cid} is a SKAdNetwork campaign "
                                 "(results delayed up to 3 days, no demographic or placement "
                                 "breakdowns).", evidence=evidence)
            else:
                yield ctx.failed(
                    res, f"Campaign {res.name or cid} promotes an iOS app but is not a "
                    "SKAdNetwork campaign.", evidence=evidence,
                    remediation=("Create a new app-promotion campaign and turn on 'iOS 14+ "
                                 "campaign' (SKAdNetwork) at creation, with the app's "
                                 "SKAdNetwork schema configured in Events Manager; then "
                                 "turn the old campaign off. Expect reports delayed up to "
                                 "3 days and no breakdowns."))
