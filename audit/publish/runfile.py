"""``run.json`` on disk: the JSON Schema, validation, reading and atomic writing.

``run.json`` is the canonical, versioned output; HTML and CSV are rendered from it, and
``audit/publish/schema/run.schema.json`` documents it (every run is validated against it
before it is re-rendered).
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from audit.errors import AuditError
from audit.evaluate.run import RunResult
from audit.files import write_text_atomic


class RunFileError(AuditError):
    """A run.json file is missing, unreadable, or does not match the schema."""


def load_schema() -> dict[str, Any]:
    """The JSON Schema of run.json shipped in the package."""
    text = resources.files("audit.publish").joinpath("schema/run.schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def save_run(run: RunResult, *paths: Path, text: str | None = None) -> None:
    """Write run.json atomically to each path (``text``: ``run.to_json()`` when the
    caller has it already)."""
    text = run.to_json() if text is None else text
    for path in paths:
        write_text_atomic(path, text)


def validate_run(data: Any, source: str = "run.json") -> None:
    """Raise RunFileError naming the first problem if ``data`` is not a valid run.json."""
    try:
        jsonschema.validate(data, load_schema())
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise RunFileError(f"{source}: {where}: {exc.message}") from None


def load_run(path: Path) -> RunResult:
    """Read and validate a run.json file."""
    try:
        # Bare NaN/Infinity (written by versions before strict JSON) are read as unknown.
        data = json.loads(Path(path).read_text(encoding="utf-8"), parse_constant=lambda _: None)
    except FileNotFoundError:
        raise RunFileError(f"{path}: file not found") from None
    except (OSError, ValueError) as exc:
        raise RunFileError(f"{path}: cannot read JSON ({exc})") from None
    validate_run(data, str(path))
    return RunResult.from_dict(data)
