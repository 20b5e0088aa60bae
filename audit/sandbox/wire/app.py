"""The Graph application behind the HTTP server: versions, faults, auth, usage, routing, batch.

``GraphApp.handle`` takes an already-parsed HTTP request and returns a ``Result`` (status,
JSON body, headers). State changes happen under one lock; injected latency sleeps outside it,
so slow requests do not block others.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import threading
import time
from typing import Any

from ..handlers import access, ads, business, insights, misc, offline, pixel, quality, rules
from ..world.model import FaultSpec, World
from . import schema
from .batch import run_batch
from .call import VERSION_RE, Call
from .errors import SandboxError, new_trace_id, nonexisting_field, unknown_object, unknown_path
from .exchange import RecordedRequest, Result
from .expand import read_with_expansion
from .faults import FaultRegistry, fault_error, is_throttle
from .usage import Throttle, UsageKeys, UsageMeter

log = logging.getLogger(__name__)
REDACTED = "REDACTED"
SECRET_PARAMS = ("access_token", "appsecret_proof", "input_token")
# What a proxy or load balancer in front of the API answers when it gives up (not_json fault).
NOT_JSON_PAGE = ("<html><head><title>Error {status}</title></head><body><h1>Error {status}"
                 "</h1><p>The server did not answer in time.</p></body></html>")


def redact(params: dict[str, str]) -> dict[str, str]:
    """Copy of ``params`` with tokens and proofs replaced (and batch bodies summarised)."""
    out = {k: (REDACTED if k in SECRET_PARAMS else v) for k, v in params.items()}
    if "batch" in out:
        try:
            out["batch"] = f"[{len(json.loads(out['batch']))} items]"
        except (ValueError, TypeError):
            out["batch"] = "[unparseable]"
    return out


class GraphApp:
    """Routing and cross-cutting behaviour over a live copy of the world."""

    def __init__(self, world: World, latency_ms: int | None = None) -> None:
        self.initial = world
        self.state = copy.deepcopy(world)
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self.latency_ms = world.settings.latency_ms if latency_ms is None else latency_ms
        self.faults = FaultRegistry()
        for spec in world.faults:
            self.faults.add(copy.deepcopy(spec))
        self.usage = UsageMeter(world.settings.quotas)
        self.requests: list[RecordedRequest] = []

    # -- public helpers -------------------------------------------------------------------
    def reset_counters(self) -> None:
        """Forget the request log and usage counters."""
        with self.lock:
            self.requests.clear()
            self.usage.reset()

    def reset_state(self) -> None:
        """Throw away all mutations (rules edited, report runs …)."""
        with self.lock:
            self.state = copy.deepcopy(self.initial)

    def add_fault(self, spec: FaultSpec) -> int:
        """Register a fault."""
        return self.faults.add(spec)

    def capi_received(self) -> list[dict[str, Any]]:
        """Every accepted ``POST /{pixel}/events`` (decoded events), oldest first."""
        with self.lock:
            return copy.deepcopy(self.state.runtime.capi_received)

    def request_count(self, path_regex: str | None = None, method: str | None = None,
                      batch_items: bool = False) -> int:
        """Count logged requests by path regex (``re.search``, path without version)."""
        pattern = re.compile(path_regex) if path_regex is not None else None
        with self.lock:
            return sum(1 for r in self.requests
                       if r.batch_item == batch_items
                       and (method is None or r.method == method.upper())
                       and (pattern is None or pattern.search(r.path)))

    # -- entry point ----------------------------------------------------------------------
    def handle(self, method: str, raw_path: str, query: list[tuple[str, str]],
               body: list[tuple[str, str]], base_url: str) -> Result:
        """Serve one HTTP request addressed to the Graph API."""
        segments = [s for s in raw_path.split("/") if s]
        version = segments[0] if segments else ""
        if VERSION_RE.fullmatch(version):
            path = "/".join(segments[1:])
        else:
            version, path = "", "/".join(segments)
        params = dict(query)
        params.update(body)
        entry = self.record(method, path, version, params, batch_item=False)
        result = self.serve(method, version, path, params, query, base_url)
        entry.status = result.status
        log.debug("%s /%s/%s -> %s", method, version, path, result.status)
        return result

    def record(self, method: str, path: str, version: str, params: dict[str, str],
               batch_item: bool) -> RecordedRequest:
        """Append a (redacted) entry to the request log."""
        entry = RecordedRequest(method.upper(), path, version, redact(params), time.time(),
                                batch_item=batch_item)
        with self.lock:
            self.requests.append(entry)
        return entry

    def _sleep(self, ms: int) -> None:
        if ms > 0:
            self.stopping.wait(ms / 1000.0)

    def serve(self, method: str, version: str, path: str, params: dict[str, str],
              query: list[tuple[str, str]], base_url: str, batch_item: bool = False,
              fallback_token: str | None = None) -> Result:
        """Faults, auth, usage and routing for a top-level request or a batch item."""
        method = method.upper()
        token_text = params.get("access_token") or fallback_token
        wall = time.time()
        with self.lock:
            keys = _usage_keys(self.state, path, params, token_text)
            self.usage.count(keys, wall)
        headers: dict[str, str] = {}
        throttle: Throttle | None = None
        flags: set[str] = set()
        try:
            self._check_version(version, path)
            if not batch_item:
                self._sleep(self.latency_ms)
            fault = self.faults.take(path, method)
            if fault is not None:
                self._sleep(fault.latency_ms)
                if fault.kind == "batch_null" and batch_item:
                    return Result(200, None, null=True)
                if fault.kind == "not_json" and not batch_item:
                    status = fault.http_status or 502
                    return Result(status, None, raw=NOT_JSON_PAGE.format(status=status))
                if fault.kind == "job_failed":
                    flags.add("job_failed")
                if fault.kind == "error":
                    if is_throttle(fault):
                        throttle = Throttle(fault.regain_minutes, app=fault.code == 4)
                    raise fault_error(fault, self.state.settings.permission_http_status)
            if path == "" and method == "POST" and not batch_item:
                body: Any = self._batch(version, params, base_url, token_text)
            else:
                with self.lock:
                    throttle = self._enforce(keys, wall, path)
                    body = self._route(Call(method, version, path, params, list(query),
                                            base_url, self.state, self.state.clock.now(),
                                            flags=flags), token_text)
            status = 200
        except SandboxError as exc:
            status, body = exc.http_status, exc.body()
            headers.update(exc.headers)
        with self.lock:
            usage = self.usage.headers(keys, wall, throttle, insights=path.endswith("insights"))
        headers = {**usage, **headers}
        headers.setdefault("facebook-api-version", version if VERSION_RE.fullmatch(version)
                           else self.state.settings.max_api_version)
        headers.setdefault("x-fb-trace-id", new_trace_id()[:11])
        headers.setdefault("x-fb-rev", "1000000000")
        return Result(status, body, headers)

    def _check_version(self, version: str, path: str) -> None:
        match = VERSION_RE.fullmatch(version)
        settings = self.state.settings
        if not match:
            shown = "/".join(p for p in (version, path) if p)
            raise SandboxError(f"Unknown path components: /{shown} (the sandbox needs an explicit "
                               f"API version such as {settings.max_api_version})", code=2500)
        current = (int(match.group(1)), int(match.group(2)))
        if current < _parse_version(settings.min_api_version):
            raise SandboxError(f"(#2635) You are calling a deprecated version of the Ads API. "
                               f"Please update to the latest version: {settings.max_api_version}.",
                               code=2635)
        if current > _parse_version(settings.max_api_version):
            raise unknown_path(f"{version}/{path}")

    def _enforce(self, keys: UsageKeys, wall: float, path: str) -> Throttle | None:
        over = self.usage.over_quota(keys, wall)
        if over is None:
            return None
        if over == "app":
            raise SandboxError("(#4) Application request limit reached", code=4)
        code = 80000 if path.endswith("insights") else 80004
        error = fault_error(FaultSpec(path=path, code=code), 403)
        raise error

    def _route(self, call: Call, token_text: str | None) -> Any:
        world = call.world
        call.token = access.authenticate(world, token_text, call.params.get("appsecret_proof"),
                                         call.now)
        segments = call.path.split("/") if call.path else []
        if not segments:
            raise SandboxError("(#100) Unsupported get request. Please read the Graph API "
                               "documentation at https://developers.facebook.com/docs/graph-api")
        if len(segments) > 2:
            raise unknown_path(call.path)
        head, edge = segments[0], (segments[1] if len(segments) == 2 else None)
        if head in ("debug_token", "dataset_quality") and edge is None:
            schema.check_root(head, call.params)
            return (misc.debug_token if head == "debug_token" else quality.dataset_quality)(call)
        if head in ("me", call.user.user_id):
            _check_schema(call, "User", edge)
            return misc.me_node(call) if edge is None else misc.me_edge(call, edge)
        node_type = world.node_type(head)
        if node_type is None and head in world.runtime.report_runs:
            node_type = "AdReportRun"
        if node_type is None:
            raise unknown_object(head, call.method)
        if not _visible(call, node_type, head):
            raise access.denied(world, head, call.method)
        _check_schema(call, node_type, edge)
        return _dispatch(call, node_type, head, edge)

    def _batch(self, version: str, params: dict[str, str], base_url: str,
               token_text: str | None) -> list[Any]:
        with self.lock:
            access.authenticate(self.state, token_text, params.get("appsecret_proof"),
                                self.state.clock.now())
        return run_batch(self, version, params, base_url, token_text)


def _check_schema(call: Call, node_type: str, edge: str | None) -> None:
    """Reads (and the POST that starts an insights report run) must fit the SDK's catalogue."""
    if call.method == "GET" or (call.method == "POST" and edge == "insights"):
        schema.check_request(node_type, edge or "", call.method, call.params,
                             call.world.settings.retired_fields)


def _parse_version(text: str) -> tuple[int, int]:
    major, minor = text[1:].split(".")
    return int(major), int(minor)


def _usage_keys(world: World, path: str, params: dict[str, str], token: str | None) -> UsageKeys:
    head = path.split("/")[0] if path else ""
    keys = UsageKeys(token=token or "anonymous",
                     use_case="ads_insights" if path.endswith("insights") else "ads_management")
    account_id: str | None = None
    if head.startswith("act_"):
        keys.account = head
        account_id = head
    for table in (world.campaigns, world.adsets, world.rules, world.custom_conversions):
        if head in table:
            account_id = table[head].account_id
    if head in world.runtime.report_runs:
        account_id = world.runtime.report_runs[head].account_id
    if account_id and account_id in world.ad_accounts:
        keys.business = world.ad_accounts[account_id].owner_business
    pixel_id = params.get("dataset_id") if head == "dataset_quality" else head
    if pixel_id in world.pixels:
        keys.business = world.pixels[pixel_id].owner_business
    if head in world.businesses:
        keys.business = head
    return keys


def _visible(call: Call, node_type: str, node_id: str) -> bool:
    world, token = call.world, call.user
    if node_type == "Business":
        return access.can_see_business(world, token, node_id)
    if node_type == "AdsPixel":
        return access.can_see_pixel(token, world.pixels[node_id])
    if node_type == "OwnedDomain":
        return access.can_see_business(world, token, world.domains[node_id].owner_business)
    if node_type == offline.NODE_TYPE:
        return offline.visible(world, token, node_id)
    owner: dict[str, Any] = {"Campaign": world.campaigns, "AdSet": world.adsets,
                             "AdRule": world.rules, "CustomConversion": world.custom_conversions,
                             "AdReportRun": world.runtime.report_runs}
    account_id = node_id if node_type == "AdAccount" else owner[node_type][node_id].account_id
    return access.can_see_account(token, world.ad_accounts[account_id])


def _dispatch(call: Call, node_type: str, node_id: str, edge: str | None) -> Any:
    nodes = {"Business": business.node, "AdsPixel": pixel.node,
             "AdAccount": ads.account_node, "Campaign": ads.campaign_node,
             "AdSet": ads.adset_node, "CustomConversion": ads.custom_conversion_node,
             "AdRule": rules.rule_node, "AdReportRun": insights.report_node,
             "OwnedDomain": misc.domain_node, offline.NODE_TYPE: offline.node}
    edges = {"Business": business.edge, "AdsPixel": pixel.edge,
             "AdAccount": ads.account_edge, "Campaign": ads.campaign_edge,
             "AdSet": ads.adset_edge, "AdReportRun": insights.report_edge,
             offline.NODE_TYPE: offline.edge}
    if edge is None:
        if call.method == "GET" and node_type in edges:
            return read_with_expansion(call, node_type, node_id, nodes[node_type],
                                       edges[node_type])
        return nodes[node_type](call, node_id)
    if node_type not in edges:
        raise nonexisting_field(edge, node_type)
    return edges[node_type](call, node_id, edge)
