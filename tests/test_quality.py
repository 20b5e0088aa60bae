"""The code base stays type-checked (mypy --strict) and lint-clean (ruff)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_ruff_is_clean() -> None:
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def test_only_one_module_imports_the_sdk() -> None:
    import re

    pattern = re.compile(r"^\s*(from|import)\s+facebook_business", re.MULTILINE)
    importers = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "audit").rglob("*.py")
                       if pattern.search(p.read_text()))
    assert importers == ["audit/graph/sdk.py"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_no_generated_output_or_token_shaped_strings_are_tracked() -> None:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    assert not [f for f in files if f.startswith("reports/output")]
    import re

    token = re.compile(r"EAA[A-Za-z0-9]{30,}")
    offenders = [f for f in files if (ROOT / f).is_file() and (ROOT / f).suffix in
                 (".py", ".yaml", ".yml", ".json", ".md", ".j2", ".toml")
                 and token.search((ROOT / f).read_text(errors="replace"))]
    assert offenders == []
