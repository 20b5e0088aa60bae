"""Rate-limit usage headers computed from sliding-window call counters.

``x-app-usage`` is counted per token, ``x-ad-account-usage`` per ad account (only on ``act_…``
paths) and ``x-business-use-case-usage`` per business (keyed by business id). Percentages are
``calls in the window / quota``; throttle faults force them to 100 and carry
``estimated_time_to_regain_access`` (minutes).
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from dataclasses import dataclass

from ..world.model import Quotas


@dataclass
class UsageKeys:
    """What a request counts against."""

    token: str
    account: str | None = None
    business: str | None = None
    use_case: str = "ads_management"  # ads_management | ads_insights


@dataclass
class Throttle:
    """A throttling fault's effect on the headers."""

    regain_minutes: int = 0
    app: bool = False


class UsageMeter:
    """Counts calls and renders the usage headers."""

    def __init__(self, quotas: Quotas) -> None:
        self.quotas = quotas
        self._calls: dict[str, deque[float]] = defaultdict(deque)

    def reset(self) -> None:
        """Forget all counted calls."""
        self._calls.clear()

    def count(self, keys: UsageKeys, now: float) -> None:
        """Record one call for every key it touches."""
        for key in self._keys(keys):
            self._calls[key].append(now)

    def _keys(self, keys: UsageKeys) -> list[str]:
        out = [f"token:{keys.token}"]
        if keys.account:
            out.append(f"account:{keys.account}")
        if keys.business:
            out.append(f"business:{keys.business}")
        return out

    def _count(self, key: str, now: float) -> int:
        calls = self._calls.get(key)
        if not calls:
            return 0
        horizon = now - self.quotas.window_seconds
        while calls and calls[0] < horizon:
            calls.popleft()
        return len(calls)

    def _pct(self, key: str, quota: int, now: float) -> float:
        return min(100.0, self._count(key, now) * 100.0 / quota)

    def over_quota(self, keys: UsageKeys, now: float) -> str | None:
        """Which quota is exhausted (``app``/``account``/``business``), when enforcing."""
        if not self.quotas.enforce:
            return None
        if self._count(f"token:{keys.token}", now) > self.quotas.app_calls:
            return "app"
        if keys.account and self._count(f"account:{keys.account}", now) > self.quotas.account_calls:
            return "account"
        if keys.business and self._count(f"business:{keys.business}",
                                         now) > self.quotas.business_calls:
            return "business"
        return None

    def headers(self, keys: UsageKeys, now: float, throttle: Throttle | None = None,
                insights: bool = False) -> dict[str, str]:
        """The usage headers for a response (JSON-encoded values)."""
        q = self.quotas
        app_pct = self._pct(f"token:{keys.token}", q.app_calls, now)
        if throttle and throttle.app:
            app_pct = 100.0
        headers = {"x-app-usage": _dump({"call_count": round(app_pct),
                                         "total_cputime": round(app_pct * 0.4),
                                         "total_time": round(app_pct * 0.6)})}
        acc_pct = 0.0
        if keys.account:
            acc_pct = self._pct(f"account:{keys.account}", q.account_calls, now)
            if throttle:
                acc_pct = 100.0
            headers["x-ad-account-usage"] = _dump({
                "acc_id_util_pct": round(acc_pct, 2),
                "reset_time_duration": 0 if acc_pct < 100 else 60 * max(1, throttle.regain_minutes
                                                                         if throttle else 1),
                "ads_api_access_tier": q.access_tier})
        if keys.business:
            buc = self._pct(f"business:{keys.business}", q.business_calls, now)
            regain = 0
            if throttle:
                buc, regain = 100.0, throttle.regain_minutes
            headers["x-business-use-case-usage"] = _dump({keys.business: [{
                "type": keys.use_case,
                "call_count": round(buc),
                "total_cputime": round(buc * 0.4),
                "total_time": round(buc * 0.6),
                "estimated_time_to_regain_access": regain,
                "ads_api_access_tier": q.access_tier}]})
        if insights:
            headers["x-fb-ads-insights-throttle"] = _dump({
                "app_id_util_pct": round(app_pct, 2), "acc_id_util_pct": round(acc_pct, 2),
                "ads_api_access_tier": q.access_tier})
        return headers


def _dump(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))
