from __future__ import annotations

from pathlib import Path

import pytest

from audit.config import ConfigError, load_config, parse_config

ROOT = Path(__file__).resolve().parents[2]


def base(**over):
    data = {
        "agency": {"name": "Northwind", "business_id": "5566778899"},
        "clients": [{"slug": "acme", "name": "Acme", "business_id": "111",
                     "ad_accounts": ["act_123"]}],
    }
    data.update(over)
    return data


def problems(data) -> list[str]:
    with pytest.raises(ConfigError) as exc:
        parse_config(data, "test.yaml")
    return exc.value.problems


def test_example_config_is_valid():
    config = load_config(ROOT / "config.example.yaml")
    assert config.agency.business_id == "5566778899"
    assert [c.slug for c in config.clients] == ["lumen-outdoor", "brightsmile-dental"]
    assert config.clients[0].domains == ["lumenoutdoor.com.au"]
    assert config.checks["pixel_fire_recent"]["warn_after_hours"] == 24


def test_defaults_apply():
    config = parse_config(base())
    assert config.graph.base_url == "https://graph.facebook.com"
    assert config.graph.api_version == "v26.0"
    assert config.clients[0].aem_mode == "auto"
    assert config.token_env_for(config.clients[0]) == "IOS14_AUDIT_TOKEN"


def test_ad_account_error_names_key_path_and_fix():
    data = base()
    data["clients"].append({"slug": "b", "name": "B", "business_id": "2",
                            "ad_accounts": ["123"]})
    assert problems(data) == ['clients[1].ad_accounts[0]: "123" must look like act_<digits> '
                              "(e.g. act_1234567890)"]


def test_every_problem_is_reported_at_once():
    data = base(graph={"api_version": "26.0", "base_url": "graph.facebook.com/v26.0"})
    data["clients"][0]["business_id"] = "abc"
    found = problems(data)
    assert len(found) == 3
    assert any(p.startswith("graph.api_version:") and "v26.0" in p for p in found)
    assert any(p.startswith("graph.base_url:") for p in found)
    assert any(p.startswith("clients[0].business_id:") and "digits" in p for p in found)


def test_missing_and_unknown_keys():
    data = base()
    del data["agency"]["business_id"]
    data["clinets"] = []
    found = problems(data)
    assert "agency.business_id: is required; add it" in found
    assert 'clinets: unknown key; did you mean "clients"?' in found


def test_tokens_in_the_file_are_refused_without_echoing_them():
    secret = "EAAB" + "x" * 40
    data = base()
    data["clients"][0]["access_token"] = secret
    found = problems(data)
    assert len(found) == 1 and "environment variables" in found[0]
    assert secret not in " ".join(found)


def test_token_env_must_be_a_variable_name_and_is_not_echoed():
    secret = "EAAB-not-a-name-" + "y" * 30
    data = base(graph={"token_env": secret})
    found = problems(data)
    assert found and found[0].startswith("graph.token_env:")
    assert secret not in found[0]


def test_duplicate_slugs_and_domains():
    data = base()
    data["clients"].append(dict(data["clients"][0]))
    data["clients"][0]["domains"] = ["shop.example.com", "shop.example.com"]
    found = problems(data)
    assert any("slug" in p and "unique" in p for p in found)
    assert any(p.startswith("clients[0].domains:") and "twice" in p for p in found)


def test_domains_must_be_bare():
    data = base()
    data["clients"][0]["domains"] = ["https://acme.com/"]
    found = problems(data)
    assert found == ['clients[0].domains[0]: "https://acme.com/" must be a bare domain name '
                     "such as example.co.uk (no scheme, port or path)"]


def test_numeric_ids_are_accepted_as_strings():
    data = base()
    data["clients"][0]["business_id"] = 111
    data["clients"][0]["pixels"] = [222]
    config = parse_config(data)
    assert config.clients[0].business_id == "111"
    assert config.clients[0].pixels == ["222"]


def test_yaml_syntax_error_names_the_line(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("agency:\n  name: [unclosed\nclients: []\n")
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert "line" in exc.value.problems[0]


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path / "nope.yaml")
    assert "config.example.yaml" in exc.value.problems[0]


def test_tokens_come_from_the_environment_only():
    data = base(graph={"token_env": "AGENCY_TOKEN"})
    data["clients"].append({"slug": "b", "name": "B", "business_id": "2",
                            "token_env": "B_TOKEN"})
    config = parse_config(data)
    env = {"AGENCY_TOKEN": "agency-token", "B_TOKEN": " b-token "}
    assert config.token_for(config.clients[0], env) == "agency-token"
    assert config.token_for(config.clients[1], env) == "b-token"
    assert config.token_for(config.clients[1], {}) is None


def test_example_config_documents_every_option():
    from pydantic import BaseModel

    from audit.config import Config

    text = (ROOT / "config.example.yaml").read_text()

    def names(model):
        for name, field in model.model_fields.items():
            yield name
            for arg in (field.annotation, *getattr(field.annotation, "__args__", ())):
                inner = getattr(arg, "__args__", ())
                for candidate in (arg, *inner):
                    if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                        yield from names(candidate)

    missing = sorted({n for n in names(Config) if f"{n}:" not in text})
    assert missing == []


def test_rules_target_window_is_account_default_or_a_per_filter_window():
    assert parse_config(base()).rules.target_window == "ACCOUNT_DEFAULT"
    assert parse_config(base(rules={"target_window": "7d_click"})).rules.target_window == \
        "7d_click"
    # the old rule-level spelling still means the same window, now set per filter
    assert parse_config(base(rules={"target_window": "1D_VIEW_7D_CLICK"})).rules \
        .target_window == "1d_view_7d_click"
    [problem] = problems(base(rules={"target_window": "28D_CLICK"}))
    assert problem.startswith("rules.target_window: must be ACCOUNT_DEFAULT (the only window "
                              "Meta accepts in a rule's attribution_window filter)")
    assert "7d_click, 1d_click, 1d_view_7d_click, 1d_view_1d_click" in problem
