"""The report's fixed vocabulary: area titles, checklist steps, states and status order.

Shared by the view builders (:mod:`.findings`, :mod:`.steps`, :mod:`.index`) and the
Jinja2 environment (:mod:`.templates`), so every page names things the same way.
"""

from __future__ import annotations

from audit.models import Status

STATUS_ORDER = {s: i for i, s in enumerate(
    (Status.ERROR, Status.FAIL, Status.WARN, Status.SKIPPED, Status.PASS))}
AREA_TITLES = {
    "domains": "Domain verification",
    "access": "Pixel partner access",
    "pixels": "Pixel health",
    "events": "Event usage",
    "priorities": "Top-8 event priorities",
    "windows": "Attribution windows",
    "capi": "Conversions API",
    "rules": "Automated rules",
    "token": "Access token",
}
# The checklist on the first screen: (key, number, title, areas it covers).
STEPS: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("domains", "1", "Domains verified", ("domains",)),
    ("access", "2", "Pixel access & event usage", ("access", "pixels", "events")),
    ("priorities", "3", "Top-8 events", ("priorities",)),
    ("windows", "4", "Attribution windows", ("windows",)),
    ("capi", "5", "Conversions API", ("capi",)),
    ("rules", "+", "Automated rules", ("rules",)),
    ("token", "+", "Access token", ("token",)),
)
STEP_SHORT = {"domains": "Domains", "access": "Pixels & events", "priorities": "Top-8",
              "windows": "Windows", "capi": "CAPI", "rules": "Rules", "token": "Token"}
STATES = {"action": "Action needed", "check": "Check", "ready": "Ready",
          "unknown": "Not checked"}
