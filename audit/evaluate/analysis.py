"""The analysis of one snapshot: its facts plus the recommenders' results, each computed once.

Checks, the run assembly and the inspection commands all read the same :class:`Analysis`,
so the window comparison, the top-8 recommendation and the rule suggestions are computed
once per client, explicitly, instead of through a hidden cache.
"""

from __future__ import annotations

from functools import cached_property

from audit.collect.snapshot import Snapshot
from audit.evaluate.recommend.priorities import PriorityResult, recommend
from audit.evaluate.recommend.rules import Suggestion, suggestions
from audit.evaluate.recommend.windows import WindowsResult, compare
from audit.facts.facts import Facts
from audit.facts.view import SnapshotView


class Analysis:
    """Facts and recommendations for one client."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts

    @classmethod
    def of(cls, snap: Snapshot) -> Analysis:
        """The analysis of a snapshot."""
        return cls(Facts(snap))

    @property
    def view(self) -> SnapshotView:
        """The snapshot's raw reads, parsed."""
        return self.facts.view

    @cached_property
    def windows(self) -> WindowsResult:
        """The attribution-window comparison."""
        return compare(self.facts)

    @cached_property
    def priorities(self) -> PriorityResult:
        """The top-8 event recommendation per domain."""
        return recommend(self.facts)

    @cached_property
    def rules(self) -> list[Suggestion]:
        """Every automated rule, classified, with a suggested spec where one is needed."""
        return suggestions(self.view, self.windows, self.facts.client.rules_target_window)
