"""The Graph API does not answer: refused, hanging, cut off, HTML or text instead of JSON.

Every case runs ``ios14-audit run`` for two clients against a misbehaving loopback server,
with batching on and off. The client is "not audited: Graph API unreachable (…)" with
what happened, the run exits 3, the circuit breaker bounds the requests, nothing turns
into an access or token finding, and the files that can be written are.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from audit.errors import ExitCode
from audit.graph.breaker import RUN_THRESHOLD
from tests.faults.conftest import TWO_CLIENTS, cli, fault_config, load_json_strict
from tests.faults.servers import (
    Behaviour,
    FaultServer,
    close_mid_response,
    hang,
    html,
    http_response,
    refused_url,
    respond,
    slow_drip,
)

# (behaviour, the words the not-audited reason must contain)
CASES: dict[str, tuple[Behaviour | None, str]] = {
    "refused": (None, "refused the connection (ConnectionError)"),
    "accept-then-hang": (hang(), "no complete answer from 127.0.0.1:{port} within 0.5s"),
    "close-mid-response": (close_mid_response(),
                           "closed the connection before the answer was complete"),
    "slow-drip": (slow_drip(b'{"data": [], "paging": {}}', 0.2),
                  "no complete answer from 127.0.0.1:{port} within 0.5s"),
    "html-500": (html(500), "answered HTTP 500 with an HTML page instead of JSON"),
    "html-502": (html(502), "answered HTTP 502 with an HTML page instead of JSON"),
    "html-503": (html(503), "answered HTTP 503 with an HTML page instead of JSON"),
    "text-200": (respond(200, "OK", "text/plain"),
                 "answered HTTP 200 with a text answer instead of JSON"),
    "text-200-success": (respond(200, "operation success", "text/plain"),
                         "answered HTTP 200 with a text answer instead of JSON"),
    "wrong-content-length": (respond(200, b'{"data": []}', content_length=4096),
                             "closed the connection before the answer was complete"),
}


# Half a second per request: a server that never answers costs three of them per client.
TIMEOUT = 0.5


def _run(tmp_path: Path, url: str, batch: bool) -> tuple[int, str, str]:
    config = fault_config(tmp_path, url, graph={"use_batch": batch, "timeout_seconds": TIMEOUT})
    result = cli("run", "-c", str(config))
    return result.code, result.out, result.err


@pytest.mark.parametrize("batch", [True, False], ids=["batch", "single"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_an_api_that_does_not_answer_leaves_the_client_not_audited(
        case: str, batch: bool, tmp_path: Path, tokens: dict[str, str]) -> None:
    behaviour, words = CASES[case]
    if behaviour is None:
        url, server = refused_url(), None
        code, out, err = _run(tmp_path, url, batch)
    else:
        with FaultServer(behaviour) as server:
            url = server.base_url
            code, out, err = _run(tmp_path, url, batch)
    port = url.rsplit(":", 1)[1]
    assert code == ExitCode.NOT_AUDITED == 3, err
    assert "Traceback" not in out + err
    for slug in TWO_CLIENTS:
        line = next(line for line in err.splitlines()
                    if line.startswith(f"{slug}: not audited: "))
        assert line.startswith(f"{slug}: not audited: Graph API unreachable ("), line
        assert words.format(port=port) in line, line
        assert "3 requests in a row failed" in line
    if server is not None:
        # The breaker: three tries per client, and never more than the run's six.
        assert server.count <= 6, server.count
    out_dir = tmp_path / "out"
    for slug in TWO_CLIENTS:
        run = load_json_strict(out_dir / slug / "run.json")
        assert run["status"] == "not_audited"
        assert run["not_audited_reason"].startswith("Graph API unreachable (")
        # A read the API did not answer says nothing about access or the token.
        assert [f["check_id"] for f in run["findings"] if f["status"] == "FAIL"] == []
        assert not any("partner" in f["remediation"].lower() for f in run["findings"])
        assert (out_dir / slug / "report.html").is_file()
        assert (out_dir / slug / "snapshot.json").is_file()
        report = (out_dir / slug / "report.html").read_text(encoding="utf-8")
        assert "Graph API unreachable" in report
    assert (out_dir / "index.html").is_file()


def test_a_server_that_never_answers_costs_seconds_not_minutes(
        tmp_path: Path, tokens: dict[str, str]) -> None:
    """Five clients, four at a time, against a server that accepts and never answers:
    the run's breaker stops everything after a handful of timeouts."""
    slugs = ("lumen-outdoor", "brightsmile-dental", "tidewater-coffee", "aurora-living",
             "evergreen-home-loans")
    with FaultServer(hang()) as server:
        config = fault_config(tmp_path, server.base_url, clients=slugs,
                              graph={"timeout_seconds": TIMEOUT})
        started = time.monotonic()
        result = cli("run", "-c", str(config), "--json")
        seconds = time.monotonic() - started
        requests_made = server.count
    print(f"\nhanging server, {len(slugs)} clients: {seconds:.1f}s, {requests_made} requests")
    assert result.code == ExitCode.NOT_AUDITED
    summary = json.loads(result.out)
    assert len(summary["clients"]) == len(slugs)
    assert all(not c["audited"] and c["reason"].startswith("Graph API unreachable (")
               for c in summary["clients"])
    # Six failures in a row open the run's breaker; the other clients' requests already
    # in flight (four clients at a time) are the only ones sent after that.
    concurrency = 4  # graph.concurrency's default, which the demo config keeps
    assert requests_made <= RUN_THRESHOLD + concurrency - 1, requests_made
    assert seconds < 30, seconds


def test_html_error_pages_are_retried_and_the_audit_completes(
        proxy, tmp_path: Path, tokens: dict[str, str]) -> None:
    """Two HTML 503 pages from a proxy, then the real answers: retried, not fatal."""
    page = b"<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>"
    proxy.interrupt(2, http_response(503, page, "text/html"))
    config = fault_config(tmp_path, proxy.base_url, clients=("lumen-outdoor",),
                          graph={"timeout_seconds": 10})
    result = cli("run", "-c", str(config))
    assert result.code == ExitCode.OK, result.err
    assert proxy.interrupted == 2
    run = load_json_strict(tmp_path / "out" / "lumen-outdoor" / "run.json")
    assert run["status"] == "audited"
    assert run["collection_stats"]["retries"] >= 2
    assert "not audited" not in result.err
