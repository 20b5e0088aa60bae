"""The facts of one snapshot, each derived once: the explicit analysis object of this stage.

:class:`Facts` wraps a :class:`~audit.facts.view.SnapshotView` (the raw reads, parsed) and
derives what several evaluators need (ad sets with their spend, custom conversions, event
usage per pixel, data quality, domains), computing each the first time it is asked for.
Nothing here is shared between snapshots: one ``Facts`` per client per run.
"""

from __future__ import annotations

from functools import cached_property

from audit.collect.snapshot import ClientRecord, Snapshot
from audit.facts.ads import (
    AdSet,
    CustomConversion,
    EventUsage,
    read_adsets,
    read_custom_conversions,
    read_event_usage,
)
from audit.facts.domains import DomainRow, read_domain_rows
from audit.facts.numbers import InvalidValue, invalid_values
from audit.facts.offline import OfflineSet, read_offline_sets
from audit.facts.quality import EventQuality, read_dataset_quality
from audit.facts.view import SnapshotView


class Facts:
    """Derived facts of one snapshot, computed on first use."""

    def __init__(self, source: Snapshot | SnapshotView) -> None:
        self.view = source if isinstance(source, SnapshotView) else SnapshotView(source)
        self._usage: dict[str, dict[str, EventUsage] | None] = {}
        self._quality: dict[str, dict[str, EventQuality] | None] = {}

    @property
    def snap(self) -> Snapshot:
        """The snapshot these facts come from."""
        return self.view.snap

    @property
    def client(self) -> ClientRecord:
        """The audited client and its evaluation settings."""
        return self.view.client

    @cached_property
    def adsets(self) -> list[AdSet]:
        """Every ad set of the client's ad accounts, with 28-day spend, sorted by id."""
        return read_adsets(self.view)

    @cached_property
    def custom_conversions(self) -> dict[str, CustomConversion]:
        """Custom conversions by id."""
        return read_custom_conversions(self.view)

    @cached_property
    def offline_sets(self) -> list[OfflineSet]:
        """Offline event sets the client's custom conversions or ad sets still point at."""
        return read_offline_sets(self.view, self.adsets, self.custom_conversions)

    @cached_property
    def domain_rows(self) -> dict[str, DomainRow]:
        """Every registrable domain seen in traffic, declared or listed as verified."""
        return read_domain_rows(self.view)

    @cached_property
    def adsets_read(self) -> bool:
        """Whether every ad account's ad sets were read in full: otherwise counts of ad
        sets are unknown, not zero."""
        return self._complete("adsets")

    @cached_property
    def spend_read(self) -> bool:
        """Whether every ad account's 28-day spend was read in full (else spend is unknown)."""
        return self._complete("adset_spend")

    def _complete(self, edge: str) -> bool:
        for account in self.view.client.ad_accounts:
            res = self.view.get(f"adaccount/{account}/{edge}")
            if res is None or res.error is not None:
                return False
        return True

    @cached_property
    def invalid_values(self) -> list[InvalidValue]:
        """Numbers from Meta that cannot be right, set aside as unknown (with evidence)."""
        return invalid_values(self.view)

    def event_usage(self, pixel_id: str) -> dict[str, EventUsage] | None:
        """Per-event usage of one pixel (None when its event stats could not be read)."""
        if pixel_id not in self._usage:
            self._usage[pixel_id] = read_event_usage(self.view, pixel_id, self.adsets)
        return self._usage[pixel_id]

    def dataset_quality(self, pixel_id: str) -> dict[str, EventQuality] | None:
        """Dataset Quality figures per event (None when the API was unavailable)."""
        if pixel_id not in self._quality:
            self._quality[pixel_id] = read_dataset_quality(self.view, pixel_id)
        return self._quality[pixel_id]
