"""A real browser opens the demo reports: headless Chromium driven by Playwright.

Runs the demo in-process into a temporary folder, opens ``index.html`` and every client
report through ``file://`` URLs, and checks that nothing is fetched from anywhere else, the
console stays clean, the key sections are visible, the phone layout does not overflow and
the print stylesheet applies. Screenshots (desktop 1280 px and phone 390 px, full page)
are saved next to the reports and their paths printed.

Needs Debian's ``chromium`` (``/usr/bin/chromium``, or ``IOS14_AUDIT_CHROMIUM``) and the
``playwright`` Python package; it never downloads a browser (no ``playwright install``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

CHROMIUM = Path(os.environ.get("IOS14_AUDIT_CHROMIUM", "/usr/bin/chromium"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]
DESKTOP, PHONE = 1280, 390

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright for Python is not installed (pip install playwright; the browser "
           "comes from Debian's chromium package)")
if not CHROMIUM.is_file():
    pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)",
                allow_module_level=True)


@dataclass
class Visit:
    """One opened page and what happened while it loaded."""

    page: Any
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from audit.cli import cli

    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(cli, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "index.html").is_file()
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        yield b
        b.close()


def visit(browser: Any, path: Path, width: int) -> Visit:
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  device_scale_factor=1)
    page = context.new_page()
    seen = Visit(page)

    def on_console(msg: Any) -> None:
        # CSP violations (a blocked style, image or script) are reported as errors too
        if msg.type == "error" or "Content Security Policy" in msg.text:
            seen.console_errors.append(msg.text)

    def on_route(route: Any) -> None:
        url = route.request.url
        seen.requests.append(url)
        if url.startswith(("file://", "data:")):
            route.continue_()
        else:
            seen.blocked.append(url)
            route.abort()

    page.on("dialog", lambda dialog: (seen.console_errors.append(f"dialog: {dialog.message}"),
                                      dialog.dismiss()))
    page.on("console", on_console)
    page.on("pageerror", lambda exc: seen.console_errors.append(str(exc)))
    page.on("request", lambda req: seen.requests.append(req.url))
    page.route("**/*", on_route)
    page.goto(path.as_uri(), wait_until="load")
    return seen


def assert_clean(seen: Visit) -> None:
    remote = [u for u in seen.requests if not u.startswith(("file://", "data:"))]
    assert not remote and not seen.blocked, f"requests to other hosts: {remote or seen.blocked}"
    assert not seen.console_errors, seen.console_errors


def shoot(seen: Visit, path: Path) -> None:
    seen.page.screenshot(path=str(path), full_page=True)
    print(f"screenshot: {path}")


def clients(demo_dir: Path) -> list[Path]:
    found = sorted(p.parent for p in demo_dir.glob("*/report.html"))
    assert len(found) == 5
    return found


def test_index_opens_clean_and_links_every_report(demo_dir: Path, browser: Any) -> None:
    for width, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        seen = visit(browser, demo_dir / "index.html", width)
        page = seen.page
        assert page.locator("h1").is_visible()
        assert page.locator("table.matrix").is_visible()
        links = page.locator('table.matrix a[href$="report.html"]').evaluate_all(
            "els => els.map(e => e.href)")
        assert len(links) == 5
        assert page.locator('table.matrix a[href$="technical.html"]').count() == 5
        for href in links:
            assert href.startswith("file://") and Path(href[len("file://"):]).is_file()
        assert page.locator(".cell.st-action").count() > 0  # the matrix has statuses
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        shoot(seen, demo_dir / f"index-{name}.png")
        assert_clean(seen)
        page.context.close()


# What the demo world gives every client: findings, a top-8 list per domain, window totals
# and view windows Meta no longer returns. Only Aurora Living has automated rules on a
# retired window: three suggested replacements, seven changed filter rows in all.
RULE_DIFFS = {"aurora-living": (3, 7)}


def test_each_report_shows_its_key_sections(demo_dir: Path, browser: Any) -> None:
    for folder in clients(demo_dir):
        data = json.loads((folder / "run.json").read_text())
        seen = visit(browser, folder / "report.html", DESKTOP)
        page = seen.page
        assert data["client"]["name"] in page.locator("h1").inner_text()
        assert page.locator("#score svg.ring").is_visible()
        assert page.locator("#checklist .step").count() == 7
        assert page.locator("#checklist").is_visible()
        assert page.locator("#changes").is_visible()
        assert page.locator("#gaps").is_visible()
        sections = data["sections"]
        assert data["findings"] and sections["priorities"]["domains"], folder.name
        assert sections["windows"]["client_totals"] and sections["windows"]["unavailable"]
        assert page.locator("#actions .item, #passed li").first.is_visible()
        assert page.locator("#priorities .domain table").first.is_visible()
        chart = page.locator("#windows svg.chart").first
        assert chart.is_visible() and chart.bounding_box()["height"] > 100
        # in the report's language (the demo has a Dutch client)
        expected = {"en": "unavailable", "nl": "niet beschikbaar"}[
            data["client"].get("language", "en")]
        assert page.locator("#windows td.na").first.inner_text() == expected
        diffs, changed = RULE_DIFFS.get(folder.name, (0, 0))
        assert page.locator("#rules table.diff").count() == diffs, folder.name
        assert page.locator("#rules tr.changed").count() == changed, folder.name
        if diffs:
            assert page.locator("#rules table.diff").first.is_visible()
        shoot(seen, folder / "report-desktop.png")
        assert_clean(seen)
        seen.page.context.close()


def test_reports_fit_a_phone(demo_dir: Path, browser: Any) -> None:
    for folder in clients(demo_dir):
        seen = visit(browser, folder / "report.html", PHONE)
        page = seen.page
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE, f"{folder.name}: page is {width}px wide on a {PHONE}px phone"
        assert page.locator("#checklist .step").first.is_visible()
        shoot(seen, folder / "report-phone.png")
        assert_clean(seen)
        page.context.close()


PRINT_PAGES = 8  # the largest demo client, printed on A4


def test_largest_client_prints_on_at_most_eight_a4_pages(demo_dir: Path, browser: Any) -> None:
    pypdf = pytest.importorskip("pypdf", reason="pypdf counts the printed pages")
    data = {p.name: json.loads((p / "run.json").read_text()) for p in clients(demo_dir)}
    largest = max(data, key=lambda slug: len(data[slug]["findings"]))
    assert largest == "aurora-living"
    folder = demo_dir / largest
    seen = visit(browser, folder / "report.html", DESKTOP)
    page = seen.page
    page.emulate_media(media="print")
    style = page.evaluate("""() => ({
        nav: getComputedStyle(document.querySelector('nav.toc')).display,
        body: getComputedStyle(document.body).backgroundColor,
        thead: getComputedStyle(document.querySelector('thead')).display,
        folded: [...document.querySelectorAll('details.print-closed')].filter(
            d => d.querySelector('table, ul') &&
                 d.querySelector('table, ul').checkVisibility()).length,
    })""")
    assert style["nav"] == "none"
    assert style["body"] in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    assert style["thead"] == "table-header-group"  # headers repeat on continuation pages
    assert style["folded"] == 0, "lists folded on screen must stay folded in print"
    shoot(seen, folder / "report-print.png")
    pdf = folder / "report.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    pages = len(pypdf.PdfReader(str(pdf)).pages)
    print(f"pdf: {pdf} ({pages} pages)")
    assert pages <= PRINT_PAGES, f"{largest} prints on {pages} A4 pages"
    assert_clean(seen)
    page.context.close()


def test_hostile_names_stay_text_in_a_real_browser(tmp_path: Path, browser: Any) -> None:
    from audit.publish.render import render_report
    from tests.unit.test_report_render import CLIENT, make_run

    path = tmp_path / "hostile.html"
    path.write_text(render_report(make_run()), encoding="utf-8")
    seen = visit(browser, path, DESKTOP)
    page = seen.page
    assert page.locator("h1").inner_text() == CLIENT  # shown as text, not run
    assert page.locator("script").count() == 0
    assert page.locator("img").count() == 0
    assert page.locator("#windows svg.chart").first.is_visible()
    shoot(seen, tmp_path / "hostile-desktop.png")
    assert_clean(seen)  # no alert() dialog, no console error, no request
    page.context.close()
