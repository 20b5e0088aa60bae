"""Run the registered checks over a snapshot: pure, deterministic, crash-proof.

A check whose ``needs`` could not be read is not run: it gets one standard SKIPPED finding
naming the failed endpoints. A check that raises becomes an ERROR finding (a crash never
disappears from the report); a check that yields nothing becomes SKIPPED. Parameters come
from the check's defaults, overridden by the config's ``checks:`` section.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from audit.config import MuteConfig
from audit.evaluate.analysis import Analysis
from audit.evaluate.checks import registry as reg
from audit.evaluate.needs import index_reads, skip_evidence, skip_message, unmet_needs
from audit.models import Finding, Resource, Status
from audit.redact import redact

log = logging.getLogger(__name__)


class CheckParamError(ValueError):
    """A ``checks:`` override names an unknown check or parameter, or has the wrong type."""


def _coerce(check_id: str, name: str, default: Any, value: Any) -> Any:
    where = f"checks.{check_id}.{name}"
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise CheckParamError(f"{where}: must be true or false")
        return value
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise CheckParamError(f"{where}: must be a number (default {default})")
        return type(default)(value) if isinstance(default, float) else value
    if isinstance(default, (list, tuple)):
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float))
                                                  for v in value):
            raise CheckParamError(f"{where}: must be a list like {list(default)}")
        return list(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise CheckParamError(f"{where}: must be a string (default {default!r})")
        return value
    return value


def resolve_params(meta: reg.CheckMeta, overrides: Mapping[str, Any] | None) -> dict[str, Any]:
    """The check's parameters with config overrides applied and type-checked."""
    params = dict(meta.params)
    for name, value in (overrides or {}).items():
        if name not in meta.params:
            known = ", ".join(meta.params) or "none"
            raise CheckParamError(f"checks.{meta.id}.{name}: unknown parameter; "
                                  f"this check's parameters: {known}")
        params[name] = _coerce(meta.id, name, meta.params[name], value)
    return params


def validate_overrides(overrides: Mapping[str, Mapping[str, Any]],
                       registry: reg.Registry | None = None) -> list[str]:
    """Problems in a config's ``checks:`` section (empty when all is well)."""
    registry = registry or reg.REGISTRY
    problems = []
    for check_id, values in overrides.items():
        meta = registry.get(check_id)
        if meta is None:
            problems.append(f"checks.{check_id}: unknown check id; run 'ios14-audit checks' "
                            "for the list")
            continue
        try:
            resolve_params(meta, values)
        except CheckParamError as exc:
            problems.append(str(exc))
    return problems


def apply_mutes(findings: list[Finding], mutes: Sequence[MuteConfig], today: date
                ) -> list[Finding]:
    """Mark findings covered by a current mute entry; expired entries mute nothing."""
    out = []
    for f in findings:
        entry = next((m for m in mutes if m.matches(f.check_id, f.client, f.resource.type,
                                                    f.resource.id)), None)
        current = entry is not None and (entry.until is None or today <= entry.until)
        if entry is not None and current and f.status is not Status.PASS:
            until = f" (until {entry.until.isoformat()})" if entry.until else ""
            f = replace(f, muted=f"{entry.reason}{until}")
        out.append(f)
    return out


def validate_mutes(mutes: Sequence[MuteConfig], registry: reg.Registry | None = None
                   ) -> list[str]:
    """Problems in a config's ``mute:`` section."""
    registry = registry or reg.REGISTRY
    return [f"mute[{i}].check: unknown check id {m.check!r}; run 'ios14-audit checks'"
            for i, m in enumerate(mutes) if m.check not in registry]


def _crash(meta: reg.CheckMeta, analysis: Analysis, exc: BaseException) -> Finding:
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = [f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} in {f.name}" for f in frames]
    ctx = reg.CheckContext(meta, analysis, {})
    return ctx.finding(
        Status.ERROR, Resource("check", meta.id),
        redact(f"the check crashed ({type(exc).__name__}: {exc}); its result is unknown"),
        evidence={"traceback": where},
    )


def run_checks(
    analysis: Analysis,
    overrides: Mapping[str, Mapping[str, Any]] | None = None,
    registry: reg.Registry | None = None,
) -> list[Finding]:
    """Evaluate every check on ``analysis``; findings in check order, then resource order."""
    view = analysis.view
    registry = registry or reg.REGISTRY
    not_audited = view.snap.not_audited is not None
    index = index_reads(view.snap)
    client = Resource("client", view.client_slug, view.client_name)
    findings: list[Finding] = []
    for meta in registry.all():
        if not_audited and not meta.when_not_audited:
            continue
        params = resolve_params(meta, (overrides or {}).get(meta.id))
        ctx = reg.CheckContext(meta, analysis, params)
        unmet = unmet_needs(meta.needs, view, index)
        if unmet:
            findings.append(ctx.skipped(client, skip_message(unmet),
                                        evidence=skip_evidence(unmet)))
            continue
        try:
            produced = list(meta.func(ctx))
        except Exception as exc:  # a crash is reported, never swallowed
            log.exception("check %s crashed for %s", meta.id, view.client_slug)
            findings.append(_crash(meta, analysis, exc))
            continue
        if not produced:
            produced = [ctx.skipped(client, "nothing to check for this client",
                                    evidence={"not_applicable": True})]
        findings.extend(produced)
    return findings
