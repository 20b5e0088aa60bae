"""The HTML report and index rendered from hand-built runs: content, escaping, branding."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from markupsafe import Markup

from audit.evaluate.run import RunResult
from audit.models import CollectionError, Finding, Resource, Severity, Status
from audit.publish.render import (
    Branding,
    BrandingError,
    branding_from_config,
    charts,
    environment,
    filter_diff,
    format_evidence,
    render_index,
    render_report,
    render_technical,
)

XSS = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(1)>'
HOSTILE = (XSS, ATTR)
CLIENT = f"Acme {XSS}"
PIXEL = f"Main pixel {ATTR}"
EVENT = f"Purchase{XSS}"
CC = f"Big order {ATTR}"
RULE = f"Pause {XSS} rule"
CAMPAIGN = f"Campaign {ATTR}"
DOMAIN = f"shop.example{XSS}.com"
WINDOWS = ["1d_click", "7d_click", "28d_click", "1d_view", "7d_view", "28d_view"]
CHECKS = [
    {"id": "domains_traffic_verified", "title": "Domains are verified", "severity": "high",
     "area": "domains", "why": "Unverified domains cannot be configured."},
    {"id": "access_pixel_shared", "title": "Pixels are shared", "severity": "critical",
     "area": "access", "why": "Without partner access nothing else works."},
    {"id": "access_pixel_users", "title": "People are assigned", "severity": "medium",
     "area": "access", "why": "Someone must hold the pixel."},
    {"id": "pixel_fire_recent", "title": "Pixels fire", "severity": "high", "area": "pixels",
     "why": "A silent pixel sends no conversions."},
    {"id": "events_optimized_fired", "title": "Optimised events fire", "severity": "critical",
     "area": "events", "why": "Ad sets need their event."},
    {"id": "windows_adset_attribution_supported", "title": "Ad sets use a supported window",
     "severity": "medium", "area": "windows", "why": "WHY-WINDOWS-TEXT retired windows."},
    {"id": "capi_event_dedup", "title": "Events are deduplicated", "severity": "high",
     "area": "capi", "why": "Double counting."},
    {"id": "rules_window_supported", "title": "Rules use current windows", "severity": "high",
     "area": "rules", "why": "Rules act on the numbers."},
    {"id": "token_access_valid", "title": "Token is valid", "severity": "critical",
     "area": "token", "why": "No token, no audit."},
]


def finding(check_id: str, status: Status, rid: str = "1", name: str | None = PIXEL,
            severity: Severity = Severity.HIGH, rtype: str = "pixel", **kw: Any) -> Finding:
    area = next(c["area"] for c in CHECKS if c["id"] == check_id)
    base: dict[str, Any] = {
        "message": f"{name} finding {rid}", "evidence": {"events_7d": 1234, "note": XSS},
        "remediation": f"Fix {name} in Business Settings"}
    base.update(kw)
    return Finding(check_id=check_id, client="acme", status=status, severity=severity,
                   area=area, title=check_id.replace("_", " "), resource=Resource(rtype, rid, name),
                   **base)


def comparison(level: str, name: str | None, conv: dict[str, float | None],
               event: str = EVENT) -> dict[str, Any]:
    return {"level": level, "object_id": "c1" if level == "campaign" else "act_1",
            "object_name": name, "account": "act_1", "action_type": "offsite_purchase",
            "event": event, "spend": 1000.0, "conversions": conv, "values": dict(conv),
            "metrics": {"old_default": 120.0, "new_default": 100.0, "change": -0.1667,
                        "kept_7d_of_28d_click": 0.9, "view_share_new_default": 0.2,
                        "cost_per_result_old": 8.33, "cost_per_result_new": 10.0,
                        "roas_old": 1.2, "roas_new": 1.0}}


CONV = {"1d_click": 50.0, "7d_click": 80.0, "28d_click": 100.0, "1d_view": 20.0,
        "7d_view": None, "28d_view": None}


def sections(changes: bool = True) -> dict[str, Any]:
    ranked = {"rank": 1, "event": EVENT, "kind": "standard", "score": 93.5,
              "components": {"in_use": 35.0, "funnel": 30.0, "spend": 15.0, "volume": 8.5,
                             "value": 5.0},
              "volume_7d": 3899, "spend_28d": 2371.2, "slots": 4,
              "flags": ["value_optimised"], "reason": f"used by ad sets {XSS}", "pixels": ["1"]}
    out: dict[str, Any] = {
        "domains": {"owned_domains_available": True, "owned_domains_error": None,
                    "rows": [{"domain": DOMAIN, "events_7d": 42, "hosts": {DOMAIN: 42},
                              "pixels": ["1"], "declared": True, "listed": True,
                              "status": "verified", "verified": True,
                              "owner_business_id": "9", "owner_business_name": ATTR}]},
        "access": {"rows": [{"pixel_id": "1", "pixel_name": PIXEL, "readable": True,
                             "partners": [{"business_id": "2", "name": XSS, "tasks": ["ANALYZE"]}],
                             "agency_shared": True, "agency_tasks": ["ANALYZE"],
                             "agency_users": [{"id": "7", "name": ATTR}],
                             "ad_accounts": ["act_1"]}]},
        "events": {"rows": [{"pixel_id": "1", "pixel_name": PIXEL, "event": EVENT,
                             "total_7d": 900, "browser_7d": 600, "server_7d": 300,
                             "server_share": 0.3333, "adsets": 3, "active_adsets": 2,
                             "spend_28d": 500.0, "match_quality": 6.1,
                             "coverage_percent": 50.0, "dedup_percent": 90.0}] * 14},
        "priorities": {
            "mode": "legacy", "effective_mode": "legacy",
            "mode_reason": "MODE-REASON: 8 prioritised events per domain.",
            "domains": [{
                "domain": DOMAIN, "slots_used": 5, "slots": 8,
                "recommended": [ranked, {**ranked, "rank": 2, "event": CC, "slots": 1,
                                         "kind": "custom_conversion", "flags": ["too_rare"]}],
                "left_out": [{**ranked, "rank": None, "event": "ViewContent"}],
                "affected_adsets": [{"adset_id": "55", "adset_name": f"Ad set {ATTR}",
                                     "account": "act_1", "event": CC, "spend_28d": 99.5,
                                     "status": "ACTIVE"}],
                "shared_events": [{"event": EVENT, "pixels": ["1", "2"]}],
                "rare_events": [CC], "problems": [f"{CC} does not fit"]}]},
        "windows": {
            "date_start": "2026-11-01", "date_stop": "2026-11-28", "windows": WINDOWS,
            "available": WINDOWS[:4], "unavailable": ["7d_view", "28d_view"],
            "notes": ["NOTE: 7d_view, 28d_view unavailable; not zero."],
            "old_default": ["28d_click", "1d_view"], "new_default": ["7d_click", "1d_view"],
            "rows": {"campaign": [comparison("campaign", CAMPAIGN, CONV)] * 7,
                     "adset": [comparison("adset", "x", CONV)]},
            "account_totals": [comparison("account", None, CONV)],
            "client_totals": [comparison("client", None, CONV)],
            "currencies": {"act_1": "EUR"}, "errors": {}},
        "rules": {"target_window": "ACCOUNT_DEFAULT", "rules": [
            {"rule_id": "r1", "name": RULE, "status": "ENABLED", "execution_type": "PAUSE",
             "classification": "deprecated", "account": "act_1",
             "windows": [{"where": "attribution_window filter", "value": "28D_CLICK",
                          "parts": ["28d_click"]}],
             "current": {"evaluation_spec": {"evaluation_type": "SCHEDULE", "filters": [
                 {"field": "entity_type", "value": "ADSET", "operator": "EQUAL"},
                 {"field": "attribution_window", "value": "28D_CLICK", "operator": "EQUAL"},
                 {"field": "cost_per_purchase_fb", "value": 40000, "operator": "GREATER_THAN"},
             ]}},
             "suggested": {"evaluation_spec": {"evaluation_type": "SCHEDULE", "filters": [
                 {"field": "entity_type", "value": "ADSET", "operator": "EQUAL"},
                 {"field": "attribution_window", "value": "ACCOUNT_DEFAULT", "operator": "EQUAL"},
                 {"field": "cost_per_purchase_fb", "value": 48352, "operator": "GREATER_THAN"},
             ]}},
             "changes": ["cost_per_purchase_fb GREATER_THAN: 40000 × 1.2088 = 48352"],
             "notes": [f"note {XSS}"], "needs_review": True, "dangerous": True},
            {"rule_id": "r2", "name": f"Notify {ATTR}", "status": "ENABLED",
             "execution_type": "NOTIFICATION", "classification": "none", "windows": [],
             "current": {"evaluation_spec": {"filters": []}}, "suggested": None,
             "changes": [], "notes": [], "needs_review": False, "dangerous": False}]},
    }
    if changes:
        out["changes"] = {
            "previous_run_id": "20261121T120000Z",
            "previous_finished_at": "2026-11-21T12:00:05+00:00",
            "new": [finding("access_pixel_shared", Status.FAIL, "n1").to_dict()],
            "resolved": [finding("pixel_fire_recent", Status.PASS, "r9",
                                 name=f"Resolved {XSS}").to_dict()],
            "regressed": [], "improved": [],
            "assets": {"pixels_added": [f"77{XSS}"], "pixels_removed": [],
                       "domains_lost_verification": [DOMAIN],
                       "rules_edited": [{"rule_id": "r1", "name": RULE}]}}
    return out


def findings() -> list[Finding]:
    out = [
        finding("domains_traffic_verified", Status.FAIL, DOMAIN, name=None, rtype="domain",
                evidence={"events_7d": 42557, "hosts": {DOMAIN: 1}, "adsets": [
                    {"id": "1", "name": ATTR, "spend_28d": 1280.0}]}),
        finding("access_pixel_shared", Status.FAIL, severity=Severity.CRITICAL),
        finding("access_pixel_users", Status.WARN, "2", muted=f"agreed {XSS}"),
        finding("events_optimized_fired", Status.ERROR, "3",
                message=f"check crashed: KeyError {XSS}"),
        finding("capi_event_dedup", Status.SKIPPED, "4", message=f"no data for {PIXEL}"),
        finding("rules_window_supported", Status.FAIL, "r1", name=RULE, rtype="rule"),
        finding("token_access_valid", Status.PASS, "t", name="token"),
    ]
    out += [finding("pixel_fire_recent", Status.PASS, f"p{i}") for i in range(43)]
    out += [finding("windows_adset_attribution_supported", Status.WARN, f"a{i}",
                    name=f"Ad set {i} {ATTR}", rtype="adset",
                    remediation="Duplicate the ad set with 7-day click.") for i in range(120)]
    return out


def make_run(**kw: Any) -> RunResult:
    base: dict[str, Any] = dict(
        run_id="20261128T120000Z",
        client={"slug": "acme", "name": CLIENT, "business_id": f"123{ATTR}"},
        agency={"name": f"Northwind {XSS}", "business_id": "2"},
        started_at="2026-11-28T12:00:00+00:00", finished_at="2026-11-28T12:00:05+00:00",
        findings=findings(), checks=CHECKS, snapshot={"collected_at": "2026-11-28T12:00:00Z"},
        collection_errors=[CollectionError(f"GET /1/owned_domains{XSS}", "unsupported",
                                           f"nonexisting field {ATTR}", 100)],
        sections=sections())
    base.update(kw)
    return RunResult(**base)


class Tags(HTMLParser):
    """Every start tag and its attributes, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parse(html: str) -> list[tuple[str, dict[str, str | None]]]:
    p = Tags()
    p.feed(html)
    return p.tags


def assert_safe(html: str, logo: bool = False) -> None:
    for bad in HOSTILE:
        assert bad not in html
    assert "<script" not in html.lower()
    assert "url(" not in html and "@import" not in html
    tags = parse(html)
    assert "script" not in {t for t, _ in tags}
    assert [t for t, _ in tags].count("img") == (1 if logo else 0)
    for tag, attrs in tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for name in ("src", "href", "action", "srcset", "xlink:href"):
            value = (attrs.get(name) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//", "javascript:")), (tag, attrs)
            if name == "src" and name in attrs:
                assert value.startswith("data:image/"), (tag, attrs)


def section(html: str, ident: str) -> str:
    """The HTML of one <section id=...> (up to the next section)."""
    start = html.index(f'<section id="{ident}"')
    end = html.find("<section ", start + 10)
    return html[start:end if end > 0 else len(html)]


# ----------------------------------------------------------------------------- escaping


def test_hostile_names_everywhere_are_escaped():
    html = render_report(make_run())
    assert_safe(html)
    # the hostile text is still shown, as text
    assert "Acme &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html


def test_strict_csp_and_no_remote_resources():
    html = render_report(make_run())
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert csp is not None
    assert "default-src 'none'" in csp.group(1)
    assert "script-src" not in csp.group(1)
    assert "img-src data:" in csp.group(1)
    assert re.search(r"https?://(?!business\.facebook\.com)", html) is None


def test_index_escapes_hostile_names_and_drops_non_relative_links():
    bad = make_run(client={"slug": "bad", "name": CLIENT, "business_id": "1"})
    html = render_index([bad], {"bad": "javascript:alert(1)"}, {"name": XSS}, "r1")
    assert_safe(html)
    assert "javascript:" not in html
    assert "Acme &lt;script&gt;" in html


def test_chart_escapes_labels_and_returns_markup():
    svg = charts.window_chart(EVENT, CONV, WINDOWS)
    assert isinstance(svg, Markup)
    assert XSS not in svg and "Purchase&lt;script&gt;" in svg
    assert "<svg" in svg and "</svg>" in svg


# ----------------------------------------------------------------------------- content


def test_top_shows_client_score_and_checklist_states():
    run = make_run()
    html = render_report(run)
    top = html[:html.index('<section id="changes"')]
    assert "123&#34;&gt;&lt;img" in top  # business id (escaped)
    # Scored checks (muted, ERROR and SKIPPED findings do not count), by severity weight:
    # domains FAIL (high 4, share 0), access_pixel_shared FAIL (critical 8, 0), rules FAIL
    # (high 4, 0), token PASS (high 4, 1), pixel_fire_recent 43 PASS (high 4, 1), windows
    # 120 WARN (high 4, ½): raw = (4 + 4 + 2) / 28; a critical check fails, so the band is
    # 0-39: 39 · 10/28 = 13.93 → 13.9
    assert run.readiness()["score"] == 13.9
    assert 'aria-label="Readiness score 13.9"' in top
    assert "counts each check once" in top  # the method in one sentence
    for title in ("Domains verified", "Pixel access &amp; event usage", "Top-8 events",
                  "Attribution windows", "Conversions API", "Automated rules", "Access token"):
        assert title in top
    steps = re.findall(r'<a class="step step-(\w+)" href="#[\w-]+">\s*<div class="top">'
                       r'<span class="n">[^<]*</span><span class="t">([^<]+)</span>', top)
    states = {title: state for state, title in steps}
    assert states["Domains verified"] == "action"
    assert states["Attribution windows"] == "check"
    assert states["Conversions API"] == "unknown"
    assert states["Access token"] == "ready"
    assert "Action needed" in top and "Not checked" in top and "Ready" in top


def test_each_problem_check_is_one_item_saying_what_why_what_to_do_and_who():
    html = section(render_report(make_run()), "actions")
    # one item per check, with a plain headline, the reason, the fix and who acts
    item = html[html.index('id="item-access_pixel_shared"'):]
    item = item[:item.index("</article>")]
    assert "A pixel is not shared with your agency" in item
    assert "Why it matters:" in item and "What to do:" in item
    assert "Your Business Manager admin, in Business Settings" in item
    # the 120 ad sets are one item with one folded table, not 120 entries
    ads = html[html.index('id="item-windows_adset_attribution_supported"'):]
    ads = ads[:ads.index("</article>")]
    assert "120 ad sets" in ads
    assert ads.count("<details") == 1 and ads.count("<tr id=") == 120
    assert "Your agency" in ads
    # muted findings stay visible, marked as accepted
    assert "accepted deviation: agreed &lt;script&gt;" in html
    # passing checks fold into one short list
    passed = section(render_report(make_run()), "passed")
    # in the catalogue's words (the good state), not the run's check titles
    assert "The agency&#39;s audit access is valid" in passed
    assert "Every pixel fired within the last day" in passed and "Token is valid" not in passed


def test_grouped_objects_by_attribution_setting():
    from audit.publish.render.items import action_items
    fs = [finding("windows_adset_attribution_supported", Status.WARN, f"a{i}", rtype="adset",
                  evidence={"attribution": ["7d_click"], "spend_28d": float(i)})
          for i in range(5)]
    fs += [finding("windows_adset_attribution_supported", Status.WARN, "b", rtype="adset",
                   evidence={"attribution": ["1d_click", "1d_view"], "spend_28d": 9.0})]
    [item] = action_items(fs, CHECKS)
    assert [g.headline for g in item.groups] == [
        "5 ad sets use 7-day click only", "1 ad set uses 1-day click + 1-day view"]
    assert [r.spend for r in item.groups[0].rows] == [4.0, 3.0, 2.0, 1.0, 0.0]
    assert item.headline == "6 ad sets are not on the agency's standard attribution setting"


def test_gaps_are_plain_for_the_client_and_technical_for_the_agency():
    run = make_run()
    html = section(render_report(run), "gaps")
    assert "GET /1/owned_domains" not in html and "nonexisting field" not in html
    assert "We could not read your pixels" in html  # the skipped dedup check, plainly
    assert "could not be completed" in html  # the crashed check, in plain words
    tech = render_technical(run)
    assert "GET /1/owned_domains&lt;script&gt;" in tech
    assert "Checks that crashed (1)" in tech and "check crashed: KeyError" in tech
    assert "Skipped checks (1)" in tech and "no data for Main pixel" in tech
    assert "ios14-audit rules apply plan.json" in tech  # the commands live here
    assert 'href="technical.html"' not in render_report(run)  # never linked for the client


def test_since_last_run_lists_changes_and_first_run_says_so():
    html = section(render_report(make_run()), "changes")
    assert "Compared with the run of 21 Nov 2026" in html
    assert "new problems" in html and "resolved" in html
    assert "Resolved &lt;script&gt;" in html
    assert "new pixel" in html and "77&lt;script&gt;" in html
    assert "lost verification" in html and "rule edited" in html
    first = section(render_report(make_run(sections=sections(changes=False))), "changes")
    assert "First run" in first


def test_top8_lists_events_reasons_affected_adsets_and_mode():
    html = section(render_report(make_run()), "priorities")
    assert "8-events-per-domain limit" in html  # the legacy mode, in plain words
    assert "MODE-REASON" not in html  # the recommender's wording is on the technical page
    assert "Purchase&lt;script&gt;" in html and "Big order &#34;&gt;" in html
    assert "93.5" in html
    assert "value optimised" in html and "too rare" in html
    assert "Ad set &#34;&gt;&lt;img" in html and "€99.50" in html
    assert "5 of 8 slots used" in html and "1 event left out" in html
    tech = render_technical(make_run())
    assert "MODE-REASON" in tech and "used by ad sets &lt;script&gt;" in tech


def test_windows_show_unavailable_never_zero_and_a_chart():
    html = section(render_report(make_run()), "windows")
    assert "<svg" in html and "n/a" in html
    assert "Unavailable windows: 7d view, 28d view." in html
    # run.json's notes are the agency's (English, technical): on the technical page only
    assert "NOTE: 7d_view" not in html
    assert "NOTE: 7d_view, 28d_view unavailable" in render_technical(make_run())
    cells = re.findall(r'<td class="num na">unavailable</td>', html)
    # two unavailable windows in the total row and in each of the 7 campaigns
    assert len(cells) == 2 * (1 + 7)
    assert "Campaign &#34;&gt;&lt;img" in html
    assert "2 more campaigns" in html
    assert "−16.7%" in html
    assert "€1,000.00" in html and "€8.33" in html  # money with its currency


def test_windows_say_inconsistent_data_not_unavailable():
    data = sections()
    odd = comparison("account", None, CONV)
    odd["metrics"] = dict.fromkeys(odd["metrics"])
    odd["inconsistent"] = ["conversions: 7d_click 80 > 28d_click 60"]
    data["windows"]["account_totals"] = [odd]
    data["windows"]["client_totals"] = [{**odd, "level": "client"}]
    html = section(render_report(make_run(sections=data)), "windows")
    assert "do not add up" in html and "inconsistent data" in html
    assert "−100" not in html


def test_rules_show_before_after_with_changed_rows_dangerous_first():
    html = section(render_report(make_run()), "rules")
    assert "Condition today" in html and "Suggested" in html
    assert html.count('<tr class="changed">') == 2
    # money thresholds from minor units, with the account's currency
    assert "€400.00" in html and "€483.52" in html and "48352" not in html
    # windows in words for the client; the API's values on the technical page
    assert "28d click" in html and "the account&#39;s default" in html
    assert "28D_CLICK" not in html and "ACCOUNT_DEFAULT" not in html
    tech = render_technical(make_run())
    assert "28D_CLICK" in tech and "ACCOUNT_DEFAULT" in tech
    assert "reviews the thresholds by hand" in html and "Pauses ad sets" in html
    assert "Pause &lt;script&gt;alert(1)&lt;/script&gt; rule" in html
    assert "Rules that need no change (1):" in html
    tech = section(render_technical(make_run()), "rules-detail")
    assert "× 1.2088 = 48352" in tech


def test_filter_diff_marks_only_changed_parts():
    rows = filter_diff([{"field": "a", "operator": "EQUAL", "value": 1}],
                       [{"field": "a", "operator": "EQUAL", "value": 2},
                        {"field": "b", "operator": "IN", "value": [1, 2]}])
    assert rows[0]["changed"] and rows[0]["parts"] == {"value"}
    assert rows[1]["before"] is None and rows[1]["after"]["value"] == "[1, 2]"


def test_inventory_tables_and_platform_changes():
    run = make_run(findings=[*findings(), finding("rules_window_supported", Status.FAIL, "r2",
                                                  platform_changes=("view-windows-gone",))])
    html = render_report(run)
    inv = section(html, "inventory")
    assert "shop.example&lt;script&gt;alert(1)&lt;/script&gt;.com" in inv
    assert "Main pixel &#34;&gt;" in inv
    assert "4 more events" in inv  # 14 rows, 10 shown
    platform = section(html, "platform")
    assert "2026-01-12" in platform and "reported" in platform


def test_not_audited_report_has_banner_and_no_score():
    run = make_run(findings=[], sections={}, collection_errors=[],
                   not_audited=f"no access token {XSS}")
    html = render_report(run)
    assert_safe(html)
    assert "This client was not audited: no access token &lt;script&gt;" in html
    assert "not scored" in html
    # each of the seven checklist steps says "Not checked", and nothing else does
    assert html.count("Not checked</span>") == 7
    steps = re.findall(r'<a class="step step-(\w+)" href="#([\w-]+)">', html)
    assert steps == [("unknown", "gaps")] * 7


def test_evidence_is_compact_and_readable():
    text = format_evidence({"adsets": [{"id": "1", "name": "A", "spend_28d": 1280.0}] * 7,
                            "at": "2026-11-08T16:08:38+00:00", "ratio": 0.93751})
    assert "A (1,280)" in text and "(+2 more)" in text
    assert "8 Nov 2026, 16:08 UTC" in text and "0.94" in text
    from audit.publish.render import evidence_items
    items = dict(evidence_items({"change": -0.2345, "kept_7d_of_28d_click": 0.7236,
                                 "spend": 1950.0, "events_7d": 12.0}, "AUD"))
    assert items == {"change": "−23.4%", "kept 7d of 28d click": "72.4%",
                     "spend": "A$1,950.00", "events 7d": "12"}


# ----------------------------------------------------------------------------- index


def test_index_orders_worst_first_with_trends_and_legend():
    good = make_run(client={"slug": "good", "name": "Good", "business_id": "1"},
                    findings=[finding("token_access_valid", Status.PASS, "t")])
    bad = make_run(client={"slug": "bad", "name": "Bad", "business_id": "2"})
    gone = make_run(client={"slug": "gone", "name": "Gone", "business_id": "3"}, findings=[],
                    not_audited="token expired")
    html = render_index([good, bad, gone], {s: f"{s}/report.html" for s in ("good", "bad")},
                        {"name": "Northwind"}, "r1",
                        trends={"good": {"previous_score": 90.0, "delta": 10.0},
                                "bad": {"previous_score": 80.0, "delta": -12.5}})
    assert html.index("Gone") < html.index("bad/report.html") < html.index("good/report.html")
    assert "▲ 10" in html and "▼ 12.5" in html
    assert "Not audited:</b> token expired" in html
    assert "Action needed" in html and "Ready" in html  # legend


# ----------------------------------------------------------------------------- branding


def test_logo_becomes_a_data_uri_and_branding_applies(tmp_path: Path):
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\nfake")
    cfg = SimpleNamespace(logo=Path("logo.png"), accent_color="#aa3300",
                          footer=f"Confidential {XSS}")
    brand = branding_from_config(cfg, f"Agency {ATTR}", base_dir=tmp_path)
    assert brand.logo is not None and brand.logo.startswith("data:image/png;base64,")
    html = render_report(make_run(), branding=brand)
    assert_safe(html, logo=True)
    assert f'<img src="{brand.logo}"' in html
    assert "--accent: #aa3300" in html
    assert "Confidential &lt;script&gt;" in html
    svg = tmp_path / "logo.svg"
    svg.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert branding_from_config(SimpleNamespace(logo=svg, accent_color="#000000", footer=None),
                                "A").logo.startswith("data:image/svg+xml;base64,")


def test_branding_rejects_bad_logo_and_css_injection(tmp_path: Path):
    big = tmp_path / "big.png"
    big.write_bytes(b"0" * (300 * 1024))
    with pytest.raises(BrandingError, match="more than"):
        branding_from_config(SimpleNamespace(logo=big, accent_color="#000000", footer=None), "A")
    with pytest.raises(BrandingError, match="cannot read"):
        branding_from_config(SimpleNamespace(logo=tmp_path / "missing.png",
                                             accent_color="#000000", footer=None), "A")
    with pytest.raises(BrandingError):
        Branding("A", accent="red;}</style><script>alert(1)</script>")


def test_templates_dir_override_replaces_a_template(tmp_path: Path):
    (tmp_path / "_report_changes.html.j2").write_text(
        '<section id="changes"><p>AGENCY OVERRIDE {{ run.client.name }}</p></section>\n')
    (tmp_path / "index.html.j2").write_text("INDEX OVERRIDE {{ rows | length }}\n")
    env = environment(tmp_path)
    html = render_report(make_run(), env)
    assert "AGENCY OVERRIDE Acme &lt;script&gt;" in html
    assert "First run" not in html and "Since last run" not in section(html, "changes")
    assert '<section id="actions"' in html  # the rest still comes from the shipped templates
    assert render_index([make_run()], {}, {"name": "N"}, "r1", env).startswith("INDEX OVERRIDE 1")


def test_token_problems_are_a_banner_at_the_top():
    from audit.evaluate.run import RunResult
    from audit.models import Finding, Resource, Severity, Status
    from audit.publish.render import render_report

    warn = Finding("token_access_valid", "acme", Status.WARN, Severity.CRITICAL, "token",
                   "The access token is valid and not about to expire",
                   "The access token expires in 5 day(s), on 2026-12-03.",
                   Resource("token", "ACME_TOKEN"), remediation="Generate a new token")
    other = Finding("access_pixel_shared", "acme", Status.FAIL, Severity.CRITICAL, "access",
                    "Every client pixel is shared", "Pixel X is not shared.",
                    Resource("pixel", "1"), remediation="Assign partner")
    run = RunResult(run_id="r", client={"slug": "acme", "name": "Acme", "business_id": "1"},
                    agency={"name": "N", "business_id": "2"}, started_at="2026-11-28T12:00:00",
                    finished_at="2026-11-28T12:00:05", findings=[other, warn],
                    collection_errors=[], checks=[], snapshot={})
    html = render_report(run)
    banner = html.index("Audit access:</b> The agency&#39;s audit access is invalid or about")
    assert banner < html.index('id="checklist"') < html.index("Pixel X is not shared.")
