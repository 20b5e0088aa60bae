"""Attribution-window comparison on real insights ("Comparing Windows").

For each conversion event and object (campaign, ad set), the conversions and value under
every window the API returned; how much of 28-day click 7-day click keeps; how much 1-day
view adds; and the projected change in reported conversions, cost per result and ROAS when
moving from the old default (28-day click + 1-day view) to the new one (7-day click + 1-day
view), and what the 1-day engaged-view window (``1d_ev``, part of Meta's default since the
reported March 2026 click redefinition) adds on top. A window the API did not return is
*unavailable* (None), never zero. A period that straddles a change in how Meta counts
(2025-06-10 unified attribution; the click redefinition, on a configurable date) is marked
as not like-for-like.

Only conversions count: insights rows carry click and view windows on engagement actions
too (link clicks, post engagement, video views …), and those never enter the comparison
(:func:`is_conversion`). Windows nest: a shorter window can never hold more than a longer
one of the same kind (1-day ≤ 7-day ≤ 28-day click; the same for view). Figures that do not
are reported as inconsistent and not projected, so bad data never reads as a "-100 %" drop.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from audit.facts.facts import Facts
from audit.facts.view import SnapshotView, number_problem, to_amount, to_str

WINDOWS = ("1d_click", "7d_click", "28d_click", "1d_view", "7d_view", "28d_view", "1d_ev")
OLD_DEFAULT = ("28d_click", "1d_view")
NEW_DEFAULT = ("7d_click", "1d_view")
ENGAGED_VIEW = "1d_ev"
UNIFIED_ATTRIBUTION = date(2025, 6, 10)
VIEW_WINDOWS_GONE = date(2026, 1, 12)
# Reported default; the config's windows.click_redefined_on overrides it per run.
CLICK_REDEFINED = date(2026, 3, 1)
NESTS = (("1d_click", "7d_click", "28d_click"), ("1d_view", "7d_view", "28d_view"))
METRICS = ("kept_7d_of_28d_click", "kept_1d_of_7d_click", "view_share_new_default",
           "old_default", "new_default", "change", "cost_per_result_old",
           "cost_per_result_new", "roas_old", "roas_new", "engaged_view_adds")

# Conversion action types, by prefix, from the action types Meta documents for the
# ``actions`` field (https://developers.facebook.com/docs/marketing-api/reference/
# ads-action-stats/: "only conversion type metrics are eligible for setting values for
# attribution windows past 1 day"): website (offsite_conversion.*, custom conversions
# offsite_conversion.custom.*), app (app_custom_event.*, mobile_app_install), offline
# (offline_conversion.*), on-Meta (onsite_conversion.*), leads, and their omni_ forms.
CONVERSION_PREFIXES = ("offsite_conversion.", "app_custom_event.", "offline_conversion.",
                       "onsite_conversion.", "omni_")
CONVERSION_TYPES = frozenset({"lead", "mobile_app_install"})


def is_conversion(action_type: str) -> bool:
    """True for a conversion action type; engagement (link_click, video_view …) is not."""
    return action_type in CONVERSION_TYPES or action_type.startswith(CONVERSION_PREFIXES)


def nesting_problems(counts: Mapping[str, float | None]) -> list[str]:
    """Where a shorter window holds more than a longer one (``"7d_click 5 > 28d_click 3"``)."""
    out = []
    for chain in NESTS:
        known = [(w, counts.get(w)) for w in chain if counts.get(w) is not None]
        for (short, a), (long, b) in pairwise(known):
            if a is not None and b is not None and a > b + 1e-9:
                out.append(f"{short} {a:g} > {long} {b:g}")
    return out

LABELS = {
    "offsite_conversion.fb_pixel_purchase": "Purchase (website)",
    "offsite_conversion.fb_pixel_lead": "Lead (website)",
    "offsite_conversion.fb_pixel_complete_registration": "Registration (website)",
    "offsite_conversion.fb_pixel_add_to_cart": "Add to cart (website)",
    "offsite_conversion.fb_pixel_initiate_checkout": "Checkout (website)",
    "offsite_conversion.fb_pixel_add_payment_info": "Payment info (website)",
    "offsite_conversion.fb_pixel_view_content": "Content view (website)",
    "offsite_conversion.fb_pixel_search": "Search (website)",
    "offsite_conversion.fb_pixel_custom": "Custom events (website)",
    "omni_purchase": "Purchase (all channels)",
    "purchase": "Purchase",
    "lead": "Lead",
    "mobile_app_install": "App installs",
}


def label_for(action_type: str, names: Mapping[str, str] | None = None) -> str:
    """A readable name for an insights action type."""
    if action_type in LABELS:
        return LABELS[action_type]
    if action_type.startswith("omni_"):
        web = LABELS.get("offsite_conversion.fb_pixel_" + action_type[len("omni_"):])
        if web:
            return web.replace("(website)", "(all channels)")
    prefix = "offsite_conversion.custom."
    if action_type.startswith(prefix):
        cc = action_type[len(prefix):]
        return f"{(names or {}).get(cc, 'Custom conversion ' + cc)} (custom conversion)"
    return action_type.replace("offsite_conversion.fb_pixel_", "").replace("_", " ").capitalize()


def _ratio(num: float | None, den: float | None) -> float | None:
    if num is None or den is None or den == 0:
        return None
    return round(num / den, 4)


def _sum(values: Iterable[float | None]) -> float | None:
    vals = list(values)
    return None if any(v is None for v in vals) else round(sum(v for v in vals if v), 4)


@dataclass
class Figures:
    """Conversions and value per window for one event (None = window unavailable)."""

    counts: dict[str, float | None] = field(default_factory=dict)
    values: dict[str, float | None] = field(default_factory=dict)

    def add(self, other: Figures) -> None:
        """Accumulate another object's figures (unavailable stays unavailable)."""
        for attr in ("counts", "values"):
            mine, theirs = getattr(self, attr), getattr(other, attr)
            for w in WINDOWS:
                a, b = mine.get(w, 0.0), theirs.get(w, 0.0)
                mine[w] = None if a is None or b is None else round(a + b, 4)


@dataclass
class Comparison:
    """One event on one object (or a total) under every window."""

    level: str
    object_id: str
    object_name: str | None
    account: str
    action_type: str
    label: str
    spend: float
    figures: Figures
    # Why the figures cannot be compared (windows that do not nest), here or in a row
    # this total adds up; empty when consistent.
    inconsistent: list[str] = field(default_factory=list)

    def metrics(self) -> dict[str, float | None]:
        """Derived ratios and the old → new default projection (all None when the figures
        are inconsistent)."""
        c, v = self.figures.counts, self.figures.values
        if self.inconsistent:
            return dict.fromkeys(METRICS)
        old = _sum(c.get(w) for w in OLD_DEFAULT)
        new = _sum(c.get(w) for w in NEW_DEFAULT)
        old_value = _sum(v.get(w) for w in OLD_DEFAULT)
        new_value = _sum(v.get(w) for w in NEW_DEFAULT)
        change = _ratio(new - old, old) if old is not None and new is not None else None
        has_value = any(x for x in v.values() if x)  # no value reported: no ROAS, not 0
        return {
            "kept_7d_of_28d_click": _ratio(c.get("7d_click"), c.get("28d_click")),
            "kept_1d_of_7d_click": _ratio(c.get("1d_click"), c.get("7d_click")),
            "view_share_new_default": _ratio(c.get("1d_view"), new),
            "old_default": old, "new_default": new, "change": change,
            # what 1-day engaged view adds on top of 7-day click + 1-day view
            "engaged_view_adds": _ratio(c.get(ENGAGED_VIEW), new),
            "cost_per_result_old": _ratio(self.spend, old) if old else None,
            "cost_per_result_new": _ratio(self.spend, new) if new else None,
            "roas_old": _ratio(old_value, self.spend) if self.spend and has_value else None,
            "roas_new": _ratio(new_value, self.spend) if self.spend and has_value else None,
        }

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form for run.json."""
        return {"level": self.level, "object_id": self.object_id,
                "object_name": self.object_name, "account": self.account,
                "action_type": self.action_type, "event": self.label, "spend": self.spend,
                "conversions": dict(self.figures.counts), "values": dict(self.figures.values),
                "metrics": self.metrics(), "inconsistent": list(self.inconsistent)}


@dataclass
class WindowsResult:
    """The comparison for one client."""

    date_start: str | None
    date_stop: str | None
    available: list[str]
    unavailable: list[str]
    notes: list[str]
    rows: dict[str, list[Comparison]]
    account_totals: list[Comparison]
    client_totals: list[Comparison]
    currencies: dict[str, str]
    errors: dict[str, str]
    # Changes in how Meta counts that fall inside the period: {"change", "date", "what"}.
    breaks: list[dict[str, str]] = field(default_factory=list)

    @property
    def like_for_like(self) -> bool:
        """False when the period straddles a change in how Meta counts conversions."""
        return not self.breaks

    def ratio(self, account: str, action_type: str, num: str, den: str) -> float | None:
        """A measured ratio between two windows for an account and event (rules use it)."""
        for t in self.account_totals:
            if t.account == account and t.action_type == action_type:
                return _ratio(t.figures.counts.get(num), t.figures.counts.get(den))
        return None

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form for run.json."""
        return {
            "date_start": self.date_start, "date_stop": self.date_stop,
            "windows": list(WINDOWS), "available": self.available,
            "unavailable": self.unavailable, "notes": self.notes,
            "old_default": list(OLD_DEFAULT), "new_default": list(NEW_DEFAULT),
            "rows": {level: [c.to_dict() for c in rows] for level, rows in self.rows.items()},
            "account_totals": [c.to_dict() for c in self.account_totals],
            "client_totals": [c.to_dict() for c in self.client_totals],
            "currencies": self.currencies, "errors": self.errors,
            "like_for_like": self.like_for_like, "breaks": list(self.breaks),
        }


def _entries(row: Mapping[str, Any], key: str) -> dict[str, Mapping[str, Any]]:
    raw = row.get(key)
    out: dict[str, Mapping[str, Any]] = {}
    for entry in raw if isinstance(raw, list) else []:
        if isinstance(entry, Mapping):
            kind = to_str(entry.get("action_type"))
            if kind:
                out[kind] = entry
    return out


def _conversion_types(rows: list[_Row]) -> tuple[set[str], set[str]]:
    """Conversion action types reported under some window, and the windows seen on them
    (engagement actions are left out: their windows say nothing about conversions)."""
    kinds: set[str] = set()
    seen: set[str] = set()
    for row in rows:
        for entries in row.entries.values():
            for kind, entry in entries.items():
                present = {w for w in WINDOWS if w in entry}
                if present and is_conversion(kind):
                    kinds.add(kind)
                    seen |= present
    return kinds, seen


def _check_nesting(comp: Comparison) -> Comparison:
    for what, figures in (("conversions", comp.figures.counts), ("value", comp.figures.values)):
        comp.inconsistent += [f"{what}: {p}" for p in nesting_problems(figures)]
    return comp


class _Row:
    """An insights row with its action lists indexed by action type once (an event's
    figures and checks read them for every event and every total)."""

    __slots__ = ("entries", "invalid", "row")

    def __init__(self, row: Mapping[str, Any]) -> None:
        self.row = row
        self.entries = {key: _entries(row, key) for key in ("actions", "action_values")}
        self.invalid: dict[str, list[str]] = {}

    def problems(self, kind: str) -> list[str]:
        """:func:`_invalid` for this row and event, worked out once."""
        if kind not in self.invalid:
            self.invalid[kind] = _invalid(self, kind)
        return self.invalid[kind]


def _figures(row: _Row, kind: str, available: set[str]) -> Figures:
    fig = Figures()
    for key, target in (("actions", fig.counts), ("action_values", fig.values)):
        entry = row.entries[key].get(kind, {})
        for w in WINDOWS:
            if w not in available:
                target[w] = None
            else:  # an invalid figure counts nothing here; _invalid() flags the row
                target[w] = to_amount(entry.get(w)) or 0.0
    return fig


def _invalid(row: _Row, kind: str) -> list[str]:
    """Figures of this row and event that cannot be right (facts.numbers has the detail):
    the row is then inconsistent data, never projected."""
    out = []
    problem = number_problem(row.row.get("spend"))
    if problem is not None:
        out.append(f"spend {str(row.row.get('spend'))[:40]!r} is {problem}")
    for key in ("actions", "action_values"):
        entry = row.entries[key].get(kind, {})
        for w in ("value", *WINDOWS):
            problem = number_problem(entry.get(w))
            if problem is not None:
                out.append(f"{key} {w} {str(entry.get(w))[:40]!r} is {problem}")
    return out


def _rows(view: SnapshotView, account: str, level: str
          ) -> tuple[list[Mapping[str, Any]], str | None]:
    res = view.get(f"adaccount/{account}/insights/{level}")
    if res is None:
        return [], None
    err = None
    if res.error:
        err = f"{res.error.get('kind')}: {res.error.get('message')}"
    return list(res.items()), err


def compare(facts: Facts) -> WindowsResult:
    """The window comparison across the client's ad accounts."""
    view = facts.view
    names = {k: v.name for k, v in facts.custom_conversions.items() if v.name}
    all_rows: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    errors: dict[str, str] = {}
    for account in view.client.ad_accounts:
        for level in ("campaign", "adset"):
            rows, err = _rows(view, str(account), level)
            all_rows[(str(account), level)] = rows
            if err:
                errors[f"{account}/{level}"] = err
    every = [r for rows in all_rows.values() for r in rows]
    indexed = {key: [_Row(row) for row in rows] for key, rows in all_rows.items()}
    kinds, seen = _conversion_types([r for rows in indexed.values() for r in rows])
    available = set(seen)
    result_rows: dict[str, list[Comparison]] = {"campaign": [], "adset": []}
    totals: dict[tuple[str, str], Comparison] = {}
    for (account, level), level_rows in sorted(indexed.items()):
        for indexed_row in level_rows:
            row = indexed_row.row
            obj_id = to_str(row.get(f"{level}_id")) or "?"
            spend = to_amount(row.get("spend")) or 0.0
            for kind in sorted(kinds):
                fig = _figures(indexed_row, kind, available)
                invalid = list(indexed_row.problems(kind))
                if not any(fig.counts.values()) and not any(fig.values.values()) \
                        and not invalid:
                    continue
                comp = _check_nesting(Comparison(
                    level, obj_id, to_str(row.get(f"{level}_name")), account, kind,
                    label_for(kind, names), round(spend, 2), fig, invalid))
                result_rows[level].append(comp)
        if level == "campaign" or not all_rows.get((account, "campaign")):
            _accumulate(totals, account, level_rows, kinds, available, names)
    for total in totals.values():
        _check_nesting(total)
    account_totals = sorted(totals.values(), key=lambda c: (c.account, c.action_type))
    currencies = _currencies(view)
    client_totals = _client_totals(account_totals, currencies)
    start, stop = _span(every)
    breaks = period_breaks(start, stop, click_redefined_on(facts))
    notes = _notes(start, stop, sorted(set(WINDOWS) - available), bool(kinds), view)
    notes += [b["what"] for b in breaks]
    odd = [c for rows in result_rows.values() for c in rows if c.inconsistent]
    if odd:
        notes.append(f"{len(odd)} row(s) returned by Meta have windows that do not nest (a "
                     "shorter window showing more conversions than a longer one); they are "
                     "shown as inconsistent data and not projected.")
    return WindowsResult(start, stop, [w for w in WINDOWS if w in available],
                         [w for w in WINDOWS if w not in available], notes,
                         result_rows, account_totals, client_totals, currencies, errors,
                         breaks)


def _accumulate(totals: dict[tuple[str, str], Comparison], account: str,
                rows: list[_Row], kinds: set[str], available: set[str],
                names: Mapping[str, str]) -> None:
    for kind in sorted(kinds):
        # Cost per result and ROAS divide by the spend of the objects that produced the
        # results (the app campaign's spend for app installs), not the whole account's.
        figures = [(row, _figures(row, kind, available)) for row in rows]
        producing = [row.row for row, fig in figures
                     if any(fig.counts.values()) or any(fig.values.values())]
        spend = round(sum(to_amount(r.get("spend")) or 0.0 for r in producing), 2)
        key = (account, kind)
        total = totals.setdefault(key, Comparison(
            "account", account, None, account, kind, label_for(kind, names), spend,
            Figures({w: (0.0 if w in available else None) for w in WINDOWS},
                    {w: (0.0 if w in available else None) for w in WINDOWS})))
        for row, fig in figures:
            total.figures.add(fig)
            obj = to_str(row.row.get("campaign_id")) or to_str(row.row.get("adset_id")) or "?"
            total.inconsistent += [f"{obj}: {p}" for p in nesting_problems(fig.counts)]
            total.inconsistent += [f"{obj}: {p}" for p in row.problems(kind)]


def _client_totals(account_totals: list[Comparison], currencies: Mapping[str, str]
                   ) -> list[Comparison]:
    if len(set(currencies.values())) > 1:
        return []  # spend and value in different currencies cannot be added
    out: dict[str, Comparison] = {}
    for t in account_totals:
        comp = out.setdefault(t.action_type, Comparison(
            "client", "client", None, "all", t.action_type, t.label, 0.0,
            Figures({w: 0.0 for w in WINDOWS}, {w: 0.0 for w in WINDOWS})))
        comp.spend = round(comp.spend + t.spend, 2)  # the producing objects' spend only
        comp.figures.add(t.figures)
        comp.inconsistent += t.inconsistent
    return sorted(out.values(), key=lambda c: c.action_type)


def _currencies(view: SnapshotView) -> dict[str, str]:
    out = {}
    for account in view.client.ad_accounts:
        res = view.get(f"adaccount/{account}")
        cur = to_str(res.obj().get("currency")) if res else None
        if cur:
            out[str(account)] = cur
    return out


def _span(rows: list[Mapping[str, Any]]) -> tuple[str | None, str | None]:
    starts = sorted(s for s in (to_str(r.get("date_start")) for r in rows) if s)
    stops = sorted(s for s in (to_str(r.get("date_stop")) for r in rows) if s)
    return (starts[0] if starts else None, stops[-1] if stops else None)


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _notes(start: str | None, stop: str | None, missing: list[str], any_conversions: bool,
           view: SnapshotView) -> list[str]:
    notes = []
    if not any_conversions:
        notes.append("No conversions with multi-day attribution in the period: there is "
                     "nothing to compare yet.")
        return notes
    gone = [w for w in missing if w in ("7d_view", "28d_view")]
    if gone:
        today = view.now.date()
        why = ("Meta reportedly stopped returning 7-day and 28-day view windows from "
               f"{VIEW_WINDOWS_GONE.isoformat()}" if today >= VIEW_WINDOWS_GONE else
               "the API did not return them")
        notes.append(f"{', '.join(gone)}: unavailable ({why}); shown as unavailable, not "
                     "as zero.")
    other = [w for w in missing if w not in ("7d_view", "28d_view", ENGAGED_VIEW)]
    if other:
        notes.append(f"{', '.join(other)}: not returned by the API for this period; "
                     "shown as unavailable.")
    if ENGAGED_VIEW in missing:
        notes.append("1d_ev (1-day engaged view): not returned by the API for this period "
                     "(Meta reportedly added this window with the March 2026 change to "
                     "click-through attribution); shown as unavailable, not as zero.")
    return notes


def click_redefined_on(facts: Facts) -> date:
    """The configured date of the click-through redefinition (reported: March 2026)."""
    return _parse_date(facts.client.click_redefined_on) or CLICK_REDEFINED


def period_breaks(start: str | None, stop: str | None, click_date: date
                  ) -> list[dict[str, str]]:
    """The changes in how Meta counts that fall inside [start, stop] (first day after the
    start, on or before the stop): figures across them are not like-for-like."""
    s, e = _parse_date(start), _parse_date(stop)
    if not (s and e):
        return []
    out = []
    if s < UNIFIED_ATTRIBUTION <= e:
        out.append({"change": "unified-attr", "date": UNIFIED_ATTRIBUTION.isoformat(),
                    "what": "The period straddles 2025-06-10, when Insights switched to the "
                            "ad sets' unified attribution setting: figures before and after "
                            "are not like-for-like."})
    if s < click_date <= e:
        out.append({"change": "click-link-only", "date": click_date.isoformat(),
                    "what": f"The period straddles {click_date.isoformat()}, when Meta "
                            "reportedly started counting only link clicks as click-through "
                            "(other clicks and short video views moved to 1-day engaged "
                            "view): click figures before and after are not like-for-like."})
    return out
