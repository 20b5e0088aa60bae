"""Retry policy and rate-limit header parsing (no SDK here: pure and unit-testable).

Meta reports usage in JSON headers
(https://developers.facebook.com/docs/graph-api/overview/rate-limiting): ``x-app-usage``
(percentages), ``x-ad-account-usage`` (``acc_id_util_pct``, ``reset_time_duration`` in
seconds) and ``x-business-use-case-usage`` (per business, ``estimated_time_to_regain_access``
in minutes). A throttled call is retried after the longest wait those headers ask for,
never sooner than exponential backoff, and never longer than the configured cap.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from audit.graph.errors import GraphError, RateLimited

log = logging.getLogger(__name__)



@dataclass(frozen=True)
class Usage:
    """What the usage headers of one response say."""

    max_percent: float = 0.0
    regain_seconds: float = 0.0
    reset_seconds: float = 0.0

    @property
    def present(self) -> bool:
        """True if any usage figure was reported."""
        return bool(self.max_percent or self.regain_seconds or self.reset_seconds)


def _num(value: Any) -> float:
    if isinstance(value, bool):
        return 0.0
    try:
        return max(float(value), 0.0)
    except (TypeError, ValueError):
        return 0.0


def _header(headers: Any, name: str) -> Any:
    if headers is None:
        return None
    if isinstance(headers, Mapping):
        for key, value in headers.items():
            if str(key).lower() == name:
                return value
        return None
    if isinstance(headers, list):  # batch item headers: [{"name", "value"}]
        for item in headers:
            if isinstance(item, Mapping) and str(item.get("name", "")).lower() == name:
                return item.get("value")
    return None


def _load(raw: Any) -> Any:
    if isinstance(raw, (dict, list)):
        return raw
    if not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:
        log.debug("ignoring a usage header that is not JSON")
        return None


def parse_usage(headers: Any) -> Usage:
    """Read the usage headers; anything malformed is ignored, never fatal."""
    pct: list[float] = []
    regain: list[float] = []
    reset: list[float] = []
    app = _load(_header(headers, "x-app-usage"))
    if isinstance(app, Mapping):
        pct += [_num(app.get(k)) for k in ("call_count", "total_cputime", "total_time")]
    acc = _load(_header(headers, "x-ad-account-usage"))
    if isinstance(acc, Mapping):
        pct.append(_num(acc.get("acc_id_util_pct")))
        reset.append(_num(acc.get("reset_time_duration")))
    ins = _load(_header(headers, "x-fb-ads-insights-throttle"))
    if isinstance(ins, Mapping):
        pct += [_num(ins.get("app_id_util_pct")), _num(ins.get("acc_id_util_pct"))]
    buc = _load(_header(headers, "x-business-use-case-usage"))
    if isinstance(buc, Mapping):
        for entries in buc.values():
            for entry in entries if isinstance(entries, list) else [entries]:
                if not isinstance(entry, Mapping):
                    continue
                pct += [_num(entry.get(k)) for k in ("call_count", "total_cputime", "total_time")]
                regain.append(_num(entry.get("estimated_time_to_regain_access")) * 60.0)
    return Usage(max(pct, default=0.0), max(regain, default=0.0), max(reset, default=0.0))


@dataclass(frozen=True)
class RetryPolicy:
    """Bounded retries with exponential backoff that honour the usage headers."""

    max_retries: int = 4
    backoff_seconds: float = 2.0
    max_wait_seconds: float = 300.0
    slowdown_percent: float = 90.0

    def wait_before_retry(self, error: GraphError, attempt: int, usage: Usage) -> float | None:
        """Seconds to wait before retry number ``attempt`` (1-based), or None to give up."""
        if not error.retryable or attempt > self.max_retries:
            return None
        wait = self.backoff_seconds * (2.0 ** (attempt - 1))
        if isinstance(error, RateLimited):
            wait = max(wait, self.requested_wait(error, usage))
        if wait > self.max_wait_seconds:
            return None
        return wait

    def requested_wait(self, error: GraphError, usage: Usage) -> float:
        """Seconds the usage headers ask a throttled call to wait (0 when they name none)."""
        return self._throttle_wait(error.code, usage) if isinstance(error, RateLimited) else 0.0

    @staticmethod
    def _throttle_wait(code: int | None, usage: Usage) -> float:
        """The wait the header that belongs to this throttle asks for.

        Business-use-case throttles (80000-80014) report ``estimated_time_to_regain_access``
        in ``x-business-use-case-usage``; ad-account throttles (17, 613) report
        ``reset_time_duration`` in ``x-ad-account-usage``; app throttles (4, 32) give no
        time, so backoff alone applies. An unknown code takes the longest of them.
        """
        if code is not None and 80000 <= code <= 80014:
            return usage.regain_seconds
        if code in (17, 613):
            return usage.reset_seconds if usage.max_percent >= 100 else usage.regain_seconds
        if code in (4, 32):
            return 0.0
        return max(usage.regain_seconds, usage.reset_seconds)

    def slowdown(self, usage: Usage) -> float:
        """Seconds to pause after a successful call when usage nears the limit."""
        if usage.max_percent < self.slowdown_percent:
            return 0.0
        span = max(100.0 - self.slowdown_percent, 1.0)
        share = min((usage.max_percent - self.slowdown_percent) / span, 1.0)
        return min(self.backoff_seconds * (1.0 + 4.0 * share), self.max_wait_seconds)
