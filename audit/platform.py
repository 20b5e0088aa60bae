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

    def to_dict(self) -> dict[str, object]:
        """Serialisable form for run.json."""
        return {"id": self.id, "date": self.date, "title": self.title,
                "meaning": self.meaning, "confirmed": self.confirmed}


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
)}


def changes_for(ids: list[str] | tuple[str, ...]) -> list[PlatformChange]:
    """The known changes among ``ids``, in date order."""
    found = [CHANGES[i] for i in dict.fromkeys(ids) if i in CHANGES]
    return sorted(found, key=lambda c: c.date)
