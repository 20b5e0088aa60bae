"""sdk: the only package that imports ``facebook_business``.

``session`` is the Graph session adapter (one API per client, paging, batch, retries);
``serverside`` holds the SDK's Conversions API helpers (normalisation and hashing).
"""

from __future__ import annotations

from audit.graph.sdk.session import CallStats, GraphSession, GraphSettings

__all__ = ["CallStats", "GraphSession", "GraphSettings"]
