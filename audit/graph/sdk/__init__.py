"""sdk: the only package that imports ``facebook_business``.

``session`` is the Graph session adapter (one API per client, paging, batch, retries);
``batch`` is the SDK's batch reading each answer once (the gate's parses handed on);
``serverside`` holds the SDK's Conversions API helpers (normalisation and hashing);
``gate`` checks every answer (time, size, JSON shape, values) before the SDK reads it.
"""

from __future__ import annotations

from audit.graph.sdk.session import CallStats, GraphSession, GraphSettings

__all__ = ["CallStats", "GraphSession", "GraphSettings"]
