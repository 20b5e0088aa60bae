"""The deduplication finding says which side lacks the event ID and gives the concrete fix."""

from __future__ import annotations

from typing import Any

import pytest

from audit.evaluate.analysis import Analysis
from audit.evaluate.engine import run_checks
from audit.models import Finding, Status
from tests.helpers import make_snapshot, stats


def feedback(browser: float, server: float, overall: float | None = None,
             key: str = "event_id") -> dict[str, Any]:
    entry: dict[str, Any] = {"dedupe_key": key,
                             "browser_events_with_dedupe_key": {"percentage": browser},
                             "server_events_with_dedupe_key": {"percentage": server}}
    if overall is not None:
        entry["overall_browser_coverage_from_dedupe_key"] = {"percentage": overall}
    return entry


def dedup_finding(event: str, entries: list[dict[str, Any]]) -> Finding:
    snap = make_snapshot({
        "pixel/p1": {"id": "p1", "name": "Main"},
        "pixel/p1/stats/event": stats((event, 120)),
        "pixel/p1/stats/event/WEB_ONLY": stats((event, 64)),
        "pixel/p1/stats/event/SERVER_ONLY": stats((event, 61)),
        "pixel/p1/dataset_quality": {"web": [{"event_name": event,
                                              "dedupe_key_feedback": entries}]},
    })
    found = [f for f in run_checks(Analysis.of(snap)) if f.check_id == "capi_event_dedup"]
    [finding] = [f for f in found if f.resource.id == f"p1:{event}"]
    return finding


@pytest.mark.parametrize(("entries", "side", "cause"), [
    ([feedback(0.0, 100.0, 0.0)], "browser", "the website's pixel sends no event ID"),
    ([feedback(97.0, 3.0, 2.0)], "server", "the server sends no event ID"),
    ([feedback(1.0, 2.0, 0.5)], "both", "neither the website nor the server"),
    ([feedback(99.0, 98.0, 4.0)], "mismatch", "the two IDs do not match"),
    # fbp is on both sides, but the event_id figures decide which side lacks the event ID.
    ([feedback(0.0, 100.0, 0.0), feedback(8.2, 7.9, 1.3, key="fbp")], "browser",
     "the website's pixel sends no event ID"),
])
def test_poor_dedup_names_the_side_and_the_fix(entries: list[dict[str, Any]], side: str,
                                               cause: str) -> None:
    finding = dedup_finding("Lead", entries)
    assert finding.status is Status.FAIL
    assert finding.evidence["missing_on"] == side
    assert cause in finding.message
    fix = finding.remediation or ""
    assert fix.startswith("For the client's web developer")
    assert "fbq('track', 'Lead', {...}, {eventID: 'lead-123'})" in fix
    assert '"event_name": "Lead", "event_id": "lead-123"' in fix
    assert finding.evidence["pixel_call"] == "fbq('track', 'Lead', {...}, {eventID: 'lead-123'})"


def test_purchase_fix_shows_value_and_currency_in_the_pixel_call() -> None:
    finding = dedup_finding("Purchase", [feedback(0.0, 100.0, 0.0)])
    assert ("fbq('track', 'Purchase', {value: 49.95, currency: 'USD'}, "
            "{eventID: 'order-123'})") in (finding.remediation or "")


def test_good_dedup_passes_with_the_event_id_figures_as_evidence() -> None:
    finding = dedup_finding("Purchase", [feedback(99.9, 99.9, 98.6)])
    assert finding.status is Status.PASS
    assert finding.evidence["event_id_browser_percent"] == 99.9
    assert "missing_on" not in finding.evidence


def test_the_message_stays_free_of_code_for_the_report_reader() -> None:
    finding = dedup_finding("Lead", [feedback(0.0, 100.0, 0.0)])
    assert "fbq" not in finding.message and "event_id" not in finding.message
