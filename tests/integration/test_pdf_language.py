"""The demo with a Dutch client, and report.pdf beside every report (the pdf extra).

``ios14-audit demo --pdf`` through the CLI, the SDK and the sandbox: BrightSmile Dental's
report and PDF are in Dutch, the others and the index in English; every PDF opens with
pypdf, the largest client's fits 8 A4 pages, page 1 names the client, later pages carry
the footer (client and page numbers), fonts are embedded and the charts are vectors.
Every demo run rendered in Dutch shows no English UI string from the catalogue.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from audit.errors import ExitCode
from audit.publish.render import render_report
from audit.publish.render.pdf import INSTALL, PdfUnavailable, pdf_available
from audit.publish.runfile import load_run
from tests.i18n_scan import english_leftovers, strings_of
from tests.integration.conftest import run_cli, write_config

PAGES = 8  # the largest demo client on A4, as for the browser's print (tests/browser)
DUTCH = "brightsmile-dental"


def pdf_or_skip() -> None:
    try:
        pdf_available()
    except PdfUnavailable as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def demo_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pdf_or_skip()
    out = tmp_path_factory.mktemp("demo-pdf") / "out"
    result = run_cli("demo", "--out", str(out), "--pdf")
    assert result.exit_code == 0, result.output
    assert "pdf:      5 report.pdf" in result.output
    return out


def pages(path: Path) -> list[Any]:
    import pypdf

    return list(pypdf.PdfReader(str(path)).pages)


def test_the_dutch_client_gets_a_dutch_report_and_the_others_english(demo_pdf: Path) -> None:
    for folder in sorted(p.parent for p in demo_pdf.glob("*/run.json")):
        data = json.loads((folder / "run.json").read_text())
        html = (folder / "report.html").read_text(encoding="utf-8")
        lang = "nl" if folder.name == DUTCH else "en"
        assert data["client"]["language"] == lang, folder.name  # recorded for re-renders
        assert f'<html lang="{lang}">' in html
    dutch = (demo_pdf / DUTCH / "report.html").read_text(encoding="utf-8")
    assert "Wat er moet gebeuren" in dutch and "Gegevensbronnen → Datasets" in dutch
    assert "Bedrijfsinstellingen" in dutch and "Partner toewijzen" in dutch
    assert "£\u00a01.626,80" in dutch  # money by the Dutch locale, in the account's currency
    data = json.loads((demo_pdf / DUTCH / "run.json").read_text())
    assert english_leftovers(dutch, "nl", strings_of(data)) == []
    index = (demo_pdf / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in index  # the agency's language (report.language)
    assert '<html lang="en">' in (demo_pdf / DUTCH / "technical.html").read_text()


def test_every_demo_run_rendered_in_dutch_has_no_english_ui_string(demo_pdf: Path) -> None:
    for path in sorted(demo_pdf.glob("*/run.json")):
        run = load_run(path)
        html = render_report(run, language="nl")
        data = json.loads(path.read_text())
        assert english_leftovers(html, "nl", strings_of(data)) == [], path.parent.name


def test_every_report_has_a_pdf_within_bounds_with_its_footer(demo_pdf: Path) -> None:
    runs = {p.parent.name: json.loads(p.read_text()) for p in demo_pdf.glob("*/run.json")}
    largest = max(runs, key=lambda slug: len(runs[slug]["findings"]))
    assert largest == "aurora-living"
    for slug, data in runs.items():
        pdf = demo_pdf / slug / "report.pdf"
        doc = pages(pdf)
        name = data["client"]["name"]
        assert len(doc) >= 2, slug
        if slug == largest:
            assert len(doc) <= PAGES, f"{slug} prints on {len(doc)} A4 pages"
        first, last = doc[0].extract_text(), doc[-1].extract_text()
        assert name in first, slug
        words = ("iOS 14-gereedheid", "Pagina {} van {}") if slug == DUTCH else (
            "iOS 14 readiness", "Page {} of {}")
        assert f"{name} · {words[0]}" in last, slug
        assert words[1].format(len(doc), len(doc)) in last, slug
        assert words[1].format(1, len(doc)) in first, slug


def test_the_pdf_embeds_its_fonts_and_draws_charts_as_vectors(demo_pdf: Path) -> None:
    doc = pages(demo_pdf / "aurora-living" / "report.pdf")
    fonts = images = 0
    for page in doc:
        resources = page["/Resources"]
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts") or [font]
            for d in descendants:
                descriptor = d.get_object()["/FontDescriptor"].get_object()
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts += 1
        for xobject in (resources.get("/XObject") or {}).values():
            images += xobject.get_object().get("/Subtype") == "/Image"
    assert fonts > 0
    assert images == 0  # the demo has no logo, and its charts are drawn, not pictures
    text = "".join(p.extract_text() for p in doc)
    assert "Conversions by attribution window" in text  # the SVG chart's own text


def test_report_from_keeps_each_clients_language_and_writes_pdfs(demo_pdf: Path,
                                                                 tmp_path: Path) -> None:
    result = run_cli("report", "--from", str(demo_pdf / DUTCH / "run.json"), "--out",
                     str(tmp_path / "again"), "--pdf")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "again" / DUTCH / "report.html").read_text(encoding="utf-8")
    assert '<html lang="nl">' in html
    assert "Pagina 1 van" in pages(tmp_path / "again" / DUTCH / "report.pdf")[0].extract_text()


def test_run_pdf_without_the_extra_stops_before_any_api_call(
        sandbox: Any, tokens: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from audit.publish.render import pdf as pdf_module

    monkeypatch.setattr(pdf_module.importlib.util, "find_spec",
                        lambda name, *a: None)
    config = write_config(tmp_path, sandbox.base_url)
    result = run_cli("run", "-c", str(config), "--pdf")
    assert result.exit_code == ExitCode.USAGE
    assert INSTALL in result.output
    assert sandbox.requests == []  # not one call to the Graph API
    assert not (tmp_path / "out").exists()


def test_an_unknown_report_language_is_a_config_error(tmp_path: Path) -> None:
    config = write_config(tmp_path, "http://127.0.0.1:9", report={"language": "fr"})
    result = run_cli("config", "check", "-c", str(config))
    assert result.exit_code == ExitCode.USAGE
    assert re.search(r'report\.language: no catalogue for "fr"; available: en, nl',
                     result.output)
