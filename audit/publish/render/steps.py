"""The first-screen checklist: one plain-words state per step, and the one-line verdict."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from audit.evaluate.run import RunResult
from audit.evaluate.score import banded, compute
from audit.models import Status

from .details import Context
from .formatting import fmt_count, fmt_num
from .i18n import gettext as _
from .i18n import ngettext
from .items import Item, action_items, not_checked, passed_checks
from .shared import once
from .vocabulary import STATES, STEPS


def checklist(run: RunResult, score_areas: Mapping[str, Any] | None = None,
              ctx: Context | None = None, items: Sequence[Item] | None = None
              ) -> list[dict[str, Any]]:
    """The first-screen summary: one entry per checklist step with a plain-words state.

    Its states come from the same findings as the rest of the report, and its sentences
    from the same plain wording (:mod:`.items`); ``score_areas`` is no longer needed.
    ``items``: ``action_items(run.findings, run.checks, ctx)`` when the caller has them.
    """
    steps = []
    scores = once(compute, run.findings)
    if items is None:
        items = once(action_items, run.findings, run.checks, ctx)
    skipped = not_checked(run.findings, run.checks)
    passing = passed_checks(run.findings, run.checks)
    for key, number, title, areas in STEPS:
        mine = [f for f in run.findings if f.area in areas]
        counted = [f for f in mine if not f.muted]
        mine_items = [i for i in items if i.area in areas and i.status != "MUTED"]
        fails = [i for i in mine_items if i.status == Status.FAIL.value]
        checks = [i for i in mine_items if i.status == Status.WARN.value]
        passed = [c for c in passing if c["area"] in areas]
        gaps = [n for n in skipped if any(f.check_id == n.check_id for f in mine)]
        problems = sum(i.count for i in mine_items)
        if run.not_audited:
            state, why = "unknown", _("The client could not be audited (see the banner "
                                      "above).")
        elif fails:
            state, why = "action", _more(fails[0].headline, len(mine_items) - 1)
        elif checks:
            state, why = "check", _more(checks[0].headline, len(mine_items) - 1)
        elif passed:
            state = "ready"
            n, g = fmt_count(len(passed)), fmt_count(len(gaps))
            if len(passed) > 1:
                why = (_("All {n} checks pass; {gaps} could not be checked.") if gaps
                       else _("All {n} checks pass.")).format(n=n, gaps=g)
            else:
                why = (_("The check passes; {gaps} could not be checked.") if gaps
                       else _("The check passes.")).format(gaps=g)
        else:
            state = "unknown"
            why = gaps[0].sentence if gaps else _("Nothing to check.")
        steps.append({
            "key": key, "number": number, "title": title, "state": state,
            "label": STATES[state], "why": why, "areas": areas,
            "anchor": next((f"item-{i.check_id}" for i in mine_items),
                           "passed" if passed else "gaps"),
            "facts": _facts(problems, len(passed), len(gaps), len(mine) - len(counted)),
            "problems": problems, "passed": len(passed), "skipped": len(gaps),
            "muted": len(mine) - len(counted),
            "score": None if run.not_audited else banded(
                c for c in scores.checks.values() if c.area in areas)[0],
        })
    return steps


def verdict(steps: Sequence[Mapping[str, Any]], not_audited: bool) -> str:
    """One sentence for the top of the report: which steps need what."""
    if not_audited:
        return _("Not audited: nothing below reflects the client's current setup.")
    by_state: dict[str, list[str]] = {}
    for s in steps:
        by_state.setdefault(str(s["state"]), []).append(str(s["title"]))
    if not by_state.get("action") and not by_state.get("check"):
        unknown = by_state.get("unknown", [])
        return _("Ready: every checklist step that could be checked passes.") + (
            " " + _("Not checked: {steps}.").format(steps=", ".join(unknown))
            if unknown else "")
    parts = []
    if by_state.get("action"):
        action = by_state["action"]
        parts.append(ngettext("{n} step needs action: {steps}.",
                              "{n} steps need action: {steps}.", len(action)).format(
            n=fmt_count(len(action)), steps=", ".join(action)))
    if by_state.get("check"):
        parts.append(_("To check: {steps}.").format(steps=", ".join(by_state["check"])))
    return " ".join(parts)


def _facts(problems: int, passed: int, skipped: int, muted: int) -> str:
    parts = [ngettext("{n} item to fix or check", "{n} items to fix or check",
                      problems).format(n=fmt_count(problems)) if problems else "",
             ngettext("{n} check passed", "{n} checks passed", passed).format(
                 n=fmt_count(passed)) if passed else "",
             _("{n} not checked").format(n=fmt_count(skipped)) if skipped else "",
             _("{n} muted").format(n=fmt_count(muted)) if muted else ""]
    return " · ".join(p for p in parts if p)


def _more(text: str, more: int) -> str:
    return text + (" " + _("(+{n} more)").format(n=fmt_num(more)) if more > 0 else "")
