"""Repository hygiene that no linter checks: no generated output or real-looking tokens.

Style (ruff), types (mypy --strict) and the import layers (import-linter) run from
``.ci/run`` before the tests, not inside them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOKEN = re.compile(r"EAA[A-Za-z0-9]{30,}")


@pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")
def test_no_generated_output_or_token_shaped_strings_are_tracked() -> None:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout.split()
    assert files, "git ls-files listed nothing: run the tests from a checkout"
    assert not [f for f in files if f.startswith("reports/output")]
    offenders = [f for f in files if (ROOT / f).is_file() and (ROOT / f).suffix in
                 (".py", ".yaml", ".yml", ".json", ".md", ".j2", ".toml")
                 and TOKEN.search((ROOT / f).read_text(errors="replace"))]
    assert offenders == []
