"""The audit's checks, one module per area; importing this package registers them all."""

from __future__ import annotations

from audit.evaluate.checks import (  # noqa: F401  (registration)
    access,
    capi,
    conversions,
    domains,
    events,
    offline,
    pixels,
    priorities,
    rules,
    token,
    windows,
)
from audit.evaluate.checks.registry import REGISTRY, CheckContext, CheckMeta, Registry, check

__all__ = ["REGISTRY", "CheckContext", "CheckMeta", "Registry", "check"]
