"""Secrets in the config file: refused, and never repeated by an error message (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from audit.config import ConfigError, load_config, parse_config, shown
from audit.redact import MASK
from tests.unit.test_config import base, problems

TOKEN = "EAAB" + "q7Lw2Xk9Rv4Tz8Mn3Pd6Hs1Jf5Gc0Yb" * 2
APP_SECRET = "f3a9c0e1b2d4a6c8e0f1a3b5c7d9e1f3"


@pytest.mark.parametrize("where, data", [
    ("graph.token_env", base(graph={"token_env": TOKEN})),
    ("graph.app_secret_env", base(graph={"app_secret_env": APP_SECRET})),
    ("alerts.urls_env", base(alerts={"urls_env": TOKEN})),
    ("clients[0].token_env", base(clients=[{"slug": "acme", "name": "Acme",
                                            "business_id": "111", "token_env": TOKEN}])),
])
def test_a_token_pasted_as_a_variable_name_is_refused_unrepeated(where, data):
    found = problems(data)
    assert len(found) == 1
    assert found[0].startswith(f"{where}: looks like a token or a secret")
    assert TOKEN not in found[0] and APP_SECRET not in found[0]
    assert TOKEN[4:16] not in found[0]


def test_real_variable_names_are_accepted():
    config = parse_config(base(graph={"token_env": "IOS14_AUDIT_TOKEN",
                                      "app_secret_env": "IOS14_AUDIT_APP_SECRET"},
                               alerts={"urls_env": "IOS14_AUDIT_ALERT_URLS"}))
    assert config.graph.token_env == "IOS14_AUDIT_TOKEN"


@pytest.mark.parametrize("url", [
    f"https://user:{TOKEN}@graph.facebook.com",
    "https://someone@graph.facebook.com",
    f"http://{TOKEN}@127.0.0.1:8765",
])
def test_base_url_with_user_info_is_refused_unrepeated(url):
    found = problems(base(graph={"base_url": url}))
    assert found == ["graph.base_url: must not contain a user name or password "
                     "(user:password@host; value not shown); tokens are read only from the "
                     "variable named by graph.token_env"]


@pytest.mark.parametrize("data", [
    base(clients=[{"slug": "acme", "name": "Acme", "business_id": "111",
                   "ad_accounts": [f"act_1?access_token={TOKEN}"]}]),
    base(clients=[{"slug": "acme", "name": "Acme", "business_id": "111",
                   "ad_accounts": ["act_1?access_token=plainsecretvalue"]}]),
    base(clients=[{"slug": "acme", "name": "Acme", "business_id": "111",
                   "pixels": [TOKEN]}]),
    base(graph={"base_url": f"https://graph.facebook.com/?access_token={TOKEN}"}),
    base(graph={"api_version": TOKEN}),
    base(agency={"name": "N", "business_id": TOKEN}),
])
def test_values_that_may_hold_a_secret_are_not_echoed(data):
    found = problems(data)
    assert found and all("not shown" in p for p in found)
    text = "\n".join(found)
    assert TOKEN not in text and "plainsecretvalue" not in text


def test_harmless_values_are_still_quoted():
    found = problems(base(clients=[{"slug": "acme", "name": "Acme", "business_id": "111",
                                    "ad_accounts": ["123"]}]))
    assert found == ['clients[0].ad_accounts[0]: "123" must look like act_<digits> '
                     "(e.g. act_1234567890)"]


@pytest.mark.parametrize("value, expected", [
    ("123", '"123"'), ("shop.example.com", '"shop.example.com"'), (42, '"42"'),
    (True, "True"), (None, "None"), ([1, 2], "the value"),
    ("act_1?x=1", "the value (not shown: it may hold a secret)"),
    ("user@host", "the value (not shown: it may hold a secret)"),
    (f"x-{TOKEN}-y", "the value (not shown: it may hold a secret)"),
    ("x" * 81, "the value (not shown: it may hold a secret)"),
])
def test_shown(value, expected):
    assert shown(value) == expected


def test_a_config_error_is_redacted_whatever_its_message():
    error = ConfigError(f"dir/{TOKEN}/c.yaml", [f"something about access_token={TOKEN}"])
    assert TOKEN not in str(error) and MASK in str(error)


def test_the_tokens_a_config_names_are_masked_in_its_own_errors(tmp_path: Path):
    """A token without a recognisable shape, pasted into another key of the file that names
    its variable, is not repeated by the error about that key."""
    plain = "plain-unit-token-4711"  # used nowhere else: the redactor's memory is global
    data = base(graph={"token_env": "MY_TOKEN_VAR"})
    data["clients"][0]["pixels"] = [plain]
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ConfigError) as unnamed:  # no variable holds it: a mere wrong id
        load_config(path, env={})
    assert f'"{plain}" must be a pixel id' in str(unnamed.value)
    with pytest.raises(ConfigError) as named:
        load_config(path, env={"MY_TOKEN_VAR": plain})
    assert plain not in str(named.value)
    assert f'clients[0].pixels[0]: "{MASK}" must be a pixel id' in str(named.value)
