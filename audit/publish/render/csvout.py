"""Findings as CSV for spreadsheets and ticketing imports, with formulas defused."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from audit.models import Finding
from audit.safetext import neutralise_bidi

from .findings import sort_findings
from .items import actor_of

CSV_COLUMNS = ("client", "status", "severity", "area", "check_id", "title", "resource_type",
               "resource_id", "resource_name", "message", "remediation", "fingerprint",
               "muted", "actor")


def findings_csv(findings: Iterable[Finding]) -> str:
    """Findings as CSV (one row per finding), for spreadsheets and ticketing imports.

    Formulas are defused value by value; bidirectional controls are made visible in the
    whole text at once (:func:`audit.safetext.neutralise_bidi`; the same as value by value:
    it changes only those characters, none of which starts a formula, and its ``[U+…]``
    needs no CSV quoting)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in sort_findings(findings):
        writer.writerow([_csv_safe(str(v)) for v in (
            f.client, f.status.value, f.severity.value, f.area, f.check_id, f.title,
            f.resource.type, f.resource.id, f.resource.name or "", f.message,
            f.remediation, f.fingerprint, f.muted or "", actor_of(f).value,
        )])
    return neutralise_bidi(buf.getvalue())


def _csv_safe(text: str) -> str:
    """Defuse spreadsheet formulas in a value that came from the API."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
