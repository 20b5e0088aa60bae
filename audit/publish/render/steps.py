"""The first-screen checklist: one plain-words state per step, and the one-line verdict."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from audit.evaluate.run import RunResult
from audit.evaluate.score import banded, compute
from audit.models import Status

from .findings import sort_findings
from .vocabulary import STATES, STEPS


def checklist(run: RunResult, score_areas: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The first-screen summary: one entry per checklist step with a plain-words state."""
    steps = []
    scores = compute(run.findings)
    for key, number, title, areas in STEPS:
        mine = [f for f in run.findings if f.area in areas]
        counted = [f for f in mine if not f.muted]
        fails = sort_findings(f for f in counted if f.status is Status.FAIL)
        checks = sort_findings(f for f in counted if f.status in (Status.WARN, Status.ERROR))
        passed = [f for f in counted if f.status is Status.PASS]
        skipped = [f for f in counted if f.status is Status.SKIPPED]
        problems = fails + checks
        if run.not_audited:
            state, why = "unknown", "The client could not be audited (see the banner above)."
        elif fails:
            state, why = "action", _one_line(fails[0].message, len(problems) - 1)
        elif checks:
            state, why = "check", _one_line(checks[0].message, len(problems) - 1)
        elif passed:
            state = "ready"
            why = (f"All {_plural(len(passed), 'finding')} pass" if len(passed) > 1 else
                   "The finding passes") + (
                f"; {len(skipped)} could not be checked." if skipped else ".")
        else:
            state = "unknown"
            why = _one_line(skipped[0].message, 0) if skipped else "Nothing to check."
        steps.append({
            "key": key, "number": number, "title": title, "state": state,
            "label": STATES[state], "why": why, "areas": areas,
            "anchor": next((f"area-{a}" for a in areas if any(
                f.area == a and f.status is not Status.SKIPPED for f in mine)), "gaps"),
            "facts": _facts(len(problems), len(passed), len(skipped), len(mine) - len(counted)),
            "problems": len(problems), "passed": len(passed), "skipped": len(skipped),
            "muted": len(mine) - len(counted),
            "score": None if run.not_audited else banded(
                c for c in scores.checks.values() if c.area in areas)[0],
        })
    return steps


def verdict(steps: Sequence[Mapping[str, Any]], not_audited: bool) -> str:
    """One sentence for the top of the report: which steps need what."""
    if not_audited:
        return "Not audited: nothing below reflects the client's current setup."
    by_state: dict[str, list[str]] = {}
    for s in steps:
        by_state.setdefault(str(s["state"]), []).append(str(s["title"]))
    if not by_state.get("action") and not by_state.get("check"):
        unknown = by_state.get("unknown", [])
        return "Ready: every checklist step that could be checked passes." + (
            f" Not checked: {', '.join(unknown)}." if unknown else "")
    parts = []
    if by_state.get("action"):
        parts.append(f"{_plural(len(by_state['action']), 'step')} need action: "
                     f"{', '.join(by_state['action'])}.")
    if by_state.get("check"):
        parts.append(f"To check: {', '.join(by_state['check'])}.")
    return " ".join(parts)


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _facts(problems: int, passed: int, skipped: int, muted: int) -> str:
    parts = [_plural(problems, "problem") if problems else "",
             f"{passed} passed" if passed else "", f"{skipped} not checked" if skipped else "",
             f"{muted} muted" if muted else ""]
    return " · ".join(p for p in parts if p)


def _one_line(message: str, more: int) -> str:
    text = message if len(message) <= 160 else message[:157] + "…"
    if re.match(r"^[a-z]+\b(?![.@:/-])", text):
        text = text[:1].upper() + text[1:]
    return text + (f" (+{more} more)" if more > 0 else "")
