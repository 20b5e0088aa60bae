"""The Jinja2 environment over the report templates: search path, filters and globals.

Autoescape is on and undefined values are strict: everything that came from the API is
escaped, and a template that refers to a missing value fails loudly instead of printing
nothing. Templates live in ``reports/templates`` in a checkout and in ``audit/_templates``
in an installed wheel; an agency can override any of them from its own folder.

Jinja's i18n extension carries the templates' words (``{% trans %}``, ``_()``) with
new-style gettext (placeholders are escaped, ``%(name)s`` filled in by the call) and
trimmed whitespace; its gettext reads the active language (:mod:`.i18n`), so one
compiled environment serves every language, thread by thread.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

import audit
from audit.safetext import neutralise_bidi

from . import catalogue, charts, i18n
from .formatting import (
    evidence_items,
    fmt_count,
    fmt_date,
    fmt_factor,
    fmt_money,
    fmt_num,
    fmt_pct,
    fmt_value,
    fmt_when,
    format_evidence,
)
from .items import plain_title, setting_words
from .vocabulary import AREA_TITLES, STATES, STATUS_LABELS


def _words(table: dict[str, object]) -> object:
    """A filter looking a key up in a catalogue table (the key itself, in words, otherwise)."""
    return lambda key: str(table.get(str(key), str(key).replace("_", " ")))


def css_string(text: object) -> Markup:
    """``text`` as a CSS string literal, every character outside letters, digits and
    spaces escaped as a hexadecimal CSS escape (a quote becomes backslash 22), so nothing
    in it can end the string or the style block."""
    out = "".join(c if c.isascii() and (c.isalnum() or c == " ") else f"\\{ord(c):x} "
                  for c in str(text))
    return Markup(f'"{out}"')


_COUNTER = re.compile(r"\{(page|pages)\}")


def page_counter(text: object) -> Markup:
    """A CSS ``content`` value from a translated "Page {page} of {pages}": the text as
    escaped strings around the ``counter(page)`` and ``counter(pages)`` of paged media."""
    parts = []
    for i, piece in enumerate(_COUNTER.split(str(text))):
        if i % 2:
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(str(css_string(piece)))
    return Markup(" ".join(parts) or '""')


def template_dirs(override: Path | None = None) -> list[Path]:
    """Template search path: the agency's override folder first, then the shipped ones."""
    # Relative to the ``audit`` package itself (not this module), so the depth of this
    # file inside the package does not matter.
    pkg = Path(audit.__file__).resolve().parent
    dirs = [override] if override else []
    for candidate in (pkg / "_templates", pkg.parent / "reports" / "templates"):
        if candidate.is_dir():
            dirs.append(candidate)
            break
    return dirs


@functools.lru_cache(maxsize=1)
def default_environment() -> jinja2.Environment:
    """The shipped templates' environment, compiled once per process."""
    return environment()


def render_page(env: jinja2.Environment, template: str, /, **context: object) -> str:
    """Template ``template`` rendered with ``context``, bidirectional controls made visible
    (:func:`audit.safetext.neutralise_bidi`): a name from the API cannot reorder the text
    around it. One pass over the finished page (the templates' own text holds none, which a
    test checks) instead of one per printed value."""
    return neutralise_bidi(str(env.get_template(template).render(**context)))


def environment(override: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment with autoescape and StrictUndefined (override folder first)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(override)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # babel.cfg extracts with trimmed = true too
    env.install_gettext_callables(  # type: ignore[attr-defined]  # added by the extension
        i18n.gettext, i18n.ngettext, newstyle=True)
    env.filters.update({
        "area_title": lambda a: str(AREA_TITLES.get(str(a), str(a).title())),
        "evidence": format_evidence, "evidence_items": evidence_items, "num": fmt_num,
        "money": fmt_money, "pct": fmt_pct, "when": fmt_when, "date": fmt_date,
        "window": charts.window_label, "value": fmt_value, "count": fmt_count,
        "factor": fmt_factor, "setting": setting_words, "status": _words(STATUS_LABELS),
        "task": _words(catalogue.TASKS), "rule_status": _words(catalogue.RULE_STATUS),
        "flag": _words(catalogue.PRIORITY_FLAGS), "kind": _words(catalogue.EVENT_KINDS),
        "component": charts.component_label, "css_string": css_string,
    })
    env.globals.update({"charts": charts, "STATES": STATES, "ACTOR_SHORT": {
        a.value: text for a, text in catalogue.ACTOR_SHORT.items()},
        "check_title": plain_title, "COMPONENTS": catalogue.COMPONENTS,
        "page_counter": page_counter})
    return env
