"""Every sentence the client report says in its own words, in one place.

The client's report speaks to a marketing lead, not to an engineer: per check, what is
wrong (with a count), why it matters, what to do and who does it; when a check could not
run, what could not be read, in plain words. The checks' own messages and evidence stay
in run.json and on the agency's technical page. Keeping the wording here, keyed by check
id, lets checks evolve without rewording the report, and gives translators one module:
every string here is a lazy gettext message (``_``, ``ngettext``), translated when a
report is rendered, in the client's language (:mod:`.i18n`; the catalogues are in
``audit/publish/locale``). Click paths name the menus as Meta shows them in English;
each catalogue renders them as Meta's interface does in its language. What the audit
itself words in English (each object's sentence and steps, the platform changes) is shown
as written in an English report; :mod:`.details` and :data:`PLATFORM` give the other
languages the same content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from audit.models import Actor

from .i18n import Plural
from .i18n import lazy_gettext as _
from .i18n import lazy_ngettext as ngettext

ACTORS = {
    Actor.CLIENT_ADMIN: _("Your Business Manager admin, in Business Settings"),
    Actor.AGENCY: _("Your agency"),
    Actor.WEB_DEVELOPER: _("Your web developer"),
}
ACTOR_SHORT = {Actor.CLIENT_ADMIN: _("You (Business Settings)"), Actor.AGENCY: _("Agency"),
               Actor.WEB_DEVELOPER: _("Web developer")}

# Checks not listed below (added later) fall back to their title and docstring.
FALLBACK_NOT_CHECKED = _("Some of the data this check needs could not be read, so it was "
                         "not checked.")


@dataclass(frozen=True)
class Plain:
    """One check in plain words: the problem headline for ``n`` objects, why it matters,
    what to do, the sentence when it could not run, and the good state (its title)."""

    headline: Plural
    why: Any
    fix: Any
    not_checked: Any = field(default_factory=lambda: FALLBACK_NOT_CHECKED)
    title: Any = None  # the good state, as "What is in order" lists it
    per_item_fix: bool = False  # show each finding's own steps (they carry names and ids)


CHECKS: dict[str, Plain] = {
    "access_pixel_shared": Plain(
        ngettext("A pixel is not shared with your agency",
                 "{n} pixels are not shared with your agency"),
        _("Without access to your pixel the agency cannot see its events, choose which to "
          "prioritise or connect it to your ad accounts: every other step depends on it."),
        _("Share the pixel with the agency as a partner, with Analyze, Advertise and Upload."),
        _("We could not read who your pixels are shared with, so access was not checked."),
        _("Every pixel is shared with your agency"), per_item_fix=True),
    "access_pixel_tasks": Plain(
        ngettext("The agency lacks permissions on a pixel",
                 "The agency lacks permissions on {n} pixels"),
        _("The agency needs to analyse your events, advertise with them and send them from "
          "your server; access without these permissions breaks campaigns and tracking."),
        _("Give the agency the missing permissions on the pixel."),
        _("We could not read the agency's permissions on your pixels."),
        _("The agency has the permissions it needs on your pixels"), per_item_fix=True),
    "access_pixel_users": Plain(
        ngettext("Nobody at the agency is assigned to a pixel",
                 "Nobody at the agency is assigned to {n} pixels"),
        _("The agency's business holds the pixel, but its people and its audit account must "
          "also be assigned to it to see and use it."),
        _("The agency assigns its people and its audit account to the pixel."),
        _("We could not read who at the agency is assigned to your pixels."),
        _("Someone at the agency is assigned to each pixel")),
    "access_pixel_accounts": Plain(
        ngettext("A pixel is not connected to every ad account that advertises",
                 "{n} pixels are not connected to every ad account that advertises"),
        _("An ad account only reports and optimises for a pixel's conversions when the pixel "
          "is connected to it."),
        _("Connect the pixel to the ad accounts listed."),
        _("We could not read which ad accounts your pixels are connected to."),
        _("Each pixel is connected to the ad accounts that advertise"), per_item_fix=True),
    "capi_event_server": Plain(
        ngettext("An important event is only sent from the browser",
                 "{n} important events are only sent from the browser"),
        _("Browser events are lost to ad blockers, Safari's tracking prevention and iOS "
          "opt-outs; sending the same events from your server (Conversions API) recovers "
          "them."),
        _("Send these events from the website's server through the Conversions API as well; "
          "most shop platforms have a Meta integration that does it."),
        _("We could not read where your events come from, so this was not checked."),
        _("Important events are also sent from your server (Conversions API)")),
    "capi_event_dedup": Plain(
        ngettext("An event may be counted twice", "{n} events may be counted twice"),
        _("When the same purchase arrives from the browser and from the server without a "
          "shared event ID, Meta counts it twice: results look better than they are and "
          "campaigns learn from wrong numbers."),
        _("Send the same event ID with the browser event and the server event, so Meta can "
          "recognise the pair."),
        _("We could not read your pixels' data-quality report, so double counting was not "
          "checked."),
        _("Events sent from browser and server are counted once")),
    "capi_event_match_quality": Plain(
        ngettext("A server event has low event match quality",
                 "{n} server events have low event match quality"),
        _("Event match quality (0 to 10) says how well Meta can match server events to "
          "people; below about 6 many conversions cannot be attributed."),
        _("Send more customer details with server events (hashed email and phone number, "
          "external ID, IP address and browser ID); where Meta estimates how many more "
          "conversions each detail would bring, they are listed per event, most valuable "
          "first."),
        _("We could not read your pixels' data-quality report, so match quality was not "
          "checked."),
        _("Server events reach good event match quality"), per_item_fix=True),
    "capi_offline_set_migrated": Plain(
        ngettext("A retired offline event set is still in use",
                 "{n} retired offline event sets are still in use"),
        _("Meta shut offline event sets down on 14 May 2025: store and CRM sales sent there "
          "no longer arrive, so ad sets optimising for them learn from nothing and those "
          "sales stop being reported."),
        _("Send store and CRM sales to your dataset through the Conversions API instead; the "
          "agency then moves the custom conversions and ad sets to it."),
        _("We could not read your ad sets, so this was not checked."),
        _("No retired offline event set is still in use"), per_item_fix=True),
    "domains_traffic_verified": Plain(
        ngettext("A website domain with pixel traffic is not verified by you",
                 "{n} website domains with pixel traffic are not verified by you"),
        _("Meta uses domain verification to decide who may configure a domain's events and "
          "edit links; a domain you have not verified cannot be configured by you."),
        _("Verify the domain in Business Settings → Brand safety → Domains."),
        _("We could not read which domains your business has verified, so verification was "
          "not checked: please look in Business Settings → Brand safety → Domains."),
        _("Every domain with pixel traffic is verified by you")),
    "domains_owner_client": Plain(
        ngettext("A domain of yours is verified by another business",
                 "{n} domains of yours are verified by another business"),
        _("Verification belongs in your own Business Manager: a domain verified by the "
          "agency or another business gives it control of your events, and is lost when the "
          "relationship ends."),
        _("Verify the domain in your own Business Settings → Brand safety → Domains; the "
          "other business can then remove it."),
        _("We could not read which business verified your domains, so this was not "
          "checked."),
        _("Your domains are verified by you, not by another business")),
    "domains_declared_traffic": Plain(
        ngettext("A domain of yours received no pixel events in the last 7 days",
                 "{n} domains of yours received no pixel events in the last 7 days"),
        _("Where no pixel fires, conversions are not measured: the pixel may be missing from "
          "that site, or the site moved."),
        _("Check that the pixel's code is on every page of the site, or tell the agency if "
          "the domain is no longer used."),
        _("We could not read where your pixels fire, so this was not checked."),
        _("Every domain of yours receives pixel events")),
    "events_optimized_fired": Plain(
        ngettext("An event your ad sets optimise for has stopped",
                 "{n} events your ad sets optimise for have stopped"),
        _("An ad set optimising for an event that no longer arrives has nothing to learn "
          "from: delivery degrades and budget is spent blind."),
        _("Fix the tag that sends the event, or move the ad sets to an event that arrives."),
        _("We could not read your ad sets, so this was not checked."),
        _("Every event your ad sets optimise for arrived in the last 7 days")),
    "events_standard_traffic": Plain(
        ngettext("A custom conversion rests on an event without traffic",
                 "{n} custom conversions rest on an event without traffic"),
        _("A custom conversion only counts when the event it is built on arrives."),
        _("Fix the event the custom conversion is built on, or rebuild it on one that "
          "arrives."),
        _("We could not read your custom conversions, so this was not checked."),
        _("The events behind your custom conversions arrive")),
    "events_custom_conversion_available": Plain(
        ngettext("Meta has restricted a custom conversion your ad sets optimise for",
                 "Meta has restricted {n} custom conversions your ad sets optimise for"),
        _("Since September 2025 Meta flags custom conversions that suggest health or "
          "financial details and stops counting them: ad sets optimising for one stop "
          "receiving conversions, without being paused."),
        _("The agency creates a custom conversion that names the step, not a health "
          "condition or financial status, and moves the ad sets to it."),
        _("We could not read your custom conversions, so this was not checked."),
        _("No custom conversion your ad sets optimise for is restricted by Meta"),
        per_item_fix=True),
    "events_pixel_diagnostics": Plain(
        ngettext("Meta's diagnostics report a problem with a pixel",
                 "Meta's diagnostics report {n} problems with your pixels"),
        _("Meta checks each pixel itself (missing details, sudden drops); a failed diagnostic "
          "usually points straight at the broken tag."),
        _("Open Events Manager → the pixel → Diagnostics and follow Meta's advice for each "
          "item."),
        _("We could not read Meta's diagnostics for your pixels."),
        _("Meta's own diagnostics find no problem with your pixels")),
    "pixel_fire_recent": Plain(
        ngettext("A pixel has not fired recently", "{n} pixels have not fired recently"),
        _("A pixel that stopped firing sends no conversions; campaigns that rely on it lose "
          "their signal."),
        _("Check in Events Manager → the pixel → Test events that its code still loads on "
          "the site, and reinstall it if not."),
        _("We could not read when your pixels last fired."),
        _("Every pixel fired within the last day")),
    "pixel_status_available": Plain(
        ngettext("A pixel is marked unavailable by Meta",
                 "{n} pixels are marked unavailable by Meta"),
        _("Events sent to an unavailable pixel cannot be used for measurement or "
          "optimisation."),
        _("Ask the pixel's owner to check its settings in Events Manager, or move tracking to "
          "an active pixel."),
        _("We could not read your pixels' status."),
        _("No pixel is marked unavailable")),
    "priorities_adsets_within_top8": Plain(
        ngettext("Active ad sets optimise for events outside a domain's top 8",
                 "Active ad sets optimise for events outside the top 8 on {n} domains"),
        _("With Aggregated Event Measurement (AEM) each domain has 8 prioritised events; ad "
          "sets optimising for any other event are paused."),
        _("The agency moves these ad sets to one of the top-8 events below, or re-ranks the "
          "events in Events Manager as recommended."),
        _("We could not read your events or ad sets, so this was not checked."),
        _("Every active ad set optimises for one of its domain's top-8 events")),
    "priorities_events_volume": Plain(
        ngettext("A recommended event is too rare to optimise for",
                 "{n} recommended events are too rare to optimise for"),
        _("Ad sets need about 50 events a week to learn; rarer events starve them."),
        _("Optimise for a more frequent event earlier in the funnel (add to cart rather than "
          "purchase) until volume grows."),
        _("We could not read how often your events fire."),
        _("The events your ad sets optimise for are frequent enough")),
    "priorities_event_pixels": Plain(
        ngettext("An event comes from more than one pixel on the same domain",
                 "{n} events come from more than one pixel on the same domain"),
        _("Two pixels sending the same event on one domain share one priority slot and split "
          "the reporting; the second is often a forgotten tag that double counts."),
        _("Remove the extra pixel from the site, or send the event from one pixel only."),
        _("We could not read which pixels fire on your domains."),
        _("Each event on a domain comes from a single pixel")),
    "priorities_config_fits": Plain(
        ngettext("The agency's event priorities do not fit in 8 slots",
                 "The agency's event priorities do not fit in 8 slots on {n} domains"),
        _("When the agency's chosen priorities do not fit, the list differs from what it "
          "asked for."),
        _("The agency shortens its list of pinned events."),
        _("We could not read your events, so the agency's priorities were not checked."),
        _("The agency's chosen events fit in the 8 slots")),
    "rules_window_supported": Plain(
        ngettext("An automated rule judges results on a retired attribution window",
                 "{n} automated rules judge results on a retired attribution window"),
        _("A rule written for 28-day click sees fewer conversions under today's windows: a "
          "rule that pauses ad sets when cost per purchase is too high starts pausing ad "
          "sets that are doing fine."),
        _("The agency updates each rule to the current window, with its thresholds rescaled "
          "as shown under Automated rules."),
        _("We could not read your automated rules, so this was not checked."),
        _("No automated rule judges results on a retired attribution window")),
    "token_access_valid": Plain(
        ngettext("The agency's audit access is invalid or about to expire",
                 "The agency's audit access is invalid or about to expire"),
        _("The regular audit stops when its access expires."),
        _("The agency renews the access of its audit account, or refreshes it before it "
          "expires when Meta issued it for 60 days."),
        _("We could not check the agency's audit access."),
        _("The agency's audit access is valid")),
    "token_permissions_granted": Plain(
        ngettext("The agency's audit access lacks permissions",
                 "The agency's audit access lacks permissions"),
        _("Without them parts of your account look empty to the audit."),
        _("The agency grants its audit account the missing permissions."),
        _("We could not read the audit access's permissions."),
        _("The agency's audit access has the permissions it needs")),
    "token_business_visible": Plain(
        ngettext("The agency's audit cannot see your business",
                 "The agency's audit cannot see your business"),
        _("Your pixels, domains and partners live in your business; without access most of "
          "the audit runs blind."),
        _("In Business Settings → Partners, check that the agency is still a partner with "
          "access to your assets."),
        _("We could not check access to your business."),
        _("The agency's audit can see your business")),
    "windows_conversions_drop": Plain(
        ngettext("Reported conversions fall under the current 7-day window for one event",
                 "Reported conversions fall under the current 7-day window for {n} events"),
        _("When the reporting window shrinks from 28 days to 7 days after a click, late "
          "conversions stop being counted: the drop is a change of ruler, not of "
          "performance."),
        _("Compare periods only on the same window, and re-base targets and automated-rule "
          "thresholds on the new figures."),
        _("Meta did not return the windows needed to compare, so the change was not "
          "measured."),
        _("Reported conversions hold up under the current 7-day window")),
    "windows_adset_attribution_supported": Plain(
        ngettext("An ad set is not on the agency's standard attribution setting",
                 "{n} ad sets are not on the agency's standard attribution setting"),
        _("Ad sets on a retired or non-standard attribution setting report on a basis that "
          "cannot be compared with the rest of your campaigns."),
        _("The agency duplicates these ad sets with the standard setting (it cannot be "
          "edited once published) and turns the old ones off."),
        _("We could not read your ad sets, so this was not checked."),
        _("Your ad sets use the standard attribution setting")),
    "windows_ios_app_skan": Plain(
        ngettext("An iOS app campaign is not set up for SKAdNetwork",
                 "{n} iOS app campaigns are not set up for SKAdNetwork"),
        _("Since iOS 14.5, iOS app-install campaigns must be dedicated SKAdNetwork "
          "campaigns; others cannot reach opted-out iPhone users or report their installs."),
        _("The agency creates a new app campaign with the iOS 14+ option on and turns the "
          "old one off."),
        _("We could not read your campaigns, so this was not checked."),
        _("Your iOS app campaigns are set up for SKAdNetwork")),
}


# What the snapshot reads are, for "we could not read …" sentences (by catalogue pattern root).
READS = {
    "business": "your business's settings", "agency": "the agency's business settings",
    "pixel": "your pixels' data", "adaccount": "your ad accounts' data", "token": "the "
    "agency's audit access",
}

# How ad-set attribution settings read: "7d_click" → "7-day click".
WINDOW_WORDS = {"1d_click": _("1-day click"), "7d_click": _("7-day click"),
                "28d_click": _("28-day click"), "1d_view": _("1-day view"),
                "7d_view": _("7-day view"), "28d_view": _("28-day view"),
                "1d_ev": _("1-day engaged view")}
# The same, short, for table headers and chart axes: "7d_click" → "7d click".
WINDOW_SHORT = {"1d_click": _("1d click"), "7d_click": _("7d click"),
                "28d_click": _("28d click"), "1d_view": _("1d view"), "7d_view": _("7d view"),
                "28d_view": _("28d view"), "1d_ev": _("1d engaged view")}

# Headlines for groups of ad sets by attribution setting.
ATTRIBUTION_GROUP = ngettext("{n} ad set uses {setting}", "{n} ad sets use {setting}")
ONLY = _("{setting} only")

AEM_MODES = {
    "legacy": _("Your account works with the 8-events-per-domain limit of Aggregated Event "
                "Measurement: ad sets optimising for an event outside the top 8 are paused."),
    "relaxed": _("Meta's relaxed model applies to your account: events are no longer ranked "
                 "8 per domain, so the list below is the recommended order, and nothing "
                 "fails for lacking it."),
    "relaxed_evidence": _("Meta's relaxed model applies to your account, as the audit's own "
                          "data shows: more different events than the old limit of 8 have "
                          "ad sets delivering on one domain. The list below is the "
                          "recommended order, and nothing fails for lacking it."),
    "auto": _("Meta does not say whether your account has its relaxed model, so limits are "
              "shown as points to check rather than failures; the agency will confirm it in "
              "Events Manager."),
}

GLOSSARY = (
    (_("Pixel (dataset)"), _("The code on your website that tells Meta what visitors do "
                             "(view a product, buy …).")),
    (_("Conversions API"), _("The same events sent from your website's server instead of "
                             "the browser, so ad blockers and iOS privacy settings do not "
                             "lose them.")),
    (_("Event match quality"), _("A 0 to 10 score of how well Meta can match server events "
                                 "to people; 6 or more is good.")),
    (_("AEM"), _("Aggregated Event Measurement: Meta's way of measuring people who opted out "
                 "of tracking on iOS, with a limited set of prioritised events per domain.")),
    (_("Attribution window"), _("How long after a click or view a purchase is credited to "
                                "an ad: today 7 days after a click and 1 day after a view.")),
    (_("SKAdNetwork"), _("Apple's own measurement for app installs on iOS.")),
    (_("DPA"), _("Dynamic product ads: ads built from your product catalogue, which need the "
                 "product events (view, add to cart, purchase) with product IDs.")),
    (_("Business Settings"), _("The settings of your Meta Business Manager "
                               "(business.facebook.com/settings), where partners, pixels and "
                               "domains are managed.")),
    (_("Events Manager"), _("The part of Meta Business Manager where a pixel's events, "
                            "test events and diagnostics are shown.")),
)

SCORE_SENTENCE = _("The score counts each check once, weighted by how much it matters and by "
                   "the share of your items that pass; any failing check of high importance "
                   "keeps the score below 70, and a critical one below 40.")

IN_ORDER = _("In order")
NOT_CHECKED_SHORT = _("Not checked")
CRASHED = _("This check could not be completed (a fault in the audit, not in your setup); "
            "the agency is looking into it.")
PARTIAL = _("Some of your data could not be read, so a few checks did not run; they are "
            "listed under “What could not be checked”.")
MISSING_FIELDS = _("Meta no longer provides a few details this audit reads, so some checks "
                   "had less to go on; the agency has the list.")

PRIORITIES_PROBLEM = _("The events the agency pinned or ordered need more than the 8 slots; "
                       "the list below is what fits.")

# Customer information keys as the Dataset Quality API names them, for the people who add
# them (https://developers.facebook.com/docs/marketing-api/conversions-api/parameters/
# customer-information-parameters).
MATCH_KEYS = {
    "email": _("the customer's email address (hashed)"),
    "phone": _("the customer's phone number (hashed)"),
    "external_id": _("the customer's ID in your own systems (hashed)"),
    "first_name": _("the customer's first name (hashed)"),
    "last_name": _("the customer's last name (hashed)"),
    "date_of_birth": _("the customer's date of birth (hashed)"),
    "gender": _("the customer's gender (hashed)"),
    "city": _("the customer's city (hashed)"),
    "state": _("the customer's state or region (hashed)"),
    "zip": _("the customer's postcode (hashed)"),
    "country": _("the customer's country (hashed)"),
    "ip_address": _("the visitor's IP address (from the visit, not the server's)"),
    "user_agent": _("the visitor's browser user agent"),
    "fbp": _("the Meta browser ID (the _fbp cookie)"),
    "fbc": _("the Meta click ID (the _fbc cookie or fbclid in the landing URL)"),
}

# The pixel (dataset) tasks a partner can hold, as Business Settings names them.
TASKS = {"ANALYZE": _("Analyze"), "ADVERTISE": _("Advertise"), "UPLOAD": _("Upload"),
         "EDIT": _("Manage"), "AA_ANALYZE": _("Analyze (app)")}

# An automated rule's status and what it does, in words.
RULE_STATUS = {"ENABLED": _("on"), "PAUSED": _("paused"), "DISABLED": _("off"),
               "DELETED": _("deleted"), "HAS_ISSUES": _("has issues")}

# Flags and kinds of the top-8 ranking.
PRIORITY_FLAGS = {"pinned": _("pinned by the agency"), "ordered": _("ordered by the agency"),
                  "too_rare": _("too rare"), "several_pixels": _("several pixels"),
                  "value_optimised": _("value optimised")}
# What each part of an event's top-8 score measures.
COMPONENTS = {"in_use": _("ad sets using it"), "funnel": _("how close to a sale"),
              "spend": _("spend"), "volume": _("how often it fires"),
              "value": _("purchase value")}
EVENT_KINDS = {"standard": _("standard"), "custom": _("custom"),
               "custom_conversion": _("custom conversion")}

# Conversion types of the window comparison (Insights action types), by their key.
ACTION_LABELS = {
    "offsite_conversion.fb_pixel_purchase": _("Purchase (website)"),
    "offsite_conversion.fb_pixel_lead": _("Lead (website)"),
    "offsite_conversion.fb_pixel_complete_registration": _("Registration (website)"),
    "offsite_conversion.fb_pixel_add_to_cart": _("Add to cart (website)"),
    "offsite_conversion.fb_pixel_initiate_checkout": _("Checkout (website)"),
    "offsite_conversion.fb_pixel_add_payment_info": _("Payment info (website)"),
    "offsite_conversion.fb_pixel_view_content": _("Content view (website)"),
    "offsite_conversion.fb_pixel_search": _("Search (website)"),
    "offsite_conversion.fb_pixel_custom": _("Custom events (website)"),
    "omni_purchase": _("Purchase (all channels)"),
    "omni_lead": _("Lead (all channels)"),
    "omni_complete_registration": _("Registration (all channels)"),
    "omni_add_to_cart": _("Add to cart (all channels)"),
    "omni_initiate_checkout": _("Checkout (all channels)"),
    "omni_add_payment_info": _("Payment info (all channels)"),
    "omni_view_content": _("Content view (all channels)"),
    "omni_search": _("Search (all channels)"),
    "purchase": _("Purchase (all channels)"),
    "lead": _("Lead (all channels)"),
    "mobile_app_install": _("App installs"),
}
CUSTOM_CONVERSION = _("{name} (custom conversion)")

# What the automated rules' conditions read, by the field's base name.
RULE_FIELDS = {
    "attribution_window": _("attribution window"), "spent": _("spent"),
    "impressions": _("impressions"), "results": _("results"), "frequency": _("frequency"),
    "cost_per_purchase_fb": _("cost per purchase"), "purchase_fb": _("purchases"),
    "lifetime_cost_per_purchase_fb": _("lifetime cost per purchase"),
    "lifetime_purchase_fb": _("lifetime purchases"),
    "website_purchase_roas": _("purchase ROAS (website)"),
    "cost_per_lead_fb": _("cost per lead"), "leadgen_fb": _("leads"),
    "cost_per_result": _("cost per result"), "cpa": _("cost per action"),
    "cpc": _("cost per click"), "cpm": _("cost per 1,000 impressions"),
    "ctr": _("click-through rate"), "daily_spent": _("spent today"),
    "lifetime_spent": _("lifetime spend"), "time_preset": _("period"),
    "entity_type": _("applies to"),
}
RULE_SCOPES = {"campaign": _("campaign"), "adset": _("ad set"), "ad": _("ad"),
               "lifetime": _("lifetime")}
OPERATORS = {"GREATER_THAN": ">", "LESS_THAN": "<", "EQUAL": "=", "NOT_EQUAL": "≠",
             "IN_RANGE": _("between"), "NOT_IN_RANGE": _("not between"), "IN": _("in"),
             "NOT_IN": _("not in")}
AND = _("and")

# The dated platform changes the checks rest on, by their id: the translators' source for
# reports in other languages (the English report shows audit/platform.py's own words).
PLATFORM = {
    "ios14-att": (
        _("iOS 14.5: Apple's App Tracking Transparency"),
        _("People who opt out of tracking on iPhone are measured by Aggregated Event "
          "Measurement, one prioritised event per visit. The reason for this audit.")),
    "aem-8-events": (
        _("At most 8 prioritised conversion events per website domain"),
        _("Events were ranked per verified domain in Events Manager; ad sets optimising for "
          "an event outside the 8 were paused.")),
    "attr-2021": (
        _("28-day click, 28-day view and 7-day view attribution retired"),
        _("The default became 7-day click + 1-day view.")),
    "domain-verif": (
        _("Domain verification in the domain owner's Business Manager"),
        _("Needed to configure a domain's events; agencies get access as partners. Still "
          "needed for link editing and brand safety.")),
    "unified-attr": (
        _("Reports always use the ad set's own attribution setting"),
        _("Figures before and after this date are not like-for-like.")),
    "aem-relaxed": (
        _("Reported: advertisers no longer rank 8 web events per domain"),
        _("Meta's help pages say the ranking is gone and domain verification is no longer "
          "needed to configure events; whether it applies to an account is not visible, so "
          "the agency sets it per client.")),
    "view-windows-gone": (
        _("Reported: reports stop showing 7-day and 28-day view windows"),
        _("A window that shows nothing is unavailable, not zero.")),
    "token-expiry": (
        _("Reported: access keys for automated audits now expire after 60 or 90 days"),
        _("Regular audits stop unless the agency renews the key in time.")),
    "dataset-quality": (
        _("Meta reports event match quality and double counting per event"),
        _("Read by the Conversions API checks.")),
    "owned-domains-edge": (
        _("Reported: Meta no longer lists a business's verified domains to audit tools"),
        _("The audit reads the verification codes the domains themselves publish and "
          "compares them with yours.")),
    "offline-capi": (
        _("Offline event sets were shut down"),
        _("Store and CRM sales now reach Meta through a dataset and the Conversions API; an "
          "offline event set still in use receives nothing new.")),
    "dq-metrics-2025": (
        _("Meta estimates the extra conversions each missing customer detail would bring"),
        _("Per event, Meta says how many more conversions similar advertisers saw reported "
          "once they sent a detail such as the email address: the fixes are listed in that "
          "order.")),
    "sensitive-cc": (
        _("Reported: custom conversions suggesting health or financial status are "
          "restricted"),
        _("Meta flags such custom conversions and stops counting them, so ad sets "
          "optimising for one stop receiving conversions.")),
    "click-link-only": (
        _("Reported: clicks count link clicks only; a 1-day engaged-view window is added"),
        _("Likes, comments, shares and short video views moved from clicks to a 1-day "
          "engaged-view window, now part of Meta's default attribution: click figures before "
          "and after the change are not like-for-like.")),
    "system-user-60d": (
        _("Access keys for automated audits can expire after 60 days"),
        _("Meta suggests keys that expire after 60 days and are refreshed before they do; "
          "the agency keeps the audit's key fresh.")),
}
