"""Numbers that cannot be right: NaN, infinities, 1e400, negative spend and counts.

The mutating proxy poisons Insights figures, ad-set spend or pixel counts on their way from
the sandbox. The audit completes (partial), sets each value aside as unknown with its
evidence, writes strict JSON everywhere, renders every report, records a real score, and
``report --from`` re-renders the run.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from audit.errors import ExitCode
from tests.faults.conftest import cli, fault_config, history_rows, load_json_strict
from tests.faults.servers import Literal, MutatingProxy

CLIENT = "lumen-outdoor"
FIGURES = ("spend", "value", "1d_click", "7d_click", "28d_click", "1d_view")


def _poison(value: Any) -> Any:
    """Every spend and conversion figure of an Insights answer set to ``value``."""
    def mutate(data: Any) -> Any:
        if isinstance(data, dict):
            out = {k: mutate(v) for k, v in data.items()}
            for key in FIGURES:
                if key in out and isinstance(out[key], (str, int, float)):
                    out[key] = value
            return out
        if isinstance(data, list):
            return [mutate(v) for v in data]
        return data
    return mutate


# (what the proxy sends, how it appears as evidence, the problem named)
POISONS = {
    "NaN": (Literal("NaN"), "NaN", "not a number"),
    "NaN-string": ("NaN", "NaN", "not a number"),
    "Infinity": (Literal("Infinity"), "Infinity", "infinite"),
    "-Infinity": (Literal("-Infinity"), "-Infinity", "infinite"),
    "1e400": (Literal("1e400"), "1e400", "infinite"),
    "1e400-string": ("1e400", "1e400", "infinite"),
    "1e300": ("1e300", "1e300", "implausibly large"),
    "negative": ("-250.00", "-250.00", "negative"),
}


def _run(tmp_path: Path, proxy: MutatingProxy, *extra: str) -> tuple[int, str, str, Path]:
    config = fault_config(tmp_path, proxy.base_url, clients=(CLIENT,),
                          graph={"timeout_seconds": 20})
    result = cli("run", "-c", str(config), *extra)
    return result.code, result.out, result.err, tmp_path / "out"


def _strict_json_everywhere(folder: Path) -> None:
    for path in folder.rglob("*.json"):
        load_json_strict(path)  # raises on bare NaN/Infinity


@pytest.mark.parametrize("poison", sorted(POISONS))
def test_insights_numbers_that_cannot_be_right_are_set_aside_with_evidence(
        poison: str, proxy: MutatingProxy, tmp_path: Path, tokens: dict[str, str]) -> None:
    sent, raw, problem = POISONS[poison]
    rule = proxy.rewrite(r"/insights$", _poison(sent))
    code, out, err, folder = _run(tmp_path, proxy, "--json")
    assert rule.applied >= 1
    assert code == ExitCode.OK, err[-3000:]
    assert "Traceback" not in out + err
    summary = json.loads(out, parse_constant=lambda c: pytest.fail(f"bare {c} on stdout"))
    assert summary["clients"][0]["status"] == "partial"
    _strict_json_everywhere(folder)
    run = load_json_strict(folder / CLIENT / "run.json")
    assert run["status"] == "partial"
    invalid = run["sections"]["invalid_values"]
    spend = [v for v in invalid if v["field"] == "spend"]
    assert spend and {v["raw"] for v in spend} == {raw}
    assert {v["problem"] for v in invalid} == {problem}
    assert all(v["endpoint"].endswith("/insights") and v["object"] for v in invalid)
    # Unknown is not zero, and not NaN: the window comparison flags the rows it cannot use.
    windows = run["sections"]["windows"]
    assert windows["rows"]["campaign"]
    assert all(row["inconsistent"] for row in windows["rows"]["campaign"])
    for name in ("report.html", "technical.html", "findings.csv"):
        assert (folder / CLIENT / name).is_file(), name
    technical = (folder / CLIENT / "technical.html").read_text(encoding="utf-8")
    assert "Numbers from Meta that cannot be right" in technical and raw in technical
    report = (folder / CLIENT / "report.html").read_text(encoding="utf-8")
    assert ">nan<" not in report.lower() and "inf%" not in report.lower()
    assert 'id="invalid-values"' in report  # the client is told figures were left out
    rows = history_rows(folder)
    assert rows[-1]["status"] == "partial"
    assert rows[-1]["score"] is not None and math.isfinite(rows[-1]["score"])
    assert rows[-1]["score"] == run["summary"]["score"]

    again = cli("report", "--from", str(folder / CLIENT / "run.json"),
                "--out", str(tmp_path / "again"))
    assert again.code == ExitCode.OK, again.err
    assert (tmp_path / "again" / CLIENT / "report.html").is_file()


def test_negative_ad_set_spend_is_flagged_not_summed(
        proxy: MutatingProxy, tmp_path: Path, tokens: dict[str, str]) -> None:
    # adset_spend is the insights read with only adset_id, adset_name and spend.
    proxy.rewrite(r"/insights$", lambda data: _poison("-99.50")(data)
                  if "actions" not in json.dumps(data) else data)
    code, _, err, folder = _run(tmp_path, proxy)
    assert code == ExitCode.OK, err
    run = load_json_strict(folder / CLIENT / "run.json")
    flagged = [v for v in run["sections"]["invalid_values"]
               if v["key"].endswith("/adset_spend")]
    assert flagged and {(v["field"], v["raw"], v["problem"]) for v in flagged} == {
        ("spend", "-99.50", "negative")}
    adsets = run["sections"]["events"]["adsets"]
    assert adsets and all((a["spend_28d"] or 0) >= 0 for a in adsets)


def test_negative_and_absurd_pixel_counts_are_set_aside(
        proxy: MutatingProxy, tmp_path: Path, tokens: dict[str, str]) -> None:
    def counts(data: Any) -> Any:
        for bucket in data.get("data", []):
            for i, row in enumerate(bucket.get("data", [])):
                row["count"] = [-5, Literal("NaN"), "1e400"][i % 3]
        return data
    proxy.rewrite(r"/stats$", counts)
    code, out, err, folder = _run(tmp_path, proxy)
    assert code == ExitCode.OK, err
    assert "Traceback" not in out + err
    _strict_json_everywhere(folder)
    run = load_json_strict(folder / CLIENT / "run.json")
    problems = {(v["raw"], v["problem"]) for v in run["sections"]["invalid_values"]
                if "/stats/" in v["key"]}
    assert problems == {("-5", "negative"), ("NaN", "not a number"), ("1e400", "infinite")}
    assert (folder / CLIENT / "report.html").is_file()
