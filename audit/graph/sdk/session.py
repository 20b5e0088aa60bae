"""The Graph session adapter (with ``serverside``, the only code importing ``facebook_business``).

It builds one ``FacebookAdsApi(FacebookSession(...))`` per client (never the global
``FacebookAdsApi.init``, which also installs a crash reporter that posts to Meta), points
it at the configured base URL, and offers four raw operations returning plain JSON data:
read a node, read an edge (all pages), post, and batch. Errors are translated here into
:mod:`audit.graph.errors`; retries and rate-limit pauses happen here too.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from facebook_business.adobjects.abstractobject import AbstractObject
from facebook_business.adobjects.objectparser import ObjectParser
from facebook_business.api import (
    FacebookAdsApi,
    FacebookAdsApiBatch,
    FacebookRequest,
    FacebookResponse,
)
from facebook_business.exceptions import FacebookError, FacebookRequestError
from facebook_business.session import FacebookSession

from audit import cancel
from audit.graph.breaker import Breaker
from audit.graph.errors import (
    BadAnswer,
    GraphError,
    InvalidResponse,
    NetworkError,
    RateLimited,
    Unreachable,
    from_error_body,
)
from audit.graph.retry import RetryPolicy, Usage, parse_usage
from audit.graph.sdk.batch import Batch
from audit.graph.sdk.gate import GATE_KEY, ResponseGate, UnreadableAnswer
from audit.graph.trace import ClientTrace, Exchange
from audit.graph.transport import BatchCall, endpoint_label
from audit.redact import register_secret

log = logging.getLogger(__name__)

T = TypeVar("T")
JSON = dict[str, Any]
MAX_PAGES = 10_000
BATCH_LIMIT = 50
BATCH_ENDPOINT = "POST / (batch)"
# The SDK's Cursor adds summary=true to every edge read unless told not to; on insights
# `summary` is a list of fields, and the SDK's own AdAccount.get_insights and
# AdReportRun.get_insights pass include_summary=False (facebook_business/adobjects/
# adaccount.py, adreportrun.py). Sending it there fails the read.
NO_SUMMARY_EDGES = frozenset({"insights"})


@dataclass(frozen=True)
class GraphSettings:
    """Everything needed to talk to one Graph endpoint as one identity."""

    base_url: str
    api_version: str
    access_token: str
    app_secret: str | None = None
    timeout_seconds: float = 30.0
    page_size: int = 100
    retry: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass
class CallStats:
    """Counters for one session, reported in run.json and by the benchmarks."""

    requests: int = 0
    retries: int = 0
    throttled: int = 0
    waited_seconds: float = 0.0
    pages: int = 0
    batches: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Serialisable counters."""
        return {
            "requests": self.requests,
            "retries": self.retries,
            "throttled": self.throttled,
            "waited_seconds": round(self.waited_seconds, 3),
            "pages": self.pages,
            "batches": self.batches,
        }


class _RawParser(ObjectParser):  # type: ignore[misc]
    """Keep Graph data as plain dicts: no SDK typing that could choke on surprising values."""

    def __init__(self, endpoint: str) -> None:
        super().__init__(custom_parse_method=lambda response, api: response)
        self._endpoint = endpoint

    def parse_single(self, response: Any, override_target_class: Any = None) -> Any:
        return response

    def parse_multiple(self, response: Any) -> list[Any]:
        data = response.get("data") if isinstance(response, Mapping) else None
        if not isinstance(data, list):
            raise InvalidResponse(
                "expected a JSON object with a 'data' list", endpoint=self._endpoint
            )
        return list(data)


class GraphSession:
    """One client's connection to the Graph API through the official SDK."""

    def __init__(
        self,
        settings: GraphSettings,
        *,
        sleep: Callable[[float], None] = cancel.pause,  # ends at once on Ctrl-C / SIGTERM
        trace: ClientTrace | None = None,
        breaker: Breaker | None = None,
    ) -> None:
        """``breaker``: this client's circuit breaker (``Breaker.for_run().child()`` ties
        it to the run's); by default one of its own."""
        self.settings = settings
        self.stats = CallStats()
        self.breaker = breaker if breaker is not None else Breaker()
        self._sleep = sleep
        self._trace = trace
        self._lock = threading.Lock()
        self._last = threading.local()  # the headers of this thread's latest HTTP answer
        register_secret(settings.access_token)
        register_secret(settings.app_secret)
        session = FacebookSession(
            app_secret=settings.app_secret,
            access_token=settings.access_token,
            timeout=settings.timeout_seconds,
        )
        register_secret(getattr(session, "appsecret_proof", None))
        # An instance attribute overrides the class attribute FacebookSession.GRAPH that
        # FacebookAdsApi.call joins with the version and path (facebook_business/session.py,
        # api.py in https://github.com/facebook/facebook-python-business-sdk).
        session.GRAPH = settings.base_url.rstrip("/")
        self._host = urlsplit(session.GRAPH).netloc or session.GRAPH
        # Every answer is read whole, in time, bounded and checked before the SDK sees it.
        gate = ResponseGate()
        session.requests.mount("https://", gate)
        session.requests.mount("http://", gate)
        self._api = FacebookAdsApi(session, api_version=settings.api_version)
        # Calls return parsed bodies only; the usage headers of each answer are kept here.
        session.requests.hooks["response"].append(self._remember_headers)
        if trace is not None:
            # Every HTTP exchange the SDK makes goes through this requests.Session.
            session.requests.hooks["response"].append(self._traced)

    # ------------------------------------------------------------------ public operations

    def get(self, node_id: str, fields: Sequence[str] = (), params: Mapping[str, Any] | None = None
            ) -> JSON:
        """Read one node (``GET /{node_id}/``) and return its JSON object."""
        endpoint = endpoint_label("GET", node_id)

        def call() -> Any:
            req = self._request(node_id, "GET", "/", "NODE", endpoint)
            req.add_params(self._params(fields, params, paged=False))
            return req.execute()

        result = self._with_retries(call, endpoint)
        if not isinstance(result, dict):
            raise InvalidResponse("expected a JSON object", endpoint=endpoint)
        return result

    def edge(
        self,
        node_id: str,
        edge: str,
        fields: Sequence[str] = (),
        params: Mapping[str, Any] | None = None,
        *,
        page_size: int | None = None,
    ) -> Iterator[Any]:
        """Yield every item of an edge, across all pages.

        Unlike the SDK's own Cursor iteration, an empty page that still carries a ``next``
        link does not end the iteration; a cursor that stops advancing does (with an error),
        so a misbehaving server cannot loop us forever. Items yielded before an error stay
        with the caller.
        """
        endpoint = endpoint_label("GET", node_id, edge)
        all_params = self._params(fields, params, paged=True, page_size=page_size)

        def first() -> Any:
            req = self._request(node_id, "GET", "/" + edge, "EDGE", endpoint,
                                include_summary=edge not in NO_SUMMARY_EDGES)
            req.add_params(all_params)
            return req.execute()

        cursor = self._with_retries(first, endpoint)
        with self._lock:
            self.stats.pages += 1
        seen_cursors: set[str] = set()
        pages = 1
        while True:
            while len(cursor):
                yield next(cursor)
            if getattr(cursor, "_finished_iteration", False):
                return
            before = cursor.params.get("after")
            if isinstance(before, str):
                seen_cursors.add(before)
            loaded = self._with_retries(cursor.load_next_page, endpoint)
            after = cursor.params.get("after")
            if loaded or after != before:
                pages += 1
                with self._lock:
                    self.stats.pages += 1
                if isinstance(after, str) and after in seen_cursors and after != before:
                    raise InvalidResponse("paging cursor repeated an earlier page",
                                          endpoint=endpoint)
                if pages > MAX_PAGES:
                    raise InvalidResponse(f"more than {MAX_PAGES} pages", endpoint=endpoint)
                continue
            return

    def post(self, node_id: str, edge: str = "", params: Mapping[str, Any] | None = None) -> JSON:
        """``POST /{node_id}/{edge}``; returns the JSON answer (``{"success": true}`` etc.).

        Writes are not retried on transient errors unless the caller does so knowingly.
        """
        endpoint = endpoint_label("POST", node_id, edge)

        def call() -> Any:
            req = self._request(node_id, "POST", "/" + edge, "NODE" if not edge else "EDGE",
                                endpoint)
            req.add_params(dict(params or {}))
            return req.execute()

        result = self._with_retries(call, endpoint, retry_transient=False)
        if not isinstance(result, dict):
            raise InvalidResponse("expected a JSON object", endpoint=endpoint)
        return result

    def batch_get(self, calls: Sequence[BatchCall]) -> list[JSON | GraphError]:
        """Run GETs through the batch endpoint, 50 per request, in order.

        Returns, per call, the parsed JSON body or the GraphError for that item. Items the
        server did not finish (``null``) are retried in a new batch, a bounded number of times.
        """
        results: list[JSON | GraphError | None] = [None] * len(calls)
        for start in range(0, len(calls), BATCH_LIMIT):
            chunk = list(range(start, min(start + BATCH_LIMIT, len(calls))))
            self._run_batch_chunk(calls, chunk, results)
        return [r if r is not None else InvalidResponse("batch item never completed",
                                                        endpoint=calls[i].endpoint)
                for i, r in enumerate(results)]

    # ----------------------------------------------------------------------- internals

    def _remember_headers(self, response: requests.Response, *args: Any, **kwargs: Any
                          ) -> None:
        """The response hook of requests that keeps the answer's headers for this thread
        (calls return parsed bodies; the slowdown after each needs the usage headers)."""
        self._last.headers = response.headers

    def _traced(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        """The response hook of requests: one trace line per exchange (a side channel:
        a line it cannot write is logged, never a reason to fail the audit's request)."""
        if self._trace is None:
            return
        request = response.request
        body = request.body
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body or "")
        try:
            self._trace.record(Exchange(
                method=str(request.method or ""), url=str(request.url or ""), body=text,
                status=response.status_code, text=response.text,
                duration_ms=response.elapsed.total_seconds() * 1000.0))
        except (OSError, ValueError, TypeError) as exc:
            log.warning("could not write a trace line (%s)", type(exc).__name__)

    def _params(
        self,
        fields: Sequence[str],
        params: Mapping[str, Any] | None,
        *,
        paged: bool,
        page_size: int | None = None,
    ) -> dict[str, Any]:
        out = dict(params or {})
        if fields:
            out["fields"] = ",".join(fields)
        if paged and "limit" not in out:
            out["limit"] = page_size or self.settings.page_size
        return out

    def _request(self, node_id: str, method: str, edge: str, api_type: str, endpoint: str,
                 *, include_summary: bool = True) -> FacebookRequest:
        return FacebookRequest(
            node_id=node_id,
            method=method,
            endpoint=edge,
            api=self._api,
            target_class=AbstractObject,
            api_type=api_type,
            response_parser=_RawParser(endpoint),
            include_summary=include_summary,
        )

    def _note_headers(self, headers: Any) -> None:
        usage = parse_usage(headers)
        pause = self.settings.retry.slowdown(usage)
        if pause > 0:
            log.info("usage at %.0f%% of the limit; pausing %.1fs", usage.max_percent, pause)
            with self._lock:
                self.stats.waited_seconds += pause
            self._sleep(pause)

    def _translate(self, exc: BaseException, endpoint: str) -> tuple[GraphError, Usage]:
        if isinstance(exc, GraphError):
            if exc.endpoint is None:
                exc.endpoint = endpoint
            return exc, Usage()
        if isinstance(exc, FacebookRequestError):
            headers = exc.http_headers()
            error = from_error_body(exc.body(), exc.http_status(), endpoint)
            usage = parse_usage(headers)
            if exc.api_transient_error() and not error.retryable:
                error.retryable = True
            return error, usage
        if isinstance(exc, UnreadableAnswer):
            if self._trace is not None:
                self._trace.failed(endpoint, "unreadable", exc.message)
            cls = BadAnswer if exc.transient else InvalidResponse
            return cls(f"{self._host} answered {exc.message}" if exc.transient
                       else exc.message, http_status=exc.status, endpoint=endpoint), Usage()
        if isinstance(exc, requests.exceptions.RequestException):
            if self._trace is not None:
                self._trace.failed(endpoint, "network", type(exc).__name__)
            return NetworkError(network_words(exc, self._host, self.settings.timeout_seconds),
                                endpoint=endpoint), Usage()
        if isinstance(exc, (ValueError, FacebookError)):
            return InvalidResponse(
                f"the response could not be parsed ({type(exc).__name__})", endpoint=endpoint
            ), Usage()
        if isinstance(exc, (TypeError, AttributeError, KeyError, IndexError, RecursionError)):
            # Raised inside the SDK by an answer it could not handle (it indexes a non-JSON
            # body as an object when the text contains "success"); the gate stops those
            # before the SDK sees them, and this is the boundary's last line.
            return InvalidResponse(f"the SDK could not read the answer ({type(exc).__name__})",
                                   endpoint=endpoint), Usage()
        raise exc

    def _with_retries(self, call: Callable[[], T], endpoint: str, retry_transient: bool = True,
                      *, slow_down: bool = True) -> T:
        """``call`` with bounded retries, the circuit breaker and, after an answer, the
        slowdown its usage headers ask for (``slow_down=False`` for a batch: each of its
        items carries its own usage headers, noted one by one)."""
        attempt = 0
        while True:
            refused = self.breaker.open_reason()
            if refused is not None:
                raise Unreachable(refused, endpoint=endpoint)
            cancel.check()  # Ctrl-C / SIGTERM: no new request once a stop was asked for
            with self._lock:
                self.stats.requests += 1
            self._last.headers = None  # a call that sends nothing leaves nothing to note
            try:
                result = call()
            except Exception as exc:  # translated below; unknown exceptions re-raise
                error, usage = self._translate(exc, endpoint)
            else:
                self.breaker.success()
                if slow_down:
                    self._note_headers(self._last.headers)
                return result
            if isinstance(error, (NetworkError, BadAnswer)):
                opened = self.breaker.failure(error.message)
                if opened is not None:
                    log.warning("%s: the Graph API does not answer (%s)", endpoint, opened)
                    raise Unreachable(opened, endpoint=endpoint)
            else:
                self.breaker.success()  # the API answered, even if with an error
            attempt += 1
            if error.kind == "throttled":
                with self._lock:
                    self.stats.throttled += 1
            if not retry_transient and error.kind != "throttled":
                raise error
            wait = self.settings.retry.wait_before_retry(error, attempt, usage)
            if wait is None:
                if isinstance(error, RateLimited):
                    self._asked_to_wait(error, usage)
                raise error
            log.warning("%s failed (%s); retry %d in %.1fs", endpoint, error.kind, attempt, wait)
            with self._lock:
                self.stats.retries += 1
                self.stats.waited_seconds += wait
            self._sleep(wait)

    def _asked_to_wait(self, error: RateLimited, usage: Usage) -> None:
        """A throttle the audit will not wait out: say how long Meta asked for, and when
        to run again (in the error, so the technical page and the console show it)."""
        seconds = self.settings.retry.requested_wait(error, usage)
        if seconds > 0:
            error.asked_to_wait(seconds, datetime.now(timezone.utc))
            log.warning("%s: %s", error.endpoint, error.message)

    def _run_batch_chunk(self, calls: Sequence[BatchCall], indices: list[int],
                         results: list[JSON | GraphError | None]) -> None:
        pending = indices
        retry = self.settings.retry
        item_usage: dict[int, Usage] = {}
        for attempt in range(1, retry.max_retries + 2):
            batch = Batch(self._api)
            for index in pending:
                c = calls[index]
                callback = self._batch_callback(index, results, c.endpoint, item_usage)
                batch.add("GET", (c.node_id, c.edge), params=dict(c.params),
                          success=callback, failure=callback)
            with self._lock:
                self.stats.batches += 1
            try:
                self._with_retries(functools.partial(_execute_batch, batch), BATCH_ENDPOINT,
                                   slow_down=False)
            except GraphError as exc:
                # The batch request itself failed (token refused, throttled or transient past
                # the retry budget, timeout, an answer that is not a batch answer): every item
                # in it failed that way, exactly as each would have alone, and collection goes
                # on with that error recorded per read.
                log.info("the batch request failed (%s): %s", exc.kind, exc.message)
                for index in pending:
                    results[index] = _for_item(exc, calls[index].endpoint)
                return
            # Items the server did not finish (null) and throttled/transient items go again,
            # after the longest wait any of them asks for (bounded like single calls).
            waits: list[float] = []
            again: list[int] = []
            for i in pending:
                item = results[i]
                if item is None:
                    again.append(i)
                    waits.append(retry.backoff_seconds * (2.0 ** (attempt - 1)))
                elif isinstance(item, GraphError) and item.retryable:
                    if item.kind == "throttled":
                        with self._lock:
                            self.stats.throttled += 1
                    wait = retry.wait_before_retry(item, attempt, item_usage.get(i, Usage()))
                    if wait is not None:
                        again.append(i)
                        waits.append(wait)
                    elif isinstance(item, RateLimited):
                        self._asked_to_wait(item, item_usage.get(i, Usage()))
            if not again or attempt > retry.max_retries:
                return
            pause = max(waits)
            with self._lock:
                self.stats.retries += len(again)
                self.stats.waited_seconds += pause
            log.warning("%d batch item(s) to retry in %.1fs", len(again), pause)
            self._sleep(pause)
            for i in again:
                results[i] = None
            pending = again

    def _batch_callback(self, index: int, results: list[JSON | GraphError | None], endpoint: str,
                        item_usage: dict[int, Usage]) -> Callable[[FacebookResponse], None]:
        def callback(response: FacebookResponse) -> None:
            body = response.json()
            refused = _gate_refusal(body)
            if refused is not None:
                results[index] = refused(str(body["error"].get("message")), endpoint=endpoint)
            elif response.is_success() and isinstance(body, dict):
                results[index] = body
                self._note_headers(response.headers())
            elif response.is_success():
                results[index] = InvalidResponse("expected a JSON object", endpoint=endpoint)
            else:
                error = from_error_body(body, response.status(), endpoint)
                item_usage[index] = parse_usage(response.headers())
                results[index] = error
        return callback


def _gate_refusal(body: Any) -> type[GraphError] | None:
    """The error class for a batch item the gate replaced (see ``gate.GATE_KEY``)."""
    error = body.get("error") if isinstance(body, dict) else None
    mark = error.get(GATE_KEY) if isinstance(error, dict) else None
    if mark is None:
        return None
    return BadAnswer if mark == "transient" else InvalidResponse


def network_words(exc: BaseException, host: str, timeout: float) -> str:
    """What went wrong on the wire, in a few words, e.g. ``no answer from host within 30s
    (ReadTimeout)``. requests puts the full URL (token included) in its messages, so the
    text is only searched, never shown."""
    name = type(exc).__name__
    text = str(exc).lower()
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        words = f"no connection to {host} within {timeout:g}s"
    elif isinstance(exc, requests.exceptions.Timeout):
        words = f"no complete answer from {host} within {timeout:g}s"
    elif "refused" in text:
        words = f"{host} refused the connection"
    elif isinstance(exc, requests.exceptions.ChunkedEncodingError) or any(
            w in text for w in ("reset", "aborted", "incompleteread", "remotedisconnected",
                                "closed")):
        words = f"{host} closed the connection before the answer was complete"
    elif isinstance(exc, requests.exceptions.SSLError):
        words = f"the TLS connection to {host} failed"
    elif "name or service not known" in text or "nodename nor servname" in text:
        words = f"{host} could not be resolved"
    else:
        words = f"the connection to {host} failed"
    return f"{words} ({name})"


def _execute_batch(batch: FacebookAdsApiBatch) -> Any:
    """``batch.execute()``, with an answer that is not a batch answer made an InvalidResponse.

    The SDK reads the body of ``POST /`` as a list of ``{code, headers, body}`` objects
    (``FacebookAdsApiBatch.execute`` in facebook_business/api.py); an HTML page or a JSON
    object there (a proxy's error page, a truncated answer) makes it index a string or a
    dict, which raises TypeError / AttributeError inside the SDK.
    """
    try:
        return batch.execute()
    except (TypeError, AttributeError, KeyError, IndexError):
        raise InvalidResponse("the batch answer is not a list of results",
                              endpoint=BATCH_ENDPOINT) from None


def _for_item(error: GraphError, endpoint: str) -> GraphError:
    """The batch's error, as the error of one item of it (its own endpoint, same class)."""
    item = type(error)(error.message, code=error.code, subcode=error.subcode,
                       http_status=error.http_status, endpoint=endpoint,
                       fbtrace_id=error.fbtrace_id, retry_after=error.retry_after)
    item.retryable = error.retryable
    return item
