"""``docs/checks.md``, generated from the registry so the reference never drifts from the code.

Regenerate with ``ios14-audit checks --markdown > docs/checks.md``; a unit test fails when
the committed file differs from :func:`render_markdown`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from audit.evaluate.checks.registry import REGISTRY, CheckMeta, Registry
from audit.models import Actor
from audit.platform import CHANGES

ACTOR_WORDS = {Actor.CLIENT_ADMIN: "the client's Business Manager admin",
               Actor.AGENCY: "the agency", Actor.WEB_DEVELOPER: "the client's web developer"}

REGENERATE = "ios14-audit checks --markdown > docs/checks.md"

_INTRO = """\
Every check the audit runs, by area, generated from the check registry: do not edit by
hand; regenerate with `{command}`.

A check yields PASS, WARN or FAIL per resource (pixel, domain, ad set, rule …), and
SKIPPED where the data it looks at could not be read.

- **Needs** are the snapshot reads a check cannot work without. When none of a need's
  reads succeeded (or none was made although the client has such resources), the check
  is not run and gets one standard SKIPPED finding naming the endpoints and errors.
- **Uses** are reads it looks at but can do without, such as a fallback source.
- **Parameters** can be changed per check in the config's `checks:` section.
- **Platform changes** are the dated Meta changes the check rests on; "reported" ones come
  from secondary sources.
"""


def _codes(values: Iterable[str]) -> str:
    return ", ".join(f"`{v}`" for v in values) or "—"


def _change(change_id: str) -> str:
    c = CHANGES[change_id]  # ids are validated when a check registers
    reported = "" if c.confirmed else " (reported)"
    return f"`{c.id}` ({c.date}){reported}: {c.title}"


def _check(meta: CheckMeta) -> list[str]:
    lines = [f"### `{meta.id}`", "", f"**{meta.title}**", "",
             f"- Severity: {meta.severity.value}",
             f"- Who acts: {ACTOR_WORDS[meta.actor]}",
             f"- Needs: {_codes(meta.needs)}",
             f"- Uses: {_codes(meta.uses)}"]
    if meta.params:
        lines.append("- Parameters (defaults):")
        lines += [f"  - `{name}`: `{json.dumps(value)}`" for name, value in meta.params.items()]
    else:
        lines.append("- Parameters: —")
    if meta.platform_changes:
        lines.append("- Platform changes:")
        lines += [f"  - {_change(c)}" for c in meta.platform_changes]
    else:
        lines.append("- Platform changes: —")
    if meta.when_not_audited:
        lines.append("- Runs even when the client could not be audited.")
    return [*lines, "", "Why it matters:", "", meta.why, ""]


def render_markdown(registry: Registry | None = None) -> str:
    """The checks reference: one section per area, every check's metadata and rationale."""
    metas = (registry or REGISTRY).all()
    areas: dict[str, list[CheckMeta]] = {}
    for meta in metas:
        areas.setdefault(meta.area, []).append(meta)
    lines = ["# Checks", "", _INTRO.format(command=REGENERATE),
             f"{len(metas)} checks in {len(areas)} areas: "
             + ", ".join(f"[{a}](#{a})" for a in areas) + ".", ""]
    for area, checks in areas.items():
        lines += [f"## {area}", ""]
        for meta in checks:
            lines += _check(meta)
    return "\n".join(lines).rstrip("\n") + "\n"
