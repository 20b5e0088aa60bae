"""report.pdf through WeasyPrint: the optional extra, the data:-only fetcher, the footer.

Without the extra, ``--pdf`` stops at once with the install line (exit 2) and writes
nothing; with it, the renderer may embed ``data:`` URIs only, whatever a report contains.
"""

from __future__ import annotations

import base64
import io
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from audit.cli import cli
from audit.errors import ExitCode
from audit.publish.render import pdf as pdf_module
from audit.publish.render.pdf import INSTALL, PdfUnavailable, html_to_pdf, pdf_available
from tests.unit.test_report_render import CLIENT, make_run


def _png() -> bytes:
    """A one-pixel grey PNG, built here (a literal would look like a token to the scan)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit greyscale
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


PNG = _png()


def weasyprint_or_skip() -> None:
    try:
        pdf_available()
    except PdfUnavailable as exc:
        pytest.skip(str(exc))


def without_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    real = pdf_module.importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name == "weasyprint" else real(name, *args)

    monkeypatch.setattr(pdf_module.importlib.util, "find_spec", find_spec)


def test_without_the_extra_pdf_stops_with_the_install_line(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    without_weasyprint(monkeypatch)
    with pytest.raises(PdfUnavailable) as exc:
        pdf_available()
    assert INSTALL == "pip install 'ios14-audit[pdf]'" and INSTALL in str(exc.value)
    for args in (["demo", "--pdf", "--out", str(tmp_path / "demo")],
                 ["report", "--from", str(tmp_path), "--pdf"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == ExitCode.USAGE, result.output
        assert INSTALL in result.output
    assert not (tmp_path / "demo").exists()  # stopped before the sandbox or any write


def test_the_renderer_fetches_data_uris_only(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    weasyprint_or_skip()
    from weasyprint.urls import URLFetcher

    secret = tmp_path / "secret.png"
    secret.write_bytes(PNG)
    asked: list[str] = []
    real = URLFetcher.fetch

    def spy(self: Any, url: str, headers: Any = None) -> Any:
        asked.append(url)  # what reached WeasyPrint's own fetching
        return real(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", spy)
    data = "data:image/png;base64," + base64.b64encode(PNG).decode()
    html = (f'<link rel="stylesheet" href="{secret.as_uri()}">'
            f'<p>logo <img src="{data}"> file <img src="{secret.as_uri()}"> '
            '<img src="http://127.0.0.1:9/x.png"> <img src="relative.png"></p>')
    out = html_to_pdf(html)
    assert out.startswith(b"%PDF")
    assert asked == [data]  # the embedded image only: no file, no connection


def test_the_footer_carries_the_client_name_as_text(tmp_path: Path) -> None:
    weasyprint_or_skip()
    import pypdf

    from audit.publish.render.pdf import render_pdf

    pages = pypdf.PdfReader(io.BytesIO(render_pdf(make_run()))).pages
    assert len(pages) >= 2
    last = pages[-1].extract_text()
    # the hostile name is printed as text in the page margin, not interpreted as CSS/HTML
    assert f"{CLIENT} · iOS 14 readiness" in last
    assert f"Page {len(pages)} of {len(pages)}" in last


def test_a_pdf_that_cannot_be_made_leaves_the_html_report(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    from audit.publish import writer as writer_module
    from audit.publish.render import Branding, default_environment

    def broken(*args: Any, **kwargs: Any) -> bytes:
        raise RuntimeError("pango gave up")

    monkeypatch.setattr(writer_module, "render_pdf", broken)
    writer = writer_module.Writer(tmp_path, templates=default_environment(),
                                  branding=Branding(agency_name="N"), pdf=True)
    files = writer.write_reports(make_run(), tmp_path / "acme")
    assert files["report"].is_file() and "pdf" not in files
    assert not (tmp_path / "acme" / "report.pdf").exists()
    assert "report.pdf for acme could not be written" in caplog.text
