"""What the client report says about each affected object, in the report's language.

The checks write their messages and remediations in English, for run.json, the CSV, the
technical page and the English report. A report in another language rebuilds the
sentence about each object ("what we found") and, where the steps carry names and ids,
the click path to fix it, from the finding's structured evidence, so both read in the
client's language (:mod:`.i18n`). The English messages here are the translators' source
and say what the check's own message says. A check without an entry here (one added
later) falls back to its own message until it has one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from audit.models import Finding, Status

from . import catalogue, i18n
from .formatting import fmt_count, fmt_date, fmt_money, fmt_num, fmt_pct
from .i18n import gettext as _
from .i18n import ngettext

SETTINGS_URL = "https://business.facebook.com/settings"
EVENTS_MANAGER_URL = "https://business.facebook.com/events_manager2"


@dataclass(frozen=True)
class Context:
    """The run's names a sentence may need: the client's and the agency's."""

    client_name: str = ""
    business_id: str = ""
    agency_name: str = ""
    agency_id: str = ""
    currency: str | None = None

    @classmethod
    def of(cls, client: Mapping[str, Any], agency: Mapping[str, Any],
           currency: str | None = None) -> Context:
        """From run.json's ``client`` and ``agency`` sections."""
        return cls(str(client.get("name") or ""), str(client.get("business_id") or ""),
                   str(agency.get("name") or ""), str(agency.get("business_id") or ""),
                   currency)

    @property
    def agency(self) -> str:
        """The agency's name, or "your agency"."""
        return self.agency_name or _("your agency")


def _list(values: Any, limit: int = 6) -> str:
    items = [str(v) for v in values] if isinstance(values, (list, tuple)) else []
    shown = ", ".join(items[:limit])
    more = len(items) - limit
    return shown + (" " + _("and {n} more").format(n=fmt_count(more)) if more > 0 else "")


def _tasks(values: Any) -> str:
    items = values if isinstance(values, (list, tuple)) else []
    return ", ".join(str(catalogue.TASKS.get(str(t).upper(), str(t).title())) for t in items)


_KINDS = ("click", "view", "ev")


def _windows(tokens: Sequence[Any]) -> str:
    """``["1d_view", "7d_click"]`` → "7-day click + 1-day view" (click, view, engaged)."""
    def order(token: str) -> tuple[int, str]:
        kind = token.split("_", 1)[-1]
        return (_KINDS.index(kind) if kind in _KINDS else len(_KINDS), token)

    return " + ".join(str(catalogue.WINDOW_WORDS.get(t, t.replace("_", " ")))
                      for t in sorted((str(t) for t in tokens), key=order))


def _num(ev: Mapping[str, Any], key: str) -> float | None:
    value = ev.get(key)
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) \
        else None


# ------------------------------------------------------------------ what we found, per check

def _access_pixel_shared(f: Finding, ctx: Context) -> str:
    if "pixel_read_error" in f.evidence:
        return _("The agency cannot open this pixel: it is not shared with {agency}, or not "
                 "with the agency's audit account.").format(agency=ctx.agency)
    return _("Not shared with {agency}.").format(agency=ctx.agency)


def _access_pixel_tasks(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    has = [str(t).upper() for t in ev.get("permitted_tasks") or []]
    held = set(has) | ({"ANALYZE", "ADVERTISE", "UPLOAD"} if "EDIT" in has else set())
    wanted = [*(ev.get("required") or []), *(ev.get("recommended") or [])]
    missing = [t for t in wanted if str(t).upper() not in held]
    return _("{agency} has {has}, but not {missing}.").format(
        agency=ctx.agency, has=_tasks(has) or _("no permissions"), missing=_tasks(missing))


def _access_pixel_users(f: Finding, ctx: Context) -> str:
    return _("Shared with {agency}, but nobody at the agency is assigned to it.").format(
        agency=ctx.agency)


def _access_pixel_accounts(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    missing = list(ev.get("missing") or [])
    broken = [a for a in missing if a in (ev.get("accounts_using_it") or [])]
    if broken:
        return _("Ad sets in {accounts} optimise for this pixel, but it is not connected to "
                 "that ad account.").format(accounts=_list(broken))
    return _("Receives events but is not connected to {accounts}, which advertises for you: "
             "its conversions are not reported there.").format(accounts=_list(missing))


def _capi_event_server(f: Finding, ctx: Context) -> str:
    total = _num(f.evidence, "total_7d")
    return _("{n} in 7 days, none of them from the server.").format(n=fmt_count(total))


def _dedup_cause(side: str) -> str:
    causes = {
        "browser": _("the website's pixel sends no event ID with it, so Meta cannot pair it "
                     "with the server's copy"),
        "server": _("the server sends no event ID with it, so Meta cannot pair it with the "
                    "website's copy"),
        "both": _("neither the website nor the server sends an event ID with it"),
        "mismatch": _("both send an event ID, but the two IDs do not match"),
    }
    return causes.get(side) or _("the browser and server copies do not share an event ID")


def _capi_event_dedup(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    share = _num(ev, "deduplicated_percent")
    return _("{browser} from the browser and {server} from the server, of which only {share} "
             "are recognised as pairs: {cause}.").format(
        browser=fmt_count(_num(ev, "browser_7d")), server=fmt_count(_num(ev, "server_7d")),
        share=fmt_pct(share / 100 if share is not None else None),
        cause=_dedup_cause(str(ev.get("missing_on") or "")))


def _capi_event_match_quality(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    text = _("Event match quality {score} out of 10 (good is {threshold} or more).").format(
        score=fmt_num(_num(ev, "match_quality")), threshold=fmt_num(_num(ev, "threshold")))
    fixes = [k for k in ev.get("match_key_fixes") or [] if isinstance(k, Mapping)]
    if fixes:
        text += " " + _("Sending {key} would help most: Meta estimates {uplift} more "
                        "attributed conversions.").format(
            key=_key(fixes[0]), uplift=_uplift(fixes[0]))
    return text


def _key(fix: Mapping[str, Any]) -> str:
    key = str(fix.get("key") or "")
    return str(catalogue.MATCH_KEYS.get(key, key.replace("_", " ")))


def _uplift(fix: Mapping[str, Any]) -> str:
    value = _num(fix, "uplift_percent")
    return fmt_pct(value / 100 if value is not None else None)


def _capi_offline_set_migrated(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    parts = []
    sets = [a for a in ev.get("adsets") or [] if isinstance(a, Mapping)
            and (a.get("status") == "ACTIVE" or (_num(a, "spend_28d") or 0) > 0)]
    if sets:
        parts.append(ngettext("{n} ad set optimises for it ({spend} spent in 28 days)",
                              "{n} ad sets optimise for it ({spend} spent in 28 days)",
                              len(sets)).format(
            n=fmt_count(len(sets)), spend=fmt_money(_num(ev, "spend_28d"), ctx.currency)))
    names = [str(c.get("name") or c.get("id")) for c in ev.get("custom_conversions") or []
             if isinstance(c, Mapping)]
    if names:
        parts.append(ngettext("custom conversion {names} is built on it",
                              "custom conversions {names} are built on it", len(names)).format(
            names=_list(names, 3)))
    accounts = ev.get("attached_ad_accounts") or []
    if accounts:
        parts.append(ngettext("it is still attached to ad account {accounts}",
                              "it is still attached to ad accounts {accounts}",
                              len(accounts)).format(accounts=_list(accounts)))
    if not parts:
        return _("Still in use, although Meta shut offline event sets down on 14 May 2025.")
    return _("Still in use: {uses}. Meta shut offline event sets down on 14 May 2025, so "
             "nothing new arrives there.").format(uses="; ".join(parts))


def _events_custom_conversion_available(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    n = int(_num(ev, "adset_count") or 0)
    return ngettext(
        "Meta has flagged it, as it does custom conversions that suggest health or financial "
        "information: {n} ad set ({spend} spent in 28 days) optimises for it and no longer "
        "receives its conversions.",
        "Meta has flagged it, as it does custom conversions that suggest health or financial "
        "information: {n} ad sets ({spend} spent in 28 days) optimise for it and no longer "
        "receive its conversions.", n).format(
        n=fmt_count(n), spend=fmt_money(_num(ev, "spend_28d"), ctx.currency))


def _how(ev: Mapping[str, Any]) -> str:
    labels = {"dns": _("DNS record"), "meta": _("home-page tag"), "file": _("file on the site")}
    found = [str(labels[m]) for m in ("dns", "meta", "file") if ev.get(f"codes_by_{m}")]
    return (" " + _("and") + " ").join(found)


def _domains_traffic_verified(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    events = _num(ev, "events_7d") or 0
    lead = (_("{n} pixel events in 7 days.").format(n=fmt_count(events)) + " ") if events \
        else ""
    outcome = ev.get("marker_outcome")
    if outcome == "other":
        return lead + _("The domain carries another business's verification code ({how}): "
                        "that business verified it, not you.").format(how=_how(ev))
    if outcome == "unknown_code":
        return lead + _("The domain carries a verification code ({how}), but your own code "
                        "is not known to the audit, so it cannot tell who verified it."
                        ).format(how=_how(ev))
    if outcome == "none":
        return lead + _("No verification code found on the domain: it is not verified, or "
                        "verified with an HTML file, which cannot be seen without your code.")
    return lead + _("Not verified in your Business Manager.")


def _domains_owner_client(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    if ev.get("listed_by_agency"):
        return _("Verified by the agency, {agency}, not by you.").format(agency=ctx.agency)
    if f.status is Status.FAIL:
        return _("Verified by another business, not by you.")
    return _("The domain carries another business's verification code ({how}): that "
             "business verified it, not you.").format(how=_how(ev))


def _domains_declared_traffic(f: Finding, ctx: Context) -> str:
    return _("No pixel fired on this domain in the last 7 days.")


def _events_optimized_fired(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    n = int(_num(ev, "adset_count") or 0)
    values = {"n": fmt_count(n), "spend": fmt_money(_num(ev, "spend_28d"), ctx.currency)}
    if f.resource.type != "custom_conversion":
        return ngettext("{n} ad set ({spend} spent in 28 days) optimises for it; it did not "
                        "arrive in the last 7 days.",
                        "{n} ad sets ({spend} spent in 28 days) optimise for it; it did not "
                        "arrive in the last 7 days.", n).format(**values)
    fired = ev.get("last_fired")
    if fired in (None, "never"):
        return ngettext("{n} ad set ({spend} spent in 28 days) optimises for it; it never "
                        "fired.",
                        "{n} ad sets ({spend} spent in 28 days) optimise for it; it never "
                        "fired.", n).format(**values)
    return ngettext("{n} ad set ({spend} spent in 28 days) optimises for it; it last fired "
                    "on {date}.",
                    "{n} ad sets ({spend} spent in 28 days) optimise for it; it last fired "
                    "on {date}.", n).format(date=fmt_date(fired), **values)


def _events_standard_traffic(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    n = len(ev.get("adsets") or [])
    return ngettext(
        "Custom conversion {name} is built on this event, which had no traffic in 7 days; "
        "{n} ad set depends on it.",
        "Custom conversion {name} is built on this event, which had no traffic in 7 days; "
        "{n} ad sets depend on it.", n).format(name=ev.get("custom_conversion") or "",
                                               n=fmt_count(n))


def _events_pixel_diagnostics(f: Finding, ctx: Context) -> str:
    # Meta's own diagnostic title, as Meta wrote it (in the language of the API).
    return _("Meta's diagnostic: {title}.").format(
        title=f.resource.name or f.evidence.get("key") or "")


def _pixel_fire_recent(f: Finding, ctx: Context) -> str:
    hours = _num(f.evidence, "hours_since_last_fire")
    if hours is None:
        return _("No recorded fire and no events in the last 7 days.")
    if hours >= 48:
        days = round(hours / 24)
        return ngettext("Last fired {n} day ago.", "Last fired {n} days ago.", days).format(
            n=fmt_count(days))
    return ngettext("Last fired {n} hour ago.", "Last fired {n} hours ago.",
                    round(hours)).format(n=fmt_count(hours))


def _pixel_status_available(f: Finding, ctx: Context) -> str:
    return _("Marked unavailable by Meta.")


def _priorities_adsets_within_top8(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    n = int(_num(ev, "affected_count") or 0)
    events = sorted({str(a.get("event")) for a in ev.get("affected_adsets") or []
                     if isinstance(a, Mapping)})
    text = ngettext(
        "{domain}: {n} active ad set ({spend} spent in 28 days) optimises for {events}, "
        "outside the recommended 8.",
        "{domain}: {n} active ad sets ({spend} spent in 28 days) optimise for {events}, "
        "outside the recommended 8.", n).format(
        domain=f.resource.id, n=fmt_count(n),
        spend=fmt_money(_num(ev, "affected_spend_28d"), ctx.currency), events=_list(events))
    mode = ev.get("effective_mode")
    if mode == "legacy":
        return text + " " + _("Under AEM they would be paused.")
    if mode == "auto":
        return text + " " + _("If your account still works with the 8-event limit, they "
                              "would be paused.")
    return text


def _priorities_events_volume(f: Finding, ctx: Context) -> str:
    return _("{n} events in 7 days, while ad sets need about 50 a week.").format(
        n=fmt_count(_num(f.evidence, "volume_7d")))


def _priorities_event_pixels(f: Finding, ctx: Context) -> str:
    shared = [s for s in f.evidence.get("shared_events") or [] if isinstance(s, Mapping)]
    names = "; ".join(f"{s.get('event')} ({', '.join(map(str, s.get('pixels') or []))})"
                      for s in shared[:10])
    return ngettext("{n} event fires from several pixels: {events}.",
                    "{n} events fire from several pixels: {events}.", len(shared)).format(
        n=fmt_count(len(shared)), events=names)


def _priorities_config_fits(f: Finding, ctx: Context) -> str:
    return _("The events the agency pinned or ordered need more than the 8 slots.")


def _rules_window_supported(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    tokens: list[str] = []
    for w in ev.get("windows") or []:
        raw = str(w).rpartition(":")[2].strip().lower()
        tokens += [t for t in _split_windows(raw) if t not in tokens]
    windows = _windows(tokens) or _("a retired window")
    if str(ev.get("execution_type") or "").upper() in ("", "NOTIFICATION"):
        return _("Judges results on {windows}; it sends a notification.").format(
            windows=windows)
    return _("Judges results on {windows}; it pauses ad sets or changes budgets.").format(
        windows=windows)


def _split_windows(raw: str) -> list[str]:
    """``1d_view_28d_click`` → ``["1d_view", "28d_click"]``."""
    parts = raw.split("_")
    return [f"{a}_{b}" for a, b in zip(parts[::2], parts[1::2], strict=False)]


def _windows_conversions_drop(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    text = _("{old} conversions under 28-day click + 1-day view become {new} under 7-day "
             "click + 1-day view ({change}).").format(
        old=fmt_count(_num(ev, "old_default")), new=fmt_count(_num(ev, "new_default")),
        change=fmt_pct(_num(ev, "change"), signed=True))
    dates = [fmt_date(b.get("date")) for b in ev.get("breaks") or [] if isinstance(b, Mapping)]
    if dates:
        text += " " + _("The period includes {dates}, when Meta changed how it counts "
                        "conversions, so this is not a like-for-like comparison.").format(
            dates=(" " + _("and") + " ").join(dates))
    return text


def _windows_adset_attribution_supported(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    return _("Uses {setting}, not the agency's standard {standard}.").format(
        setting=_windows(ev.get("attribution") or []),
        standard=_windows(ev.get("standard") or []))


def _windows_ios_app_skan(f: Finding, ctx: Context) -> str:
    return _("Promotes an iOS app but is not a SKAdNetwork campaign.")


def _token(f: Finding, ctx: Context) -> str:
    days = _num(f.evidence, "days_left")
    if days is not None and days >= 0:
        return ngettext("The audit's access expires in {n} day.",
                        "The audit's access expires in {n} days.", round(days)).format(
            n=fmt_count(days))
    return _("The audit's access no longer works.")


DETAILS: dict[str, Callable[[Finding, Context], str]] = {
    "access_pixel_shared": _access_pixel_shared,
    "access_pixel_tasks": _access_pixel_tasks,
    "access_pixel_users": _access_pixel_users,
    "access_pixel_accounts": _access_pixel_accounts,
    "capi_event_server": _capi_event_server,
    "capi_event_dedup": _capi_event_dedup,
    "capi_event_match_quality": _capi_event_match_quality,
    "capi_offline_set_migrated": _capi_offline_set_migrated,
    "events_custom_conversion_available": _events_custom_conversion_available,
    "domains_traffic_verified": _domains_traffic_verified,
    "domains_owner_client": _domains_owner_client,
    "domains_declared_traffic": _domains_declared_traffic,
    "events_optimized_fired": _events_optimized_fired,
    "events_standard_traffic": _events_standard_traffic,
    "events_pixel_diagnostics": _events_pixel_diagnostics,
    "pixel_fire_recent": _pixel_fire_recent,
    "pixel_status_available": _pixel_status_available,
    "priorities_adsets_within_top8": _priorities_adsets_within_top8,
    "priorities_events_volume": _priorities_events_volume,
    "priorities_event_pixels": _priorities_event_pixels,
    "priorities_config_fits": _priorities_config_fits,
    "rules_window_supported": _rules_window_supported,
    "windows_conversions_drop": _windows_conversions_drop,
    "windows_adset_attribution_supported": _windows_adset_attribution_supported,
    "windows_ios_app_skan": _windows_ios_app_skan,
    "token_access_valid": _token,
    "token_permissions_granted": lambda f, ctx: _("The audit's access lacks permissions it "
                                                  "needs."),
    "token_business_visible": lambda f, ctx: _("The audit cannot read your business."),
}


def detail(f: Finding, ctx: Context | None = None) -> str:
    """What the report says about the finding's object, in the active language.

    In English, and for a passing or skipped finding or a check without an entry here, the
    check's own message.
    """
    build = DETAILS.get(f.check_id)
    if build is None or f.status not in (Status.FAIL, Status.WARN) or \
            i18n.current() == i18n.SOURCE_LANGUAGE:
        return f.message
    try:
        return build(f, ctx or Context())
    except (TypeError, ValueError, KeyError):  # evidence of an older or odd shape
        return f.message


# ------------------------------------------------------------- click paths that carry names

def _share_pixel(f: Finding, ctx: Context, tasks: Sequence[str]) -> str:
    return _("In {client}'s Business Settings ({url}): Data sources → Datasets (Pixels in "
             "older Business Manager) → {pixel} → Partners → Assign partner → Business ID → "
             "enter {agency_id} ({agency}) → turn on {tasks} → Assign. Only an admin of "
             "{client}'s business can do this.").format(
        client=ctx.client_name or _("your business"),
        url=f"{SETTINGS_URL}?business_id={ctx.business_id}" if ctx.business_id
        else SETTINGS_URL,
        pixel=f"{f.resource.name} ({f.resource.id})" if f.resource.name else f.resource.id,
        agency_id=ctx.agency_id, agency=ctx.agency,
        tasks=_tasks(tasks) or _("the access the agency needs"))


def _fix_shared(f: Finding, ctx: Context) -> str:
    return _share_pixel(f, ctx, ["ANALYZE", "ADVERTISE", "UPLOAD"])


def _fix_tasks(f: Finding, ctx: Context) -> str:
    ev = f.evidence
    has = {str(t).upper() for t in ev.get("permitted_tasks") or []}
    wanted = [*(ev.get("required") or []), *(ev.get("recommended") or [])]
    return _share_pixel(f, ctx, [t for t in wanted if str(t).upper() not in has])


def _fix_accounts(f: Finding, ctx: Context) -> str:
    return _("In {client}'s Business Settings: Data sources → Datasets → {pixel} → Connected "
             "assets → Add assets → select {accounts} → Add.").format(
        client=ctx.client_name or _("your business"),
        pixel=f.resource.name or f.resource.id,
        accounts=_list(f.evidence.get("missing") or []))


def _fix_match_quality(f: Finding, ctx: Context) -> str:
    fixes = [k for k in f.evidence.get("match_key_fixes") or [] if isinstance(k, Mapping)]
    if not fixes:
        return _("For your web developer (or whoever runs the Conversions API integration): "
                 "send more customer details with server events (hashed email address and "
                 "phone number, the customer's ID in your own systems, the Meta browser and "
                 "click IDs, the visitor's IP address and browser user agent), then check the "
                 "score again in Events Manager after 48 hours.")
    steps = "; ".join(f"{i}) " + _key_advice(k) for i, k in enumerate(fixes, 1))
    return _("For your web developer (or whoever runs the Conversions API integration): "
             "send these customer details with the server events, most valuable first: "
             "{steps}. The estimates are Meta's, from similar advertisers. Then check the "
             "score again in Events Manager after 48 hours.").format(steps=steps)


def _key_advice(fix: Mapping[str, Any]) -> str:
    coverage = _num(fix, "coverage_percent")
    if coverage:
        return _("send {key} with every event (today {share} of them): Meta estimates "
                 "{uplift} more attributed conversions").format(
            key=_key(fix), share=fmt_pct(coverage / 100), uplift=_uplift(fix))
    return _("send {key}: Meta estimates {uplift} more attributed conversions").format(
        key=_key(fix), uplift=_uplift(fix))


def _fix_offline_set(f: Finding, ctx: Context) -> str:
    return _("For whoever uploads your store or CRM sales (your developer or your "
             "point-of-sale or CRM partner), with the agency: send those sales to your "
             "dataset with the Conversions API as physical-store events instead of to the "
             "offline event set; in Events Manager check that {set} is connected to that "
             "dataset; then the agency rebuilds the custom conversions on the dataset's "
             "events, moves the ad sets to them and removes the offline event set from the "
             "ad accounts.").format(set=f.resource.name or f.resource.id)


def _fix_custom_conversion(f: Finding, ctx: Context) -> str:
    return _("The agency, with you: create a new custom conversion whose name and rules "
             "describe the step (for example 'Consultation booked') without naming a health "
             "condition or financial status, or optimise for a standard event; move the ad "
             "sets to it and turn the old ones off. Events Manager → Custom conversions shows "
             "{name} as flagged and the options Meta offers for it.").format(
        name=f.resource.name or f.resource.id)


FIXES: dict[str, Callable[[Finding, Context], str]] = {
    "access_pixel_shared": _fix_shared,
    "access_pixel_tasks": _fix_tasks,
    "access_pixel_accounts": _fix_accounts,
    "capi_event_match_quality": _fix_match_quality,
    "capi_offline_set_migrated": _fix_offline_set,
    "events_custom_conversion_available": _fix_custom_conversion,
}


def item_fix(f: Finding, ctx: Context | None = None) -> str:
    """The steps for this one object, with its names and ids, in the active language (the
    check's own remediation in English, or when there is no entry here)."""
    build = FIXES.get(f.check_id)
    if build is None or i18n.current() == i18n.SOURCE_LANGUAGE:
        return f.remediation
    try:
        return build(f, ctx or Context())
    except (TypeError, ValueError, KeyError):
        return f.remediation


__all__ = ["DETAILS", "FIXES", "Context", "detail", "item_fix"]
