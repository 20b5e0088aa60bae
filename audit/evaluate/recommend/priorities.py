"""The top-8 event priority list per domain (Aggregated Event Measurement), with reasons.

For each registrable domain the client's pixels fire on, every candidate event (standard
and custom events, custom conversions) gets a score from explainable components:

* ``in_use``  (0 or 35): active ad sets optimise for it. Leaving such an event out pauses
  those ad sets (legacy AEM), so events in use come first.
* ``funnel``  (0-30): how deep the event sits in the client's funnel (business type or a
  custom funnel from the config); the deepest events matter most to the business.
* ``spend``   (0-15): 28-day spend optimising for it, relative to the domain's top event
  (square root, so secondary events in use still count).
* ``volume``  (0-15): 7-day volume on the domain, log-scaled against the busiest event.
* ``value``   (0-5):  used for value optimisation.

Events listed under ``order`` come first in that order; ``pin`` guarantees inclusion;
``exclude`` removes an event. In the legacy model an event used for value optimisation
took 4 of the 8 slots (value sets). Ties break on the event name, so the result does not
depend on the order the API returned anything in.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from audit.facts.ads import STANDARD_EVENTS, AdSet
from audit.facts.domains import registrable_domain
from audit.facts.facts import Facts
from audit.facts.view import SnapshotView

SLOTS = 8
VALUE_SLOTS = 4
IN_USE, MAX_FUNNEL, MAX_SPEND, MAX_VOLUME, MAX_VALUE = 35.0, 30.0, 15.0, 15.0, 5.0
UNRANKED_STANDARD, UNRANKED_CUSTOM = 3.0, 6.0

FUNNELS: dict[str, tuple[str, ...]] = {
    "ecommerce": ("Purchase", "Subscribe", "StartTrial", "AddPaymentInfo", "InitiateCheckout",
                  "AddToCart", "CompleteRegistration", "Lead", "AddToWishlist",
                  "CustomizeProduct", "ViewContent", "Search", "Contact", "FindLocation",
                  "Schedule", "SubmitApplication", "Donate", "PageView"),
    "lead_generation": ("SubmitApplication", "Lead", "CompleteRegistration", "Schedule",
                        "Purchase", "Subscribe", "StartTrial", "Contact", "FindLocation",
                        "ViewContent", "Search", "PageView"),
    "app": ("Purchase", "Subscribe", "StartTrial", "CompleteRegistration", "AddPaymentInfo",
            "InitiateCheckout", "AddToCart", "Lead", "ViewContent", "Search", "PageView"),
}
MODES = ("legacy", "relaxed", "auto")


@dataclass(frozen=True)
class PrioritySettings:
    """The per-client ranking settings (``clients[].priorities`` in the config)."""

    business_type: str = "ecommerce"
    funnel: tuple[str, ...] = ()
    pin: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    order: tuple[str, ...] = ()
    min_weekly_events: int = 50

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any] | None) -> PrioritySettings:
        """Build from the config/snapshot form; unknown keys are ignored."""
        data = data or {}
        return cls(
            business_type=str(data.get("business_type", "ecommerce")),
            funnel=tuple(str(x) for x in data.get("funnel") or ()),
            pin=tuple(str(x) for x in data.get("pin") or ()),
            exclude=tuple(str(x) for x in data.get("exclude") or ()),
            order=tuple(str(x) for x in data.get("order") or ()),
            min_weekly_events=int(data.get("min_weekly_events", 50)),
        )

    def funnel_events(self) -> tuple[str, ...]:
        """Deepest first."""
        if self.funnel:
            return self.funnel
        return FUNNELS.get(self.business_type, FUNNELS["ecommerce"])


@dataclass
class Candidate:
    """One event that could take a slot on a domain."""

    key: str
    label: str
    kind: str  # standard | custom | custom_conversion
    base_event: str | None = None
    volume: float = 0.0
    pixels: set[str] = field(default_factory=set)
    adsets: list[AdSet] = field(default_factory=list)

    @property
    def spend(self) -> float:
        """28-day spend of ad sets optimising for it."""
        return round(sum(a.spend for a in self.adsets), 2)

    @property
    def value_optimised(self) -> bool:
        """Some relevant ad set optimises for its value."""
        return any(a.value_optimised for a in self.adsets)


@dataclass(frozen=True)
class Ranked:
    """A candidate with its score, components and the reason in words."""

    key: str
    label: str
    kind: str
    score: float
    components: Mapping[str, float]
    volume_7d: int
    spend_28d: float
    slots: int
    flags: tuple[str, ...]
    reason: str
    pixels: tuple[str, ...]
    rank: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form for run.json."""
        return {"rank": self.rank, "event": self.label, "key": self.key, "kind": self.kind,
                "score": self.score, "components": dict(self.components),
                "volume_7d": self.volume_7d, "spend_28d": self.spend_28d, "slots": self.slots,
                "flags": list(self.flags), "reason": self.reason, "pixels": list(self.pixels)}


@dataclass
class DomainPriorities:
    """The recommendation for one domain."""

    domain: str
    recommended: list[Ranked]
    left_out: list[Ranked]
    slots_used: int
    affected_adsets: list[dict[str, Any]]
    shared_events: list[dict[str, Any]]
    rare_events: list[str]
    problems: list[str]

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form for run.json."""
        return {"domain": self.domain, "slots_used": self.slots_used, "slots": SLOTS,
                "recommended": [r.to_dict() for r in self.recommended],
                "left_out": [r.to_dict() for r in self.left_out],
                "affected_adsets": self.affected_adsets, "shared_events": self.shared_events,
                "rare_events": self.rare_events, "problems": self.problems}


@dataclass(frozen=True)
class RelaxedEvidence:
    """What shows an account is on Meta's relaxed model: on one domain, more distinct
    events than the 8-event model allowed have ad sets that are active and spent in the
    last 28 days. Under that model an ad set optimising for an event outside the domain's
    8 was paused, so more than 8 events cannot all be delivering."""

    domain: str
    events: tuple[str, ...]
    adsets: int
    spend_28d: float

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form for run.json."""
        return {"domain": self.domain, "events": list(self.events), "adsets": self.adsets,
                "spend_28d": self.spend_28d}


@dataclass
class PriorityResult:
    """Every domain's recommendation and the AEM mode that applied."""

    mode: str
    effective_mode: str
    mode_reason: str
    domains: list[DomainPriorities]
    # config (the mode was set), evidence (auto, decided from what the audit read) or
    # unknown (auto without evidence: planned as the 8-event model, worded as a possibility)
    mode_basis: str = "config"
    mode_evidence: RelaxedEvidence | None = None

    def to_dict(self) -> dict[str, Any]:
        """Serialisable form for run.json."""
        return {"mode": self.mode, "effective_mode": self.effective_mode,
                "mode_reason": self.mode_reason, "mode_basis": self.mode_basis,
                "mode_evidence": self.mode_evidence.to_dict() if self.mode_evidence else None,
                "domains": [d.to_dict() for d in self.domains]}


def relaxed_evidence(candidates: Mapping[str, Mapping[str, Candidate]]
                     ) -> RelaxedEvidence | None:
    """The strongest domain where more than 8 distinct events (custom conversions count
    as events, as they took a slot each) have ad sets that are active and spent in the last
    28 days; None when no domain does. Each event counts once, whatever its value slots, so
    the evidence never rests on how value optimisation was configured."""
    found: list[RelaxedEvidence] = []
    for domain, cands in sorted(candidates.items()):
        delivering = {c.key: (c.label, [a for a in c.adsets if a.active and a.spend > 0])
                      for c in cands.values()}
        events = {key: pair for key, pair in delivering.items() if pair[1]}
        if len(events) > SLOTS:
            sets = {a.id: a for _, group in events.values() for a in group}
            found.append(RelaxedEvidence(domain, tuple(sorted(lbl for lbl, _ in events.values())),
                                         len(sets),
                                         round(sum(a.spend for a in sets.values()), 2)))
    return max(found, key=lambda e: (len(e.events), e.domain), default=None)


def resolve_mode(mode: str, evidence: RelaxedEvidence | None = None) -> tuple[str, str]:
    """The mode that applies and why, in words for the report.

    ``auto`` is decided from evidence the audit has (:func:`relaxed_evidence`); without
    it the mode stays ``auto``: planned as the 8-event model and worded as a possibility,
    never presented as a fact. No API reports Meta's relaxed rollout itself.
    """
    if mode == "legacy":
        return "legacy", ("Set to the 8-event model in the audit settings: 8 prioritised "
                          "events per domain; ad sets outside them would be paused.")
    if mode == "relaxed":
        return "relaxed", ("Set to Meta's relaxed model in the audit settings: Meta no longer "
                           "ranks 8 web events per domain; the list is the recommended event "
                           "hierarchy and nothing fails for lacking it.")
    if evidence is not None:
        shown = ", ".join(evidence.events[:12]) + (" …" if len(evidence.events) > 12 else "")
        return "relaxed", (
            f"Decided from this audit's data: on {evidence.domain}, {evidence.adsets} ad "
            f"sets that are active and spent in the last 28 days optimise for "
            f"{len(evidence.events)} different events ({shown}). The 8-event model paused ad "
            "sets optimising for events outside a domain's 8, so this account is on Meta's "
            "relaxed model: the list is the recommended event hierarchy and nothing fails "
            "for lacking it.")
    return "auto", ("Not known: no API reports whether this account has Meta's 2025 relaxed "
                    "model, and nothing in this audit's data shows it (no domain has more "
                    "than 8 events with delivering ad sets). The list is planned as if the "
                    "8-event limit still applied, and limits are reported as possibilities "
                    "(warnings), not failures. If Events Manager still shows Aggregated Event "
                    "Measurement for the domain, the account is on the 8-event model.")


# ----------------------------------------------------------------------------- scoring


def funnel_points(c: Candidate, settings: PrioritySettings) -> float:
    """0-30: the deeper in the funnel, the more points."""
    funnel = settings.funnel_events()
    for name in (c.label, c.base_event):
        if name and name in funnel:
            return round(MAX_FUNNEL * (1 - funnel.index(name) / len(funnel)), 2)
    if c.kind == "custom_conversion" and c.base_event in STANDARD_EVENTS:
        return UNRANKED_STANDARD
    return UNRANKED_STANDARD if c.kind == "standard" else UNRANKED_CUSTOM


def score(c: Candidate, settings: PrioritySettings, max_volume: float, max_spend: float,
          legacy: bool) -> Ranked:
    """Score one candidate against its domain's maxima."""
    volume = (MAX_VOLUME * math.log10(1 + c.volume) / math.log10(1 + max_volume)
              if max_volume > 0 else 0.0)
    spend = MAX_SPEND * math.sqrt(c.spend / max_spend) if max_spend > 0 else 0.0
    value = MAX_VALUE if c.value_optimised else 0.0
    in_use = IN_USE if any(a.active for a in c.adsets) else 0.0
    comps = {"in_use": in_use, "funnel": funnel_points(c, settings), "spend": round(spend, 2),
             "volume": round(volume, 2), "value": value}
    flags = []
    if c.label in settings.pin or c.key in settings.pin:
        flags.append("pinned")
    if c.label in settings.order or c.key in settings.order:
        flags.append("ordered")
    weekly = round(c.volume)
    if weekly < settings.min_weekly_events:
        flags.append("too_rare")
    if len(c.pixels) > 1:
        flags.append("several_pixels")
    if c.value_optimised:
        flags.append("value_optimised")
    slots = VALUE_SLOTS if c.value_optimised and legacy else 1
    return Ranked(key=c.key, label=c.label, kind=c.kind, score=round(sum(comps.values()), 2),
                  components=comps, volume_7d=weekly, spend_28d=c.spend, slots=slots,
                  flags=tuple(flags), reason=_reason(c, comps, flags, slots, settings),
                  pixels=tuple(sorted(c.pixels)))


def _reason(c: Candidate, comps: Mapping[str, float], flags: Sequence[str], slots: int,
            settings: PrioritySettings) -> str:
    parts = []
    if c.adsets:
        active = sum(a.active for a in c.adsets)
        parts.append(f"{active} active ad set(s) optimise for it ({comps['in_use']:.0f}/35), "
                     f"{c.spend:,.2f} spent in 28 days ({comps['spend']:.0f}/15)")
    parts.append(f"funnel depth {comps['funnel']:.0f}/30")
    parts.append(f"{round(c.volume)} events in 7 days ({comps['volume']:.0f}/15)")
    if "value_optimised" in flags:
        parts.append("used for value optimisation" +
                     (" (takes 4 of the 8 slots in the legacy model)" if slots > 1 else ""))
    if "pinned" in flags:
        parts.append("pinned in the config")
    if "ordered" in flags:
        parts.append("position fixed in the config")
    if "too_rare" in flags:
        parts.append(f"below {settings.min_weekly_events} events a week: too rare to optimise on")
    if "several_pixels" in flags:
        parts.append(f"fires from {len(c.pixels)} pixels on this domain")
    return "; ".join(parts)


# ----------------------------------------------------------------------------- candidates


def _pixel_domain_shares(view: SnapshotView) -> dict[str, dict[str, float]]:
    """For each pixel, the share of its own host traffic on each registrable domain."""
    shares: dict[str, dict[str, float]] = {}
    for pixel in view.pixel_ids:
        counts: dict[str, int] = {}
        for host, count in (view.stats_totals(pixel, "host") or {}).items():
            domain = registrable_domain(host)
            if domain:
                counts[domain] = counts.get(domain, 0) + count
        total = sum(counts.values())
        if total:
            shares[pixel] = {d: n / total for d, n in counts.items()}
    return shares


def _main_domain(shares: Mapping[str, float]) -> str | None:
    if not shares:
        return None
    return sorted(shares.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def candidates_by_domain(facts: Facts) -> dict[str, dict[str, Candidate]]:
    """Every candidate event per registrable domain, with volume attributed by host share."""
    view = facts.view
    shares = _pixel_domain_shares(view)
    declared = [registrable_domain(d) or d for d in view.client.domains]
    out: dict[str, dict[str, Candidate]] = {d: {} for ps in shares.values() for d in ps}
    for pixel in view.pixel_ids:
        totals = view.stats_totals(pixel)
        if totals is None:
            continue
        pixel_shares = shares.get(pixel) or ({d: 1.0 for d in declared[:1]} if declared else {})
        for domain, share in pixel_shares.items():
            bucket = out.setdefault(domain, {})
            for event, count in totals.items():
                kind = "standard" if event in STANDARD_EVENTS else "custom"
                cand = bucket.setdefault(event, Candidate(event, event, kind))
                cand.volume += count * share
                if count:
                    cand.pixels.add(pixel)
    conversions = facts.custom_conversions
    for a in facts.adsets:
        if not (a.active or a.spend > 0):
            continue
        cc = conversions.get(a.custom_conversion_id) if a.custom_conversion_id else None
        px = a.pixel_id or (cc.pixel_id if cc else None)
        target = _main_domain(shares.get(px or "", {})) or (declared[0] if declared else None)
        if target is None:
            continue
        bucket = out.setdefault(target, {})
        if a.custom_conversion_id:
            key = f"custom_conversion:{a.custom_conversion_id}"
            label = cc.name if cc and cc.name else key
            cand = bucket.setdefault(key, Candidate(key, label, "custom_conversion",
                                                    cc.event if cc else None))
            if cc and cc.event and cc.event in bucket and cand.volume == 0:
                cand.volume = bucket[cc.event].volume  # best available proxy
        elif a.event:
            kind = "standard" if a.event in STANDARD_EVENTS else "custom"
            cand = bucket.setdefault(a.event, Candidate(a.event, a.event, kind))
        else:
            continue
        cand.adsets.append(a)
        if px:
            cand.pixels.add(px)
    return out


# ----------------------------------------------------------------------------- selection


def rank_domain(domain: str, cands: Mapping[str, Candidate], settings: PrioritySettings,
                legacy: bool) -> DomainPriorities:
    """Choose and order the events for one domain."""
    excluded = set(settings.exclude)
    pool = [c for c in cands.values() if c.label not in excluded and c.key not in excluded]
    max_volume = max((c.volume for c in pool), default=0.0)
    max_spend = max((c.spend for c in pool), default=0.0)
    scored = [score(c, settings, max_volume, max_spend, legacy) for c in pool]
    by_score = sorted(scored, key=lambda r: (-r.score, r.label, r.key))
    ordered = [next(r for r in scored if name in (r.label, r.key))
               for name in settings.order if any(name in (r.label, r.key) for r in scored)]
    pinned = [r for r in by_score if "pinned" in r.flags and r not in ordered]
    problems: list[str] = []
    chosen: list[Ranked] = []
    used = 0
    for r in [*ordered, *pinned, *[x for x in by_score if x not in ordered and x not in pinned]]:
        forced = r in ordered or r in pinned
        if used + r.slots <= SLOTS:
            chosen.append(r)
            used += r.slots
        elif forced:
            problems.append(f"{r.label} is {'ordered' if r in ordered else 'pinned'} in the "
                            f"config but does not fit: the list already uses {used} of "
                            f"{SLOTS} slots.")
    rest = [r for r in chosen if r not in ordered]
    rest.sort(key=lambda r: (-r.score, r.label, r.key))
    final = [_with_rank(r, i + 1) for i, r in enumerate([*ordered_in(chosen, ordered), *rest])]
    left_out = [r for r in by_score if r not in chosen]
    left_out += [score(c, settings, max_volume, max_spend, legacy)
                 for c in sorted(cands.values(), key=lambda c: c.key)
                 if c.label in excluded or c.key in excluded]
    keys = {r.key for r in final}
    affected = [_affected(a, c) for c in sorted(cands.values(), key=lambda c: c.key)
                if c.key not in keys for a in sorted(c.adsets, key=lambda a: a.id) if a.active]
    shared = [{"event": c.label, "pixels": sorted(c.pixels)} for c in
              sorted(cands.values(), key=lambda c: c.key) if len(c.pixels) > 1]
    rare = [r.label for r in final if "too_rare" in r.flags]
    return DomainPriorities(domain, final, left_out, used, affected, shared, rare, problems)


def ordered_in(chosen: Sequence[Ranked], ordered: Sequence[Ranked]) -> list[Ranked]:
    """The ordered entries that made it into ``chosen``, in config order."""
    return [r for r in ordered if r in chosen]


def _with_rank(r: Ranked, rank: int) -> Ranked:
    return Ranked(**{**r.__dict__, "rank": rank})


def _affected(a: AdSet, c: Candidate) -> dict[str, Any]:
    return {"adset_id": a.id, "adset_name": a.name, "account": a.account_id,
            "event": c.label, "spend_28d": a.spend, "status": a.effective_status}


def recommend(facts: Facts) -> PriorityResult:
    """The top-8 recommendation for every domain of the client."""
    mode = facts.client.aem_mode if facts.client.aem_mode in MODES else "auto"
    candidates = candidates_by_domain(facts)
    evidence = relaxed_evidence(candidates) if mode == "auto" else None
    effective, reason = resolve_mode(mode, evidence)
    basis = "config" if mode != "auto" else "evidence" if evidence else "unknown"
    settings = PrioritySettings.from_mapping(facts.client.priorities)
    # Plan value-set slots unless the account is known to be on the relaxed model.
    legacy = effective in ("legacy", "auto")
    domains = [rank_domain(d, cands, settings, legacy)
               for d, cands in sorted(candidates.items()) if cands]
    return PriorityResult(facts.client.aem_mode, effective, reason, domains, basis, evidence)
