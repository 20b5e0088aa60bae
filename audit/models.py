"""Core value types shared by every stage: findings, statuses, severities, run results.

These are plain, immutable dataclasses with explicit ``to_dict`` / ``from_dict`` so that
``run.json`` is the canonical serialisation and a run can be re-rendered from it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any

JSONDict = dict[str, Any]


class Status(str, Enum):
    """Outcome of one check on one resource."""

    PASS = "PASS"
    WARN = "WARN"
    FAIL = "FAIL"
    SKIPPED = "SKIPPED"
    ERROR = "ERROR"


class Severity(str, Enum):
    """How much a failing check matters; ordered from most to least severe."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Return 0 for the most severe level, growing as severity decreases."""
        return _SEVERITY_RANK[self]

    def at_least(self, other: Severity) -> bool:
        """Return True if this severity is as severe as ``other`` or more."""
        return self.rank <= other.rank


# Severity.rank by member (sorting findings asks it thousands of times a report).
_SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}


class Actor(str, Enum):
    """Who acts on a finding: the person a client report tells to fix it."""

    CLIENT_ADMIN = "client_admin"    # an admin of the client's Business Manager
    AGENCY = "agency"                # the agency running the audit
    WEB_DEVELOPER = "web_developer"  # whoever edits the client's website and its tags


def fingerprint(check_id: str, client: str, resource_type: str, resource_id: str) -> str:
    """Return the stable identity of a finding.

    It hashes only the check id, the client and the resource: never the message or the
    numbers, so that reruns diff cleanly by fingerprint.
    """
    raw = "\x1f".join((check_id, client, resource_type, resource_id))
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:20]


def canonical(spec: Any) -> str:
    """A stable text form of a JSON-like value (rule specs); filter order does not matter.

    Used to compare a rule's spec across reads, plans and backups, and hashed by
    :func:`spec_hash` for the history's "rules edited" report.
    """
    if isinstance(spec, Mapping):
        data = dict(spec)
        if isinstance(data.get("filters"), list):
            data["filters"] = sorted(data["filters"], key=lambda f: json.dumps(f, sort_keys=True))
        return json.dumps(data, sort_keys=True, separators=(",", ":"))
    return json.dumps(spec, sort_keys=True, separators=(",", ":"))


def spec_hash(value: Any) -> str:
    """A short stable hash of a JSON-like value in its :func:`canonical` form."""
    return hashlib.sha256(canonical(value).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Resource:
    """The object a finding is about (a pixel, a domain, an ad set …)."""

    type: str
    id: str
    name: str | None = None

    def to_dict(self) -> JSONDict:
        """Serialise for run.json."""
        return {"type": self.type, "id": self.id, "name": self.name}


@dataclass(frozen=True)
class Finding:
    """One check's verdict on one resource, with the evidence and the fix."""

    check_id: str
    client: str
    status: Status
    severity: Severity
    area: str
    title: str
    message: str
    resource: Resource
    evidence: Mapping[str, Any] = field(default_factory=dict)
    remediation: str = ""
    platform_changes: tuple[str, ...] = ()
    muted: str | None = None
    actor: Actor | None = None  # who acts; None: the check's default (schema 1.0 files)

    @cached_property  # a hash, read by every output: worked out once per finding
    def fingerprint(self) -> str:
        """Stable identity: check id + client + resource type + resource id."""
        return fingerprint(self.check_id, self.client, self.resource.type, self.resource.id)

    @property
    def is_problem(self) -> bool:
        """True for FAIL, WARN and ERROR (SKIPPED is reported separately)."""
        return self.status in (Status.FAIL, Status.WARN, Status.ERROR)

    def to_dict(self) -> JSONDict:
        """Serialise for run.json."""
        return {
            "fingerprint": self.fingerprint,
            "check_id": self.check_id,
            "client": self.client,
            "status": self.status.value,
            "severity": self.severity.value,
            "area": self.area,
            "title": self.title,
            "message": self.message,
            "resource": self.resource.to_dict(),
            "evidence": dict(self.evidence),
            "remediation": self.remediation,
            "platform_changes": list(self.platform_changes),
            "muted": self.muted,
            "actor": self.actor.value if self.actor else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        """Rebuild a finding from its run.json form."""
        res = data["resource"]
        return cls(
            check_id=data["check_id"],
            client=data["client"],
            status=Status(data["status"]),
            severity=Severity(data["severity"]),
            area=data["area"],
            title=data["title"],
            message=data["message"],
            resource=Resource(type=res["type"], id=res["id"], name=res.get("name")),
            evidence=dict(data.get("evidence") or {}),
            remediation=data.get("remediation", ""),
            platform_changes=tuple(data.get("platform_changes") or ()),
            muted=data.get("muted"),
            actor=Actor(data["actor"]) if data.get("actor") in _ACTORS else None,
        )


_ACTORS = {a.value for a in Actor}


@dataclass(frozen=True)
class CollectionError:
    """An endpoint that could not be read while collecting a snapshot."""

    endpoint: str
    kind: str
    message: str
    code: int | None = None
    subcode: int | None = None
    resource: str | None = None

    def to_dict(self) -> JSONDict:
        """Serialise for snapshot.json and run.json."""
        return {
            "endpoint": self.endpoint,
            "resource": self.resource,
            "kind": self.kind,
            "code": self.code,
            "subcode": self.subcode,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CollectionError:
        """Rebuild from the serialised form."""
        return cls(
            endpoint=str(data.get("endpoint", "")),
            kind=str(data.get("kind", "error")),
            message=str(data.get("message", "")),
            code=data.get("code"),
            subcode=data.get("subcode"),
            resource=data.get("resource"),
        )


@dataclass(frozen=True)
class MissingFields:
    """Fields Meta refused as nonexisting: the read went ahead without them (API drift).

    ``checks`` are the checks whose ``needs`` include the read, i.e. that lost evidence.
    """

    endpoint: str
    resource: str
    fields: tuple[str, ...]
    message: str
    checks: tuple[str, ...] = ()

    def to_dict(self) -> JSONDict:
        """Serialise for run.json."""
        return {"endpoint": self.endpoint, "resource": self.resource,
                "fields": list(self.fields), "message": self.message,
                "checks": list(self.checks)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MissingFields:
        """Rebuild from the serialised form."""
        return cls(
            endpoint=str(data.get("endpoint", "")),
            resource=str(data.get("resource", "")),
            fields=tuple(str(f) for f in data.get("fields") or ()),
            message=str(data.get("message", "")),
            checks=tuple(str(c) for c in data.get("checks") or ()),
        )
