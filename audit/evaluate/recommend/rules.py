"""Automated rules on retired attribution windows, and the specs that replace them.

A window appears in a rule in two ways: the rule-level ``attribution_window`` filter
(``1D_VIEW_28D_CLICK``) and a prefix on a filter's field (``28d_click:cost_per_purchase_fb``,
``campaign.28d_view_1d_click:lifetime_results``); see
https://developers.facebook.com/docs/marketing-api/ad-rules/overview/evaluation-spec and
https://developers.facebook.com/docs/marketing-api/ad-rules-examples/evaluation-spec.
Rules on a deprecated window (28-day click, 7- or 28-day view) get a suggested
``evaluation_spec`` on the agency's target window, with every conversion-dependent
threshold recalibrated by the ratio measured for that account and event in the window
comparison, and the arithmetic shown. Without a measurable ratio the threshold is kept
and marked for a human.

The evaluation-spec page documents ``ACCOUNT_DEFAULT`` as the only value of the rule-level
``attribution_window`` filter, so a suggested spec uses nothing else there: a target such as
``7d_click`` becomes a prefix on each conversion-dependent filter, and a rule-level window
the rule keeps moves onto its filters the same way. Suggested specs hold only the keys an
update may send (:mod:`audit.facts.rule_specs`). A spec that arrived in a shape that cannot
be read is "unreadable": the rule could not be checked.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from audit import numbers
from audit.config import rule_window
from audit.evaluate.recommend.windows import WindowsResult
from audit.facts import currency as money
from audit.facts.rule_specs import parse_spec, writable
from audit.facts.view import SnapshotView, to_float, to_str

DEPRECATED = frozenset({"28d_click", "7d_view", "28d_view"})
DANGEROUS = frozenset({"PAUSE", "CHANGE_BUDGET", "CHANGE_CAMPAIGN_BUDGET", "CHANGE_BID",
                       "REBALANCE_BUDGET"})
# Target → the windows it counts (ACCOUNT_DEFAULT: Meta's default, 7-day click + 1-day view).
TARGETS = {"ACCOUNT_DEFAULT": ("7d_click", "1d_view"), "7d_click": ("7d_click",),
           "1d_view_7d_click": ("7d_click", "1d_view"), "1d_click": ("1d_click",),
           "1d_view_1d_click": ("1d_click", "1d_view")}
LONG_PRESETS = frozenset({"LAST_14D", "LAST_14_DAYS", "LAST_28D", "LAST_28_DAYS", "LAST_30D",
                          "LAST_30_DAYS", "LIFETIME", "THIS_MONTH", "LAST_MONTH", "MAXIMUM"})
_WINDOW = re.compile(r"(\d+)d_(click|view)", re.IGNORECASE)
_PREFIX = re.compile(r"^(?P<obj>(?:campaign|adset|ad)\.)?(?P<win>[0-9a-z_]+):(?P<rest>.+)$",
                     re.IGNORECASE)
_OBJECT = re.compile(r"^(?P<obj>(?:campaign|adset|ad)\.)?(?P<rest>.+)$", re.IGNORECASE)
_COST = re.compile(r"cost_per|(?:^|_)(?:cpa|cpc|cpm|cpp)$")
# Filter-field keywords → the insights action types whose ratio recalibrates them.
EVENT_KEYWORDS = (
    ("purchase", ("offsite_conversion.fb_pixel_purchase", "omni_purchase", "purchase")),
    ("lead", ("offsite_conversion.fb_pixel_lead", "lead")),
    ("registration", ("offsite_conversion.fb_pixel_complete_registration",)),
    ("add_to_cart", ("offsite_conversion.fb_pixel_add_to_cart",)),
    ("checkout", ("offsite_conversion.fb_pixel_initiate_checkout",)),
    ("mobile_app_install", ("mobile_app_install",)),
    ("app_install", ("mobile_app_install",)),
)
GENERIC_RESULTS = ("result", "conversion", "cpa")


def window_parts(token: str) -> tuple[str, ...]:
    """``1D_VIEW_28D_CLICK`` / ``28d_view_1d_click`` → ``("1d_view", "28d_click")`` sorted."""
    return tuple(sorted(f"{d}d_{k.lower()}" for d, k in _WINDOW.findall(token)))


def is_deprecated(parts: tuple[str, ...]) -> bool:
    """True when a window uses 28-day click or 7/28-day view."""
    return bool(set(parts) & DEPRECATED)


@dataclass(frozen=True)
class WindowUse:
    """One place a rule names an attribution window."""

    where: str  # "attribution_window filter" or "prefix on <field>"
    filter_index: int
    raw: str
    parts: tuple[str, ...]


def windows_in(spec: Mapping[str, Any]) -> list[WindowUse]:
    """Every attribution window an ``evaluation_spec`` names, in filter order."""
    out = []
    filters = spec.get("filters")
    for i, flt in enumerate(filters if isinstance(filters, list) else []):
        if not isinstance(flt, Mapping):
            continue
        name = str(flt.get("field", ""))
        if name == "attribution_window":
            value = str(flt.get("value", ""))
            out.append(WindowUse("attribution_window filter", i, value, window_parts(value)))
            continue
        m = _PREFIX.match(name)
        if m and window_parts(m.group("win")):
            out.append(WindowUse(f"prefix on {m.group('rest')}", i, m.group("win"),
                                 window_parts(m.group("win"))))
    trigger = spec.get("trigger")
    if isinstance(trigger, Mapping):
        m = _PREFIX.match(str(trigger.get("field", "")))
        if m and window_parts(m.group("win")):
            out.append(WindowUse("prefix on the trigger field", -1, m.group("win"),
                                 window_parts(m.group("win"))))
    return out


def time_presets(spec: Mapping[str, Any]) -> list[str]:
    """Time presets used by the rule (rule-level filter)."""
    filters = spec.get("filters")
    return [str(f.get("value")) for f in (filters if isinstance(filters, list) else [])
            if isinstance(f, Mapping) and f.get("field") == "time_preset"]


def _metric(field_name: str) -> tuple[str, str] | None:
    """(kind, keyword) of a conversion-dependent filter field, or None."""
    m = _PREFIX.match(field_name)
    base = (m.group("rest") if m else field_name).lower()
    # "lifetime_cost_per_…": a time-preset prefix may precede the metric
    kind = ("roas" if "roas" in base else "cost" if _COST.search(base)
            else "value" if "value" in base else "count")
    for keyword, _ in EVENT_KEYWORDS:
        if keyword in base:
            return kind, keyword
    if any(g in base for g in GENERIC_RESULTS):
        return kind, "results"
    return None


@dataclass
class Suggestion:
    """What to do with one rule."""

    account: str
    rule_id: str
    name: str | None
    status: str | None
    execution_type: str | None
    classification: str  # deprecated | current | none | unreadable
    windows: list[WindowUse]
    current: dict[str, Any]
    updated_time: str | None
    suggested: dict[str, Any] | None = None
    changes: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    needs_review: bool = False

    @property
    def dangerous(self) -> bool:
        """PAUSE and budget/bid changes act on bad data the fastest."""
        return (self.execution_type or "").upper() in DANGEROUS

    def to_dict(self) -> dict[str, Any]:
        """The plan-file / run.json form."""
        return {
            "account": self.account, "rule_id": self.rule_id, "name": self.name,
            "status": self.status, "execution_type": self.execution_type,
            "classification": self.classification,
            "windows": [{"where": w.where, "value": w.raw, "parts": list(w.parts)}
                        for w in self.windows],
            "current": {"evaluation_spec": self.current}, "updated_time": self.updated_time,
            "suggested": {"evaluation_spec": self.suggested} if self.suggested else None,
            "changes": self.changes, "notes": self.notes, "needs_review": self.needs_review,
            "dangerous": self.dangerous,
        }


def _action_types(keyword: str, account: str, windows: WindowsResult) -> list[str]:
    if keyword == "results":
        totals = [t for t in windows.account_totals if t.account == account]
        totals.sort(key=lambda t: (-(t.figures.counts.get("7d_click") or 0), t.action_type))
        return [t.action_type for t in totals[:1]]
    return list(next((kinds for k, kinds in EVENT_KEYWORDS if k == keyword), ()))


def measured_ratio(windows: WindowsResult, account: str, keyword: str, old: tuple[str, ...],
                   new: tuple[str, ...], values: bool) -> tuple[float | None, str]:
    """new-window total / old-window total for the event, with a description."""
    for action_type in _action_types(keyword, account, windows):
        for t in windows.account_totals:
            if t.account != account or t.action_type != action_type:
                continue
            if t.inconsistent:
                return None, (f"the figures for {t.label} do not nest across windows "
                              f"({t.inconsistent[0]})")
            source = t.figures.values if values else t.figures.counts
            old_v = [source.get(w) for w in old]
            new_v = [source.get(w) for w in new]
            if any(v is None for v in old_v + new_v):
                missing = [w for w, v in zip(old + new, old_v + new_v, strict=True) if v is None]
                return None, f"{', '.join(missing)} unavailable for {t.label}"
            o = sum(v for v in old_v if v is not None)
            n = sum(v for v in new_v if v is not None)
            if o <= 0:
                return None, f"no {t.label} under {' + '.join(old)} in the period"
            what = "value" if values else "conversions"
            return n / o, (f"{t.label} {what} in {account}: {' + '.join(new)} = {n:,.2f} / "
                           f"{' + '.join(old)} = {o:,.2f}")
    return None, f"no {keyword} conversions measured in {account}"


def _fmt(value: float, like: Any, kind: str) -> float | int:
    """Counts and costs (in minor units) stay whole when they were; ratios keep decimals."""
    whole = (isinstance(like, int) and not isinstance(like, bool)) or (
        isinstance(like, str) and like.strip().lstrip("-").isdigit())
    if whole and kind in ("count", "cost"):
        return round(value)
    return round(value, 2)


def target_window(value: str) -> str:
    """A stored target normalised (``7D_CLICK``, the old rule-level form, is ``7d_click``);
    anything else falls back to ``ACCOUNT_DEFAULT``."""
    try:
        return rule_window(value)
    except ValueError:
        return "ACCOUNT_DEFAULT"


def is_cost_condition(field_name: str) -> bool:
    """True for a cost metric (``cost_per_…``, CPA, CPC, CPM), prefixes allowed."""
    m = _PREFIX.match(field_name) or _OBJECT.match(field_name)
    base = (m.group("rest") if m else field_name).lower()
    return bool(_COST.search(base))


def suggest(rule: Mapping[str, Any], account: str, windows: WindowsResult, target: str
            ) -> Suggestion:
    """Classify one rule and, if it uses a retired window, build its replacement spec."""
    target = target_window(target)
    spec, problem = parse_spec(rule.get("evaluation_spec"))
    execution, _ = parse_spec(rule.get("execution_spec"))
    uses = windows_in(spec) if spec is not None else []
    deprecated = [u for u in uses if is_deprecated(u.parts)]
    cls = ("unreadable" if spec is None else "deprecated" if deprecated
           else "current" if uses else "none")
    s = Suggestion(account=account, rule_id=to_str(rule.get("id")) or "?",
                   name=to_str(rule.get("name")), status=to_str(rule.get("status")),
                   execution_type=to_str(execution.get("execution_type")) if execution else None,
                   classification=cls, windows=uses, current=copy.deepcopy(spec or {}),
                   updated_time=to_str(rule.get("updated_time")))
    if spec is None:
        s.notes.append(f"its evaluation_spec {problem}; the rule could not be checked.")
        return s
    long = [p for p in time_presets(spec) if p.upper() in LONG_PRESETS]
    if long and (deprecated or cls == "none"):
        s.notes.append(f"time preset {', '.join(long)} spans more than the 7-day click window: "
                       "conversions in it are still being attributed; review the threshold.")
    if not deprecated:
        return s
    s.suggested = _rewrite(s, spec, account, windows, target)
    if (s.execution_type or "").upper() == "PAUSE" and any(
            is_cost_condition(str(flt.get("field", ""))) for flt in _filters(s.suggested)):
        # https://developers.facebook.com/docs/marketing-api/reference/ad-rule/ (error 2703)
        s.notes.append("This rule turns ads off on a cost condition. Meta refuses such rules "
                       "(error 2703: rules that turn off ads can't have cost conditions), so "
                       "the update will likely be refused until the rule's action or its cost "
                       "condition is changed in Ads Manager (for example: a notification, or "
                       "spend plus a result count instead of the cost per result).")
    return s


def _filters(spec: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    filters = spec.get("filters") if spec else None
    return [f for f in filters if isinstance(f, dict)] if isinstance(filters, list) else []


def _with_window(field_name: str, window: str) -> str:
    """``campaign.lifetime_results`` + ``7d_click`` → ``campaign.7d_click:lifetime_results``;
    an existing window prefix is replaced; ``window == ""`` removes it."""
    m = _PREFIX.match(field_name)
    if m and window_parts(m.group("win")):
        obj, rest = m.group("obj") or "", m.group("rest")
    else:
        o = _OBJECT.match(field_name)
        obj, rest = (o.group("obj") or "", o.group("rest")) if o else ("", field_name)
    return f"{obj}{window + ':' if window else ''}{rest}"


def _rewrite(s: Suggestion, spec: dict[str, Any], account: str, windows: WindowsResult,
             target: str) -> dict[str, Any]:
    new_parts = TARGETS[target]
    target_prefix = "" if target == "ACCOUNT_DEFAULT" else target
    new_spec = writable("evaluation_spec", spec)
    raw_filters = new_spec.get("filters")
    filters: list[Any] = raw_filters if isinstance(raw_filters, list) else []
    if raw_filters is not None and not isinstance(raw_filters, list):
        s.needs_review = True  # Meta answers filters as a list: this rule is not readable
        s.changes.append("filters: not a list of conditions; review")
    rule_level = next((u for u in s.windows if u.where == "attribution_window filter"), None)
    # The window unprefixed filters used, and what they use after the rule-level filter
    # becomes ACCOUNT_DEFAULT (the only value a write may carry).
    rule_window = rule_level.parts if rule_level and rule_level.parts else None
    if rule_level is not None and rule_level.raw.upper() != "ACCOUNT_DEFAULT":
        filters[rule_level.filter_index]["value"] = "ACCOUNT_DEFAULT"
        s.changes.append(f"attribution_window {rule_level.raw} → ACCOUNT_DEFAULT")
    prefixed = {u.filter_index: u for u in s.windows if u.filter_index >= 0
                and u.where != "attribution_window filter"}
    for i, flt in enumerate(filters):
        if not isinstance(flt, dict) or flt.get("field") in ("attribution_window", "time_preset"):
            continue
        field_name = str(flt.get("field", ""))
        metric = _metric(field_name)
        use = prefixed.get(i)
        parts = use.parts if use else rule_window
        if use is not None and is_deprecated(use.parts):
            new_field = _with_window(field_name, target_prefix)
        elif use is None and rule_level is not None and rule_window is not None \
                and metric is not None:
            # the rule-level window moves onto the filter: the target, or the one it had
            new_field = _with_window(field_name, target_prefix if is_deprecated(rule_window)
                                     else rule_level.raw.lower())
        else:
            new_field = field_name
        if new_field != field_name:
            flt["field"] = new_field
            s.changes.append(f"{field_name} → {new_field}")
        if parts is None or not is_deprecated(parts) or metric is None:
            continue
        kind, keyword = metric
        ratio, how = measured_ratio(windows, account, keyword, parts, new_parts,
                                    values=kind in ("roas", "value"))
        if ratio is None or ratio <= 0:
            s.needs_review = True
            s.changes.append(f"{flt.get('field')}: threshold {flt.get('value')} kept — no "
                             f"ratio could be measured ({how}); review by hand")
            continue
        _recalibrate(s, flt, kind, ratio, how, windows.currencies.get(account))
    if not s.changes:
        old = sorted({p for u in s.windows if is_deprecated(u.parts) for p in u.parts})
        s.changes.append(f"window {' + '.join(old)} → {target}")
    return new_spec


def _scaled(num: float, like: Any, kind: str, factor: float, currency: str | None,
            is_money: bool) -> float | int:
    """One threshold times ``factor``. Money is scaled in major units and rounded to what
    the currency can express, then sent back in minor units (see :mod:`audit.facts.currency`):
    a CPA of 40000 (USD 400.00) times 1.21 becomes 48400 (USD 484.00)."""
    if is_money:
        major = money.round_major(money.to_major(num, currency) * factor, currency)
        return money.to_minor(major, currency)
    return _fmt(num * factor, like, kind)


def _shown(value: Any, currency: str | None, is_money: bool) -> str:
    """A threshold as people read it: money converted from minor units, with its currency."""
    if isinstance(value, list):
        return "[" + ", ".join(_shown(v, currency, is_money) for v in value) + "]"
    num = to_float(value)
    if num is None:
        return str(value)
    return numbers.money(money.to_major(num, currency), currency) if is_money \
        else numbers.number(num)


def _recalibrate(s: Suggestion, flt: dict[str, Any], kind: str, ratio: float, how: str,
                 currency: str | None = None) -> None:
    value = flt.get("value")
    factor = 1 / ratio if kind == "cost" else ratio
    is_money = money.is_money_field(str(flt.get("field", "")))
    if isinstance(value, list):
        nums = [to_float(v) for v in value]
        if any(n is None for n in nums):
            s.needs_review = True
            return
        flt["value"] = [_scaled(n or 0.0, v, kind, factor, currency, is_money)
                        for n, v in zip(nums, value, strict=True)]
    else:
        num = to_float(value)
        if num is None:
            s.needs_review = True
            s.changes.append(f"{flt.get('field')}: threshold {value!r} is not a number; review")
            return
        flt["value"] = _scaled(num, value, kind, factor, currency, is_money)
    why = ("cost per result rises as conversions fall: factor = old / new" if kind == "cost"
           else "factor = new / old")
    sent = (f"; sent to Meta as {flt['value']} in minor units" if is_money else "")
    s.changes.append(f"{flt.get('field')} {flt.get('operator', '')}: "
                     f"{_shown(value, currency, is_money)} × {numbers.factor(factor)} = "  # noqa: RUF001
                     f"{_shown(flt['value'], currency, is_money)} ({how}; {why}{sent})")


def suggestions(view: SnapshotView, windows: WindowsResult, target: str) -> list[Suggestion]:
    """Every rule of every account, dangerous deprecated ones first.

    ``windows`` is the client's window comparison: its measured ratios recalibrate the
    thresholds of rules that move to ``target``.
    """
    out = []
    for account in view.client.ad_accounts:
        res = view.get(f"adaccount/{account}/rules")
        for rule in res.items() if res else []:
            if str(rule.get("status", "")).upper() == "DELETED":
                continue
            out.append(suggest(rule, str(account), windows, target))
    order = {"deprecated": 0, "unreadable": 1, "current": 2, "none": 3}
    out.sort(key=lambda s: (order[s.classification], not s.dangerous,
                            (s.status or "").upper() != "ENABLED", s.name or "", s.rule_id))
    return out
