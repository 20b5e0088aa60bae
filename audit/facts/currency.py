"""Money as the Marketing API writes it: amounts in a currency's minor units, by its offset.

Budgets, bids and spend caps are integers in the currency's smallest unit, scaled by the
"offset" of Meta's currency table (https://developers.facebook.com/docs/marketing-api/currencies):
100 for most currencies (4000 is USD 40.00), 1 for the currencies without a minor unit in
that table (5000 is JPY 5,000). Insights ``spend``, ``action_values`` and costs are decimal
strings in major units and need no conversion.

Automated-rule filters on money fields (``spent``, ``cost_per_*``, ``cpa``, ``cpc``,
``cpm``, budgets, bids) follow the budgets' convention. The rule pages
(https://developers.facebook.com/docs/marketing-api/ad-rules/overview/evaluation-spec)
give such values as bare numbers and name no unit; the audit treats them as minor units
like every other money amount the Marketing API accepts (and so does the sandbox's demo
world). Ratios (``*_roas``), counts and rates are not money and are never converted.
"""

from __future__ import annotations

import re

from audit.facts.view import SnapshotView, to_str

DEFAULT_OFFSET = 100
# Meta's table lists these with offset 1 (no minor unit); every other currency has 100.
OFFSET_ONE = frozenset({"CLP", "COP", "CRC", "HUF", "ISK", "IDR", "JPY", "KRW", "PYG", "TWD",
                        "VND"})

# Rule filter fields whose values are money. The field may carry prefixes
# (``campaign.28d_click:lifetime_cost_per_purchase_fb``); only its base name is looked at.
_MONEY_FIELD = re.compile(
    r"(^|_)(spent|spend|cost_per_[a-z0-9_]+|cpa|cpc|cpm|cpp|budget|daily_budget|"
    r"lifetime_budget|bid|bid_amount|spend_cap)($|_)")
_NOT_MONEY = re.compile(r"roas|_rate$|ctr|frequency|count")


def offset(currency: str | None) -> int:
    """Minor units per major unit for an ISO 4217 code (100 when the code is unknown)."""
    return 1 if (currency or "").upper() in OFFSET_ONE else DEFAULT_OFFSET


def to_major(amount_minor: float, currency: str | None) -> float:
    """4000 (USD) → 40.0; 5000 (JPY) → 5000.0."""
    return amount_minor / offset(currency)


def to_minor(amount_major: float, currency: str | None) -> int:
    """40.0 (USD) → 4000; 5000 (JPY) → 5000: what the API is sent, a whole number."""
    return round(amount_major * offset(currency))


def round_major(amount_major: float, currency: str | None) -> float:
    """Round to what the currency can express (cents for USD, whole yen for JPY)."""
    return to_minor(amount_major, currency) / offset(currency)


def base_field(name: str) -> str:
    """``campaign.28d_click:lifetime_cost_per_purchase_fb`` → ``lifetime_cost_per_purchase_fb``."""
    return name.rsplit(":", 1)[-1].rsplit(".", 1)[-1].lower()


def is_money_field(name: str) -> bool:
    """True for a rule filter field whose value is an amount of money (in minor units)."""
    base = base_field(name)
    return bool(_MONEY_FIELD.search(base)) and not _NOT_MONEY.search(base)


def account_currencies(view: SnapshotView) -> dict[str, str]:
    """Each ad account's currency, as the account node reports it."""
    out = {}
    for account in view.client.ad_accounts:
        res = view.get(f"adaccount/{account}")
        code = to_str(res.obj().get("currency")) if res else None
        if code:
            out[str(account)] = code.upper()
    return out


def client_currency(view: SnapshotView) -> str | None:
    """The client's currency when all its ad accounts share one (None otherwise)."""
    codes = set(account_currencies(view).values())
    return codes.pop() if len(codes) == 1 else None
