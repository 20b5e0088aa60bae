"""The run's garbage-collector settings apply during the run only."""

from __future__ import annotations

import gc

from audit.cli.run_cmd import GC_YOUNG_THRESHOLD, fewer_collections


def test_collections_are_fewer_during_a_run_and_restored_after() -> None:
    before = gc.get_threshold()
    assert gc.get_freeze_count() == 0
    with fewer_collections():
        assert gc.get_threshold() == (GC_YOUNG_THRESHOLD, *before[1:])
        assert gc.get_freeze_count() > 0  # what existed before the run is left out
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_settings_are_restored_when_the_run_raises() -> None:
    before = gc.get_threshold()
    try:
        with fewer_collections():
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
