"""The client report, its PDF variant and the agency index in the client's language.

Rendered in Dutch, a report shows none of the English UI strings the catalogue translates
(checked against every translated message); numbers, money, percentages and dates follow
the locale; what came from the API stays escaped and as named.
"""

from __future__ import annotations

import json

from audit.publish.render import i18n, render_index, render_report, render_technical
from audit.publish.render.formatting import (
    fmt_count,
    fmt_date,
    fmt_money,
    fmt_num,
    fmt_pct,
    fmt_when,
)
from audit.publish.render.report import report_language
from tests.i18n_scan import english_leftovers, strings_of, visible_text
from tests.unit.test_report_render import CLIENT, XSS, make_run


def data_strings(run: object) -> list[str]:
    return list(strings_of(json.loads(json.dumps(run.to_dict()))))  # type: ignore[attr-defined]


def test_money_counts_percentages_and_dates_in_english() -> None:
    assert fmt_money(1234.56, "EUR", "en") == "€1,234.56"
    assert fmt_money(1950, "AUD", "en") == "A$1,950.00"
    assert fmt_money(5000, "JPY", "en") == "¥5,000"
    assert fmt_count(1234, "en") == "1,234"
    assert fmt_num(2.5, locale="en") == "2.5"
    assert fmt_pct(0.125, locale="en") == "12.5%"
    assert fmt_pct(-0.0637, signed=True, locale="en") == "−6.4%"
    assert fmt_date("2026-11-30T12:56:00+00:00", "en") == "30 Nov 2026"
    assert fmt_when("2026-11-30T12:56:00+00:00", "en") == "30 Nov 2026, 12:56 UTC"


def test_money_counts_percentages_and_dates_in_dutch() -> None:
    # CLDR puts a no-break space between the sign and the amount in Dutch
    assert fmt_money(1234.56, "EUR", "nl") == "€\u00a01.234,56"
    assert fmt_money(1950, "AUD", "nl") == "AU$\u00a01.950,00"
    assert fmt_count(1234, "nl") == "1.234"
    assert fmt_num(2.5, locale="nl") == "2,5"
    assert fmt_pct(0.125, locale="nl") == "12,5%"  # CLDR: no space before % in Dutch
    assert fmt_date("2026-11-30T12:56:00+00:00", "nl") == "30 nov 2026"
    assert fmt_when("2026-03-05T08:07:00+00:00", "nl") == "5 mrt 2026, 08:07 UTC"


def test_the_active_language_sets_the_locale_of_every_filter() -> None:
    with i18n.language("nl"):
        assert fmt_money(1234.56, "EUR") == "€\u00a01.234,56"
        assert fmt_num(True) == "ja"
    assert fmt_money(1234.56, "EUR") == "€1,234.56"


def test_a_dutch_report_shows_no_english_ui_string() -> None:
    run = make_run()
    html = render_report(run, language="nl")
    assert '<html lang="nl">' in html
    assert english_leftovers(html, "nl", data_strings(run)) == []
    text = visible_text(html)
    for dutch in ("Wat er moet gebeuren", "Waarom het ertoe doet:", "Gereedheidsscore",
                  "De checklist in één oogopslag", "Begrippen in dit rapport"):
        assert dutch in text
    # what came from the API is still escaped, whatever the language
    assert XSS not in html and "Acme &lt;script&gt;" in html


def test_the_scan_finds_an_english_string_left_in_a_dutch_report() -> None:
    run = make_run()
    html = render_report(run, language="nl")
    planted = html.replace("Wat er moet gebeuren", "What to do", 1)
    assert english_leftovers(planted, "nl", data_strings(run)) == ["What to do"]
    # names from the run are data; an English label the run carries is not excused
    data = ["Purchase (website)", "Acme Purchase Club"]
    assert english_leftovers("<p>Acme Purchase Club</p>", "nl", data) == []
    assert english_leftovers("<p>Purchase (website)</p>", "nl", data) == ["Purchase (website)"]
    assert english_leftovers('<svg aria-label="Readiness score 5"></svg>', "nl", []) == [
        "Readiness score"]  # labels read out to screen readers count too


def test_the_pdf_variant_and_the_index_are_translated_too() -> None:
    run = make_run()
    pdf = render_report(run, language="nl", pdf=True)
    assert "Pagina " in pdf and "counter(page)" in pdf and "counter(pages)" in pdf
    assert english_leftovers(pdf, "nl", data_strings(run)) == []
    index = render_index([run], {"acme": "acme/report.html"}, {"name": "N"}, "r1",
                         language="nl")
    assert '<html lang="nl">' in index and "Klanten per stap van de checklist" in index
    assert english_leftovers(index, "nl", data_strings(run)) == []


def test_the_language_comes_from_the_call_then_run_json_then_english() -> None:
    run = make_run()
    assert report_language(run) == "en"
    run.client["language"] = "nl"
    assert report_language(run) == "nl"
    assert report_language(run, "en") == "en"
    assert "Wat er moet gebeuren" in render_report(run)
    assert "What to do" in render_report(run, language="en")


def test_the_technical_page_stays_english_for_a_dutch_client() -> None:
    run = make_run()
    run.client["language"] = "nl"
    tech = render_technical(run)
    assert '<html lang="en">' in tech and "Technical notes" in tech
    assert "Waarom het ertoe doet" not in tech


def test_the_footer_name_is_a_css_string_that_cannot_break_out() -> None:
    from audit.publish.render.templates import css_string, page_counter

    assert css_string('A"; } @page { x') == '"A\\22 \\3b  \\7d  \\40 page \\7b  x"'
    assert str(page_counter("Pagina {page} van {pages}")) == \
        '"Pagina " counter(page) " van " counter(pages)'
    pdf = render_report(make_run(), pdf=True)
    style = pdf[pdf.index("@page"):pdf.index("</style>", pdf.index("@page"))]
    assert CLIENT not in style and "<script" not in style
