"""The snapshot: everything collected for one client, as read from the API.

A snapshot is a flat map from stable keys (``pixel/123/agencies``) to :class:`Fetched`
results, each holding the data, or the error that stopped the read, or both when a read
failed part-way. It carries no credentials and no paging links. Evaluation and rendering
can always be re-run from a saved snapshot without a single API call.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from audit.errors import AuditError
from audit.files import compact_json, write_text_atomic
from audit.graph.result import Fetched
from audit.models import CollectionError, MissingFields
from audit.redact import redact_obj

SNAPSHOT_KIND = "ios14-audit/snapshot"
SNAPSHOT_VERSION = 1
# Reads whose failure says nothing about the client: ``owned_domains`` is unavailable on
# current Graph versions (#100 nonexisting field for every business), so its error is kept
# in the snapshot (the domains section says why it fell back) but is not a collection
# error that would mark the client's run "partial".
NOT_CLIENT_PROBLEMS = frozenset({"business/owned_domains", "agency/owned_domains"})
# Lookups on the client's own domains (verification markers, ``domain/<name>/…``) are not
# Graph reads: a site that blocks automated visits or a domain that does not resolve is
# reported by the domain checks as "not checked" with the reason, not as a partial run.
NOT_CLIENT_PROBLEM_PREFIXES = ("domain/",)


@dataclass(frozen=True)
class ClientRecord:
    """The ``client`` section of a snapshot: who was audited and with which settings.

    Stored as a plain mapping in snapshot.json (``to_dict``) and read back here, with the
    defaults in this one place, so evaluators never ``get(key, default)`` a raw dict.
    """

    slug: str
    name: str
    business_id: str
    ad_accounts: tuple[str, ...] = ()
    pixels: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    aem_mode: str = "auto"
    priorities: Mapping[str, Any] = field(default_factory=dict)
    rules_target_window: str = "ACCOUNT_DEFAULT"
    token_env: str | None = None
    # ISO date from which click-through counts link clicks only (windows.click_redefined_on)
    click_redefined_on: str = "2026-03-01"
    domain_verification_codes: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ClientRecord:
        """Read the stored mapping; missing keys take their defaults."""
        slug = str(data.get("slug", ""))

        def strings(key: str) -> tuple[str, ...]:
            value = data.get(key)
            return tuple(str(v) for v in value) if isinstance(value, (list, tuple)) else ()

        priorities = data.get("priorities")
        token_env = data.get("token_env")
        return cls(
            slug=slug,
            name=str(data.get("name", slug)),
            business_id=str(data.get("business_id", "")),
            ad_accounts=strings("ad_accounts"),
            pixels=strings("pixels"),
            domains=strings("domains"),
            aem_mode=str(data.get("aem_mode", "auto")),
            priorities=dict(priorities) if isinstance(priorities, Mapping) else {},
            rules_target_window=str(data.get("rules_target_window", "ACCOUNT_DEFAULT")),
            token_env=str(token_env) if token_env else None,
            click_redefined_on=str(data.get("click_redefined_on", "2026-03-01")),
            domain_verification_codes=strings("domain_verification_codes"),
        )

    def to_dict(self) -> dict[str, Any]:
        """The stored mapping (evaluation settings only: never a token)."""
        return {"slug": self.slug, "name": self.name, "business_id": self.business_id,
                "ad_accounts": list(self.ad_accounts), "pixels": list(self.pixels),
                "domains": list(self.domains), "aem_mode": self.aem_mode,
                "priorities": dict(self.priorities),
                "rules_target_window": self.rules_target_window, "token_env": self.token_env,
                "click_redefined_on": self.click_redefined_on,
                "domain_verification_codes": list(self.domain_verification_codes)}


class SnapshotError(AuditError):
    """A snapshot file is missing, unreadable or not a snapshot."""


@dataclass
class Snapshot:
    """Everything collected for one client in one run."""

    client: dict[str, Any]
    agency: dict[str, Any]
    collected_at: str
    tool_version: str
    api_version: str
    window: dict[str, Any] = field(default_factory=dict)
    endpoints: dict[str, Fetched] = field(default_factory=dict)
    not_audited: str | None = None

    @property
    def record(self) -> ClientRecord:
        """The client section, typed."""
        return ClientRecord.from_dict(self.client)

    def get(self, key: str) -> Fetched | None:
        """The result stored under ``key``, or None if it was never read."""
        return self.endpoints.get(key)

    def put(self, key: str, result: Fetched) -> None:
        """Store a result (later reads of the same key replace earlier ones)."""
        self.endpoints[key] = result

    def keys_with_prefix(self, prefix: str) -> list[str]:
        """Keys starting with ``prefix``, sorted."""
        return sorted(k for k in self.endpoints if k.startswith(prefix))

    def collection_errors(self) -> list[CollectionError]:
        """Every read that failed (fully or part-way), in key order; reads listed in
        ``NOT_CLIENT_PROBLEMS`` (or under ``NOT_CLIENT_PROBLEM_PREFIXES``) are left out."""
        out = []
        for key in sorted(self.endpoints):
            res = self.endpoints[key]
            if res.error is None or key in NOT_CLIENT_PROBLEMS or key.startswith(
                    NOT_CLIENT_PROBLEM_PREFIXES):
                continue
            err = res.error
            message = str(err.get("message", ""))
            if res.partial:
                message = f"{message} (partial: {len(res.items())} items kept)"
            out.append(CollectionError(
                endpoint=res.endpoint, resource=key, kind=str(err.get("kind", "error")),
                message=message, code=err.get("code"), subcode=err.get("subcode"),
            ))
        return out

    def missing_fields(self) -> list[MissingFields]:
        """Every read that went ahead without fields Meta refused (checks not yet known)."""
        return [MissingFields(endpoint=res.endpoint, resource=key, fields=res.dropped_fields,
                              message=str((res.dropped_because or {}).get("message", "")))
                for key, res in sorted(self.endpoints.items()) if res.dropped_fields]

    def to_dict(self) -> dict[str, Any]:
        """Serialise (credentials are never stored; strings are scrubbed once more)."""
        return redact_obj(self._plain())

    def _plain(self) -> dict[str, Any]:
        return {
            "kind": SNAPSHOT_KIND,
            "snapshot_version": SNAPSHOT_VERSION,
            "tool_version": self.tool_version,
            "collected_at": self.collected_at,
            "api_version": self.api_version,
            "agency": self.agency,
            "client": self.client,
            "window": self.window,
            "not_audited": self.not_audited,
            "endpoints": {k: self.endpoints[k].to_dict() for k in sorted(self.endpoints)},
        }

    @classmethod
    def from_dict(cls, data: Any, source: str = "<snapshot>") -> Snapshot:
        """Rebuild from the serialised form; SnapshotError names what is wrong."""
        if not isinstance(data, Mapping) or data.get("kind") != SNAPSHOT_KIND:
            raise SnapshotError(f"{source}: not an ios14-audit snapshot (missing kind: "
                                f"{SNAPSHOT_KIND}); pass a snapshot.json written by 'collect'")
        version = data.get("snapshot_version")
        if version != SNAPSHOT_VERSION:
            raise SnapshotError(f"{source}: snapshot_version {version!r} is not supported "
                                f"(this tool reads {SNAPSHOT_VERSION}); collect again")
        for key in ("client", "agency", "endpoints"):
            if not isinstance(data.get(key), Mapping):
                raise SnapshotError(f"{source}: '{key}' must be an object; the file is damaged")
        client = dict(data["client"])
        if not isinstance(client.get("slug"), str):
            raise SnapshotError(f"{source}: client.slug is missing; the file is damaged")
        endpoints = {}
        for key, value in data["endpoints"].items():
            if not isinstance(value, Mapping):
                raise SnapshotError(f"{source}: endpoints.{key} must be an object")
            endpoints[str(key)] = Fetched.from_dict(value)
        return cls(
            client=client,
            agency=dict(data["agency"]),
            collected_at=str(data.get("collected_at", "")),
            tool_version=str(data.get("tool_version", "")),
            api_version=str(data.get("api_version", "")),
            window=dict(data.get("window") or {}),
            endpoints=endpoints,
            not_audited=data.get("not_audited"),
        )

    def to_json(self) -> str:
        """The snapshot as JSON text (credentials are scrubbed in one pass over the text by
        the file writer, :func:`audit.files.write_text_atomic`)."""
        # Compact, and through orjson: encoding is most of what saving a snapshot costs.
        return compact_json(self._plain()) + "\n"

    def save(self, *paths: Path) -> None:
        """Write atomically to each path (a crash never leaves half a snapshot)."""
        text = self.to_json()
        for path in paths:
            write_text_atomic(path, text)

    @classmethod
    def load(cls, path: Path) -> Snapshot:
        """Read a snapshot file; SnapshotError on any problem."""
        try:
            raw = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise SnapshotError(f"{path}: file not found") from None
        except (OSError, ValueError) as exc:
            raise SnapshotError(f"{path}: cannot read JSON ({exc}); is it a snapshot.json?"
                                ) from None
        return cls.from_dict(raw, str(path))
