"""Which platform changes show in a client's own data, in one sentence each.

The report's platform-changes section lists only the changes that affected the client:
those named by its findings that need attention (see ``RunResult.affected_changes``) and
those its data shows, computed here: view-through conversions while Meta returned no 7-day
or 28-day view figures, engaged-view conversions or a period across the click
redefinition, a period across the unified-attribution switch, the relaxed AEM model
(configured or shown by the data), a 60-day system-user token.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from audit.evaluate.analysis import Analysis
from audit.evaluate.checks.token import sixty_day_system_user
from audit.evaluate.recommend.windows import ENGAGED_VIEW, Comparison
from audit.graph.reads import debug_token_data

log = logging.getLogger(__name__)


def _total(rows: Iterable[Comparison], window: str) -> float:
    """Conversions under one window across consistent totals (unavailable counts nothing)."""
    return sum(c.figures.counts.get(window) or 0.0 for c in rows if not c.inconsistent)


def platform_data(analysis: Analysis) -> dict[str, str]:
    """Change id → how this client's data shows it; a crash is logged, never raised."""
    try:
        return _platform_data(analysis)
    except Exception:  # the report goes on with the findings' changes only
        log.exception("platform changes of %s could not be derived",
                      analysis.view.client_slug)
        return {}


def _platform_data(analysis: Analysis) -> dict[str, str]:
    out: dict[str, str] = {}
    view = analysis.view
    if view.snap.not_audited:
        return out
    w = analysis.windows
    totals = w.account_totals
    seen_view = _total(totals, "1d_view")
    gone = [x for x in ("7d_view", "28d_view") if x in w.unavailable]
    if gone and seen_view > 0:
        days = " or ".join(g.split("d_")[0] + "-day" for g in gone)
        out["view-windows-gone"] = (
            f"{seen_view:,.0f} view-through conversions under 1-day view from {w.date_start} "
            f"to {w.date_stop}, but Meta returned no {days} view figures.")
    for b in w.breaks:
        out[b["change"]] = b["what"]
    engaged = _total(totals, ENGAGED_VIEW)
    if engaged > 0 and "click-link-only" not in out:
        out["click-link-only"] = (
            f"Meta reports {engaged:,.0f} conversions under the 1-day engaged-view window from "
            f"{w.date_start} to {w.date_stop}: interactions that counted as clicks before the "
            "change.")
    p = analysis.priorities
    if p.mode_basis == "evidence" and p.mode_evidence is not None:
        ev = p.mode_evidence
        out["aem-relaxed"] = (
            f"On {ev.domain}, {len(ev.events)} different events have active ad sets that "
            "spent in the last 28 days: more than the 8-event model allowed, so the client "
            "is on Meta's relaxed model.")
    elif p.effective_mode == "relaxed":
        out["aem-relaxed"] = "The audit settings put this client on Meta's relaxed model."
    debug = view.get("token/debug")
    if debug is not None and debug.succeeded and sixty_day_system_user(debug_token_data(debug)):
        out["system-user-60d"] = ("The audit's token for this client is a system-user token "
                                  "that expires 60 days after it is issued.")
    return out
