"""The catalogue of snapshot key patterns matches the reads the collector really makes."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from audit.collect.collector import discovery_reads, offline_reads, pixel_reads, preflight_reads
from audit.collect.shared import agency_reads
from audit.graph import reads
from tests.helpers import AGENCY_ID, CLIENT_ID, make_snapshot

NOW = datetime(2026, 11, 28, 12, tzinfo=timezone.utc)


def collected_keys() -> list[str]:
    """Every key one collection writes for a client with two accounts and two pixels."""
    snap = make_snapshot({"adaccount/act_1/customconversions": [
        {"id": "9", "offline_conversion_data_set": {"id": "333"}}]},
        ad_accounts=["act_1", "act_2"], pixels=["111", "222"])
    built = [*preflight_reads("token", CLIENT_ID), *agency_reads(AGENCY_ID),
             *discovery_reads(snap, NOW), *pixel_reads(snap, NOW), *offline_reads(snap)]
    return [r.key for r in built]


def test_every_collected_key_has_a_pattern():
    unknown = [k for k in collected_keys()
               if not any(reads.key_matches(p, k) for p in reads.KEY_PATTERNS)]
    assert unknown == []


def test_every_pattern_is_collected():
    keys = collected_keys()
    never = [p for p in reads.KEY_PATTERNS if not any(reads.key_matches(p, k) for k in keys)]
    assert never == []


def test_patterns_are_unique_and_use_the_wildcard_for_ids():
    assert len(set(reads.KEY_PATTERNS)) == len(reads.KEY_PATTERNS)
    assert "pixel/*/assigned_users/*" in reads.KEY_PATTERNS
    assert "adaccount/*/insights/campaign" in reads.KEY_PATTERNS
    assert "agency/owned_domains" in reads.KEY_PATTERNS
    assert not any(ch.isdigit() for p in reads.KEY_PATTERNS for ch in p)


@pytest.mark.parametrize(("pattern", "key", "expected"), [
    ("pixel/*", "pixel/1", True),
    ("pixel/*", "pixel/1/agencies", False),  # a wildcard is one segment, never more
    ("pixel/*/stats/event", "pixel/1/stats/event", True),
    ("pixel/*/stats/event", "pixel/1/stats/event/WEB_ONLY", False),
    ("pixel/*/assigned_users/*", "pixel/1/assigned_users/55", True),
    ("business", "business", True),
    ("business", "business/owned_domains", False),
    ("adaccount/*/rules", "adaccount/act_1/adsets", False),
])
def test_key_matches(pattern, key, expected):
    assert reads.key_matches(pattern, key) is expected
