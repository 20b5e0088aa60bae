"""Atomic file writes: a crash or a full disk never leaves half a file behind.

Every file the tool writes goes through these helpers, and every one of them passes the
content through :func:`audit.redact.redact` first: the one place where a token, an app
secret or an ``appsecret_proof`` is stopped on its way to disk, whatever produced the text
(a report, a CSV, run.json, a snapshot, a rules plan or backup, a PDF).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from audit import jsontext
from audit.redact import redact, redact_bytes


def write_text_atomic(path: Path, text: str) -> None:
    """Write text to ``path`` (secrets masked) through a temporary file in the same folder
    and a rename."""
    text = redact(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write bytes to ``path`` (secrets masked) through a temporary file in the same folder
    and a rename."""
    data = redact_bytes(data)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def finite(data: Any) -> Any:
    """``data`` with every NaN or infinite float replaced by None (unknown).

    JSON has no NaN or Infinity (RFC 8259, section 6); Python's json module writes them
    anyway unless told not to, and strict parsers then refuse the whole file. The facts
    layer keeps such values out of runs; this is the writers' guarantee.
    """
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite(v) for v in data]
    return data


def strict_dumps(data: Any, **options: Any) -> str:
    """``json.dumps`` that never writes NaN or Infinity (they become null)."""
    try:
        return json.dumps(data, allow_nan=False, **options)
    except ValueError:
        return json.dumps(finite(data), allow_nan=False, **options)


def ensure_writable(path: Path) -> None:
    """Raise OSError unless a file can be written at ``path`` (its folder is created if
    missing; a probe file is created there and removed at once)."""
    if path.is_dir():
        raise IsADirectoryError(21, "it is a folder", str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    Path(tmp).unlink(missing_ok=True)


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as indented, strict JSON to ``path``, atomically."""
    write_text_atomic(path, strict_dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_chunks_atomic(path: Path, chunks: Iterable[str]) -> None:
    """Write text pieces to ``path`` as they come (never all in memory, each one's secrets
    masked), atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for chunk in chunks:
                fh.write(redact(chunk))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def compact_json(data: Any) -> str:
    """``data`` as compact JSON text with non-ASCII characters kept.

    orjson encodes snapshots and runs about ten times faster than the standard library's C
    encoder (and fifty times faster than its indented, pure-Python one), which is most of
    the CPU a client's files cost. Integers beyond 64 bits, which orjson refuses, fall back
    to the standard encoder. Both write strict JSON: orjson writes NaN and infinities as
    null, and so does the fallback.
    """
    try:
        return jsontext.dumps(data).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return strict_dumps(data, ensure_ascii=False, separators=(",", ":"))


def link_atomic(src: Path, dst: Path) -> None:
    """Make ``dst`` the same file as ``src`` (a hard link), replacing ``dst`` atomically.

    The client folder's latest run.json, snapshot.json and findings.csv are the archived
    run's files under another name: written once, stored once. Where hard links are not
    possible (another file system), ``dst`` is a copy.
    """
    dst.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dst.name}.", dir=dst.parent)
    os.close(fd)
    try:
        os.unlink(tmp)
        try:
            os.link(src, tmp)
        except OSError:
            shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
