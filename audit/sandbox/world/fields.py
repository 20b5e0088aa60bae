"""Field sets of Graph node types, from the installed SDK's catalogue, and Meta's defaults.

``FIELDS["AdsPixel"]`` is the SDK's ``AdsPixel.Field`` and ``NESTED_TYPES["AdsPixel",
"owner_business"]`` its ``_field_types`` entry (``Business``), both read from the SDK's source
on first use (``catalogue.py``; the sandbox never imports ``facebook_business``). A field
outside its type's set makes the sandbox answer ``(#100) Tried accessing nonexisting field (x)
on node type (Type)`` like Graph does. What the SDK lacks but Meta documents is in
``sdk_gaps.py``.
"""

from __future__ import annotations

from .catalogue import catalogue
from .sdk_gaps import DATASET_QUALITY as DATASET_QUALITY


class _Fields:
    """``FIELDS[type]``: the SDK's fields of a node type (KeyError for a type it lacks)."""

    def __getitem__(self, node_type: str) -> frozenset[str]:
        node = catalogue().type(node_type)
        if node is None:
            raise KeyError(node_type)
        return node.fields

    def get(self, node_type: str, default: frozenset[str] = frozenset()) -> frozenset[str]:
        """The fields of ``node_type``, or ``default`` when the SDK has no such class."""
        node = catalogue().type(node_type)
        return node.fields if node is not None else default

    def __contains__(self, node_type: object) -> bool:
        return isinstance(node_type, str) and catalogue().type(node_type) is not None


class _NestedTypes:
    """``NESTED_TYPES.get((type, field))``: the node type of an object-valued field."""

    def get(self, key: tuple[str, str]) -> str | None:
        """``("AdsPixel", "owner_business")`` -> ``"Business"`` (None for plain values)."""
        return catalogue().nested_type(*key)


FIELDS = _Fields()
NESTED_TYPES = _NestedTypes()

# Default fields returned when a request has no ``fields`` parameter (``id`` is always added).
DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "AdsPixel": ("id", "name"),
    "OfflineConversionDataSet": ("id", "name"),
    "Business": ("id", "name"),
    "User": ("id", "name"),
    "AssignedUser": ("id", "name"),
    "AdAccount": ("id", "account_id"),
    "Campaign": ("id",),
    "AdSet": ("id",),
    "AdRule": ("id",),
    "CustomConversion": ("id",),
    "OwnedDomain": ("id", "domain_name"),
    "AdReportRun": ("id", "account_id", "time_ref", "time_completed", "async_status",
                    "async_percent_completion", "date_start", "date_stop"),
    "DACheck": ("key", "title", "description", "result", "user_message", "action_uri"),
    "AdsPixelStatsResult": ("aggregation", "start_time", "data"),
    "AdsPixelDomainLastFiredTime": ("domain_name", "last_fired_time"),
    "AdsPixelEventLastFiredTime": ("event", "last_fired_time"),
    "AdsInsights": ("date_start", "date_stop"),
}
