"""What Meta changed since the 2021 iOS 14 checklist, and when.

Checks name the changes they rest on by id; reports list the ones that apply, with dates,
so a reader can see why a rule applies or no longer does. "Reported" items come from
secondary sources and are worded as such.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformChange:
    """One dated platform change."""

    id: str
    date: str
    title: str
    meaning: str
    confirmed: bool = True
    source: str = ""  # a public page saying so, where there is one

    def to_dict(self) -> dict[str, object]:
        """Serialisable form for run.json."""
        out: dict[str, object] = {"id": self.id, "date": self.date, "title": self.title,
                                  "meaning": self.meaning, "confirmed": self.confirmed}
        if self.source:
            out["source"] = self.source
        return out


CHANGES: dict[str, PlatformChange] = {c.id: c for c in (
    PlatformChange(
        "ios14-att", "2021-04-26",
        "iOS 14.5 App Tracking Transparency enforced",
        "Opted-out iOS users are measured through Aggregated Event Measurement: one "
        "prioritised event per session. The reason this audit exists."),
    PlatformChange(
        "aem-8-events", "2021-03",
        "Web events limited to 8 prioritised conversion events per domain",
        "Events ranked per verified domain (eTLD+1) in Events Manager; value optimisation "
        "used 4 of the 8 slots; ad sets optimising for an event outside the 8 were paused."),
    PlatformChange(
        "attr-2021", "2021-01-19",
        "28-day click, 28-day view and 7-day view attribution retired for ad sets",
        "Default became 7-day click + 1-day view; the account-level attribution setting "
        "was deprecated."),
    PlatformChange(
        "domain-verif", "2021-02",
        "Domain verification in the domain owner's Business Manager",
        "Required to configure AEM events; agencies get access by partner assignment. "
        "Still needed for link editing and brand safety."),
    PlatformChange(
        "unified-attr", "2025-06-10",
        "Insights always use the ad set's (unified) attribution setting",
        "use_unified_attribution_setting and action_report_time are ignored: figures "
        "before and after this date are not like-for-like."),
    PlatformChange(
        "aem-relaxed", "2025",
        "Reported: advertisers no longer rank 8 web events per domain",
        "Meta's help page says the AEM tab is gone and domain verification is no longer "
        "required for event configuration; no API tells whether an account has the "
        "rollout, so the audit's AEM mode is configurable.", confirmed=False),
    PlatformChange(
        "view-windows-gone", "2026-01-12",
        "Reported: Insights stop returning 7-day and 28-day view windows",
        "A window that returns nothing is unavailable, not zero.", confirmed=False),
    PlatformChange(
        "token-expiry", "2026",
        "Reported: system-user tokens issued with 60- or 90-day expiry",
        "Periodic reruns fail unless token expiry is checked up front.", confirmed=False),
    PlatformChange(
        "dataset-quality", "2024-2026",
        "Dataset Quality API for event match quality, coverage, dedup and freshness",
        "Successor of integration_quality; read by the Conversions API checks."),
    PlatformChange(
        "owned-domains-edge", "2020-02 / 2026",
        "SDK dropped Business.get_owned_domains; the edge reportedly answers #100",
        "The audit calls it through the generic request API and, when it is unavailable, "
        "reads the verification markers the domains publish (DNS record, meta tag, file) "
        "and compares their codes with the client's.", confirmed=False),
    PlatformChange(
        "offline-capi", "2025-05-14",
        "The Offline Conversions API (offline event sets) was shut down",
        "Offline events now reach Meta through a dataset and the Conversions API (store "
        "sales sent as physical-store events); an offline event set still used by an ad "
        "account receives nothing new.",
        source="https://developers.facebook.com/docs/marketing-api/offline-conversions"),
    PlatformChange(
        "dq-metrics-2025", "2025-05-28",
        "Dataset Quality API reports the extra conversions each missing customer key "
        "would bring",
        "Per event and per customer information key (email, phone …), Meta estimates the "
        "additional conversions reported if the key were sent: match-quality fixes are "
        "ranked by it.",
        source="https://developers.facebook.com/docs/marketing-api/conversions-api/"
               "dataset-quality-api"),
    PlatformChange(
        "sensitive-cc", "2025-09-02",
        "Reported: custom conversions suggesting health or financial status are restricted",
        "Meta flags such custom conversions and stops matching events to them, so ad sets "
        "optimising for one stop receiving conversions; the API marks a flagged custom "
        "conversion as unavailable.", confirmed=False,
        source="https://developers.facebook.com/docs/marketing-api/reference/"
               "custom-conversion"),
    PlatformChange(
        "click-link-only", "2026-03",
        "Reported: click-through attribution counts link clicks only; 1-day engage-through "
        "added",
        "Likes, comments, shares and short video views moved from click-through to a 1-day "
        "engaged-view (engage-through) window, now part of Meta's default attribution: "
        "click figures before and after the change are not like-for-like.", confirmed=False),
    PlatformChange(
        "system-user-60d", "2026",
        "System-user tokens can expire after 60 days and must be refreshed before they do",
        "Meta suggests expiring system-user tokens (valid 60 days, refreshed before expiry; "
        "an expired one can only be replaced); a token that reports no expiry never "
        "expires.",
        source="https://developers.facebook.com/docs/marketing-api/system-users/"
               "install-apps-and-generate-tokens"),
)}


def changes_for(ids: list[str] | tuple[str, ...]) -> list[PlatformChange]:
    """The known changes among ``ids``, in date order."""
    found = [CHANGES[i] for i in dict.fromkeys(ids) if i in CHANGES]
    return sorted(found, key=lambda c: c.date)
