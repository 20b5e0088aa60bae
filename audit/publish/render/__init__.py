"""run.json → HTML report, agency index and CSV. Pure: no API calls, no clock.

Jinja2 with autoescape on and StrictUndefined: everything that came from the API is
escaped, and a template that refers to a missing value fails loudly instead of printing
nothing. Templates live in ``reports/templates`` (packaged as ``audit/_templates``); an
agency can override any of them from its own folder. The only file read besides the
templates is the logo named in the branding config (:func:`branding_from_config`).

The package turns a run into plain view data (checklist steps, finding groups, window
tables, rule diffs); the templates only lay it out, and :mod:`audit.charts` draws the SVG.

Modules: :mod:`.vocabulary` (area titles, steps, states), :mod:`.catalogue` (every
sentence the client report says in its own words), :mod:`.branding`, :mod:`.formatting`
(the text filters), :mod:`.templates` (the Jinja2 environment), :mod:`.findings`
(ordering and grouping, for the technical page), :mod:`.items` (one plain item per check,
and each object's status from its findings), :mod:`.steps` (checklist and verdict),
:mod:`.sections` (changes, windows, rules), :mod:`.report` (``report.html`` for the client
and ``technical.html`` for the agency), :mod:`.index` and :mod:`.csvout`;
:mod:`.i18n` (the report languages: gettext catalogues in ``audit/publish/locale``,
compiled at run time), :mod:`.details` (the sentence about each affected object, in the
report's language) and :mod:`.pdf` (``report.pdf`` through WeasyPrint, an optional
extra). Everything public is re-exported here: import from ``audit.render``.
"""

from __future__ import annotations

from .branding import (
    LOGO_MAX_BYTES,
    LOGO_TYPES,
    Branding,
    BrandingError,
    branding_from_config,
    logo_data_uri,
)
from .csvout import CSV_COLUMNS, findings_csv
from .findings import SHOWN_PER_CHECK, CheckGroup, group_findings, sort_findings
from .formatting import (
    MINUS,
    evidence_items,
    fmt_money,
    fmt_num,
    fmt_pct,
    fmt_value,
    fmt_when,
    format_evidence,
)
from .index import (
    index_row,
    index_rows,
    never_audited_row,
    render_index,
    render_index_rows,
    run_age,
    safe_link,
    sort_rows,
)
from .report import render_report, render_technical, report_context, technical_context
from .sections import changes_context, filter_diff, rules_context, windows_context
from .steps import checklist, verdict
from .templates import default_environment, environment, template_dirs
from .vocabulary import AREA_TITLES, STATES, STATUS_ORDER, STEP_SHORT, STEPS

__all__ = [
    "AREA_TITLES",
    "CSV_COLUMNS",
    "LOGO_MAX_BYTES",
    "LOGO_TYPES",
    "MINUS",
    "SHOWN_PER_CHECK",
    "STATES",
    "STATUS_ORDER",
    "STEPS",
    "STEP_SHORT",
    "Branding",
    "BrandingError",
    "CheckGroup",
    "branding_from_config",
    "changes_context",
    "checklist",
    "default_environment",
    "environment",
    "evidence_items",
    "filter_diff",
    "findings_csv",
    "fmt_money",
    "fmt_num",
    "fmt_pct",
    "fmt_value",
    "fmt_when",
    "format_evidence",
    "group_findings",
    "index_row",
    "index_rows",
    "logo_data_uri",
    "never_audited_row",
    "render_index",
    "render_index_rows",
    "render_report",
    "render_technical",
    "report_context",
    "rules_context",
    "run_age",
    "safe_link",
    "sort_findings",
    "sort_rows",
    "technical_context",
    "template_dirs",
    "verdict",
    "windows_context",
]
