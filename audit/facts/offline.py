"""Offline event sets the client still relies on, parsed from a snapshot.

Meta shut the Offline Conversions API down on 2025-05-14: offline events now go to a
dataset through the Conversions API
(https://developers.facebook.com/docs/marketing-api/offline-conversions). SDK 26 has no
ad-account or business edge that lists offline event sets, so the audit finds them through
what points at them: custom conversions built on one (``offline_conversion_data_set``) and
ad sets optimising for one (``promoted_object.offline_conversion_data_set_id``). For each it
reads the set itself (name, last upload) and the client's ad accounts it is still shared
with (``shared_accounts``). An offline event set attached to an account but used by neither
is invisible to the audit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from audit.facts.ads import AdSet, CustomConversion
from audit.facts.view import SnapshotView, parse_time, ref_id, to_str


@dataclass(frozen=True)
class OfflineSet:
    """One offline event set and what still uses it."""

    id: str
    name: str | None
    last_fired: datetime | None
    unavailable: bool | None
    # The client's ad accounts it is shared with; None when that could not be read.
    attached_accounts: tuple[str, ...] | None
    custom_conversions: tuple[CustomConversion, ...]
    adsets: tuple[AdSet, ...]
    # Why the set's own node could not be read (e.g. "permission error 200"), or None.
    read_error: str | None = None

    @property
    def label(self) -> str:
        """Name and id, for messages."""
        return f"{self.name} ({self.id})" if self.name else self.id

    @property
    def delivering(self) -> list[AdSet]:
        """Ad sets that still use it (directly or through a custom conversion) and are
        active or spent in the last 28 days."""
        return [a for a in self.adsets if a.active or a.spend > 0]

    @property
    def spend(self) -> float:
        """28-day spend of the ad sets that still use it."""
        return round(sum(a.spend for a in self.adsets), 2)


def _error_text(error: Mapping[str, object]) -> str:
    code = error.get("code")
    return f"{error.get('kind', 'unread')} error" + (f" {code}" if code is not None else "")


def read_offline_sets(view: SnapshotView, adsets: Iterable[AdSet],
                      conversions: Mapping[str, CustomConversion]) -> list[OfflineSet]:
    """Every offline event set a custom conversion or ad set points at, sorted by id."""
    adsets = list(adsets)
    ids = sorted({cc.offline_set_id for cc in conversions.values() if cc.offline_set_id}
                 | {a.offline_set_id for a in adsets if a.offline_set_id})
    accounts = {str(a) for a in view.client.ad_accounts}
    out = []
    for set_id in ids:
        ccs = tuple(sorted((cc for cc in conversions.values() if cc.offline_set_id == set_id),
                           key=lambda cc: cc.id))
        cc_ids = {cc.id for cc in ccs}
        users = tuple(a for a in adsets if a.offline_set_id == set_id
                      or (a.custom_conversion_id is not None
                          and a.custom_conversion_id in cc_ids))
        node = view.get(f"offline_set/{set_id}")
        data = node.obj() if node is not None else {}
        shared = view.get(f"offline_set/{set_id}/shared_accounts")
        attached: tuple[str, ...] | None = None
        if shared is not None and (shared.succeeded or shared.partial):
            attached = tuple(sorted(
                acc for acc in (_account_id(item) for item in shared.items())
                if acc is not None and acc in accounts))
        unavailable = data.get("is_unavailable")
        out.append(OfflineSet(
            id=set_id, name=to_str(data.get("name")),
            last_fired=parse_time(data.get("last_fired_time")),
            unavailable=unavailable if isinstance(unavailable, bool) else None,
            attached_accounts=attached, custom_conversions=ccs, adsets=users,
            read_error=_error_text(node.error) if node is not None and node.error else None,
        ))
    return out


def _account_id(item: Mapping[str, object]) -> str | None:
    """``act_<id>`` of a ``shared_accounts`` entry (``id`` is ``act_…``; ``account_id`` is
    the bare number)."""
    ident = ref_id(item)
    if ident and ident.startswith("act_"):
        return ident
    bare = to_str(item.get("account_id")) or ident
    return f"act_{bare}" if bare else None
