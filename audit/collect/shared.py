"""Reads on the agency's side, made once per run and shared by every client.

The agency business answers the same for every client: ``GET /{agency}/client_pixels``
lists every pixel a client shared with the agency, with the tasks it permits
(https://developers.facebook.com/docs/marketing-api/reference/business/client_pixels), and
``GET /{agency}/owned_domains`` the domains the agency verified. Both are read once per run
(the first client to need them reads them; the others wait for that answer), and each
client's snapshot keeps only its own part, so a client's report never lists another
client's pixels.

Only clients audited with the agency's token read them: a client that issued its own token
gives a system user of its own business, which does not reach the agency's business.

``owned_domains`` is no longer a Business edge on current Graph versions (it answers
``#100 nonexisting field``; the SDK dropped it in 2020). Once one business's read has
answered that in a run, no other business is asked: the answer would be the same.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from audit.collect.snapshot import ClientRecord
from audit.graph import reads
from audit.graph.client import GraphClient, Read
from audit.graph.result import Fetched

CLIENT_PIXELS = "agency/client_pixels"
AGENCY_DOMAINS = "agency/owned_domains"


def edge_unavailable(result: Fetched) -> bool:
    """True when a read was refused as an unknown field or edge (code 100, not 100/33)."""
    return result.error_kind == "unsupported" and result.error_code == 100


def _owner_id(item: Mapping[str, Any]) -> str | None:
    owner = item.get("owner_business")
    value = owner.get("id") if isinstance(owner, Mapping) else None
    return str(value) if isinstance(value, (str, int)) else None


def only_client(result: Fetched, record: ClientRecord) -> Fetched:
    """The part of the agency's ``client_pixels`` that belongs to one client.

    A pixel is the client's when its owner is the client's business, or when the config
    lists it for the client (the owner may be unreadable, or another business of theirs).
    """
    if not isinstance(result.data, list):
        return result
    configured = set(record.pixels)
    mine = [item for item in result.items()
            if _owner_id(item) == record.business_id or str(item.get("id")) in configured]
    return Fetched(result.endpoint, mine, result.error, result.partial)


def agency_reads(agency_id: str) -> list[Read]:
    """The agency-side reads made once per run: its client pixels and its own domains."""
    return [reads.agency_client_pixels(agency_id),
            reads.agency_owned_domains(agency_id)]


class AgencyReads:
    """The run's cache of agency-side reads (thread-safe: clients are read side by side)."""

    def __init__(self, agency_id: str, agency_token_env: str) -> None:
        self.agency_id = agency_id
        self.agency_token_env = agency_token_env
        self._lock = threading.Lock()
        self._key_locks: dict[str, threading.Lock] = {}
        self._results: dict[str, Fetched] = {}
        self._domains_gone: Fetched | None = None

    def _fetch(self, graph: GraphClient, read: Read) -> Fetched:
        with self._lock:
            lock = self._key_locks.setdefault(read.key, threading.Lock())
        with lock:
            if read.key not in self._results:
                result = graph.fetch(read)
                self._results[read.key] = result
                if read.edge == "owned_domains":
                    self.note_owned_domains(result)
            return self._results[read.key]

    def for_client(self, graph: GraphClient, record: ClientRecord, token_env: str
                   ) -> dict[str, Fetched]:
        """The agency-side results for one client's snapshot (empty with a client's own
        token); reads them on first use."""
        if token_env != self.agency_token_env:
            return {}
        pixels, domains = (self._fetch(graph, read) for read in agency_reads(self.agency_id))
        return {CLIENT_PIXELS: only_client(pixels, record), AGENCY_DOMAINS: domains}

    def note_owned_domains(self, result: Fetched) -> None:
        """Remember that ``owned_domains`` is unavailable when a read says so."""
        if edge_unavailable(result):
            with self._lock:
                self._domains_gone = self._domains_gone or result

    def owned_domains_skipped(self, business_id: str) -> Fetched | None:
        """The stored result for a business's ``owned_domains`` when it need not be asked:
        the edge already answered "nonexisting field" in this run. None: read it."""
        gone = self._domains_gone
        if gone is None:
            return None
        error = dict(gone.error or {})
        error["message"] = ("not requested: the owned_domains edge is unavailable on this API "
                            f"version (an earlier read in this run answered: "
                            f"{error.get('message', 'code 100')})")
        return Fetched.failed(f"GET /{business_id}/owned_domains", error)
