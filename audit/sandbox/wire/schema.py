"""Every read checked against the SDK's catalogue before it is served, answered as Meta does.

A request names a node type and maybe an edge; the catalogue (``world/catalogue.py``, read
from the installed SDK) gives the fields of the node type or of the edge's item type, the
node type of nested selections (``owner_business{id,name}``), the edge's parameters and their
enum values. Anything unknown fails the whole request with Meta's ``(#100)`` error; what
Meta documents but the SDK lacks is allow-listed in ``world/sdk_gaps.py``.

Parameters outside the SDK's ``param_types`` are refused too. Meta is less strict on some
endpoints (it may ignore an unknown parameter), but a parameter we misspell is a read that
silently does something else, and the sandbox's job is to catch that.

:func:`check_request` is also what the contract test runs every read of
``audit/graph/reads.py`` through.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from ..world.catalogue import Endpoint, catalogue
from ..world.sdk_gaps import (
    DATASET_QUALITY,
    DATASET_QUALITY_ENTRY_TYPE,
    EDGE_ITEM_FIELDS,
    EDGE_PARAMS,
    EDGES,
    ROOT_PARAMS,
)
from .errors import SandboxError, enum_error, nonexisting_field, summary_error
from .fieldsel import Selection, parse_fields

INSIGHTS_DOC = "https://developers.facebook.com/docs/marketing-api/reference/ads-insights/"
# Parameters every Graph request may carry (https://developers.facebook.com/docs/graph-api/
# results for paging; access_token / appsecret_proof for auth; the rest are Graph-wide).
GENERIC_PARAMS = frozenset({
    "access_token", "appsecret_proof", "fields", "limit", "after", "before", "summary",
    "method", "pretty", "suppress_http_code", "locale", "date_format", "debug", "format",
    "metadata", "include_headers",
})
INSIGHTS = "AdsInsights"


def unknown_param(name: str) -> SandboxError:
    """The error for a parameter the endpoint does not take."""
    return SandboxError(f"(#100) Param {name} is not a valid parameter for this request")


def insights_fields_error(names: list[str]) -> SandboxError:
    """Insights' own wording for unknown fields (one error naming all of them)."""
    verb = "is" if len(names) == 1 else "are"
    return SandboxError(f"(#100) {', '.join(names)} {verb} not valid for fields param. please "
                        f"check {INSIGHTS_DOC} for all valid values")


Retired = Mapping[str, frozenset[str]]


def check_request(node_type: str, edge: str, method: str, params: Mapping[str, str],
                  retired: Retired | None = None) -> None:
    """Raise Meta's error if ``params`` do not fit ``METHOD /{node of node_type}/{edge}``.

    ``retired`` fields (by node type) are refused as if this API version had dropped them.
    """
    method = method.upper()
    retired = retired or {}
    cat = catalogue()
    if not edge:
        endpoint = cat.endpoint(node_type, "", method)
        _check_params(endpoint.params if endpoint else {}, endpoint, params)
        selection = parse_fields(params.get("fields")) if method == "GET" else None
        if selection is not None:
            validate_selection(selection, node_type, retired=retired)
        return
    found = cat.endpoint(node_type, edge, method)
    documented = EDGES.get((node_type, edge))
    if found is None and documented is None:
        raise nonexisting_field(edge, node_type)
    if found is not None:
        extra = EDGE_PARAMS.get((node_type, edge), frozenset())
        _check_params(found.params, found, {k: v for k, v in params.items() if k not in extra})
        item = INSIGHTS if edge == "insights" else found.item_type
    else:
        assert documented is not None
        _check_documented_params(documented.params, params)
        item = documented.item_type
    if item == INSIGHTS:
        _check_insights(params, retired.get(INSIGHTS, frozenset()))
        return
    selection = parse_fields(params.get("fields"))
    if selection is not None:
        validate_selection(selection, item, EDGE_ITEM_FIELDS.get((node_type, edge), frozenset()),
                           retired=retired)


def check_root(name: str, params: Mapping[str, str]) -> None:
    """Root endpoints without a node (``debug_token``, ``dataset_quality``)."""
    allowed = ROOT_PARAMS.get(name, frozenset())
    for key in params:
        if key not in allowed and key not in GENERIC_PARAMS:
            raise unknown_param(key)
    if name == "dataset_quality":
        selection = parse_fields(params.get("fields")) or []
        for item in selection:
            if item.name not in ("web", "offline"):
                raise nonexisting_field(item.name, "DatasetQuality")
            check_quality_entry(item.children)


def check_quality_entry(children: list[Selection]) -> None:
    """A ``web{…}`` selection of the Dataset Quality API."""
    allowed = catalogue().fields(DATASET_QUALITY_ENTRY_TYPE)
    for child in children:
        if child.name not in allowed:
            raise nonexisting_field(child.name, DATASET_QUALITY_ENTRY_TYPE)
        _check_struct(child)


def _check_struct(item: Selection) -> None:
    allowed = DATASET_QUALITY.get(item.name, frozenset())
    for child in item.children:
        if child.name not in allowed:
            raise nonexisting_field(child.name, item.name)
        _check_struct(child)


def validate_selection(selection: Iterable[Selection], node_type: str,
                       extras: Iterable[str] = (), *, retired: Retired | None = None) -> None:
    """The first unknown name fails the request; nested selections are checked by type.

    A node's fields may also name its edges (field expansion, ``campaigns{name}.limit(5)``):
    their children are checked against the edge's item type and modifiers as its parameters.
    """
    cat = catalogue()
    node = cat.type(node_type)
    if node is None:  # an untyped object (the SDK's AbstractCrudObject): nothing to check
        return
    retired = retired or {}
    allowed = (node.fields | frozenset(extras)) - retired.get(node_type, frozenset())
    for item in selection:
        if item.name in allowed:
            nested = cat.nested_type(node_type, item.name)
            if nested and item.children:
                validate_selection(item.children, nested, retired=retired)
            continue
        if item.name in cat.edges(node_type) or (node_type, item.name) in EDGES:
            check_request(node_type, item.name, "GET",
                          {**item.modifiers,
                           **({"fields": _render(item.children)} if item.children else {})},
                          retired)
            continue
        raise nonexisting_field(item.name, node_type)


def _check_params(declared: Mapping[str, str], endpoint: Endpoint | None,
                  params: Mapping[str, str]) -> None:
    cat = catalogue()
    for key, raw in params.items():
        if key in GENERIC_PARAMS and key not in declared:
            continue
        if key not in declared:
            raise unknown_param(key)
        values = cat.param_values(endpoint, key) if endpoint else None
        if values is None:
            continue
        decoded = _decode(raw)
        if isinstance(decoded, str) and declared[key].startswith("list<"):
            decoded = [part.strip() for part in decoded.split(",") if part.strip()]
        if isinstance(decoded, list):
            for i, value in enumerate(decoded):
                if value not in values:
                    raise enum_error(f"{key}[{i}]", values)
        elif decoded not in values:
            raise enum_error(key, values)


def _check_documented_params(declared: Mapping[str, frozenset[str] | None],
                             params: Mapping[str, str]) -> None:
    for key, raw in params.items():
        if key in GENERIC_PARAMS:
            continue
        if key not in declared:
            raise unknown_param(key)
        values = declared[key]
        if values is not None and raw not in values:
            raise enum_error(key, values)


def _check_insights(params: Mapping[str, str], retired: frozenset[str] = frozenset()) -> None:
    """Insights fields (Meta's own wording) and ``summary``, which is a list of those fields.

    ``summary=true`` is what the SDK's Cursor adds to every edge read unless told not to; the
    SDK itself reads insights with ``include_summary=False`` (``AdAccount.get_insights``).
    """
    names = _names(params.get("fields"))
    known = catalogue().fields(INSIGHTS) - retired
    bad = [n for n in names if n not in known]
    if bad:
        raise insights_fields_error(bad)
    if "summary" in params:
        wanted = _names(params["summary"])
        missing = [w for w in wanted if w not in names]
        if missing or not wanted:
            raise summary_error(missing or [params["summary"]], names)


def _names(raw: str | None) -> list[str]:
    decoded = _decode(raw) if raw else []
    if isinstance(decoded, list):
        return [str(n) for n in decoded]
    return [n.strip() for n in str(decoded).split(",") if n.strip()]


def _decode(raw: str) -> object:
    """Lists arrive JSON-encoded from the SDK; plain strings as themselves."""
    if raw[:1] in ("[", "{", '"'):
        try:
            value: object = json.loads(raw)
            return value
        except ValueError:
            return raw
    return raw


def _render(children: list[Selection]) -> str:
    return ",".join(c.render() for c in children)
