"""World loading and validation: errors name the key path; generator and demo world."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from sbx_helpers import ACCOUNT, PIXEL, demo_data, small_world_data

from audit.sandbox import WorldError, load_world, parse_world


def _error(data: dict[str, Any]) -> str:
    with pytest.raises(WorldError) as info:
        parse_world(data)
    return str(info.value)


def test_small_world_loads_with_fixed_clock() -> None:
    world = parse_world(small_world_data())
    assert world.clock.now().isoformat() == "2026-03-02T12:30:00+00:00"
    assert len(world.adsets) == 9
    assert world.pixels[PIXEL].events["PageView"].browser_per_day[-1] == 80
    assert world.ad_accounts[ACCOUNT].pixels == [PIXEL]


def test_negative_count_names_key_path() -> None:
    data = small_world_data()
    data["pixels"][0]["events"]["Purchase"]["server_per_day"] = -5
    assert _error(data) == ("pixels[0].events.Purchase.server_per_day: "
                            "must be a non-negative integer")


def test_list_count_names_index() -> None:
    data = small_world_data()
    data["pixels"][0]["events"]["PageView"]["browser_per_day"][2] = "many"
    assert _error(data).startswith("pixels[0].events.PageView.browser_per_day[2]:")


def test_unknown_key_is_rejected() -> None:
    data = small_world_data()
    data["pixels"][0]["evnts"] = {}
    assert _error(data) == "pixels[0].evnts: unknown key"


def test_duplicate_id_is_rejected() -> None:
    data = small_world_data()
    data["pixels"][1]["id"] = PIXEL
    assert "pixels[1].id: duplicate id" in _error(data)


def test_windows_must_nest() -> None:
    data = small_world_data()
    rates = data["ad_accounts"][0]["campaigns"][0]["adsets"][0]["delivery"]["conversions"]
    rates["offsite_conversion.fb_pixel_purchase"]["7d_click"] = 9.0
    assert "28d_click: must be >= 7d_click" in _error(data)


def test_promoted_object_must_reference_known_pixel() -> None:
    data = small_world_data()
    data["ad_accounts"][0]["campaigns"][0]["adsets"][0]["promoted_object"]["pixel_id"] = "1"
    message = _error(data)
    assert message.startswith("ad_accounts[0].campaigns[0].adsets[0].promoted_object.pixel_id")
    assert "unknown pixel" in message


def test_bad_relative_time_and_enum() -> None:
    data = small_world_data()
    data["tokens"][0]["expires"] = "soon"
    assert _error(data).startswith("tokens[0].expires: must be a relative time")
    data = small_world_data()
    data["ad_accounts"][0]["campaigns"][0]["objective"] = "SALES"
    assert _error(data).startswith("ad_accounts[0].campaigns[0].objective: must be one of")


def test_real_looking_tokens_are_refused() -> None:
    data = small_world_data()
    data["tokens"][0]["token"] = "EAAB" + "x" * 20
    assert "must not look like a real Meta token" in _error(data)


def test_invalid_rule_spec_in_world() -> None:
    data = small_world_data()
    rule = data["ad_accounts"][0]["rules"][0]
    rule["evaluation_spec"]["filters"][1]["operator"] = "ROUGHLY"
    assert _error(data).startswith(
        "ad_accounts[0].rules[0].evaluation_spec.filters[1].operator: must be one of")


def test_load_world_reports_yaml_and_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("pixels: [unclosed\n", encoding="utf-8")
    with pytest.raises(WorldError, match="invalid YAML"):
        load_world(bad)
    with pytest.raises(WorldError, match="cannot read world file"):
        load_world(tmp_path / "missing.yaml")
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(small_world_data()), encoding="utf-8")
    assert load_world(good).source == str(good)


def test_generator_expands_campaigns_and_adsets() -> None:
    data = small_world_data()
    data["ad_accounts"][0]["generate"] = {
        "campaigns": 3, "adsets_per_campaign": 4,
        "campaign": {"name": "Gen {i:02d}"},
        "adset": {"name": "{campaign} / {j}", "delivery": {"spend_per_day": 10.0}},
        "cycle": {"adset": {"optimization_goal": ["VALUE", "OFFSITE_CONVERSIONS"]}},
        "scale": [1.0, 2.0],
    }
    world = parse_world(data)
    generated = [a for a in world.adsets.values() if a.name.startswith("Gen ")]
    assert len(generated) == 12
    assert generated[0].name == "Gen 01 / 1"
    assert generated[0].id == "120200001200001"  # 1202 + acct5 + 2 + n
    assert [a.fields["optimization_goal"] for a in generated[:3]] == [
        "VALUE", "OFFSITE_CONVERSIONS", "VALUE"]
    assert [a.delivery.spend_per_day for a in generated[:2]] == [10.0, 20.0]


def test_demo_world_is_valid_and_large() -> None:
    world = parse_world(demo_data())
    assert world.businesses["5566778899"].name == "Northwind Digital"
    big = [a for a in world.adsets.values() if a.account_id == "act_100000000004"]
    assert len(big) >= 300
    assert len(world.pixels["200000000000008"].events) >= 20
    assert not any(t.startswith("EAA") for t in world.tokens)
