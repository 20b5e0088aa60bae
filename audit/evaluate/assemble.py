"""Snapshot → run: checks, recommendations, inventories and mutes. Pure.

Evaluation settings (AEM mode, priorities, declared domains, rule target) come from the
current config when it lists the client, so a re-run from a snapshot uses them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from audit.collect.collector import client_record
from audit.collect.snapshot import Snapshot
from audit.config import Config
from audit.evaluate.affected import platform_data
from audit.evaluate.analysis import Analysis
from audit.evaluate.checks import REGISTRY
from audit.evaluate.engine import apply_mutes, run_checks
from audit.evaluate.evidence import with_checks
from audit.evaluate.run import RunResult, check_list
from audit.facts import inventory
from audit.redact import redact

log = logging.getLogger(__name__)


# How many invalid numbers run.json lists (the total is kept): evidence, not a dump.
INVALID_LISTED = 500
EVALUATION_SETTINGS = ("aem_mode", "priorities", "domains", "rules_target_window", "token_env",
                       "click_redefined_on", "domain_verification_codes")


def with_current_settings(snap: Snapshot, config: Config) -> Snapshot:
    """Overlay the config's current evaluation settings for the snapshot's client, if listed."""
    slug = snap.record.slug  # once: ``record`` is built from the client section at each use
    current = next((c for c in config.clients if c.slug == slug), None)
    if current is not None:
        settings = client_record(config, current).to_dict()
        for key in EVALUATION_SETTINGS:
            snap.client[key] = settings[key]
    return snap


@dataclass
class Evaluation:
    """One client's evaluated run, and the assets whose changes the history tracks."""

    run: RunResult
    assets: dict[str, dict[str, str]] = field(default_factory=dict)


def evaluate_snapshot(snap: Snapshot, config: Config, run_id: str, started: datetime,
                      finished: datetime, snapshot_path: Path | None,
                      stats: Mapping[str, object] | None = None) -> Evaluation:
    """Pure evaluation of one snapshot into a run (and its tracked assets)."""
    analysis = Analysis.of(with_current_settings(snap, config))
    findings = apply_mutes(run_checks(analysis, config.checks), config.mute, finished.date())
    keys = ("slug", "name", "business_id", "ad_accounts", "pixels", "domains", "aem_mode")
    client: dict[str, object] = {k: snap.client[k] for k in keys if k in snap.client}
    run = RunResult(
        run_id=run_id,
        client=client,
        agency=dict(snap.agency),
        started_at=started.isoformat(timespec="seconds"),
        finished_at=finished.isoformat(timespec="seconds"),
        findings=findings,
        collection_errors=snap.collection_errors(),
        checks=check_list(REGISTRY.all()),
        snapshot={"path": snapshot_path.name if snapshot_path else None,
                  "collected_at": snap.collected_at, "api_version": snap.api_version,
                  "window": dict(snap.window)},
        not_audited=snap.not_audited,
        collection_stats=dict(stats or {}),
        sections=build_sections(analysis),
        platform_data=platform_data(analysis),
        missing_fields=with_checks(snap.missing_fields(), REGISTRY.all()),
    )
    assets = {} if snap.not_audited else inventory.snapshot_assets(analysis.facts)
    return Evaluation(run, assets)


def build_sections(analysis: Analysis) -> dict[str, object]:
    """Inventories and recommendations for run.json; a crash is recorded, not raised."""
    if analysis.view.snap.not_audited:
        return {}
    try:
        out = inventory.sections(analysis.facts)
        out["priorities"] = analysis.priorities.to_dict()
        out["windows"] = analysis.windows.to_dict()
        out["rules"] = {"target_window": analysis.facts.client.rules_target_window,
                        "rules": [s.to_dict() for s in analysis.rules]}
        invalid = analysis.facts.invalid_values
        if invalid:  # set aside as unknown: the run is partial
            out["invalid_values"] = [v.to_dict() for v in invalid[:INVALID_LISTED]]
            out["invalid_values_total"] = len(invalid)
        return out
    except Exception as exc:  # rendering must go on without the tables
        log.exception("building the inventories of %s failed", analysis.view.client_slug)
        return {"error": redact(f"{type(exc).__name__}: {exc}")}
