"""Automated rules: none still evaluates on a retired attribution window."""

from __future__ import annotations

from collections.abc import Iterator

from audit.evaluate.checks.registry import CheckContext, check
from audit.models import Actor, Finding, Resource, Severity


@check(
    "rules_window_supported",
    title="No automated rule evaluates on a retired attribution window",
    severity=Severity.HIGH,
    area="rules",
    actor=Actor.AGENCY,
    needs=("adaccount/*/rules",),
    uses=("adaccount/*/insights/campaign",),  # measured ratios refine suggested thresholds
    platform_changes=("attr-2021", "view-windows-gone"),
)
def rules_on_current_windows(ctx: CheckContext) -> Iterator[Finding]:
    """A rule written for 28-day click sees fewer conversions once the 7-day window
    applies: "pause when cost per purchase > 50" starts pausing ad sets that are doing
    fine, and budget rules shift spend on a ruler that changed. Rules that pause or move
    budget are the most dangerous and come first."""
    for s in ctx.analysis.rules:
        res = Resource("rule", s.rule_id, s.name)
        evidence = {"account": s.account, "status": s.status, "execution_type":
                    s.execution_type, "windows": [f"{w.where}: {w.raw}" for w in s.windows],
                    "notes": s.notes}
        if s.classification == "unreadable":
            yield ctx.skipped(
                res, f"Rule {s.name or s.rule_id} could not be checked: Meta returned its "
                "conditions in a form the audit cannot read. Check its attribution window in "
                "Ads Manager → Automated rules.", evidence=evidence)
        elif s.classification == "deprecated":
            old = sorted({p for w in s.windows for p in w.parts})
            kind = "acts on budgets or delivery" if s.dangerous else "notifies"
            yield ctx.failed(
                res, f"Rule {s.name or s.rule_id} ({s.status}, {kind}) evaluates on "
                f"{' + '.join(old)}" + (" — thresholds need a human review." if
                                        s.needs_review else "."),
                evidence={**evidence, "suggested_changes": s.changes},
                severity=Severity.HIGH if s.dangerous else Severity.MEDIUM,
                # the commands that apply it are on the agency's technical page
                remediation=("The agency applies the suggested rule (its audit tool backs "
                             "the rule up first), or edit the rule in Ads Manager → "
                             "Automated rules: " + "; ".join(s.changes)))
        else:
            where = ("uses the account default window" if s.classification == "none"
                     else f"uses {', '.join(w.raw for w in s.windows)}")
            yield ctx.passed(res, f"Rule {s.name or s.rule_id} {where}.", evidence=evidence)
