"""Answers that are JSON but hostile: nested 5,000 deep, 10 MB strings, text that reorders
the page, markup. Through the real SDK and CLI, via the mutating proxy in front of the
sandbox: one read fails or one value is bounded, and the rest of the audit stands."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from audit.errors import ExitCode
from tests.faults.conftest import cli, fault_config, history_rows, load_json_strict
from tests.faults.servers import Literal, MutatingProxy, deep_json

CLIENT = "lumen-outdoor"
PIXEL = "200000000000001"
TEN_MB = 10 * 1024 * 1024
MARKER = "… [truncated, 10,485,760 characters]"
# Where a pixel's name comes from: the client business's pixels, or the pixel itself.
PIXEL_NAME_PATHS = rf"/(owned_pixels|client_pixels|{PIXEL}/?)$"


def _run(tmp_path: Path, proxy: MutatingProxy) -> tuple[int, str, str, Path]:
    config = fault_config(tmp_path, proxy.base_url, clients=(CLIENT,),
                          graph={"timeout_seconds": 20})
    result = cli("run", "-c", str(config))
    return result.code, result.out, result.err, tmp_path / "out"


def _rename_pixel(name: str) -> Any:
    def mutate(data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("data"), list):
            return {**data, "data": [mutate(i) for i in data["data"]]}
        if isinstance(data, dict) and str(data.get("id")) == PIXEL:
            return {**data, "name": name}
        return data
    return mutate


def _files(out: Path) -> list[Path]:
    return [p for p in out.rglob("*") if p.is_file()]


def test_an_answer_nested_5000_deep_is_an_invalid_response_not_a_crash(
        proxy: MutatingProxy, tmp_path: Path, tokens: dict[str, str]) -> None:
    rule = proxy.rewrite(r"/adrules_library$", lambda _: Literal(deep_json(5000).decode()))
    code, out, err, folder = _run(tmp_path, proxy)
    assert rule.applied >= 1
    assert code == ExitCode.OK, err
    assert "RecursionError" not in out + err and "Traceback" not in out + err
    run = load_json_strict(folder / CLIENT / "run.json")
    assert run["status"] == "partial"
    failed = [e for e in run["collection_errors"] if e["endpoint"].endswith("/adrules_library")]
    assert failed and failed[0]["kind"] == "invalid_response"
    assert "nested deeper than 254 levels" in failed[0]["message"]
    rules = [f for f in run["findings"] if f["check_id"] == "rules_window_supported"]
    assert [f["status"] for f in rules] == ["SKIPPED"]
    assert "adrules_library could not be read (invalid_response error)" in rules[0]["message"]
    assert (folder / CLIENT / "report.html").is_file()


def test_a_10_mb_error_message_is_cut_with_a_marker_everywhere(
        proxy: MutatingProxy, tmp_path: Path, tokens: dict[str, str]) -> None:
    error = {"error": {"message": "E" * TEN_MB, "type": "OAuthException", "code": 100}}
    proxy.rewrite(r"/adrules_library$", lambda _: error, status=400)
    code, _, err, folder = _run(tmp_path, proxy)
    assert code == ExitCode.OK, err[-2000:]
    run = load_json_strict(folder / CLIENT / "run.json")
    failed = [e for e in run["collection_errors"] if e["endpoint"].endswith("/adrules_library")]
    assert failed[0]["message"].endswith(MARKER)
    assert len(failed[0]["message"]) < 1_100
    assert MARKER in (folder / CLIENT / "technical.html").read_text(encoding="utf-8")
    assert "E" * 2_000 not in err  # nor in the console
    for path in [*_files(folder)]:
        assert path.stat().st_size < 2_000_000, path


def test_a_10_mb_name_is_cut_with_a_marker_in_reports_csv_and_history(
        proxy: MutatingProxy, tmp_path: Path, tokens: dict[str, str]) -> None:
    proxy.rewrite(PIXEL_NAME_PATHS, _rename_pixel("N" * TEN_MB), method="GET")
    code, _, err, folder = _run(tmp_path, proxy)
    assert code == ExitCode.OK, err[-2000:]
    report = (folder / CLIENT / "report.html").read_text(encoding="utf-8")
    assert MARKER in report
    assert MARKER in (folder / CLIENT / "findings.csv").read_text(encoding="utf-8")
    snapshot = (folder / CLIENT / "snapshot.json").read_text(encoding="utf-8")
    assert MARKER in snapshot and "N" * 10_001 not in snapshot
    assert history_rows(folder)[-1]["status"] == "audited"
    for path in _files(folder):
        assert path.stat().st_size < 5_000_000, path


@pytest.mark.parametrize("control", ["\u202e", "\u202b", "\u2067"],
                         ids=["RLO", "RLE", "RLI"])
def test_bidi_controls_in_names_cannot_reorder_reports_or_csv(
        control: str, proxy: MutatingProxy, tmp_path: Path, tokens: dict[str, str]) -> None:
    proxy.rewrite(PIXEL_NAME_PATHS, _rename_pixel(f"Shop{control}gnp.exe"), method="GET")
    code, _, err, folder = _run(tmp_path, proxy)
    assert code == ExitCode.OK, err
    visible = f"Shop[U+{ord(control):04X}]gnp.exe"
    for name in ("report.html", "technical.html", "findings.csv"):
        text = (folder / CLIENT / name).read_text(encoding="utf-8")
        assert control not in text, name
        assert visible in text, name
    assert control not in (folder / "findings.csv").read_text(encoding="utf-8")


def test_markup_in_names_is_escaped(proxy: MutatingProxy, tmp_path: Path,
                                    tokens: dict[str, str]) -> None:
    injected = '<script>alert("pixel")</script><img src=x onerror=alert(1)>'
    proxy.rewrite(PIXEL_NAME_PATHS, _rename_pixel(injected), method="GET")
    code, _, err, folder = _run(tmp_path, proxy)
    assert code == ExitCode.OK, err
    for name in ("report.html", "technical.html"):
        text = (folder / CLIENT / name).read_text(encoding="utf-8")
        assert injected not in text and "<script>alert" not in text, name
        assert "&lt;script&gt;alert(" in text, name
