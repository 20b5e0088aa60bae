"""Hostile config files: one clear line and exit 2, quickly and in bounded memory.

Each file goes through ``ios14-audit config check`` and ``run`` in a child process (so its
peak memory is its own, from ``getrusage``), and must end with exit code 2, a single
``error:`` line naming the problem, no traceback, within a few seconds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audit.config import MAX_CONFIG_BYTES
from audit.sandbox import demo_config_path

# Runs the command line as a grandchild and reports its exit code, output and peak RSS.
_MEASURE = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"code": done.returncode, "stdout": done.stdout, "stderr": done.stderr,
                  "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""

BOMB = "".join(
    f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9 if prev else ['"lol"'] * 9) + "]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True))


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def _files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """Each hostile file and a phrase its error must contain."""
    demo = demo_config_path().read_text(encoding="utf-8")
    big = tmp / "big.yaml"
    with big.open("w", encoding="utf-8") as fh:  # 50 MB of a valid-looking config
        fh.write(demo)
        line = "# " + "x" * 98 + "\n"
        fh.write(line * (50 * 1024 * 1024 // len(line)))
    return {
        "50 MB": (big, f"larger than {MAX_CONFIG_BYTES // 1024 // 1024} MB"),
        "alias bomb": (_write(tmp / "bomb.yaml", BOMB), "aliases"),
        "alias bomb inside a valid config": (
            _write(tmp / "bomb2.yaml", demo + "\nchecks:\n  bomb:\n" +
                   "".join("    " + line + "\n" for line in BOMB.splitlines())),
            "aliases"),
        "Latin-1": (_write(tmp / "latin1.yaml", demo.replace("Northwind Digital",
                                                             "Caf\u00e9 Digital")
                           .encode("latin-1")), "not UTF-8"),
        "UTF-16": (_write(tmp / "utf16.yaml", demo.encode("utf-16")), "not UTF-8"),
        "nested 10,000 deep": (_write(tmp / "deep.yaml", "agency: " + "[" * 10_000 +
                                      "]" * 10_000 + "\n"), "nest"),
        "nested 500 deep (blocks)": (
            _write(tmp / "deep2.yaml", "".join("  " * i + f"k{i}:\n" for i in range(500))
                   + "  " * 500 + "v\n"), "nested"),
        "python tag": (_write(tmp / "tag.yaml",
                              "agency: !!python/object/apply:os.system ['echo pwned']\n"),
                       "!!python/object"),
        "a list at the top": (_write(tmp / "list.yaml", "- agency\n- clients\n"),
                              "must be a YAML mapping"),
        "a scalar at the top": (_write(tmp / "scalar.yaml", "just text\n"),
                                "must be a YAML mapping"),
        "an alias loop": (_write(tmp / "loop.yaml", "agency: &a [1, *a]\n"), "loop"),
        "a NUL byte": (_write(tmp / "nul.yaml", demo.encode("utf-8") + b"\x00\n"),
                       "line"),
    }


CASES = ["50 MB", "alias bomb", "alias bomb inside a valid config", "Latin-1", "UTF-16",
         "nested 10,000 deep", "nested 500 deep (blocks)", "python tag", "a list at the top",
         "a scalar at the top", "an alias loop", "a NUL byte"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    return _files(tmp_path_factory.mktemp("configs"))


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", ["config check", "run"])
def test_a_hostile_config_is_one_clear_error(case, command, hostile, tmp_path):
    path, phrase = hostile[case]
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-m", "audit", *command.split(),
         "-c", str(path)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
        env={**os.environ, "COLUMNS": "200"})
    took = time.monotonic() - started
    result = json.loads(done.stdout)
    assert result["code"] == 2, result
    lines = [line for line in result["stderr"].splitlines() if line.strip()]
    assert len(lines) == 1, result["stderr"]
    assert lines[0].startswith(f"error: {path}: "), lines[0]
    assert phrase in lines[0], lines[0]
    assert result["stdout"] == ""
    assert took < 10, f"{case}: {took:.1f}s"  # bounded time (about 1 s here)
    assert result["rss_mb"] < 250, f"{case}: {result['rss_mb']:.0f} MB"  # bounded memory
    assert not (tmp_path / "reports").exists()
