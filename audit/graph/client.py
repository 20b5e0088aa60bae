"""Narrow, domain-shaped Graph reads and the few writes the tool makes.

Reads are described as :class:`Read` values (``reads.pixel_agencies(pid)``) with a stable
snapshot key, and executed by :class:`GraphClient`: one by one, or many at once through the
batch endpoint with any further pages followed by cursor. This module knows Graph paths,
fields and parameters but not the SDK: it talks to any object with the
:class:`GraphTransport` interface (the SDK-backed ``GraphSession``, or a fake in tests).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, cast

from audit import cancel
from audit.graph.drift import refused_fields, without_fields
from audit.graph.errors import GraphError, InvalidResponse, Transient
from audit.graph.result import Fetched
from audit.graph.transport import BatchCall, BatchTransport, GraphTransport

log = logging.getLogger(__name__)

JSON = dict[str, Any]
# What a report-run poll asks for (AdReportRun fields in the SDK's catalogue).
REPORT_STATUS_FIELDS = ("id", "async_status", "async_percent_completion")


@dataclass(frozen=True)
class Read:
    """One Graph read: a node (``edge == ""``) or every page of an edge."""

    key: str
    node: str
    edge: str = ""
    fields: tuple[str, ...] = ()
    params: Mapping[str, Any] = field(default_factory=dict)
    async_fallback: bool = False  # insights: retry as an asynchronous report run

    @property
    def endpoint(self) -> str:
        """Human-readable endpoint for errors and reports (ids, no credentials)."""
        return f"GET /{self.node}" + (f"/{self.edge}" if self.edge else "")


def _check_items(items: list[Any], endpoint: str) -> list[JSON]:
    for item in items:
        if not isinstance(item, dict):
            raise InvalidResponse(
                f"an item of the 'data' list is a {type(item).__name__}, not an object",
                endpoint=endpoint)
    return items


class GraphClient:
    """Executes :class:`Read` values and the rule writes, returning plain JSON data."""

    def __init__(
        self,
        transport: GraphTransport,
        *,
        use_batch: bool = True,
        sleep: Callable[[float], None] = cancel.pause,  # ends at once on Ctrl-C / SIGTERM
        max_polls: int = 60,
        poll_seconds: float = 0.5,
    ) -> None:
        self.t = transport
        self.use_batch = use_batch and hasattr(transport, "batch_get")
        self.sleep = sleep
        self.max_polls = max_polls
        self.poll_seconds = poll_seconds

    # ------------------------------------------------------------------ reads

    def fetch(self, read: Read) -> Fetched:
        """Run one read; errors are captured in the result, never raised."""
        return self._without_refused_fields(read, self._fetch_one(read))

    def _fetch_one(self, read: Read) -> Fetched:
        return self._maybe_async(read, self._fetch_sync(read))

    def _without_refused_fields(self, read: Read, result: Fetched) -> Fetched:
        """A read Meta refused for fields that do not exist is asked once more without them.

        What came back is kept with the dropped fields recorded (graph/drift.py), so one
        field retired by a new API version costs the evidence it carried, not the read.
        """
        refused = refused_fields(result.error) if not result.partial else ()
        kept = without_fields(read.fields, refused) if refused else read.fields
        if not refused or not kept or kept == read.fields:
            return result
        log.warning("%s: Meta refused field(s) %s as nonexisting; reading the rest",
                    read.endpoint, ", ".join(refused))
        again = self._fetch_one(replace(read, fields=kept))
        if again.error is not None and not again.partial:
            return result  # the reduced read failed too: keep the first, clearer, error
        return replace(again, dropped_fields=refused, dropped_because=result.error)

    def _maybe_async(self, read: Read, result: Fetched) -> Fetched:
        if read.async_fallback and result.error_kind == "too_much_data":
            log.info("%s refused synchronously; using an asynchronous report run",
                     read.endpoint)
            return self.fetch_async(read)
        return result

    def _fetch_sync(self, read: Read) -> Fetched:
        if not read.edge:
            try:
                return Fetched.ok(read.endpoint, self.t.get(read.node, read.fields, read.params))
            except GraphError as exc:
                return Fetched.failed(read.endpoint, exc.to_dict())
        return self._drain(read, [], None)

    def fetch_all(self, reads: Sequence[Read]) -> dict[str, Fetched]:
        """Run many independent reads; batched when the transport supports it."""
        if not reads:
            return {}
        if not self.use_batch or len(reads) == 1:
            return {r.key: self.fetch(r) for r in reads}
        calls = [BatchCall(r.node, r.edge, self._batch_params(r)) for r in reads]
        answers = cast(BatchTransport, self.t).batch_get(calls)
        out: dict[str, Fetched] = {}
        for read, answer in zip(reads, answers, strict=True):
            result = self._maybe_async(read, self._from_batch(read, answer))
            out[read.key] = self._without_refused_fields(read, result)
        return out

    def fetch_async(self, read: Read) -> Fetched:
        """Run an insights read as an asynchronous report run (``POST …/insights``),
        poll it until it completes, then read every page of its results."""
        endpoint = f"{read.endpoint} (async report run)"
        params = dict(read.params)
        if read.fields:
            params["fields"] = ",".join(read.fields)
        try:
            started = self.t.post(read.node, read.edge, params)
            run_id = started.get("report_run_id") or started.get("id")
            if not isinstance(run_id, (str, int)):
                raise InvalidResponse("the report run answered without report_run_id",
                                      endpoint=endpoint)
            self._wait_for_report(str(run_id), endpoint)
        except GraphError as exc:
            return Fetched.failed(endpoint, exc.to_dict())
        result = self._drain(Read(read.key, str(run_id), "insights", read.fields), [], None)
        return replace(result, endpoint=endpoint)

    def _wait_for_report(self, run_id: str, endpoint: str) -> None:
        wait = self.poll_seconds
        for _ in range(self.max_polls):
            status = self.t.get(run_id, REPORT_STATUS_FIELDS)
            state = str(status.get("async_status", ""))
            if state == "Job Completed":
                return
            if state in ("Job Failed", "Job Skipped"):
                raise GraphError(f"the asynchronous report ended with '{state}'",
                                 endpoint=endpoint)
            self.sleep(wait)
            wait = min(wait * 1.5, 10.0)
        raise Transient(f"the asynchronous report did not finish after {self.max_polls} polls",
                        endpoint=endpoint)

    def _batch_params(self, read: Read) -> dict[str, Any]:
        params = dict(read.params)
        if read.fields:
            params["fields"] = ",".join(read.fields)
        if read.edge:
            page_size = getattr(getattr(self.t, "settings", None), "page_size", None)
            if page_size and "limit" not in params:
                params["limit"] = page_size
        return params

    def _from_batch(self, read: Read, answer: JSON | GraphError) -> Fetched:
        if isinstance(answer, GraphError):
            return Fetched.failed(read.endpoint, answer.to_dict())
        if not read.edge:
            return Fetched.ok(read.endpoint, answer)
        data = answer.get("data")
        if not isinstance(data, list):
            err = InvalidResponse("expected a JSON object with a 'data' list",
                                  endpoint=read.endpoint)
            return Fetched.failed(read.endpoint, err.to_dict())
        try:
            items = _check_items(list(data), read.endpoint)
        except GraphError as exc:
            return Fetched.failed(read.endpoint, exc.to_dict())
        paging = answer.get("paging")
        after = None
        if isinstance(paging, Mapping) and paging.get("next"):
            cursors = paging.get("cursors")
            if isinstance(cursors, Mapping) and isinstance(cursors.get("after"), str):
                after = cursors["after"]
        if after is None:
            return Fetched.ok(read.endpoint, items)
        return self._drain(read, items, after)

    def _drain(self, read: Read, items: list[JSON], after: str | None) -> Fetched:
        params = dict(read.params)
        if after is not None:
            params["after"] = after
        try:
            for item in self.t.edge(read.node, read.edge, read.fields, params):
                if not isinstance(item, dict):
                    raise InvalidResponse(
                        f"an item of the 'data' list is a {type(item).__name__}, not an object",
                        endpoint=read.endpoint)
                items.append(item)
        except GraphError as exc:
            # Keep what was read: a partial list is marked, never dropped.
            return Fetched(read.endpoint, items if items else None, exc.to_dict(),
                           partial=bool(items))
        return Fetched.ok(read.endpoint, items)

    # ------------------------------------------------------------------ writes

    def get(self, node: str, fields: Sequence[str]) -> JSON:
        """Read one node, raising GraphError on failure (for write workflows)."""
        return self.t.get(node, fields)

    def update(self, node: str, changes: Mapping[str, Any]) -> JSON:
        """``POST /{node}`` with the given fields (structured values JSON-encoded by the SDK)."""
        return self.t.post(node, "", dict(changes))

    def create(self, node: str, edge: str, params: Mapping[str, Any]) -> JSON:
        """``POST /{node}/{edge}`` (e.g. Conversions API events); raises GraphError on failure."""
        return self.t.post(node, edge, dict(params))
