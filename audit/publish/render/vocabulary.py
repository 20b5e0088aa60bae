"""The report's fixed vocabulary: area titles, checklist steps, states and status order.

Shared by the view builders (:mod:`.findings`, :mod:`.steps`, :mod:`.index`) and the
Jinja2 environment (:mod:`.templates`), so every page names things the same way. The
words are lazy gettext strings: they read in the language the page is rendered in.
"""

from __future__ import annotations

from typing import Any

from audit.models import Status

from .i18n import lazy_gettext as _

STATUS_ORDER = {s: i for i, s in enumerate(
    (Status.ERROR, Status.FAIL, Status.WARN, Status.SKIPPED, Status.PASS))}
AREA_TITLES = {
    "domains": _("Domain verification"),
    "access": _("Pixel partner access"),
    "pixels": _("Pixel health"),
    "events": _("Event usage"),
    "priorities": _("Top-8 event priorities"),
    "windows": _("Attribution windows"),
    "capi": _("Conversions API"),
    "rules": _("Automated rules"),
    "token": _("Access token"),
}
# The checklist on the first screen: (key, number, title, areas it covers).
STEPS: tuple[tuple[str, str, Any, tuple[str, ...]], ...] = (
    ("domains", "1", _("Domains verified"), ("domains",)),
    ("access", "2", _("Pixel access & event usage"), ("access", "pixels", "events")),
    ("priorities", "3", _("Top-8 events"), ("priorities",)),
    ("windows", "4", _("Attribution windows"), ("windows",)),
    ("capi", "5", _("Conversions API"), ("capi",)),
    ("rules", "+", _("Automated rules"), ("rules",)),
    ("token", "+", _("Access token"), ("token",)),
)
STEP_SHORT = {"domains": _("Domains"), "access": _("Pixels & events"), "priorities": _("Top-8"),
              "windows": _("Windows"), "capi": _("CAPI"), "rules": _("Rules"), "token": _("Token")}
STATES = {"action": _("Action needed"), "check": _("Check"), "ready": _("Ready"),
          "unknown": _("Not checked")}
# Finding and run statuses as badges show them.
STATUS_LABELS = {"FAIL": _("FAIL"), "WARN": _("WARN"), "PASS": _("PASS"),
                 "SKIPPED": _("SKIPPED"), "ERROR": _("ERROR"), "MUTED": _("MUTED"),
                 "audited": _("audited"), "partial": _("partial"),
                 "not_audited": _("not audited")}
