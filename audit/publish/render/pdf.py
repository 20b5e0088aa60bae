"""The client report as PDF, through WeasyPrint (an optional extra: ``ios14-audit[pdf]``).

The PDF is rendered from the same template and context as ``report.html``, with ``pdf``
set: a cover block, A4 pages numbered in the footer with the client's name, table headers
repeated on every page, folded lists kept folded, the inline SVG charts drawn as vectors
and the fonts used embedded (WeasyPrint subsets and embeds every font it draws with).

The report is self-contained (a strict Content-Security-Policy, no external resource), so
the URL fetcher given to WeasyPrint refuses anything but ``data:`` URIs: nothing in a
report, whatever came from the API, can make the PDF renderer read a file or open a
connection. https://doc.courtbouillon.org/weasyprint/stable/first_steps.html#security
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import threading
from typing import Any

import jinja2

from audit.errors import AuditError
from audit.evaluate.run import RunResult
from audit.redact import redact

from .branding import Branding
from .report import render_report

log = logging.getLogger(__name__)

# Clients are written side by side in threads; PDFs are made one at a time. WeasyPrint's
# layout is pure Python (no gain from threads under the GIL) and Pango, which shapes its
# text, is not documented as safe to use from several threads at once.
_ONE_AT_A_TIME = threading.Lock()

INSTALL = "pip install 'ios14-audit[pdf]'"


class PdfUnavailable(AuditError):
    """``--pdf`` was asked for but WeasyPrint (the ``pdf`` extra) cannot be used."""


def pdf_available() -> None:
    """Raise :class:`PdfUnavailable` with the install line unless WeasyPrint can be used.

    Called before any API call, so a run asked for PDFs fails at once, not after the audit.
    """
    if importlib.util.find_spec("weasyprint") is None:
        raise PdfUnavailable(f"--pdf needs WeasyPrint, an optional extra: {INSTALL}")
    try:
        import weasyprint  # noqa: F401  # Pango and its libraries are loaded here
    except (ImportError, OSError) as exc:
        raise PdfUnavailable(f"--pdf needs WeasyPrint, which cannot load ({exc}); see "
                             "https://doc.courtbouillon.org/weasyprint/stable/first_steps.html"
                             f" for the system libraries it needs, then {INSTALL}") from None
    try:
        from weasyprint.urls import URLFetcher  # noqa: F401  # WeasyPrint 68 and later
    except ImportError:
        raise PdfUnavailable(f"--pdf needs WeasyPrint 68 or later: {INSTALL} --upgrade"
                             ) from None


class RefusedResource(ValueError):
    """A report asked WeasyPrint for something other than a ``data:`` URI."""


@functools.lru_cache(maxsize=1)
def _fetcher_class() -> type[Any]:
    """WeasyPrint's URL fetcher, limited to ``data:`` URIs (built when first needed, since
    WeasyPrint is optional). WeasyPrint 68 made fetchers subclasses of ``URLFetcher``:
    https://doc.courtbouillon.org/weasyprint/stable/first_steps.html#url-fetchers"""
    from weasyprint.urls import URLFetcher

    class DataOnlyFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint is untyped
        """Embeds ``data:`` URIs (the agency's logo); refuses files and connections."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                log.warning("report.pdf: refused to fetch %.80s (only data: URIs are "
                            "embedded)", url)
                raise RefusedResource(f"the report may only embed data: URIs, not "
                                      f"{url[:80]!r}")
            return super().fetch(url, headers)

    return DataOnlyFetcher


def data_only_fetcher() -> Any:
    """A URL fetcher for WeasyPrint that embeds ``data:`` URIs and nothing else."""
    return _fetcher_class()()


def html_to_pdf(html: str) -> bytes:
    """The PDF of a report rendered with ``pdf=True`` (see :func:`.render_report`)."""
    from weasyprint import HTML

    # WeasyPrint warns about each screen-only CSS declaration it ignores (the stylesheet is
    # shared with browsers); those are expected, so only its errors are let through.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    # No base_url: a relative reference has nothing to resolve against, and every URL
    # goes through the fetcher above.
    with _ONE_AT_A_TIME:
        return bytes(HTML(string=html, url_fetcher=data_only_fetcher()).write_pdf())




def render_pdf(run: RunResult, env: jinja2.Environment | None = None,
               branding: Branding | None = None, *, language: str | None = None) -> bytes:
    """``report.pdf``: the client report in ``language``, as PDF."""
    # The PDF's text is compressed on the way out: the HTML is scrubbed of credentials
    # before it goes in (the file writer scrubs the bytes too, which catches only plain text).
    return html_to_pdf(redact(render_report(run, env, branding, language=language, pdf=True)))


__all__ = ["INSTALL", "PdfUnavailable", "RefusedResource", "data_only_fetcher",
           "html_to_pdf", "pdf_available", "render_pdf"]
