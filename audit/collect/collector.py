"""Collect one client's snapshot from the Graph API.

Reads run in three phases, each a set of independent reads sent together (through the
batch endpoint when available): preflight (token, business), discovery (business edges and
ad accounts), then per-pixel detail. Every failure is recorded against its endpoint and
collection goes on; nothing already read is dropped. A token that cannot be used at all
marks the client as not audited, with the reason.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime, timezone

from audit import __version__
from audit.collect.domains import collect_markers, mark_offline, prefetch_markers
from audit.collect.lookups import DomainLookups
from audit.collect.shared import CLIENT_PIXELS, AgencyReads
from audit.collect.snapshot import ClientRecord, Snapshot
from audit.config import ClientConfig, Config
from audit.graph import reads
from audit.graph.client import GraphClient, Read
from audit.graph.result import Fetched

log = logging.getLogger(__name__)

Progress = Callable[[str], None]
SPEND_DAYS = 28


def client_record(config: Config, client: ClientConfig) -> ClientRecord:
    """The client's config as stored in the snapshot (evaluation settings, never tokens)."""
    return ClientRecord(
        slug=client.slug, name=client.name, business_id=client.business_id,
        ad_accounts=tuple(client.ad_accounts), pixels=tuple(client.pixels),
        domains=tuple(client.domains), aem_mode=client.aem_mode,
        priorities=client.priorities.model_dump(),
        rules_target_window=config.rules.target_window,
        token_env=config.token_env_for(client),
        click_redefined_on=config.windows.click_redefined_on.isoformat(),
        domain_verification_codes=tuple(client.domain_verification_codes),
    )


def new_snapshot(config: Config, client: ClientConfig, now: datetime) -> Snapshot:
    """An empty snapshot for ``client`` stamped with ``now``."""
    return Snapshot(
        client=client_record(config, client).to_dict(),
        agency={"name": config.agency.name, "business_id": config.agency.business_id},
        collected_at=now.astimezone(timezone.utc).isoformat(timespec="seconds"),
        tool_version=__version__,
        api_version=config.graph.api_version,
    )


def _store(snap: Snapshot, results: dict[str, Fetched]) -> None:
    for key, res in results.items():
        snap.put(key, res)


SETTINGS_URL = "https://business.facebook.com/settings"
# Reads that failed this way on the first requests leave nothing worth auditing.
UNREACHABLE_KINDS = ("throttled", "transient", "network", "invalid_response")


def renew_token_hint(token_env: str | None) -> str:
    """Where to renew a refused token (system-user tokens now expire)."""
    where = f"the environment variable {token_env}" if token_env else "its environment variable"
    return (f"renew it in Business Settings ({SETTINGS_URL}) → Users → System users → select "
            "the audit system user → Generate new token (ads_read, ads_management, "
            f"business_management), then put it in {where}")


def unreachable_reason(snap: Snapshot) -> str | None:
    """"Graph API unreachable (…)" when the circuit breaker stopped the reads, else None."""
    for res in snap.endpoints.values():
        if res.error_kind == "unreachable" and res.error:
            what = str(res.error.get("message", "")).rstrip(".")
            return f"Graph API unreachable ({what}); run the audit again later"
    return None


def _not_audited_reason(snap: Snapshot) -> str | None:
    """A reason when the token is unusable or the API did not answer at all, else None."""
    unreachable = unreachable_reason(snap)
    if unreachable is not None:
        return unreachable
    renew = renew_token_hint(snap.record.token_env)
    debug = snap.get("token/debug")
    if debug is not None and debug.succeeded:
        data = reads.debug_token_data(debug)
        if data.get("is_valid") is False:
            err = data.get("error")
            detail = err.get("message") if isinstance(err, dict) else None
            return ("the access token is not valid"
                    + (f" ({str(detail).rstrip('.')})" if detail else "") + f"; {renew}")
    business = snap.get("business")
    if business is not None and business.error_kind == "auth" and business.error:
        message = str(business.error.get("message", "")).rstrip(".")
        return f"the access token was refused ({message}); {renew}"
    if business is not None and business.error_kind in UNREACHABLE_KINDS and business.error:
        message = str(business.error.get("message", "")).rstrip(".")
        return (f"the Graph API did not answer the first reads ({business.error_kind}: "
                f"{message}) after retrying; nothing else was read, run the audit again later")
    return None


def pixel_ids(snap: Snapshot) -> list[str]:
    """Every pixel to audit: configured, owned, shared with the agency, or on its accounts."""
    ids: list[str] = list(snap.record.pixels)
    sources = ["business/owned_pixels", CLIENT_PIXELS]
    sources += [f"adaccount/{a}/adspixels" for a in snap.record.ad_accounts]
    for key in sources:
        res = snap.get(key)
        if res is None:
            continue
        for item in res.items():
            pid = item.get("id")
            if isinstance(pid, (str, int)) and str(pid) not in ids:
                ids.append(str(pid))
    return ids


def _pixel_nodes_from_edges(snap: Snapshot) -> None:
    """Business edges already carry the pixel fields: reuse them as node reads."""
    for key in ("business/owned_pixels", CLIENT_PIXELS):
        res = snap.get(key)
        if res is None:
            continue
        for item in res.items():
            pid = item.get("id")
            if isinstance(pid, (str, int)) and snap.get(f"pixel/{pid}") is None:
                # Fields the edge read went without are missing from the node too.
                snap.put(f"pixel/{pid}", replace(res, data=item, error=None, partial=False))


def preflight_reads(token: str, business_id: str) -> list[Read]:
    """Phase 1: the token and the client business (enough to tell whether to go on)."""
    return [reads.token_debug(token), reads.token_permissions(), reads.business(business_id)]


def discovery_reads(snap: Snapshot, now: datetime) -> list[Read]:
    """Phase 2: business edges and every configured ad account.

    The client business's ``client_pixels`` (pixels *its* clients shared with it) is not
    read: no check uses it; the agency's side is read once per run (``collect.shared``).
    ``owned_domains`` is left out when already stored (known unavailable in this run).
    """
    business_id = snap.record.business_id
    out = [reads.owned_pixels(business_id)]
    if snap.get("business/owned_domains") is None:
        out.append(reads.owned_domains(business_id))
    since, until = reads.complete_days(now.date(), SPEND_DAYS)
    snap.window.update({"spend_since": since, "spend_until": until})
    preset = str(snap.window.get("insights_date_preset", "last_28d"))
    levels = list(snap.window.get("insights_levels", list(reads.INSIGHTS_LEVELS)))
    for account in snap.record.ad_accounts:
        out += [
            reads.ad_account(account), reads.ad_account_pixels(account), reads.adsets(account),
            reads.campaigns(account), reads.custom_conversions(account),
            reads.adset_spend(account, since, until), reads.ad_rules(account),
            *(reads.insights(account, level, preset) for level in levels),
        ]
    return out


def pixel_reads(snap: Snapshot, now: datetime) -> list[Read]:
    """Phase 3: access, stats, diagnostics and data quality for each pixel."""
    start, end = reads.stats_window(now)
    snap.window.update({"stats_start": start, "stats_end": end})
    business_id = snap.record.business_id
    agency_id = str(snap.agency["business_id"])
    out: list[Read] = []
    # The client's own users on its pixels (assigned_users?business=<client>) are not read:
    # no check uses them; the agency's are (access_pixel_users).
    for pid in pixel_ids(snap):
        if snap.get(f"pixel/{pid}") is None:
            out.append(reads.pixel(pid))
        out += [
            reads.pixel_agencies(pid),
            reads.pixel_shared_agencies(pid),
            reads.pixel_assigned_users(pid, agency_id),
            reads.pixel_shared_accounts(pid, business_id),
            *(reads.pixel_stats(pid, agg, start, end) for agg in reads.STATS_AGGREGATIONS),
            *(reads.pixel_event_stats(pid, src, start, end) for src in reads.EVENT_SOURCES),
            reads.pixel_da_checks(pid),
            reads.dataset_quality(pid),
        ]
    return out


def offline_set_ids(snap: Snapshot) -> list[str]:
    """Offline event sets the client's custom conversions or ad sets point at.

    SDK 26 has no ad-account or business edge listing offline event sets, so these
    references are the audit's way to find the ones still in use.
    """
    ids: list[str] = []
    for account in snap.record.ad_accounts:
        refs: list[object] = []
        conversions = snap.get(f"adaccount/{account}/customconversions")
        for item in conversions.items() if conversions is not None else []:
            ref = item.get("offline_conversion_data_set")
            refs.append(ref.get("id") if isinstance(ref, dict) else ref)
        adsets = snap.get(f"adaccount/{account}/adsets")
        for item in adsets.items() if adsets is not None else []:
            promoted = item.get("promoted_object")
            if isinstance(promoted, dict):
                refs.append(promoted.get("offline_conversion_data_set_id"))
        for ref in refs:
            if isinstance(ref, (str, int)) and not isinstance(ref, bool) and str(ref) not in ids:
                ids.append(str(ref))
    return ids


def offline_reads(snap: Snapshot) -> list[Read]:
    """Phase 3 (with the pixels): each referenced offline event set and its ad accounts."""
    out: list[Read] = []
    for set_id in offline_set_ids(snap):
        out += [reads.offline_set(set_id),
                reads.offline_set_accounts(set_id, snap.record.business_id)]
    return out


def collect(
    config: Config,
    client: ClientConfig,
    graph: GraphClient,
    token: str,
    now: datetime,
    progress: Progress | None = None,
    shared: AgencyReads | None = None,
    lookups: DomainLookups | None = None,
) -> Snapshot:
    """Read everything the checks need for ``client``; never raises for API errors.

    ``shared`` holds the run's agency-side reads (made once per run, see ``collect.shared``).
    With ``lookups`` (and ``network.enabled``), the verification markers on the client's
    domains are read last, once the pixels' hosts are known.
    """
    say = progress or (lambda _msg: None)
    snap = new_snapshot(config, client, now)
    snap.window.update({"insights_date_preset": config.windows.date_preset,
                        "insights_levels": list(config.windows.levels)})

    say("preflight")
    _store(snap, graph.fetch_all(preflight_reads(token, client.business_id)))
    reason = _not_audited_reason(snap)
    if reason:
        snap.not_audited = reason
        log.warning("%s: not audited: %s", client.slug, reason)
        return snap

    if config.network.enabled and lookups is not None:
        prefetch_markers(client.domains, lookups, client.domain_verification_codes)

    say("discovery")
    if shared is not None:
        _store(snap, shared.for_client(graph, snap.record, config.token_env_for(client)))
        skipped = shared.owned_domains_skipped(client.business_id)
        if skipped is not None:
            snap.put("business/owned_domains", skipped)
    _store(snap, graph.fetch_all(discovery_reads(snap, now)))
    if shared is not None and (domains := snap.get("business/owned_domains")) is not None:
        shared.note_owned_domains(domains)
    if _stopped(snap, client.slug):
        return snap
    _pixel_nodes_from_edges(snap)

    say("pixels")
    _store(snap, graph.fetch_all([*pixel_reads(snap, now), *offline_reads(snap)]))
    if _stopped(snap, client.slug):
        return snap

    if not config.network.enabled:
        mark_offline(snap)
    elif lookups is not None:
        say("domains")
        collect_markers(snap, lookups, client.domain_verification_codes)

    # Reads about the token itself and lookups on the client's domains (not Graph reads)
    # say nothing about the token's access to the client.
    if _everything_refused(r for key, r in snap.endpoints.items()
                           if not key.startswith(("token/", "domain/"))):
        snap.not_audited = ("the token could not read anything for this client "
                            "(every request was refused); check its access to the business")
    say("done")
    return snap


def _stopped(snap: Snapshot, slug: str) -> bool:
    """Whether the API stopped answering mid-collection (the client is then not audited:
    what was read is kept in the snapshot, but an audit of part of it would mislead)."""
    reason = unreachable_reason(snap)
    if reason is None:
        return False
    snap.not_audited = reason
    log.warning("%s: not audited: %s", slug, reason)
    return True


def _everything_refused(results: Iterable[Fetched]) -> bool:
    kinds = [r.error_kind for r in results if not r.endpoint.startswith("GET /debug_token")]
    return bool(kinds) and all(k in ("auth", "permission") for k in kinds)
