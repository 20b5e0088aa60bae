"""Inline SVG charts for the HTML report: no scripts, no external resources.

Every function builds the SVG as a string in which all text (labels come from the API)
is XML-escaped, and returns it as ``markupsafe.Markup`` so the template inserts it as is.
Numbers are formatted here, never taken as text from the input. Shapes use presentation
attributes only, and no ``url(...)`` references, so the page's strict CSP and print both
work; the "unavailable" placeholder is hatched with lines clipped by a nested ``<svg>``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from babel.numbers import get_decimal_symbol
from markupsafe import Markup, escape

from . import i18n
from .formatting import fmt_count, fmt_num
from .i18n import gettext as _

CLICK = "#2f6fd6"
VIEW = "#e08a1e"
ENGAGED = "#7c4dcc"  # the 1-day engaged-view (engage-through) window
NA = "#8a94a6"
INK = "#1d2433"
MUTED = "#5b6577"
GRID = "#e3e7ee"
SCORE_GOOD, SCORE_FAIR, SCORE_POOR = "#1a7f45", "#b7791f", "#c0392b"
COMPONENT_COLOURS = {"in_use": "#2f6fd6", "funnel": "#7c4dcc", "spend": "#1a9c8c",
                     "volume": "#e08a1e", "value": "#c0392b"}


def esc(text: object) -> str:
    """XML-escape any value for SVG text or attributes."""
    return str(escape(str(text)))


def compact(value: float) -> str:
    """Short number for chart labels: 950, 12.3k, 4.5M (12,3k in Dutch)."""
    v = abs(value)
    sign = "-" if value < 0 else ""
    point = get_decimal_symbol(i18n.babel_locale())
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if v >= limit:
            text = f"{v / limit:.1f}".rstrip("0").rstrip(".").replace(".", point)
            return f"{sign}{text}{suffix}"
    if v == int(v):
        return f"{sign}{int(v)}"
    return f"{sign}{v:.1f}".replace(".", point)


def nice_max(value: float) -> float:
    """The next "round" axis maximum at or above ``value`` (1, 2, 2.5 or 5 times a power of ten)."""
    if value <= 0:
        return 1.0
    exp = math.floor(math.log10(value))
    for step in (1.0, 2.0, 2.5, 5.0, 10.0):
        top = step * 10.0 ** exp
        if top >= value:
            return float(top)
    return 10.0 ** (exp + 1)  # pragma: no cover - the loop always returns


def window_label(window: str) -> str:
    """``7d_click`` → ``7d click``; ``1d_ev`` → ``1d engaged view`` (in the report's
    language)."""
    from .catalogue import WINDOW_SHORT  # the catalogue's words, in the active language

    return str(WINDOW_SHORT.get(window, window.replace("_", " ")))


def window_colour(window: str) -> str:
    """Click, view or engaged-view colour of a window's bar."""
    if window.endswith("_ev"):
        return ENGAGED
    return VIEW if window.endswith("view") else CLICK


def _hatch(x: float, y: float, w: float, h: float) -> str:
    """An empty, dashed, hatched box: the placeholder for an unavailable window."""
    lines = "".join(
        f'<line x1="{i:.1f}" y1="{h:.1f}" x2="{i + h:.1f}" y2="0"/>'
        for i in range(-int(h), int(w) + 1, 6))
    return (f'<svg x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}">'
            f'<g stroke="{NA}" stroke-width="1" opacity="0.55">{lines}</g></svg>'
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="none" '
            f'stroke="{NA}" stroke-dasharray="3 2"/>')


def window_chart(title: str, conversions: Mapping[str, float | None],
                 windows: Sequence[str]) -> Markup:
    """Grouped bars of one event's conversions under each window, side by side.

    A window whose value is ``None`` (the API did not return it) is drawn as a hatched
    placeholder labelled "n/a", never as a zero-height bar.
    """
    width, height = 360, 212
    left, right, top, bottom = 44, 10, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [conversions.get(w) for w in windows]
    known = [v for v in values if v is not None]
    top_value = nice_max(max(known, default=0.0))
    heading = _("Conversions by attribution window")
    parts = [f'<svg class="chart" viewBox="0 0 {width} '
             f'{height}" role="img" aria-label="{esc(heading + ": " + title)}">',
             f"<title>{esc(heading + ': ' + title)}</title>",
             f'<text x="{left - 34}" y="14" font-size="11" fill="{MUTED}">'
             f"{esc(heading)}</text>"]
    for i in range(5):
        tick = top_value * i / 4
        y = top + plot_h - plot_h * i / 4
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
                     f'stroke="{GRID}"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 3.5:.1f}" font-size="10" fill="{MUTED}" '
                     f'text-anchor="end">{esc(compact(tick))}</text>')
    slot = plot_w / max(len(windows), 1)
    bar_w = min(34.0, slot * 0.62)
    for i, (window, raw) in enumerate(zip(windows, values, strict=True)):
        value = None if raw is None else float(raw)
        cx = left + slot * i + slot / 2
        x = cx - bar_w / 2
        colour = window_colour(window)
        if value is None:
            h = plot_h * 0.35
            parts.append(_hatch(x, top + plot_h - h, bar_w, h))
            label, label_y = _("n/a"), top + plot_h - h - 4
        else:
            h = plot_h * (value / top_value) if top_value else 0.0
            parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
                         f'height="{max(h, 0.0):.1f}" fill="{colour}" rx="2">'
                         f"<title>{esc(window_label(window))}: {esc(fmt_count(value))}</title>"
                         f"</rect>")
            label, label_y = compact(value), top + plot_h - h - 4
        parts.append(f'<text x="{cx:.1f}" y="{label_y:.1f}" font-size="10" fill="{INK}" '
                     f'text-anchor="middle">{esc(label)}</text>')
        days, _sep, kind = window.partition("_")
        # one short word under each bar
        kind = {"click": _("click"), "view": _("view"), "ev": _("engaged")}.get(kind, kind)
        parts.append(f'<text x="{cx:.1f}" y="{top + plot_h + 14:.1f}" font-size="10" '
                     f'fill="{INK}" text-anchor="middle">{esc(days)}</text>'
                     f'<text x="{cx:.1f}" y="{top + plot_h + 26:.1f}" font-size="10" '
                     f'fill="{MUTED}" text-anchor="middle">{esc(kind)}</text>')
    parts.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" '
                 f'y2="{top + plot_h}" stroke="{MUTED}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _text_width(text: str, size: float = 11) -> float:
    """A generous estimate of a label's width in SVG units (SVG text does not wrap or
    measure itself; labels differ in length from one language to another)."""
    return len(text) * size * 0.6


def window_legend() -> Markup:
    """The legend shared by the window charts: click, view, unavailable."""
    items = [(_("Click window"), CLICK), (_("View window"), VIEW),
             (_("Engaged view"), ENGAGED)]
    # Gettext calls stay outside f-strings: pybabel cannot see into them.
    legend = _("Legend: click window, view window, engaged-view window, unavailable (n/a)")
    unavailable = _("n/a: not returned by Meta")
    x = 0.0
    parts = []
    for label, colour in items:
        parts.append(f'<rect x="{x:.0f}" y="4" width="12" height="12" rx="2" fill="{colour}"/>'
                     f'<text x="{x + 17:.0f}" y="14" font-size="11" fill="{INK}">'
                     f"{esc(label)}</text>")
        x += 17 + _text_width(label) + 16
    parts.append(_hatch(x, 4, 12, 12))
    parts.append(f'<text x="{x + 17:.0f}" y="14" font-size="11" fill="{INK}">'
                 f"{esc(unavailable)}</text>")
    width = round(x + 17 + _text_width(unavailable))
    return Markup(f'<svg class="legend" width="{width}" height="20" '
                  f'viewBox="0 0 {width} 20" role="img" aria-label="{esc(legend)}">'
                  + "".join(parts) + "</svg>")


def score_colour(score: float | None) -> str:
    """Green from 90, amber from 70, red below; grey when there is no score."""
    if score is None:
        return NA
    return SCORE_GOOD if score >= 90 else SCORE_FAIR if score >= 70 else SCORE_POOR


def score_ring(score: float | None, size: int = 132) -> Markup:
    """A ring gauge with the readiness score in the middle ("—" when not audited)."""
    r, stroke = 52.0, 12.0
    circumference = 2 * math.pi * r
    share = 0.0 if score is None else max(0.0, min(100.0, score)) / 100
    text = "—" if score is None else fmt_num(round(score, 1))
    label = _("not scored") if score is None else _("out of 100")
    aria = _("Readiness score") + " " + text
    return Markup(
        f'<svg class="ring" width="{size}" height="{size}" '
        f'viewBox="0 0 132 132" role="img" aria-label="{esc(aria)}">'
        f'<circle cx="66" cy="66" r="{r}" fill="none" stroke="{GRID}" stroke-width="{stroke}"/>'
        f'<circle cx="66" cy="66" r="{r}" fill="none" stroke="{score_colour(score)}" '
        f'stroke-width="{stroke}" stroke-linecap="round" transform="rotate(-90 66 66)" '
        f'stroke-dasharray="{circumference * share:.2f} {circumference:.2f}"/>'
        f'<text x="66" y="72" font-size="32" font-weight="700" text-anchor="middle" '
        f'fill="{INK}">{esc(text)}</text>'
        f'<text x="66" y="92" font-size="11" text-anchor="middle" fill="{MUTED}">'
        f"{esc(label)}</text></svg>")


def stacked_bar(components: Mapping[str, float], total: float = 100.0,
                width: int = 120) -> Markup:
    """One horizontal bar split into the score's components (top-8 ranking)."""
    parts = [f'<svg class="stack" width="{width}" '
             f'height="10" viewBox="0 0 {width} 10" role="img" aria-label="'
             + esc(_("Score components") + ": " + ", ".join(
                 f"{component_label(k)} {fmt_num(v)}" for k, v in components.items()))
             + '">',
             f'<rect width="{width}" height="10" rx="2" fill="{GRID}"/>']
    x = 0.0
    for key, value in components.items():
        w = width * max(0.0, float(value)) / total if total else 0.0
        if w <= 0:
            continue
        colour = COMPONENT_COLOURS.get(key, NA)
        parts.append(f'<rect x="{x:.2f}" width="{w:.2f}" height="10" fill="{colour}">'
                     f"<title>{esc(component_label(key))}: {esc(fmt_num(value))}</title>"
                     "</rect>")
        x += w
    parts.append("</svg>")
    return Markup("".join(parts))


def component_label(key: str) -> str:
    """What a component of an event's top-8 score measures, in words."""
    from .catalogue import COMPONENTS  # the catalogue's words, in the active language

    return str(COMPONENTS.get(key, key.replace("_", " ")))


def swatch(colour_key: str) -> Markup:
    """A small square in a component's colour, for legends."""
    colour = COMPONENT_COLOURS.get(colour_key, NA)
    return Markup(f'<svg class="swatch" width="10" '
                  f'height="10" viewBox="0 0 10 10" aria-hidden="true">'
                  f'<rect width="10" height="10" rx="2" fill="{colour}"/></svg>')
