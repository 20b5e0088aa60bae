"""No check ever crashes on a snapshot the collector could have written.

Snapshots are generated from small strategies over the shapes the facts layer reads:
pixels, stats buckets, partner edges, ad sets and their spend, custom conversions, Dataset
Quality answers, rules, insights rows, owned domains, token answers and the domains'
verification markers. Every optional field may be missing, ``None`` or of an odd type
(a number as text, a list where an object belongs …), and any read may have failed or
come back partial. Whatever arrives, every check must give PASS, WARN, FAIL or SKIPPED:
an ERROR finding means an evaluator crashed on data the API can send.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from audit.collect.domains import marker_key
from audit.collect.snapshot import Snapshot
from audit.evaluate.analysis import Analysis
from audit.evaluate.engine import run_checks
from audit.graph.result import Fetched
from audit.models import Status
from tests.helpers import AGENCY_ID, CLIENT_ID, make_snapshot

PIXELS = ("p1", "p2")
ACCOUNTS = ("act_1", "act_2")
DOMAINS = ("shop.com", "blog.other.org")
CODE = "ba209avzqi6hkaa4ww2xge0q2l8vet"

# Values of the wrong type or shape, as a changed API (or an odd record) might send them.
ODD = st.sampled_from(
    [None, "", "0", "-3", "12.5", "abc", 0, -1, 7, 2.5, True, False, [], {}, ["x"], {"id": "1"}]
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field that is usually right, sometimes odd."""
    return st.one_of(strategy, strategy, strategy, strategy, ODD)


def obj(
    need: tuple[str, ...] = (), **fields: st.SearchStrategy[Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """A dict with the fields named in ``need`` and any subset of the others."""
    return st.fixed_dictionaries(
        {k: maybe(v) for k, v in fields.items() if k in need},
        optional={k: maybe(v) for k, v in fields.items() if k not in need},
    )


def items(item: st.SearchStrategy[Any], max_size: int = 4) -> st.SearchStrategy[list[Any]]:
    """An edge's list: mostly objects, now and then something that is not one."""
    return st.lists(st.one_of(item, item, item, item, item, ODD), max_size=max_size)


TIMES = st.sampled_from(
    [
        "2026-11-28T11:00:00+0000",
        "2026-11-01T00:00:00Z",
        "2025-05-13",
        "1764327600",
        1764327600,
        "2026-13-40T99:00:00+0000",
        "yesterday",
    ]
)
NUMBERS = st.one_of(st.integers(0, 5000), st.sampled_from(["0", "15", "250.75", "1,200"]))
EVENTS = st.sampled_from(["Purchase", "Lead", "AddToCart", "PageView", "CustomA", "Subscribe"])
EVENT_TYPES = st.sampled_from(
    ["PURCHASE", "LEAD", "ADD_TO_CART", "OTHER", "CONTENT_VIEW", "NOT_A_TYPE"]
)
TASKS = st.lists(
    st.sampled_from(["ANALYZE", "ADVERTISE", "UPLOAD", "EDIT", "manage", ""]), max_size=4
)
WINDOW_NAMES = ("1d_click", "7d_click", "28d_click", "1d_view", "7d_view", "28d_view", "1d_ev")
IDS = st.sampled_from(["1", "2", "3", "cc1", "os1", 123])

PIXEL = obj(
    ("id", "name", "last_fired_time", "is_unavailable"),
    id=st.sampled_from(PIXELS),
    name=st.text(max_size=5),
    last_fired_time=TIMES,
    creation_time=TIMES,
    is_unavailable=st.booleans(),
    owner_business=obj(id=st.just(CLIENT_ID), name=st.text(max_size=3)),
)
BUCKETS = items(
    obj(
        ("data", "start_time"),
        aggregation=st.sampled_from(["event", "host"]),
        start_time=TIMES,
        data=items(
            obj(
                ("value", "count"),
                value=st.one_of(
                    EVENTS,
                    st.sampled_from(
                        [
                            "www.shop.com",
                            "shop.com",
                            "blog.other.org",
                            "localhost",
                            "10.0.0.1",
                            "co.uk",
                        ]
                    ),
                ),
                count=NUMBERS,
                event=EVENTS,
            )
        ),
    )
)
PARTNERS = items(
    obj(
        ("id", "permitted_tasks"),
        id=st.sampled_from([AGENCY_ID, "42"]),
        name=st.text(max_size=3),
        permitted_tasks=TASKS,
    )
)
USERS = items(
    obj(
        ("id", "tasks"),
        id=IDS,
        name=st.text(max_size=3),
        user_type=st.just("SYSTEM_USER"),
        tasks=TASKS,
    )
)
REFS = items(
    obj(("id",), id=st.sampled_from(["act_1", "1", "act_2", "p1", "p2"]), account_id=st.just("1"))
)
DA_CHECKS = items(
    obj(
        ("key", "result"),
        key=st.text(max_size=3),
        title=st.text(max_size=3),
        description=st.text(max_size=3),
        user_message=st.text(max_size=3),
        result=st.sampled_from(["failed", "passed", "FAILED", "warning"]),
        action_uri=st.just("https://example.test/"),
    )
)
PERCENT = obj(percentage=NUMBERS)
QUALITY = obj(
    ("web",),
    web=items(
        obj(
            ("event_name", "event_match_quality", "dedupe_key_feedback"),
            event_name=EVENTS,
            event_match_quality=obj(
                composite_score=st.floats(0, 10),
                match_key_feedback=items(
                    obj(
                        identifier=st.sampled_from(["email", "phone", "external_id", "fbp", "x"]),
                        coverage=PERCENT,
                        potential_aly_acr_increase=PERCENT,
                    )
                ),
            ),
            event_coverage=obj(percentage=NUMBERS, goal_percentage=NUMBERS),
            dedupe_key_feedback=items(
                obj(
                    dedupe_key=st.sampled_from(["event_id", "external_id"]),
                    browser_events_with_dedupe_key=PERCENT,
                    server_events_with_dedupe_key=PERCENT,
                    overall_browser_coverage_from_dedupe_key=PERCENT,
                )
            ),
            data_freshness=obj(upload_frequency=st.text(max_size=3)),
            event_potential_aly_acr_increase=PERCENT,
        )
    ),
)
PROMOTED = obj(
    ("pixel_id", "custom_event_type"),
    pixel_id=st.sampled_from(PIXELS),
    custom_event_type=EVENT_TYPES,
    custom_event_str=EVENTS,
    custom_conversion_id=st.sampled_from(["cc1", "cc2"]),
    offline_conversion_data_set_id=st.just("os1"),
    object_store_url=st.just("https://apps.apple.com/app/id1"),
)
ADSETS = items(
    obj(
        ("id", "effective_status", "promoted_object", "optimization_goal"),
        id=IDS,
        name=st.text(max_size=3),
        campaign_id=st.sampled_from(["c1", "c2"]),
        effective_status=st.sampled_from(["ACTIVE", "ACTIVE", "PAUSED", "DELETED", "WITH_ISSUES"]),
        status=st.sampled_from(["ACTIVE", "PAUSED"]),
        optimization_goal=st.sampled_from(["VALUE", "OFFSITE_CONVERSIONS", "LINK_CLICKS"]),
        promoted_object=PROMOTED,
        attribution_spec=items(
            obj(
                event_type=st.sampled_from(
                    ["CLICK_THROUGH", "VIEW_THROUGH", "ENGAGED_VIDEO_VIEW", "ODD"]
                ),
                window_days=st.sampled_from([1, 7, 28, "7", 0]),
            )
        ),
        targeting=obj(user_os=items(st.sampled_from(["iOS", "Android"]))),
    )
)
SPEND = items(obj(("adset_id", "spend"), adset_id=IDS, spend=NUMBERS))
CAMPAIGNS = items(
    obj(
        ("id", "objective"),
        id=st.sampled_from(["c1", "c2"]),
        name=st.text(max_size=3),
        objective=st.sampled_from(["APP_INSTALLS", "OUTCOME_SALES"]),
        is_skadnetwork_attribution=st.booleans(),
    )
)
CONVERSIONS = items(
    obj(
        ("id", "custom_event_type", "pixel"),
        id=st.sampled_from(["cc1", "cc2"]),
        name=st.text(max_size=4),
        custom_event_type=EVENT_TYPES,
        pixel=st.one_of(obj(id=st.sampled_from(PIXELS)), st.sampled_from(PIXELS)),
        last_fired_time=TIMES,
        is_archived=st.booleans(),
        is_unavailable=st.booleans(),
        offline_conversion_data_set=obj(id=st.just("os1")),
        action_source_type=st.sampled_from(["website", "physical_store"]),
    )
)
ACTION = obj(
    ("action_type", "7d_click", "28d_click", "1d_view"),
    action_type=st.sampled_from(
        [
            "offsite_conversion.fb_pixel_purchase",
            "offsite_conversion.fb_pixel_lead",
            "link_click",
            "omni_purchase",
            "mobile_app_install",
        ]
    ),
    value=NUMBERS,
    **{w: NUMBERS for w in WINDOW_NAMES},
)
INSIGHTS = items(
    obj(
        ("actions", "spend", "date_start", "date_stop"),
        campaign_id=st.sampled_from(["c1", "c2"]),
        adset_id=IDS,
        campaign_name=st.text(max_size=3),
        spend=NUMBERS,
        date_start=st.sampled_from(["2026-10-31", "2025-06-01", "x"]),
        date_stop=st.sampled_from(["2026-11-27", "2026-03-14"]),
        actions=items(ACTION),
        action_values=items(ACTION),
    )
)
FILTER = obj(
    ("field", "value"),
    field=st.sampled_from(
        [
            "attribution_window",
            "28d_click:cost_per_purchase_fb",
            "cost_per_result",
            "spent",
            "website_purchase_roas",
            "campaign.28d_view_1d_click:results",
            "time_preset",
            "7d_click:website_purchases",
            "entity_type",
        ]
    ),
    value=st.one_of(
        NUMBERS,
        st.sampled_from(["1D_VIEW_28D_CLICK", "28D_CLICK", "LAST_28D", "ACCOUNT_DEFAULT"]),
        st.lists(NUMBERS, max_size=2),
    ),
    operator=st.sampled_from(["GREATER_THAN", "IN_RANGE", "EQUAL"]),
)
SPEC = obj(
    ("filters",),
    evaluation_type=st.just("SCHEDULE"),
    filters=items(FILTER),
    trigger=obj(field=st.just("28d_click:results"), value=NUMBERS),
)
RULES = items(
    obj(
        ("id", "evaluation_spec", "status"),
        id=IDS,
        name=st.text(max_size=3),
        status=st.sampled_from(["ENABLED", "DISABLED", "DELETED"]),
        evaluation_spec=st.one_of(SPEC, SPEC.map(json.dumps), st.just("{not json")),
        execution_spec=obj(execution_type=st.sampled_from(["PAUSE", "NOTIFICATION"])),
        updated_time=TIMES,
    )
)
OWNED = items(
    obj(
        ("domain_name", "status"),
        domain_name=st.sampled_from(["shop.com", "www.shop.com", "other.org", ""]),
        status=st.sampled_from(["verified", "pending", "VERIFIED"]),
        owner_business=obj(id=st.sampled_from([CLIENT_ID, "77"]), name=st.text(max_size=3)),
        verification_code=st.just(CODE),
    )
)
DEBUG = obj(
    ("data",),
    data=obj(
        ("is_valid", "expires_at"),
        is_valid=st.booleans(),
        type=st.sampled_from(["SYSTEM_USER", "USER"]),
        expires_at=st.sampled_from([0, 1764500000, 1800000000, "1800000000"]),
        data_access_expires_at=st.sampled_from([0, 1764500000, 1900000000]),
        issued_at=st.sampled_from([1760000000, 1764000000]),
        scopes=st.lists(st.sampled_from(["ads_read", "ads_management", "business_management"])),
        error=obj(message=st.text(max_size=3)),
    ),
)
PERMISSIONS = items(
    obj(
        ("permission", "status"),
        permission=st.sampled_from(["ads_read", "business_management"]),
        status=st.sampled_from(["granted", "declined"]),
    )
)
DNS = obj(
    ("verification",),
    verification=items(
        st.sampled_from(
            [f"facebook-domain-verification={CODE}", "facebook-domain-verification=<b>", "v=spf1"]
        )
    ),
)
HOME = obj(
    ("status", "meta"),
    status=st.sampled_from([200, 403]),
    meta=items(st.sampled_from([CODE, "x", ""])),
    truncated=st.booleans(),
)

READS: dict[str, st.SearchStrategy[Any]] = {
    "token/debug": DEBUG,
    "token/permissions": PERMISSIONS,
    "business": obj(id=st.just(CLIENT_ID), name=st.text(max_size=3)),
    "business/owned_pixels": PARTNERS,
    "agency/client_pixels": items(
        obj(id=st.sampled_from(PIXELS), name=st.text(max_size=3), permitted_tasks=TASKS)
    ),
    "business/owned_domains": OWNED,
    "agency/owned_domains": OWNED,
    "offline_set/os1": obj(id=st.just("os1"), name=st.text(max_size=3), last_fired_time=TIMES),
    "offline_set/os1/shared_accounts": REFS,
}
for _p in PIXELS:
    READS.update(
        {
            f"pixel/{_p}": PIXEL,
            f"pixel/{_p}/agencies": PARTNERS,
            f"pixel/{_p}/shared_agencies": PARTNERS,
            f"pixel/{_p}/assigned_users/{AGENCY_ID}": USERS,
            f"pixel/{_p}/shared_accounts": REFS,
            f"pixel/{_p}/stats/event": BUCKETS,
            f"pixel/{_p}/stats/host": BUCKETS,
            f"pixel/{_p}/stats/event/WEB_ONLY": BUCKETS,
            f"pixel/{_p}/stats/event/SERVER_ONLY": BUCKETS,
            f"pixel/{_p}/da_checks": DA_CHECKS,
            f"pixel/{_p}/dataset_quality": QUALITY,
        }
    )
for _a in ACCOUNTS:
    READS.update(
        {
            f"adaccount/{_a}": obj(id=st.just(_a), currency=st.sampled_from(["USD", "JPY", "eur"])),
            f"adaccount/{_a}/adspixels": REFS,
            f"adaccount/{_a}/adsets": ADSETS,
            f"adaccount/{_a}/campaigns": CAMPAIGNS,
            f"adaccount/{_a}/customconversions": CONVERSIONS,
            f"adaccount/{_a}/adset_spend": SPEND,
            f"adaccount/{_a}/insights/campaign": INSIGHTS,
            f"adaccount/{_a}/insights/adset": INSIGHTS,
            f"adaccount/{_a}/rules": RULES,
        }
    )
for _d in DOMAINS:
    READS.update(
        {
            marker_key("dns", _d): DNS,
            marker_key("home", _d): HOME,
            marker_key("file", _d, CODE): obj(status=st.just(200), shows_code=st.booleans()),
        }
    )

ERRORS = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(
            ["permission", "auth", "unsupported", "transient", "timeout", "not_found"]
        ),
        "code": st.sampled_from([None, 1, 2, 100, 190, 200]),
        "message": st.text(max_size=5),
    }
)


@st.composite
def stored(draw: st.DrawFn, data: st.SearchStrategy[Any]) -> Fetched:
    """A stored read: its data, a failure, or partial data with the error that cut it."""
    kind = draw(st.sampled_from(["ok"] * 14 + ["failed", "failed", "partial", "odd"]))
    if kind == "failed":
        return Fetched.failed("GET /x", draw(ERRORS))
    if kind == "odd":
        return Fetched.ok("GET /x", draw(ODD))
    value = draw(data)
    if kind == "partial":
        return Fetched("GET /x", value, draw(ERRORS), partial=True)
    return Fetched.ok("GET /x", value)


@st.composite
def snapshots(draw: st.DrawFn) -> Snapshot:
    pixels = draw(st.lists(st.sampled_from(PIXELS), unique=True))
    accounts = draw(st.lists(st.sampled_from(ACCOUNTS), unique=True, min_size=1))
    # Reads of the client's own pixels and accounts are there nine times in ten (a pixel
    # reached another way, or an account not configured, now and then too).
    mine = (*pixels, *accounts, "business", "token", "agency", "offline_set", "domain")
    endpoints = {}
    for key in sorted(READS):
        owner = key.split("/")[1] if key.startswith(("pixel/", "adaccount/")) else key.split("/")[0]
        if draw(st.integers(0, 9)) < (9 if owner in mine else 1):
            endpoints[key] = draw(stored(READS[key]))
    priorities = draw(
        st.fixed_dictionaries(
            {},
            optional={
                "business_type": st.sampled_from(["ecommerce", "lead_generation", "app", "other"]),
                "pin": st.lists(EVENTS, max_size=2),
                "exclude": st.lists(EVENTS, max_size=2),
                "order": st.lists(EVENTS, max_size=2, unique=True),
                "funnel": st.lists(EVENTS, max_size=3, unique=True),
                "min_weekly_events": st.integers(1, 100),
            },
        )
    )
    snap = make_snapshot(
        endpoints,
        pixels=pixels,
        ad_accounts=accounts,
        domains=draw(st.lists(st.sampled_from([*DOMAINS, "www.shop.com"]), unique=True)),
        aem_mode=draw(st.sampled_from(["auto", "legacy", "relaxed"])),
        priorities=priorities,
        domain_verification_codes=draw(st.sampled_from([[], [CODE]])),
        rules_target_window=draw(st.sampled_from(["ACCOUNT_DEFAULT", "7d_click"])),
        token_env="ACME_TOKEN",
    )
    mode = draw(st.sampled_from([None, "checked", "offline"]))
    if mode:
        snap.window["domain_markers"] = {"mode": mode}
    return snap


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(snapshots())
def test_no_check_errors_on_a_legal_snapshot(snap: Snapshot) -> None:
    analysis = Analysis.of(snap)
    crashed = [
        f"{f.check_id}: {f.message} {f.evidence.get('traceback')}"
        for f in run_checks(analysis)
        if f.status is Status.ERROR
    ]
    assert crashed == []
    # the recommenders behind the report are computed without crashing too
    analysis.priorities.to_dict()
    analysis.windows.to_dict()
    for s in analysis.rules:
        s.to_dict()


def test_a_rule_whose_filters_are_not_a_list_is_still_read() -> None:
    """Found by the property above: a rule with a window in its trigger and ``filters: -1``
    made the rule rewrite iterate over an integer."""
    rule = {"id": "1", "status": "ENABLED",
            "evaluation_spec": {"filters": -1, "trigger": {"field": "28d_click:results"}}}
    snap = make_snapshot({"adaccount/act_2/rules": Fetched.ok("GET /x", [rule])},
                         ad_accounts=["act_2"], token_env="ACME_TOKEN")
    analysis = Analysis.of(snap)
    crashed = [f.check_id for f in run_checks(analysis) if f.status is Status.ERROR]
    assert crashed == []
    assert [s.to_dict()["rule_id"] for s in analysis.rules] == ["1"]
    assert analysis.rules[0].needs_review is True
