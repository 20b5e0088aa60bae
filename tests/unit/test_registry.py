"""Check metadata is validated when a check registers."""

from __future__ import annotations

import pytest

from audit.evaluate.checks import REGISTRY
from audit.evaluate.checks.registry import Registry
from audit.evaluate.run import check_list
from audit.graph.reads import KEY_PATTERNS
from audit.models import Severity
from audit.platform import CHANGES


def register(**meta):
    reg = Registry()

    @reg.check("demo_pixel_thing", title="t", severity=Severity.LOW, area="demo", **meta)
    def demo(ctx):
        """Why it matters."""
        return []

    return reg


def test_misspelt_need_is_refused_naming_check_and_pattern():
    with pytest.raises(ValueError, match=r"check demo_pixel_thing: needs 'pixel/\*/agency' "
                       r"is not a snapshot key.*did you mean 'pixel/\*/agencies'\?"):
        register(needs=("pixel/*/agency",))


def test_unknown_use_is_refused():
    with pytest.raises(ValueError, match=r"check demo_pixel_thing: uses 'adaccount/\*/adrules'"):
        register(uses=("adaccount/*/adrules",))


def test_a_concrete_key_is_not_a_pattern():
    with pytest.raises(ValueError, match="pixel/123/agencies"):
        register(needs=("pixel/123/agencies",))


def test_a_read_cannot_be_both_needed_and_used():
    with pytest.raises(ValueError, match="both needed and used"):
        register(needs=("pixel/*",), uses=("pixel/*",))


def test_unknown_platform_change_is_refused():
    with pytest.raises(ValueError, match=r"check demo_pixel_thing: unknown platform change "
                       r"'ios15-att'; known ids .*ios14-att"):
        register(platform_changes=("ios14-att", "ios15-att"))


def test_valid_metadata_registers():
    reg = register(needs=("pixel/*/da_checks",), uses=("pixel/*",),
                   platform_changes=("aem-8-events",))
    meta = reg.get("demo_pixel_thing")
    assert meta is not None
    assert meta.to_dict()["needs"] == ["pixel/*/da_checks"]
    assert meta.to_dict()["uses"] == ["pixel/*"]


def test_registered_checks_use_catalogued_reads_and_known_changes():
    for meta in REGISTRY.all():
        assert set(meta.needs) | set(meta.uses) <= set(KEY_PATTERNS), meta.id
        assert set(meta.platform_changes) <= set(CHANGES), meta.id


def test_run_json_keeps_one_needs_list_needs_first_then_uses():
    reg = register(needs=("pixel/*/da_checks",), uses=("pixel/*",))
    [entry] = check_list(reg.all())
    assert entry["needs"] == ["pixel/*/da_checks", "pixel/*"]
    assert "uses" not in entry
