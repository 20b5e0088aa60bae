"""Markers by folder, so ``-m unit``, ``-m sandbox``, ``-m integration``, ``-m browser`` and
``-m faults`` select exactly the tests they name (a ``pytestmark`` in a conftest applies to
nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

FOLDER_MARKERS = ("unit", "sandbox", "integration", "browser", "faults")
_ROOT = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test with the name of its folder under tests/."""
    for item in items:
        parts = Path(str(item.fspath)).resolve().relative_to(_ROOT).parts
        if len(parts) > 1 and parts[0] in FOLDER_MARKERS:
            item.add_marker(getattr(pytest.mark, parts[0]))
