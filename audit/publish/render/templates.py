"""The Jinja2 environment over the report templates: search path, filters and globals.

Autoescape is on and undefined values are strict: everything that came from the API is
escaped, and a template that refers to a missing value fails loudly instead of printing
nothing. Templates live in ``reports/templates`` in a checkout and in ``audit/_templates``
in an installed wheel; an agency can override any of them from its own folder.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

import audit
from audit import numbers

from . import catalogue, charts
from .formatting import (
    evidence_items,
    fmt_count,
    fmt_money,
    fmt_num,
    fmt_pct,
    fmt_value,
    fmt_when,
    format_evidence,
)
from .items import setting_words
from .vocabulary import AREA_TITLES, STATES


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


def environment(override: Path | None = None) -> jinja2.Environment:
    """A Jinja2 environment with autoescape and StrictUndefined (override folder first)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in template_dirs(override)]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update({
        "area_title": lambda a: AREA_TITLES.get(str(a), str(a).title()),
        "evidence": format_evidence, "evidence_items": evidence_items, "num": fmt_num,
        "money": fmt_money, "pct": fmt_pct, "when": fmt_when, "window": charts.window_label,
        "value": fmt_value, "count": fmt_count, "factor": numbers.factor,
        "setting": setting_words,
    })
    env.globals.update({"charts": charts, "STATES": STATES, "ACTOR_SHORT": {
        a.value: text for a, text in catalogue.ACTOR_SHORT.items()}})
    return env
