"""Every sentence the client report says in its own words, in one place.

The client's report speaks to a marketing lead, not to an engineer: per check, what is
wrong (with a count), why it matters, what to do and who does it; when a check could not
run, what could not be read, in plain words. The checks' own messages and evidence stay
in run.json and on the agency's technical page. Keeping the wording here, keyed by check
id, lets checks evolve without rewording the report and gives a later translation one
module to mark.
"""

from __future__ import annotations

from dataclasses import dataclass

from audit.models import Actor

ACTORS = {
    Actor.CLIENT_ADMIN: "Your Business Manager admin, in Business Settings",
    Actor.AGENCY: "Your agency",
    Actor.WEB_DEVELOPER: "Your web developer",
}
ACTOR_SHORT = {Actor.CLIENT_ADMIN: "You (Business Settings)", Actor.AGENCY: "Agency",
               Actor.WEB_DEVELOPER: "Web developer"}


@dataclass(frozen=True)
class Plain:
    """One check in plain words. ``one``/``many`` headline a problem ({n}: how many)."""

    one: str
    many: str
    why: str
    fix: str
    not_checked: str = "Some of the data this check needs could not be read, so it was not checked."
    per_item_fix: bool = False  # show each finding's own steps (they carry names and ids)


CHECKS: dict[str, Plain] = {
    "access_pixel_shared": Plain(
        "A pixel is not shared with your agency", "{n} pixels are not shared with your agency",
        "Without access to your pixel the agency cannot see its events, choose which to "
        "prioritise or connect it to your ad accounts: every other step depends on it.",
        "Share the pixel with the agency as a partner, with Analyze, Advertise and Upload.",
        "We could not read who your pixels are shared with, so access was not checked.",
        per_item_fix=True),
    "access_pixel_tasks": Plain(
        "The agency lacks permissions on a pixel", "The agency lacks permissions on {n} pixels",
        "The agency needs to analyse your events, advertise with them and send them from "
        "your server; access without these permissions breaks campaigns and tracking.",
        "Give the agency the missing permissions on the pixel.",
        "We could not read the agency's permissions on your pixels.", per_item_fix=True),
    "access_pixel_users": Plain(
        "Nobody at the agency is assigned to a pixel",
        "Nobody at the agency is assigned to {n} pixels",
        "The agency's business holds the pixel, but its people and its audit account must "
        "also be assigned to it to see and use it.",
        "The agency assigns its people and its audit account to the pixel.",
        "We could not read who at the agency is assigned to your pixels."),
    "access_pixel_accounts": Plain(
        "A pixel is not connected to every ad account that advertises",
        "{n} pixels are not connected to every ad account that advertises",
        "An ad account only reports and optimises for a pixel's conversions when the pixel "
        "is connected to it.",
        "Connect the pixel to the ad accounts listed.", per_item_fix=True),
    "capi_event_server": Plain(
        "An important event is only sent from the browser",
        "{n} important events are only sent from the browser",
        "Browser events are lost to ad blockers, Safari's tracking prevention and iOS "
        "opt-outs; sending the same events from your server (Conversions API) recovers them.",
        "Send these events from the website's server through the Conversions API as well; "
        "most shop platforms have a Meta integration that does it.",
        "We could not read where your events come from, so this was not checked."),
    "capi_event_dedup": Plain(
        "An event may be counted twice", "{n} events may be counted twice",
        "When the same purchase arrives from the browser and from the server without a "
        "shared event ID, Meta counts it twice: results look better than they are and "
        "campaigns learn from wrong numbers.",
        "Send the same event ID with the browser event and the server event, so Meta can "
        "recognise the pair.",
        "We could not read your pixels' data-quality report, so double counting was not "
        "checked."),
    "capi_event_match_quality": Plain(
        "A server event has low event match quality",
        "{n} server events have low event match quality",
        "Event match quality (0 to 10) says how well Meta can match server events to "
        "people; below about 6 many conversions cannot be attributed.",
        "Send more customer details with server events (hashed email and phone number, "
        "external ID, IP address and browser ID); where Meta estimates how many more "
        "conversions each detail would bring, they are listed per event, most valuable first.",
        "We could not read your pixels' data-quality report, so match quality was not "
        "checked.", per_item_fix=True),
    "capi_offline_set_migrated": Plain(
        "A retired offline event set is still in use",
        "{n} retired offline event sets are still in use",
        "Meta shut offline event sets down on 14 May 2025: store and CRM sales sent there no "
        "longer arrive, so ad sets optimising for them learn from nothing and those sales "
        "stop being reported.",
        "Send store and CRM sales to your dataset through the Conversions API instead; the "
        "agency then moves the custom conversions and ad sets to it.",
        "We could not read your ad sets, so this was not checked.", per_item_fix=True),
    "domains_traffic_verified": Plain(
        "A website domain with pixel traffic is not verified by you",
        "{n} website domains with pixel traffic are not verified by you",
        "Meta uses domain verification to decide who may configure a domain's events and "
        "edit links; a domain you have not verified cannot be configured by you.",
        "Verify the domain in Business Settings → Brand safety → Domains.",
        "We could not read which domains your business has verified, so verification was "
        "not checked: please look in Business Settings → Brand safety → Domains."),
    "domains_owner_client": Plain(
        "A domain of yours is verified by another business",
        "{n} domains of yours are verified by another business",
        "Verification belongs in your own Business Manager: a domain verified by the "
        "agency or another business gives it control of your events, and is lost when the "
        "relationship ends.",
        "Verify the domain in your own Business Settings → Brand safety → Domains; the "
        "other business can then remove it.",
        "We could not read which business verified your domains, so this was not checked."),
    "domains_declared_traffic": Plain(
        "A domain of yours received no pixel events in the last 7 days",
        "{n} domains of yours received no pixel events in the last 7 days",
        "Where no pixel fires, conversions are not measured: the pixel may be missing from "
        "that site, or the site moved.",
        "Check that the pixel's code is on every page of the site, or tell the agency if "
        "the domain is no longer used.",
        "We could not read where your pixels fire, so this was not checked."),
    "events_optimized_fired": Plain(
        "An event your ad sets optimise for has stopped",
        "{n} events your ad sets optimise for have stopped",
        "An ad set optimising for an event that no longer arrives has nothing to learn "
        "from: delivery degrades and budget is spent blind.",
        "Fix the tag that sends the event, or move the ad sets to an event that arrives.",
        "We could not read your ad sets, so this was not checked."),
    "events_standard_traffic": Plain(
        "A custom conversion rests on an event without traffic",
        "{n} custom conversions rest on an event without traffic",
        "A custom conversion only counts when the event it is built on arrives.",
        "Fix the event the custom conversion is built on, or rebuild it on one that arrives.",
        "We could not read your custom conversions, so this was not checked."),
    "events_custom_conversion_available": Plain(
        "Meta has restricted a custom conversion your ad sets optimise for",
        "Meta has restricted {n} custom conversions your ad sets optimise for",
        "Since September 2025 Meta flags custom conversions that suggest health or "
        "financial details and stops counting them: ad sets optimising for one stop "
        "receiving conversions, without being paused.",
        "The agency creates a custom conversion that names the step, not a health condition "
        "or financial status, and moves the ad sets to it.",
        "We could not read your custom conversions, so this was not checked.",
        per_item_fix=True),
    "events_pixel_diagnostics": Plain(
        "Meta's diagnostics report a problem with a pixel",
        "Meta's diagnostics report {n} problems with your pixels",
        "Meta checks each pixel itself (missing details, sudden drops); a failed diagnostic "
        "usually points straight at the broken tag.",
        "Open Events Manager → the pixel → Diagnostics and follow Meta's advice for each item.",
        "We could not read Meta's diagnostics for your pixels."),
    "pixel_fire_recent": Plain(
        "A pixel has not fired recently", "{n} pixels have not fired recently",
        "A pixel that stopped firing sends no conversions; campaigns that rely on it lose "
        "their signal.",
        "Check in Events Manager → the pixel → Test events that its code still loads on "
        "the site, and reinstall it if not.",
        "We could not read when your pixels last fired."),
    "pixel_status_available": Plain(
        "A pixel is marked unavailable by Meta", "{n} pixels are marked unavailable by Meta",
        "Events sent to an unavailable pixel cannot be used for measurement or optimisation.",
        "Ask the pixel's owner to check its settings in Events Manager, or move tracking to "
        "an active pixel.", "We could not read your pixels' status."),
    "priorities_adsets_within_top8": Plain(
        "Active ad sets optimise for events outside a domain's top 8",
        "Active ad sets optimise for events outside the top 8 on {n} domains",
        "With Aggregated Event Measurement (AEM) each domain has 8 prioritised events; ad "
        "sets optimising for any other event are paused.",
        "The agency moves these ad sets to one of the top-8 events below, or re-ranks the "
        "events in Events Manager as recommended.",
        "We could not read your events or ad sets, so this was not checked."),
    "priorities_events_volume": Plain(
        "A recommended event is too rare to optimise for",
        "{n} recommended events are too rare to optimise for",
        "Ad sets need about 50 events a week to learn; rarer events starve them.",
        "Optimise for a more frequent event earlier in the funnel (add to cart rather than "
        "purchase) until volume grows.", "We could not read how often your events fire."),
    "priorities_event_pixels": Plain(
        "An event comes from more than one pixel on the same domain",
        "{n} events come from more than one pixel on the same domain",
        "Two pixels sending the same event on one domain share one priority slot and split "
        "the reporting; the second is often a forgotten tag that double counts.",
        "Remove the extra pixel from the site, or send the event from one pixel only.",
        "We could not read which pixels fire on your domains."),
    "priorities_config_fits": Plain(
        "The agency's event priorities do not fit in 8 slots",
        "The agency's event priorities do not fit in 8 slots on {n} domains",
        "When the agency's chosen priorities do not fit, the list differs from what it "
        "asked for.", "The agency shortens its list of pinned events."),
    "rules_window_supported": Plain(
        "An automated rule judges results on a retired attribution window",
        "{n} automated rules judge results on a retired attribution window",
        "A rule written for 28-day click sees fewer conversions under today's windows: a "
        "rule that pauses ad sets when cost per purchase is too high starts pausing ad sets "
        "that are doing fine.",
        "The agency updates each rule to the current window, with its thresholds rescaled "
        "as shown under Automated rules.",
        "We could not read your automated rules, so this was not checked."),
    "token_access_valid": Plain(
        "The agency's audit access is invalid or about to expire",
        "The agency's audit access is invalid or about to expire",
        "The regular audit stops when its access expires.",
        "The agency renews the access of its audit account, or refreshes it before it "
        "expires when Meta issued it for 60 days.",
        "We could not check the agency's audit access."),
    "token_permissions_granted": Plain(
        "The agency's audit access lacks permissions",
        "The agency's audit access lacks permissions",
        "Without them parts of your account look empty to the audit.",
        "The agency grants its audit account the missing permissions.",
        "We could not read the audit access's permissions."),
    "token_business_visible": Plain(
        "The agency's audit cannot see your business",
        "The agency's audit cannot see your business",
        "Your pixels, domains and partners live in your business; without access most of "
        "the audit runs blind.",
        "In Business Settings → Partners, check that the agency is still a partner with "
        "access to your assets.", "We could not check access to your business."),
    "windows_conversions_drop": Plain(
        "Reported conversions fall under the current 7-day window for one event",
        "Reported conversions fall under the current 7-day window for {n} events",
        "When the reporting window shrinks from 28 days to 7 days after a click, late "
        "conversions stop being counted: the drop is a change of ruler, not of performance.",
        "Compare periods only on the same window, and re-base targets and automated-rule "
        "thresholds on the new figures.",
        "Meta did not return the windows needed to compare, so the change was not measured."),
    "windows_adset_attribution_supported": Plain(
        "An ad set is not on the agency's standard attribution setting",
        "{n} ad sets are not on the agency's standard attribution setting",
        "Ad sets on a retired or non-standard attribution setting report on a basis that "
        "cannot be compared with the rest of your campaigns.",
        "The agency duplicates these ad sets with the standard setting (it cannot be edited "
        "once published) and turns the old ones off.",
        "We could not read your ad sets, so this was not checked."),
    "windows_ios_app_skan": Plain(
        "An iOS app campaign is not set up for SKAdNetwork",
        "{n} iOS app campaigns are not set up for SKAdNetwork",
        "Since iOS 14.5, iOS app-install campaigns must be dedicated SKAdNetwork campaigns; "
        "others cannot reach opted-out iPhone users or report their installs.",
        "The agency creates a new app campaign with the iOS 14+ option on and turns the old "
        "one off.", "We could not read your campaigns, so this was not checked."),
}

# Checks not listed above (added later) fall back to their title and docstring.
FALLBACK_NOT_CHECKED = ("Some of the data this check needs could not be read, so it was not "
                        "checked.")

# What the snapshot reads are, for "we could not read …" sentences (by catalogue pattern root).
READS = {
    "business": "your business's settings", "agency": "the agency's business settings",
    "pixel": "your pixels' data", "adaccount": "your ad accounts' data", "token": "the "
    "agency's audit access",
}

# How ad-set attribution settings read: "7d_click" → "7-day click".
WINDOW_WORDS = {"1d_click": "1-day click", "7d_click": "7-day click",
                "28d_click": "28-day click", "1d_view": "1-day view", "7d_view": "7-day view",
                "28d_view": "28-day view", "1d_ev": "1-day engaged view"}

# Headlines for groups of ad sets by attribution setting.
ATTRIBUTION_GROUP = ("{n} ad set uses {setting}", "{n} ad sets use {setting}")
ONLY = "{setting} only"

AEM_MODES = {
    "legacy": "Your account works with the 8-events-per-domain limit of Aggregated Event "
              "Measurement: ad sets optimising for an event outside the top 8 are paused.",
    "relaxed": "Meta's relaxed model applies to your account: events are no longer ranked "
               "8 per domain, so the list below is the recommended order, and nothing fails "
               "for lacking it.",
    "relaxed_evidence": "Meta's relaxed model applies to your account, as the audit's own "
                        "data shows: more different events than the old limit of 8 have "
                        "ad sets delivering on one domain. The list below is the recommended "
                        "order, and nothing fails for lacking it.",
    "auto": "Meta does not say whether your account has its relaxed model, so limits are "
            "shown as points to check rather than failures; the agency will confirm it in "
            "Events Manager.",
}

GLOSSARY = (
    ("Pixel (dataset)", "The code on your website that tells Meta what visitors do (view a "
     "product, buy …)."),
    ("Conversions API", "The same events sent from your website's server instead of the "
     "browser, so ad blockers and iOS privacy settings do not lose them."),
    ("Event match quality", "A 0 to 10 score of how well Meta can match server events to "
     "people; 6 or more is good."),
    ("AEM", "Aggregated Event Measurement: Meta's way of measuring people who opted out of "
     "tracking on iOS, with a limited set of prioritised events per domain."),
    ("Attribution window", "How long after a click or view a purchase is credited to an ad: "
     "today 7 days after a click and 1 day after a view."),
    ("SKAdNetwork", "Apple's own measurement for app installs on iOS."),
    ("DPA", "Dynamic product ads: ads built from your product catalogue, which need the "
     "product events (view, add to cart, purchase) with product IDs."),
    ("Business Settings", "The settings of your Meta Business Manager "
     "(business.facebook.com/settings), where partners, pixels and domains are managed."),
)

SCORE_SENTENCE = ("The score counts each check once, weighted by how much it matters and by "
                  "the share of your items that pass; any failing check of high importance "
                  "keeps the score below 70, and a critical one below 40.")

IN_ORDER = "In order"
NOT_CHECKED_SHORT = "Not checked"
CRASHED = ("This check could not be completed (a fault in the audit, not in your setup); "
           "the agency is looking into it.")
PARTIAL = ("Some of your data could not be read, so a few checks did not run; they are "
           "listed under “What could not be checked”.")
MISSING_FIELDS = ("Meta no longer provides a few details this audit reads, so some checks "
                  "had less to go on; the agency has the list.")
