"""A typed, tolerant reading of a snapshot for the checks and recommenders.

Graph data is parsed here and only here: missing optional fields become ``None``, extra
fields are ignored, numbers that arrive as strings are converted, and values of the wrong
type are treated as unknown instead of crashing an evaluator. Numbers that cannot be
right (NaN, infinite, beyond any real figure, a negative spend or count) are unknown too,
never a NaN that would poison a sum or a chart; ``facts.numbers`` lists them with the
read, the object, the field and the raw value.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property, lru_cache
from typing import Any

from audit.collect.snapshot import ClientRecord, Snapshot
from audit.graph.result import Fetched


def parse_time(value: Any) -> datetime | None:
    """Parse a Graph datetime (``2024-05-01T09:12:33+0000``, ISO-8601 or Unix seconds)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        if value <= 0:
            return None
        try:
            return datetime.fromtimestamp(float(value), tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str):
        return None
    return _parse_text_time(value)


@lru_cache(maxsize=4096)
def _parse_text_time(value: str) -> datetime | None:
    """:func:`parse_time` for text, remembered: every client of a run reads the same hours
    (a pixel's hourly stats over the same seven days, per event and per source), and a
    datetime is immutable."""
    if not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return parse_time(int(text))
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit() and text[-3] != ":":
        text = f"{text[:-2]}:{text[-2:]}"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


# No figure Meta reports (money in an account's currency, counts, percentages, Unix times)
# comes near this: beyond it a value is corrupt or forged, not a big client.
MAX_NUMBER = 1e15


# The forms a Graph number usually comes in: float() reads them at once, as the long way
# below would (it strips the same whitespace, refuses the thousands separators the long
# way removes, so that text takes it, and bool is not among them: its type is not int).
_PLAIN = (str, int, float)


def _parse_number(value: Any) -> float | None:
    if type(value) in _PLAIN:
        try:
            return float(value)
        except (ValueError, OverflowError):
            pass  # the long way: separators, an integer beyond a double
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:  # an integer beyond a double
            return math.inf
    if isinstance(value, str):
        try:
            return float(value.strip().replace(",", ""))
        except ValueError:
            return None
    return None


def to_float(value: Any) -> float | None:
    """A Graph number (often a numeric string) as float, or None when it is missing or not
    a usable number: not numeric, NaN, infinite (``1e400``) or beyond :data:`MAX_NUMBER`
    (:func:`number_problem` says which, for the evidence)."""
    number = _parse_number(value)
    if number is None or not math.isfinite(number) or abs(number) > MAX_NUMBER:
        return None
    return number


def to_amount(value: Any) -> float | None:
    """A spend, count or other quantity that cannot be negative; None when it is not a
    usable number (:func:`number_problem` with ``non_negative=True`` says why)."""
    number = to_float(value)
    return number if number is None or number >= 0 else None


def number_problem(value: Any, *, non_negative: bool = True) -> str | None:
    """Why a value present in Graph data is not a usable number, or None when it is one
    (or is absent: missing is not invalid)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = _parse_number(value)
    if number is None or math.isnan(number):
        return "not a number"
    if math.isinf(number):
        return "infinite"
    if abs(number) > MAX_NUMBER:
        return "implausibly large"
    if non_negative and number < 0:
        return "negative"
    return None


def to_str(value: Any) -> str | None:
    """A Graph id or string field as str, or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int)):
        text = str(value).strip()
        return text or None
    return None


def str_list(value: Any) -> list[str]:
    """A list of strings (ignoring anything that is not one)."""
    if not isinstance(value, list):
        return []
    return [s for s in (to_str(v) for v in value) if s]


def ref_id(value: Any) -> str | None:
    """The id of an embedded reference such as ``{"id": "1", "name": "x"}``."""
    if isinstance(value, Mapping):
        return to_str(value.get("id"))
    return to_str(value)


@dataclass(frozen=True)
class Pixel:
    """A pixel (dataset) as read from its node or a business edge."""

    id: str
    name: str | None
    last_fired: datetime | None
    created: datetime | None
    is_unavailable: bool | None
    owner_business_id: str | None
    owner_business_name: str | None
    read: Fetched | None

    @property
    def label(self) -> str:
        """Name and id, for messages."""
        return f"{self.name} ({self.id})" if self.name else self.id


@dataclass(frozen=True)
class Partner:
    """A business a pixel is shared with, and the tasks it may perform."""

    business_id: str
    name: str | None
    tasks: frozenset[str] | None  # None: the edge does not report tasks
    # Where the sharing was read: the pixel's "agencies" or "shared_agencies" edge, or the
    # agency's own "client_pixels" list.
    source: str = "agencies"


@dataclass
class SnapshotView:
    """Typed accessors over one snapshot (the raw reads, parsed; no derived facts)."""

    snap: Snapshot
    # stats_totals() memo: hourly buckets are summed once per key, not once per check.
    _stats: dict[str, dict[str, int] | None] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ basics

    @cached_property
    def client(self) -> ClientRecord:
        """The audited client and its evaluation settings."""
        return self.snap.record

    @property
    def client_slug(self) -> str:
        """The client's slug."""
        return self.client.slug

    @property
    def client_name(self) -> str:
        """The client's display name."""
        return self.client.name

    @property
    def business_id(self) -> str:
        """The client business id."""
        return self.client.business_id

    @property
    def agency_id(self) -> str:
        """The agency business id."""
        return str(self.snap.agency.get("business_id", ""))

    @property
    def agency_name(self) -> str:
        """The agency name."""
        return str(self.snap.agency.get("name", "the agency"))

    @cached_property
    def now(self) -> datetime:
        """When the snapshot was collected (the evaluation's notion of "now")."""
        return parse_time(self.snap.collected_at) or datetime.now(timezone.utc)

    def get(self, key: str) -> Fetched | None:
        """Raw access to one stored result."""
        return self.snap.get(key)

    # ------------------------------------------------------------------ pixels

    @cached_property
    def pixel_ids(self) -> list[str]:
        """Every pixel id in the snapshot, in a stable order."""
        ids = []
        for key in self.snap.endpoints:
            parts = key.split("/")
            if parts[0] == "pixel" and len(parts) >= 2 and parts[1] not in ids:
                ids.append(parts[1])
        configured = list(self.client.pixels)
        return sorted(set(ids) | set(configured), key=lambda p: (p not in configured, p))

    def pixel(self, pixel_id: str) -> Pixel:
        """Parse the pixel node (fields may be missing)."""
        res = self.snap.get(f"pixel/{pixel_id}")
        data = res.obj() if res else {}
        owner = data.get("owner_business")
        unavailable = data.get("is_unavailable")
        return Pixel(
            id=pixel_id,
            name=to_str(data.get("name")),
            last_fired=parse_time(data.get("last_fired_time")),
            created=parse_time(data.get("creation_time")),
            is_unavailable=unavailable if isinstance(unavailable, bool) else None,
            owner_business_id=ref_id(owner),
            owner_business_name=to_str(owner.get("name")) if isinstance(owner, Mapping) else None,
            read=res,
        )

    @cached_property
    def pixels(self) -> list[Pixel]:
        """Every pixel, parsed."""
        return [self.pixel(pid) for pid in self.pixel_ids]

    def partners(self, pixel_id: str) -> tuple[list[Partner] | None, Fetched | None]:
        """Businesses the pixel is shared with: from ``agencies`` (with tasks) or, failing
        that, ``shared_agencies`` (no tasks). ``None`` when neither could be read."""
        agencies = self.snap.get(f"pixel/{pixel_id}/agencies")
        if agencies is not None and (agencies.succeeded or agencies.partial):
            return [_partner(item, with_tasks=True) for item in agencies.items()
                    if ref_id(item)], agencies
        shared = self.snap.get(f"pixel/{pixel_id}/shared_agencies")
        if shared is not None and (shared.succeeded or shared.partial):
            return [_partner(item, with_tasks=False) for item in shared.items()
                    if ref_id(item)], shared
        return None, agencies or shared

    def agency_client_pixel(self, pixel_id: str) -> Partner | None:
        """The agency's entry for the pixel in its ``client_pixels`` list (the pixels
        clients shared with the agency, with the tasks they permit), or None."""
        res = self.snap.get("agency/client_pixels")
        for item in res.items() if res is not None else []:
            if ref_id(item) == pixel_id:
                tasks = item.get("permitted_tasks")
                return Partner(self.agency_id, self.agency_name,
                               frozenset(t.upper() for t in str_list(tasks))
                               if isinstance(tasks, list) else None, source="client_pixels")
        return None

    def agency_access(self, pixel_id: str) -> tuple[Partner | None, str | None]:
        """The agency's access to a pixel: (partner, None) when shared, (None, None) when
        not, (None, reason) when it cannot be known.

        The pixel's ``agencies`` edge comes first (it reports tasks); the agency's own
        ``client_pixels`` list is the next evidence (it also reports tasks, and answers
        even when the pixel's edges are closed to the agency); ``shared_agencies`` says
        only that the pixel is shared."""
        partners, res = self.partners(pixel_id)
        own = next((p for p in partners or [] if p.business_id == self.agency_id), None)
        if own is not None and own.tasks is not None:
            return own, None
        listed = self.agency_client_pixel(pixel_id)
        if listed is not None:
            return listed, None
        if own is not None:
            return own, None
        if partners is None:
            err = res.error if res is not None and res.error else {}
            code = err.get("code")
            return None, f"{err.get('kind', 'unread')} error" + (
                f" {code}" if code is not None else "")
        return None, None

    def stats_totals(self, pixel_id: str, aggregation: str = "event",
                     source: str | None = None) -> dict[str, int] | None:
        """Sum the hourly stats buckets per value (event name, host …); None if unread."""
        key = f"pixel/{pixel_id}/stats/{aggregation}" + (f"/{source}" if source else "")
        if key in self._stats:
            return self._stats[key]
        res = self.snap.get(key)
        totals: dict[str, int] | None = None
        if res is not None and (res.succeeded or res.partial):
            totals = sum_buckets(res.items())
        self._stats[key] = totals
        return totals


def _partner(item: Mapping[str, Any], *, with_tasks: bool) -> Partner:
    tasks = item.get("permitted_tasks")
    return Partner(
        business_id=ref_id(item) or "",
        name=to_str(item.get("name")),
        tasks=frozenset(t.upper() for t in str_list(tasks)) if with_tasks and
        isinstance(tasks, list) else None,
        source="agencies" if with_tasks else "shared_agencies",
    )


def sum_buckets(buckets: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Add up ``stats`` buckets: each bucket's ``data`` is a list of ``{value, count}``."""
    totals: dict[str, int] = {}
    for bucket in buckets:
        rows = bucket.get("data")
        if not isinstance(rows, list):
            continue
        for row in rows:
            if type(row) is dict:
                # The wire shape, {"value": "Purchase", "count": 24}, taken in one step: a
                # client has tens of thousands of these rows (hourly buckets over 7 days).
                value, count = row.get("value"), row.get("count")
                if type(value) is str and type(count) is int and count >= 0 and value \
                        and value == value.strip():
                    totals[value] = totals.get(value, 0) + count
                    continue
            if not isinstance(row, Mapping):
                continue
            value = to_str(row.get("value")) or to_str(row.get("event"))
            count = to_amount(row.get("count"))  # invalid counts: facts.numbers lists them
            if value is None or count is None:
                continue
            totals[value] = totals.get(value, 0) + int(count)
    return totals
