"""doctor's explanations: by error kind and code, with the fix."""

from __future__ import annotations

from audit.collect.doctor import explain
from audit.graph.errors import AuthError, PermissionDenied, RateLimited, Unsupported


def test_each_kind_of_refusal_has_its_meaning_and_fix() -> None:
    meaning, fix = explain(AuthError("expired", code=190, subcode=463), "business",
                           "IOS14_AUDIT_TOKEN", "Northwind")
    assert meaning == "the access token is invalid or expired"
    assert "Generate new token" in fix and "IOS14_AUDIT_TOKEN" in fix
    meaning, fix = explain(PermissionDenied("(#200) Permissions error", code=200),
                           "ad sets", None, "Northwind")
    assert "permission is missing" in meaning and "Ad accounts → select the account" in fix
    meaning, fix = explain(RateLimited("(#80004) too many calls", code=80004), "rules", None,
                           "Northwind")
    assert "rate-limiting" in meaning and "graph.concurrency" in fix


def test_a_field_this_api_version_dropped_is_named() -> None:
    error = Unsupported("(#100) Tried accessing nonexisting field (is_unavailable) on node "
                        "type (AdsPixel)", code=100)
    meaning, fix = explain(error, "pixels", None, "Northwind")
    assert meaning == "this API version has no field is_unavailable"
    assert "reads the rest without it" in fix
    other = Unsupported("(#100) Tried accessing nonexisting field (owned_domains) on node "
                        "type (Business)", code=100)
    assert explain(other, "business", None, "Northwind")[0] == (
        "this API version has no field owned_domains")
