"""The sandbox's Graph schema is the installed SDK's catalogue, read without importing it."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from facebook_business.adobjects.adaccount import AdAccount
from facebook_business.adobjects.adsinsights import AdsInsights
from facebook_business.adobjects.adspixel import AdsPixel
from facebook_business.adobjects.adspixelstatsresult import AdsPixelStatsResult

from audit.sandbox.world.catalogue import Catalogue, parse_class, sdk_adobjects

# The types the sandbox serves or checks worlds against.
SANDBOX_TYPES = ("Business", "AdsPixel", "AdAccount", "Campaign", "AdSet", "AdRule",
                 "CustomConversion", "AdReportRun", "AdsInsights", "OwnedDomain", "User",
                 "AssignedUser", "DACheck", "AdsPixelStatsResult", "AdPromotedObject",
                 "AdsPixelCAPIIntegrationQuality", "AdRuleEvaluationSpec", "AdRuleFilters",
                 "AdRuleTrigger", "AdRuleExecutionSpec", "Permission")


def _values(cls: type) -> set[str]:
    """String attributes of an SDK class as the SDK itself sees them at run time."""
    return {v for k, v in vars(cls).items() if not k.startswith("__") and isinstance(v, str)}


def test_fields_enums_and_edges_match_the_sdk_at_run_time() -> None:
    cat = Catalogue(sdk_adobjects())
    assert cat.fields("AdsPixel") == _values(AdsPixel.Field)
    assert cat.enum("AdsPixel", "Tasks") == _values(AdsPixel.Tasks)
    stats = cat.endpoint("AdsPixel", "stats")
    assert stats is not None and stats.item_type == "AdsPixelStatsResult"
    assert cat.param_values(stats, "aggregation") == _values(AdsPixelStatsResult.Aggregation)
    insights = cat.endpoint("AdAccount", "insights")
    assert insights is not None and insights.item_type == "AdsInsights"
    assert cat.param_values(insights, "action_attribution_windows") == _values(
        AdsInsights.ActionAttributionWindows)
    assert cat.param_values(insights, "level") == _values(AdsInsights.Level)
    assert "adrules_library" in cat.edges("AdAccount") and "insights" in cat.edges("AdAccount")
    assert cat.fields("AdAccount") == _values(AdAccount.Field)


def test_nested_selections_take_their_type_from_field_types() -> None:
    cat = Catalogue(sdk_adobjects())
    assert cat.nested_type("AdsPixel", "owner_business") == "Business"
    assert cat.nested_type("AdSet", "attribution_spec") == "AttributionSpec"  # list<…>
    assert cat.nested_type("AdsPixel", "name") is None
    assert cat.type("NoSuchGraphType") is None and cat.fields("NoSuchGraphType") == frozenset()


@pytest.mark.parametrize("name", SANDBOX_TYPES)
def test_the_quick_declaration_read_agrees_with_a_full_parse(name: str) -> None:
    source = (sdk_adobjects() / f"{name.lower()}.py").read_text(encoding="utf-8")
    full = parse_class(source, name)
    quick = Catalogue(sdk_adobjects()).type(name)
    assert full is not None and quick is not None
    assert (quick.fields, dict(quick.field_types), dict(quick.enums)) == (
        full.fields, dict(full.field_types), dict(full.enums))


def test_reading_the_catalogue_never_imports_the_sdk() -> None:
    code = ("import sys; from audit.sandbox.world.catalogue import catalogue; "
            "c = catalogue(); c.fields('AdsPixel'); c.endpoint('AdsPixel', 'stats'); "
            "print('facebook_business' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "False"


def test_cost_of_reading_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    """Prints what reading the sandbox's types costs (a figure, not a timed assertion)."""
    cat = Catalogue(sdk_adobjects())
    started = time.perf_counter()
    for name in SANDBOX_TYPES:
        cat.type(name)
    declarations = time.perf_counter() - started
    started = time.perf_counter()
    for name in ("Business", "AdsPixel", "AdAccount", "AdReportRun", "User"):
        cat.edges(name)
    endpoints = time.perf_counter() - started
    with capsys.disabled():
        print(f"\ncatalogue: {len(SANDBOX_TYPES)} types' declarations in "
              f"{declarations * 1000:.0f} ms; endpoints of 5 node types in "
              f"{endpoints * 1000:.0f} ms")
    assert cat.fields("AdAccount")
